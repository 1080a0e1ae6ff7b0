"""Helpers shared by the stall, photo and public tests (this module holds no test).

Rows are made in a short app context (``rows``), never in the ``make`` fixture's, which stays
pushed for the whole test: requests would share its ``g`` (Flask-Login's cached user) and its
database session. What tests keep are plain ids and slugs.
"""

import datetime as dt
import html
import io
import re
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from PIL import Image

from marche.extensions import db
from marche.models import ArtisanProfile, Product

from .factories import Factory

PIN = "2468"


@contextmanager
def rows(app):
    """Give a ``Factory`` inside an app context that ends with the block."""
    with app.app_context():
        yield Factory()


@contextmanager
def database(app):
    """Give the database session of a fresh app context, to read what requests wrote."""
    with app.app_context():
        yield db.session


@dataclass
class Stage:
    """One cohort: Awa (with products and stalls), Bilal, their coach, and another cohort's."""

    awa: int
    awa_slug: str  # the slug of Awa's stall of today
    later_slug: str  # the slug of Awa's stall at a market in a few days
    market_slug: str
    product: str  # Awa's product on sale
    archived: str  # Awa's archived product
    bilal: int
    bilal_product: str
    bilal_slug: str


def paris_today(days: int = 0) -> dt.date:
    return dt.datetime.now(ZoneInfo("Europe/Paris")).date() + dt.timedelta(days=days)


def build_stage(app) -> Stage:
    with rows(app) as make:
        coach = make.coach()
        cohort = make.cohort(coaches=[coach])
        other_coach = make.coach(email="other-coach@example.org", name="Other Coach")
        make.cohort(name="Other cohort", coaches=[other_coach])
        awa = make.artisan(login="awa", name="Awa Diallo", cohort=cohort)
        bilal = make.artisan(login="bilal", name="Bilal", cohort=cohort, craft="Menuiserie")
        market = make.market(cohort, date=paris_today())
        later = make.market(cohort, name="Marché de Noël", date=paris_today(5))
        stall = make.stall(market, awa, number=7)
        later_stall = make.stall(later, awa, number=2)
        bilal_stall = make.stall(market, bilal, number=3)
        product = make.product(awa, name="Bol raku", price_cents=1800)
        archived = make.product(awa, name="Vieux vase", price_cents=900, active=False)
        bilal_product = make.product(bilal, name="Tabouret", price_cents=4500)
        return Stage(awa=awa.id, awa_slug=stall.slug, later_slug=later_stall.slug,
                     market_slug=market.slug, product=str(product.id),
                     archived=str(archived.id), bilal=bilal.id,
                     bilal_product=str(bilal_product.id), bilal_slug=bilal_stall.slug)


def log_in(client, login: str = "awa", pin: str = PIN) -> None:
    """Log an artisan in the way the phone does."""
    response = client.post("/api/v1/session", json={"login": login, "pin": pin})
    assert response.status_code == 200, response.get_data(as_text=True)


def log_in_coach(client, email: str = "coach@example.org", password: str = "demo-coach"):
    response = client.post("/auth/login", data={"email": email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)


def update(app, model, key, **values) -> None:
    """Change a row directly in the database (what a coach or another screen would do)."""
    with database(app) as session:
        row = session.get(model, key)
        for name, value in values.items():
            setattr(row, name, value)
        session.commit()


def product(app, product_id) -> dict:
    with database(app) as session:
        row = session.get(Product, uuid.UUID(str(product_id)))
        return {column.key: getattr(row, column.key) for column in Product.__table__.columns}


def profile(app, user_id: int) -> dict:
    with database(app) as session:
        row = session.get(ArtisanProfile, user_id)
        return {column.key: getattr(row, column.key)
                for column in ArtisanProfile.__table__.columns}


def field_error(page: str, name: str) -> str | None:
    """Return the error message shown next to field ``name``, if any."""
    match = re.search(rf'<p class="error" id="e-{name}">.*?</svg>(.*?)</p>', page, re.S)
    return match.group(1).strip() if match else None


def input_value(page: str, name: str) -> str | None:
    match = re.search(rf'<(?:input|textarea) id="f-{name}" name="{name}"[^>]*?'
                      rf'(?:value="([^"]*)"[^>]*>|>([^<]*)</textarea>)', page)
    if not match:
        return None
    return html.unescape(match.group(1) if match.group(1) is not None else match.group(2))


def jpeg_bytes(size=(64, 48), color=(200, 40, 40), **save) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="JPEG", **save)
    return buffer.getvalue()


def png_bytes(size=(64, 64), color=(0, 0, 255, 0), mode="RGBA") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, color).save(buffer, format="PNG")
    return buffer.getvalue()


def upload(data: bytes, name: str = "photo.jpg"):
    """Return what a file field sends, for the test client's ``data=``."""
    return (io.BytesIO(data), name)



def served(client, url: str) -> int:
    """Return the status a URL is answered with (the answer closed: a photo is a file)."""
    with client.get(url) as response:
        return response.status_code
