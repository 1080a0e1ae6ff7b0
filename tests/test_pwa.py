"""The installable app: service worker, manifest, icons, offline page, and the till's page shell."""

import io
import json
import re
import uuid
from pathlib import Path

import pytest
from PIL import Image

from marche.models import MovementKind, Sale, Stall, StallStatus, StockMovement, utcnow
from marche.pwa_icons import draw
from marche.stall.till_strings import phone_strings

from .test_stall_support import build_stage, database, log_in, log_in_coach, update


@pytest.fixture
def stage(app):
    return build_stage(app)


def _sw_config(body: str) -> dict:
    match = re.search(r"const CONFIG = /\*\{\{SW_CONFIG\}\}\*/(.*?);\n", body)
    if match:  # the placeholder was left in: nothing was written in
        return json.loads(match.group(1))
    return json.loads(re.search(r"const CONFIG = (\{.*?\});\n", body).group(1))


def test_service_worker_is_served_uncached_at_the_root_with_its_version(app, client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    body = response.get_data(as_text=True)
    assert "{{SW_CONFIG}}" not in body
    config = _sw_config(body)
    assert config["version"].startswith(app.config["APP_VERSION"] + "-")
    assert "/stall/till" in config["pages"]
    # The offline page is kept with the static files: a log-out forgets the pages, not it.
    assert config["offline"] == "/offline" and "/offline" not in config["pages"]
    assert 'importScripts(CONFIG.outbox_rules)' in body
    assert config["outbox_rules"] in config["static"]
    assert config["session_url"] == "/api/v1/session"
    assert config["htmx"] == {"url": app.config["HTMX_URL"], "integrity": app.config["HTMX_SRI"]}
    # Every file kept offline is named with its content's hash, and is really there.
    assert any(url.startswith("/static/js/till.js?v=") for url in config["static"])
    assert any(url.startswith("/static/marche.css?v=") for url in config["static"])
    for url in config["static"]:
        assert re.search(r"\?v=[0-9a-f]{12}$", url), url
        assert client.get(url, buffered=True).status_code == 200, url


def test_a_new_app_version_makes_a_new_service_worker(app, client):
    before = client.get("/sw.js").get_data(as_text=True)
    app.config["APP_VERSION"] = "9.9.9"
    after = client.get("/sw.js").get_data(as_text=True)
    assert before != after
    assert _sw_config(after)["version"].startswith("9.9.9-")


def test_manifest_names_the_app_its_icons_and_the_till(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    manifest = response.get_json(force=True)
    assert manifest["name"] == "Marché"
    assert manifest["start_url"] == "/stall/till"
    assert manifest["display"] == "standalone"
    assert re.fullmatch(r"#[0-9a-f]{6}", manifest["theme_color"])
    icons = {(icon["sizes"], icon.get("purpose", "any")): icon for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= set(icons)
    for (sizes, _purpose), icon in icons.items():
        if icon["type"] != "image/png":
            continue
        picture = client.get(icon["src"], buffered=True)
        assert picture.status_code == 200
        width = int(sizes.split("x")[0])
        assert Image.open(io.BytesIO(picture.data)).size == (width, width)


def test_maskable_icon_fills_its_square_and_the_other_has_round_corners():
    maskable = draw(96, maskable=True)
    plain = draw(96)
    assert maskable.getpixel((0, 0))[3] == 255  # launchers cut their own shape out of it
    assert plain.getpixel((0, 0))[3] == 0
    assert plain.getpixel((48, 48))[3] == 255


def test_offline_page_points_to_the_till(client):
    page = client.get("/offline").get_data(as_text=True)
    assert 'href="/stall/till"' in page


def test_till_shell_carries_words_settings_and_scripts_but_no_cdn(app, client, stage):
    log_in(client, "awa")
    page = client.get("/stall/till").get_data(as_text=True)
    config = json.loads(re.search(
        r'<script type="application/json" id="phone-config">(.*?)</script>', page, re.S).group(1))
    assert config["db"] == f"marche-u{stage.awa}"
    assert config["push_url"] == "/api/v1/sync/push" and config["pull_url"] == "/api/v1/sync/pull"
    words = json.loads(re.search(
        r'<script type="application/json" id="phone-strings">(.*?)</script>', page, re.S).group(1))
    assert words["recorded"] and words["items"]["other"]
    imports = json.loads(re.search(r'<script type="importmap">(.*?)</script>', page, re.S)
                         .group(1))["imports"]
    assert imports["/static/js/idb.js"].startswith("/static/js/idb.js?v=")
    assert '<script type="module" src="/static/js/till.js?v=' in page
    assert app.config["HTMX_URL"] not in page
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page


def test_scripts_hold_no_sentence_of_their_own():
    """Every word a script shows comes from the page (translated by the server)."""
    from pathlib import Path

    folder = Path(__file__).resolve().parents[1] / "static" / "js"
    for script in folder.glob("*.js"):
        for line in script.read_text().splitlines():
            code = line.split("//")[0]
            for text in re.findall(r'"([^"]*)"|`([^`]*)`', code):
                words = (text[0] or text[1])
                # Keys, selectors and addresses are lower-case words; a sentence is not.
                assert not re.search(r"[A-Z][a-z]+ [a-z]+ [a-z]+", words), (script.name, line)


def test_words_come_in_every_plural_form_of_the_language(app):
    with app.test_request_context("/", headers={"Accept-Language": "ar"}):
        words = phone_strings()
    assert set(words["items"]) == {"zero", "one", "two", "few", "many", "other"}
    with app.test_request_context("/", headers={"Accept-Language": "fr"}):
        assert {"one", "other"} <= set(phone_strings()["items"])


def test_today_offers_to_open_the_stall_then_to_sell(app, client, stage):
    log_in(client, "awa")
    page = client.get("/stall/").get_data(as_text=True)
    card = re.search(r'<section class="card card-today">.*?</section>', page, re.S).group(0)
    link = re.search(r'<a class="button button-big open-stall" href="([^"]+)"', card).group(1)
    with database(app) as session:
        stall = session.execute(Stall.__table__.select().where(
            Stall.slug == stage.awa_slug)).one()
    assert link == f"/stall/till#stall={stall.id}"
    update(app, Stall, stall.id, status=StallStatus.OPEN)
    card = client.get("/stall/").get_data(as_text=True)
    assert f'href="/stall/till#stall={stall.id}"' in card
    assert "data-sync-badge" in card


def test_settings_offer_install_storage_and_a_guarded_log_out(client, stage):
    log_in(client, "awa")
    page = client.get("/stall/me").get_data(as_text=True)
    assert "data-install" in page and "data-storage-status" in page
    assert 'data-dialog="logout"' in page


def test_till_hints_give_last_opening_stock_and_past_takings(app, client, stage):
    with database(app) as session:
        stall = session.execute(Stall.__table__.select().where(
            Stall.slug == stage.awa_slug)).one()
        session.execute(Stall.__table__.update().where(Stall.id == stall.id).values(
            status=StallStatus.CLOSED, opened_at=utcnow()))
        session.execute(StockMovement.__table__.insert().values(
            stall_id=stall.id, product_id=uuid.UUID(stage.product), kind=MovementKind.OPENING,
            quantity=9, occurred_at=utcnow(), created_at=utcnow()))
        session.execute(Sale.__table__.insert().values(
            id=uuid.uuid4(), stall_id=stall.id, artisan_id=stage.awa, occurred_at=utcnow(),
            received_at=utcnow(), total_cents=3600, discount_cents=0))
        session.execute(Sale.__table__.insert().values(
            id=uuid.uuid4(), stall_id=stall.id, artisan_id=stage.awa, occurred_at=utcnow(),
            received_at=utcnow(), total_cents=999, discount_cents=0, voided=True))
        session.commit()
    log_in(client, "awa")
    page = client.get("/stall/till").get_data(as_text=True)
    hints = json.loads(re.search(r'<script type="application/json" id="till-hints">(.*?)</script>',
                                 page, re.S).group(1))
    assert hints["last_opening"] == {stage.product: 9}
    assert [market["takings_cents"] for market in hints["past"]] == [3600]


@pytest.mark.parametrize("who", ["visitor", "coach", "bilal"])
def test_only_the_artisan_gets_their_own_till(client, stage, who):
    if who == "coach":
        log_in_coach(client)
    elif who == "bilal":
        log_in(client, "bilal")
    response = client.get("/stall/till")
    if who == "visitor":
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/auth/pin")
    elif who == "coach":
        assert response.status_code == 403
    else:
        page = response.get_data(as_text=True)
        assert f'"db": "marche-u{stage.bilal}"' in page
        assert f"marche-u{stage.awa}" not in page


def _links(page: str) -> dict[str, str]:
    return {rel: href for rel, href in re.findall(r'<link rel="(stylesheet|icon)" href="([^"]+)"',
                                                  page)}


def test_every_page_links_the_sheet_and_icon_the_worker_keeps(app, client, stage):
    """A URL without its version is not in the worker's cache: it would wait for the network."""
    kept = set(_sw_config(client.get("/sw.js").get_data(as_text=True))["static"])
    pages = {"log-in": client.get("/auth/pin"), "offline": client.get("/offline"),
             "public": client.get(f"/s/{stage.awa_slug}")}
    log_in(client, "awa")
    pages |= {"today": client.get("/stall/"), "till": client.get("/stall/till")}
    for name, response in pages.items():
        assert response.status_code == 200, name
        links = _links(response.get_data(as_text=True))
        assert set(links) == {"stylesheet", "icon"}, name
        assert links["stylesheet"] in kept and links["icon"] in kept, (name, links)


def test_the_page_and_the_worker_send_one_app_version(app, client, stage):
    log_in(client, "awa")
    page = client.get("/stall/till").get_data(as_text=True)
    config = json.loads(re.search(
        r'<script type="application/json" id="phone-config">(.*?)</script>', page, re.S).group(1))
    worker = _sw_config(client.get("/sw.js").get_data(as_text=True))
    assert config["app_version"] == worker["app_version"] == worker["version"]
    assert config["app_version"].startswith(app.config["APP_VERSION"] + "-")
    assert config["login"] == "awa"
    # One place builds the push and confirms it, for the pages and the worker alike.
    sw = (Path(__file__).resolve().parents[1] / "sw" / "sw.js").read_text()
    assert "RULES.pushBody(" in sw and "RULES.confirmIn(" in sw and "RULES.unconfirmedIn(" in sw
    assert "confirmed_at" not in sw and "app_version:" not in sw


def test_a_self_hosted_htmx_is_the_one_the_pages_and_the_worker_use(app, client, stage):
    app.config["HTMX_URL"] = "/vendor/htmx-2.0.11.min.js"
    app.config["HTMX_SRI"] = "sha384-self-hosted"
    log_in_coach(client)
    page = client.get("/coach/").get_data(as_text=True)
    assert ('<script src="/vendor/htmx-2.0.11.min.js" integrity="sha384-self-hosted" '
            'crossorigin="anonymous" defer></script>') in page
    assert "cdn.jsdelivr.net" not in page
    worker = _sw_config(client.get("/sw.js").get_data(as_text=True))
    assert worker["htmx"] == {"url": "/vendor/htmx-2.0.11.min.js",
                              "integrity": "sha384-self-hosted"}
