"""Helpers shared by the coach tests: a cohort with its coach, artisans and a market of today.

Rows are made inside a short app context (``rows``), never the ``make`` fixture's: that one
stays pushed for the whole test, so every request would share its ``g`` (Flask-Login's cached
user) and its database session, and a test with two browsers would see one user.
"""

import re
from contextlib import contextmanager
from dataclasses import dataclass

from marche.models import Role

from .factories import Factory


@dataclass
class World:
    """Ids of what one cohort holds (plain ids: rows go stale between app contexts)."""

    cohort: int
    coach: int
    coach_email: str
    artisan: int
    artisan_login: str
    market: int
    stall: str


def build_cohort(make, tag: str, role=Role.COACH) -> World:
    """Make a cohort with its coach, two artisans, a market of today and one stall on it."""
    cohort = make.cohort(name=f"Cohort {tag.upper()}")
    coach_email = f"coach-{tag}@example.org"
    coach = make.coach(email=coach_email, name=f"Coach {tag.upper()}", cohorts=[cohort],
                       role=role)
    artisan = make.artisan(login=f"awa-{tag}", name=f"Awa {tag.upper()}", cohort=cohort)
    make.artisan(login=f"bilal-{tag}", name=f"Bilal {tag.upper()}", cohort=cohort)
    market = make.market(cohort, name=f"Market {tag.upper()}")
    stall = make.stall(market, artisan, number=3)
    return World(cohort=cohort.id, coach=coach.id, coach_email=coach_email, artisan=artisan.id,
                 artisan_login=artisan.login, market=market.id, stall=str(stall.id))


@contextmanager
def rows(app):
    """Give a ``Factory`` inside an app context that ends with the block."""
    with app.app_context():
        yield Factory()


def build_cohorts(app, *tags: str) -> list[World]:
    with rows(app) as make:
        return [build_cohort(make, tag) for tag in tags]


def log_in_coach(client, email: str, password: str = "demo-coach") -> None:
    response = client.post("/auth/login", data={"email": email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)


def log_in_artisan(client, login: str, pin: str = "2468") -> None:
    response = client.post("/auth/pin", data={"login": login, "pin": pin})
    assert response.status_code == 302, response.get_data(as_text=True)


def field_error(page: str, name: str) -> str | None:
    """Return the error message shown next to field ``name``, if any."""
    match = re.search(rf'<p class="error" id="e-{name}">.*?</svg>(.*?)</p>', page, re.S)
    return match.group(1).strip() if match else None


def input_value(page: str, name: str) -> str | None:
    match = re.search(rf'<input id="f-{name}" name="{name}" type="[a-z]+" value="([^"]*)"', page)
    return match.group(1) if match else None
