"""The world around the till in the browser tests: an artisan and a stall on the server, what
the server holds, phones that can be switched off or crash, a network that can be cut."""

from __future__ import annotations

import datetime as dt
import gettext
import io
import json
import os
import signal
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from marche import demo_pictures, photos, reports
from marche.extensions import db
from marche.models import (
    ArtisanProfile,
    Device,
    Market,
    Product,
    Role,
    Sale,
    Stall,
    StockMovement,
    User,
)
from marche.security import hash_secret

from .conftest import CHROMIUM, CHROMIUM_ARGS, PHONE, SHOTS, pictures_loaded

PIN = "2468"
# name, price, cost, picture
GOODS = [("Bol raku", 1800, 400, "bowl"), ("Vase boule", 3500, 900, "vase"),
         ("Tasse émaillée", 1400, 300, "mug"), ("Grand saladier", 4500, 1200, "bowl")]


@dataclass
class Artisan:
    """A new artisan with a stall at today's demo market, not opened yet."""

    login: str
    user_id: int
    stall_id: str
    products: dict[str, str] = field(default_factory=dict)  # name → id


# What a new artisan brings to the stall in the till tests.
OPENING = {"Bol raku": 6, "Vase boule": 4, "Tasse émaillée": 5, "Grand saladier": 2}


def new_phone(browser, live_server, **options):
    """A phone of its own (a browser profile): 360 px wide, in French, on the live server."""
    return _no_cdn(browser.new_context(viewport=PHONE, locale="fr-FR", base_url=live_server.url,
                                       **options), live_server)


def _no_cdn(context, live_server):
    """The CDN refuses at once, as it does on this machine whatever its DNS does that day (a
    test that wants htmx from the CDN routes it again: the last route given is tried first)."""
    context.route(live_server.app.config["HTMX_URL"], lambda route: route.abort())
    return context


def new_artisan(app, login: str = "grace", number: int = 21) -> Artisan:
    """Add an artisan with four products and a stall at today's market."""
    with app.app_context():
        today = dt.datetime.now(ZoneInfo("Europe/Paris")).date()
        market = db.session.execute(select(Market).where(Market.date == today)).scalars().first()
        user = User(role=Role.ARTISAN, name=login.capitalize(), login=login,
                    pin_hash=hash_secret(PIN))
        user.profile = ArtisanProfile(slug=login, display_name=login.capitalize(),
                                      craft="Céramique", cohort_id=market.cohort_id)
        db.session.add(user)
        made = {}
        for name, price, cost, shape in GOODS:
            key = photos.save_bytes(demo_pictures.picture(shape, "#f2e3c6", "#b5523b"))
            product = Product(artisan=user.profile, name=name, price_cents=price, cost_cents=cost,
                              photo_key=key)
            db.session.add(product)
            made[name] = product
        stall = Stall(market=market, artisan=user.profile, number=number, fee_cents=1000,
                      slug=uuid.uuid4().hex[:10])
        db.session.add(stall)
        db.session.commit()
        return Artisan(login=login, user_id=user.id, stall_id=str(stall.id),
                       products={name: str(product.id) for name, product in made.items()})


def server_day(app, stall_id: str) -> dict:
    """Return what the server holds of a stall: its totals (reports.py), stock, status."""
    with app.app_context():
        stall = db.session.get(Stall, uuid.UUID(stall_id))
        sales = list(db.session.execute(select(Sale).where(Sale.stall_id == stall.id)).scalars())
        summary = reports.summarize(sales)
        stock = dict(db.session.execute(
            select(Product.name, func.sum(StockMovement.quantity))
            .join(Product, Product.id == StockMovement.product_id)
            .where(StockMovement.stall_id == stall.id).group_by(Product.name)).all())
        return {"summary": summary, "stock": {name: int(q) for name, q in stock.items()},
                "status": stall.status.value, "cash_counted": stall.cash_counted_cents,
                "sales": len(sales)}


def device_seqs(app, artisan: Artisan) -> list[int]:
    with app.app_context():
        return list(db.session.execute(select(Device.last_seq).where(
            Device.artisan_id == artisan.user_id)).scalars())


def phone_screenshot(page, name: str) -> None:
    """Keep what the artisan sees on a 360×740 screen (the viewport, not the whole page)."""
    SHOTS.mkdir(exist_ok=True)
    pictures_loaded(page)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def launch_phone(playwright, live_server, folder: Path, offline: bool = False):
    """Start Chromium on a profile kept in ``folder``: a phone that can be switched off."""
    return _no_cdn(playwright.chromium.launch_persistent_context(
        str(folder), executable_path=CHROMIUM, args=CHROMIUM_ARGS, viewport=PHONE,
        device_scale_factor=2, locale="fr-FR", base_url=live_server.url, offline=offline),
        live_server)


def kill_browser(folder: Path) -> int:
    """Kill, as a crash would, every Chromium process of this profile; return how many."""
    killed = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        if f"--user-data-dir={folder}".encode() in command:
            try:
                os.kill(int(entry.name), signal.SIGKILL)
                killed += 1
            except ProcessLookupError:
                pass
    return killed


class Network:
    """Cut the network between the phones and the server, and bring it back.

    The pages are told they are offline (Playwright), and the server stops answering too:
    Playwright's switch does not hold a service worker that Background Sync wakes up, and a
    phone in a park has no server either.
    """

    def __init__(self, live_server, *contexts):
        self.live_server = live_server
        self.contexts = list(contexts)

    def off(self) -> None:
        for context in self.contexts:
            context.set_offline(True)
        self.live_server.stop()

    def on(self) -> None:
        server = self.live_server
        server.start(port=int(server.url.rsplit(":", 1)[1]))
        server.run()
        for context in self.contexts:
            context.set_offline(False)




def wait_until(condition, timeout: float = 20.0, what: str = "the condition", page=None):
    """Wait until ``condition()`` is true (the server's side, which no page can wait for).

    With ``page``, the wait lets Playwright run meanwhile (its route handlers only run then).
    """
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        if page is not None:
            page.wait_for_timeout(50)
        else:
            time.sleep(0.05)


def wait_in_page(page, condition: str, arg=None, timeout: float = 20.0,
                 what: str = "the condition"):
    """Wait until an ``async`` page function returns something true.

    ``page.wait_for_function`` does not await a Promise: it takes it as true at once.
    """
    return wait_until(lambda: page.evaluate(condition, arg), timeout=timeout, what=what, page=page)


class ServerWatch:
    """Sit in front of the app: see the sync requests it serves (how many at once, from which
    client), and make some paths slow, failing or refused. ``close()`` takes it away."""

    SYNC = "/api/v1/sync/"

    def __init__(self, app):
        self.app = app
        self.inner = app.wsgi_app
        app.wsgi_app = self
        self.lock = threading.Lock()
        self.in_flight = 0
        self.most = 0  # the most sync requests served at once
        self.pushes: list[str] = []  # the client id of every push, in order
        self.delay: dict[str, float] = {}  # path → seconds before answering
        self.refuse: dict[str, int] = {}  # path → the status answered instead of the app's
        self.finished: list[str] = []  # paths whose answer was given, in order

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        sync = path.startswith(self.SYNC)
        if path == self.SYNC + "push":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = environ["wsgi.input"].read(length)
            environ["wsgi.input"] = io.BytesIO(body)
            try:
                self.pushes.append(json.loads(body).get("client_id"))
            except ValueError:
                self.pushes.append(None)
        if sync:
            with self.lock:
                self.in_flight += 1
                self.most = max(self.most, self.in_flight)
        try:
            if self.delay.get(path):
                time.sleep(self.delay[path])
            if path in self.refuse:
                start_response(f"{self.refuse[path]} Refused", [("Content-Type", "text/plain")])
                return [b"refused"]
            answer = self.inner(environ, start_response)
            try:
                return list(answer)  # the whole answer, inside the count
            finally:
                if hasattr(answer, "close"):
                    answer.close()
        finally:
            if sync:
                with self.lock:
                    self.in_flight -= 1
            self.finished.append(path)

    def close(self) -> None:
        self.app.wsgi_app = self.inner


def background_sync(context, page, origin: str) -> None:
    """Wake the service worker as the browser does when the network comes back (CDP), with or
    without a page of the app open (``page`` may be about:blank)."""
    cdp = context.new_cdp_session(page)
    registrations = []
    cdp.on("ServiceWorker.workerRegistrationUpdated",
           lambda event: registrations.extend(
               r for r in event["registrations"] if not r["isDeleted"]))
    cdp.send("ServiceWorker.enable")
    deadline = time.monotonic() + 5
    while not registrations and time.monotonic() < deadline:
        page.wait_for_timeout(50)  # the events come with the next messages from the browser
    assert registrations, "no service worker registration"
    cdp.send("ServiceWorker.dispatchSyncEvent", {
        "origin": origin, "registrationId": registrations[-1]["registrationId"],
        "tag": "marche-sync", "lastChance": False})
    cdp.detach()


def another_phone_sells(app, artisan: Artisan, name: str, price: int) -> None:
    """Another phone of the artisan sells one item, straight to the server."""
    client = app.test_client()
    logged_in = client.post("/api/v1/session", json={"login": artisan.login, "pin": PIN})
    assert logged_in.status_code == 200
    sale = {"seq": 1, "id": str(uuid.uuid4()), "type": "sale.record",
            "occurred_at": dt.datetime.now(dt.UTC).isoformat(),
            "payload": {"stall_id": artisan.stall_id, "discount_cents": 0, "total_cents": price,
                        "lines": [{"line_id": str(uuid.uuid4()),
                                   "product_id": artisan.products[name], "label": name,
                                   "quantity": 1, "unit_price_cents": price}],
                        "payments": [{"payment_id": str(uuid.uuid4()), "method": "cash",
                                      "amount_cents": price}]}}
    answer = client.post("/api/v1/sync/push", json={
        "client_id": str(uuid.uuid4()), "mutations": [sale]})
    assert answer.status_code == 200 and answer.get_json()["results"][0]["status"] == "applied"


def in_french(message: str) -> str:
    """Return what the French catalogue says for ``message`` (the server's words on a phone)."""
    translations = Path(__file__).resolve().parents[2] / "marche" / "translations"
    return gettext.translation("messages", localedir=translations, languages=["fr"]).gettext(
        message)
