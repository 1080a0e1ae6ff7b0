"""The till's smaller promises: a free amount, a discount, Undo, a forgotten product, and the
warning before logging out while sales wait."""

import datetime as dt
import re
import uuid

from playwright.sync_api import expect
from sqlalchemy import select

from marche.extensions import db
from marche.models import Market, MovementKind, Product, Sale, Stall, StallStatus, StockMovement

from .till_actions import Till, cents, signed_in_phone
from .till_world import (
    OPENING,
    Network,
    device_seqs,
    new_artisan,
    new_phone,
    server_day,
    wait_until,
)


def test_free_amount_discount_undo_and_a_forgotten_product_with_no_network(
        browser, live_app, live_server):
    with signed_in_phone(browser, live_app, live_server) as (grace, phone, till):
        page = till.page
        till.wait_offline_ready()
        network = Network(live_server, phone)
        network.off()
        till.open_stall(OPENING, 0)

        # Something not in the list, at 7,50 €, with a bowl; 2 € off the whole.
        page.click("[data-action=free-amount]")
        till.type_amount("free", 750)
        page.click("[data-action=free-add]")
        till.basket({"Bol raku": 1})
        till.pay("card")
        page.click("[data-action=discount]")
        till.type_amount("discount", 99999)
        page.click("[data-action=discount-save]")
        expect(page.locator("[data-dialog=discount] [data-error]")).to_be_visible()
        till.type_amount("discount", 200)
        page.click("[data-action=discount-save]")
        assert cents(page.text_content("[data-pay-total]")) == 750 + 1800 - 200
        till.confirm()
        assert till.total() == 2350

        # A wrong tap: Undo, right after "Recorded ✓", cancels it (a void; history stays).
        till.sell({"Vase boule": 1}, "cash", received=5000)
        assert till.total() == 2350 + 3500
        page.click("[data-toast-action]")
        expect(page.locator("[data-toast]")).to_have_attribute("data-kind", "voided")
        assert till.total() == 2350
        expect(till.tile("Vase boule")).to_contain_text("4")

        # A forgotten product, added at the stall with no network, then sold.
        till.tab("stock")
        page.click("[data-action=new-product]")
        page.fill("[data-new-name]", "Petit bol")
        till.type_amount("new-price", 800)
        for _ in range(3):
            page.click("[data-dialog=new-product] [data-step='1']")
        page.click("[data-action=new-product-save]")
        page.wait_for_selector("[data-toast][data-kind=saved]")
        till.tab("sell")
        till.sell({"Petit bol": 2}, "other")
        expect(till.tile("Petit bol")).to_contain_text("1")
        assert till.total() == 2350 + 1600

        # Counting the bowls at the end: 3 where the phone said 5; a cup broke.
        till.adjust("Bol raku", "count", 3)
        till.adjust("Tasse émaillée", "loss", 1)
        stock = {"Bol raku": 3, "Vase boule": 4, "Tasse émaillée": 4, "Grand saladier": 2,
                 "Petit bol": 1}
        assert till.stock() == stock

        network.on()
        till.wait_synced()
        server = server_day(live_app, grace.stall_id)
        assert server["summary"].takings_cents == 2350 + 1600 == till.total()
        assert server["summary"].voided == 1 and server["summary"].discount_cents == 200
        assert server["stock"] == stock
        with live_app.app_context():
            product = db.session.execute(select(Product).where(
                Product.name == "Petit bol")).scalar_one()
            assert product.price_cents == 800 and product.artisan_id == grace.user_id
            sales = db.session.execute(select(Sale).where(
                Sale.stall_id == uuid.UUID(grace.stall_id))).scalars()
            free = [line for sale in sales for line in sale.lines if line.product_id is None]
            assert [line.unit_price_cents for line in free] == [750]


def test_log_out_warns_while_sales_wait_and_today_says_how_many(browser, live_app, live_server):
    with signed_in_phone(browser, live_app, live_server) as (grace, phone, till):
        page = till.page
        till.start_day()
        phone.route("**/api/v1/sync/push", lambda route: route.abort())  # the server is away
        till.sell({"Bol raku": 1}, "card")
        assert till.waiting() == 1

        page.goto("/stall/")
        expect(page.locator("[data-sync-badge]")).to_have_attribute("data-waiting", "1")
        page.goto("/stall/me")
        expect(page.locator("[data-storage-status]")).not_to_have_text("…")
        page.click(".logout-form button[type=submit]")
        dialog = page.locator("[data-dialog=logout]")
        expect(dialog).to_be_visible()
        expect(dialog.locator("[data-logout-count]")).to_contain_text("1")
        dialog.locator("button[value=stay]").click()
        expect(page).to_have_url(re.compile(r"/stall/me$"))

        page.click(".logout-form button[type=submit]")
        with page.expect_navigation():
            dialog.locator("button[value=logout]").click()
        assert "/stall/" not in page.url
        # The artisan's pages left the cache with the session; the sale stays for next time.
        assert page.evaluate("caches.keys().then((names) => names.filter("
                             "(name) => name.startsWith('marche-pages-')).length)") == 0
        phone.unroute("**/api/v1/sync/push")
        till.log_in(grace.login)
        till.open("sell")
        till.wait_synced()
        assert server_day(live_app, grace.stall_id)["sales"] == 1


OLDER_COPY = """async () => {
  // What a phone restored from yesterday's backup holds: the opening sent, the sales not there.
  const config = JSON.parse(document.getElementById("phone-config").textContent);
  const db = await new Promise((resolve) => {
    const request = indexedDB.open(config.db);
    request.onsuccess = () => resolve(request.result);
  });
  const tx = db.transaction(["meta", "outbox"], "readwrite");
  for (const key of ["seq", "confirmed", "pulled"]) tx.objectStore("meta").put({key, value: 1});
  tx.objectStore("outbox").delete(IDBKeyRange.lowerBound(2));
  await new Promise((resolve) => { tx.oncomplete = resolve; });
  db.close();
}"""


def test_a_phone_restored_from_an_older_copy_of_itself_loses_no_sale(
        browser, live_app, live_server):
    with signed_in_phone(browser, live_app, live_server) as (grace, phone, till):
        till.open_stall(OPENING, 0)
        till.sell({"Bol raku": 1}, "card")
        till.sell({"Vase boule": 1}, "card")
        till.wait_synced()
        till.page.evaluate(OLDER_COPY)
        phone.route("**/api/v1/sync/*", lambda route: route.abort())  # restored in a park
        till.page.reload()
        till.wait_ready("sell")
        # The next sale takes number 2 again, which the server holds for another sale.
        till.sell({"Tasse émaillée": 1}, "cash", received=2000)
        assert [row["seq"] for row in till.outbox()] == [1, 2]
        phone.unroute("**/api/v1/sync/*")
        till.sync_now()
        server = server_day(live_app, grace.stall_id)
        assert server["sales"] == 3
        assert server["summary"].takings_cents == 1800 + 3500 + 1400 == till.total()
        assert sorted(device_seqs(live_app, grace)) == [2, 3]  # a new client, numbered from 1


def test_a_server_in_trouble_keeps_the_rows_and_is_not_hammered(browser, live_app, live_server):
    with signed_in_phone(browser, live_app, live_server) as (grace, phone, till):
        till.start_day()
        answers = iter([{"status": 200, "body": ""}] + [{"status": 503, "body": "busy"}] * 50)
        tries = []

        def trouble(route):
            if route.request.service_worker is None:  # the page's tries, not Background Sync's
                tries.append(route.request.url)
            route.fulfill(**next(answers))

        phone.route("**/api/v1/sync/push", trouble)
        for _ in range(3):
            till.sell({"Bol raku": 1}, "card")
        till.page.wait_for_timeout(9000)
        # An empty answer, then 503s: nothing is confirmed, and the tries space out.
        assert till.waiting() == 3
        assert 3 <= len(tries) <= 9, len(tries)
        phone.unroute("**/api/v1/sync/push")
        till.sync_now()
        assert server_day(live_app, grace.stall_id)["sales"] == 3


FAKE_INSTALL_PROMPT = """() => {
  // What Chrome fires when the app may be installed (it needs a real engagement to do so).
  const event = new Event("beforeinstallprompt", {cancelable: true});
  window.__prompted = 0;
  event.prompt = () => { window.__prompted += 1; };
  event.userChoice = Promise.resolve({outcome: "accepted"});
  dispatchEvent(event);
  return event.defaultPrevented;
}"""


def test_my_settings_say_whether_sales_are_kept_safely_and_invite_to_install(
        browser, live_app, live_server):
    with signed_in_phone(browser, live_app, live_server) as (grace, phone, till):
        page = till.page
        # The first run asked the browser to keep this site's storage, once, and remembers it.
        wait_until(lambda: till.meta().get("persist_asked"), page=page,
                   what="the browser asked to keep the sales")
        page.goto("/stall/me")
        words = page.evaluate("JSON.parse(document.getElementById('phone-strings').textContent)")
        kept = page.evaluate("navigator.storage.persisted()")
        expect(page.locator("[data-storage-status]")).to_have_text(
            words["storage_yes"] if kept else words["storage_no"])

        install = page.locator("[data-install] button")
        expect(install).to_be_hidden()  # nothing to offer until the browser says it can
        assert page.evaluate(FAKE_INSTALL_PROMPT), "the browser's own banner was not held back"
        expect(install).to_be_visible()
        install.click()
        expect(install).to_be_hidden()
        assert page.evaluate("window.__prompted") == 1


def test_a_new_phone_offers_the_stock_brought_last_time(browser, live_app, live_server):
    """Grace opened her stall at the last market on another phone: this one, new, counts from
    what she brought then, and she only changes what differs."""
    grace = new_artisan(live_app)
    brought = {"Bol raku": 7, "Vase boule": 3, "Tasse émaillée": 0, "Grand saladier": 2}
    with live_app.app_context():
        today = db.session.get(Stall, uuid.UUID(grace.stall_id))
        past = db.session.execute(select(Market).where(Market.date < today.market.date)
                                  .order_by(Market.date.desc())).scalars().first()
        last = Stall(market=past, artisan_id=grace.user_id, number=30, fee_cents=0,
                     slug=uuid.uuid4().hex[:10], status=StallStatus.CLOSED,
                     opened_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=14))
        db.session.add(last)
        db.session.flush()
        for name, quantity in brought.items():
            db.session.add(StockMovement(stall_id=last.id, product_id=uuid.UUID(
                grace.products[name]), kind=MovementKind.OPENING, quantity=quantity))
        db.session.commit()
    phone = new_phone(browser, live_server)
    try:
        till = Till(phone.new_page())
        till.log_in(grace.login)
        till.open("open")
        for name, quantity in brought.items():
            row = till.page.locator(".open-row", has_text=name)
            expect(row.locator("[data-qty]")).to_have_text(str(quantity))
        till.open_stall(dict(brought, **{"Bol raku": 8}), 2000)
        till.wait_synced()
        assert server_day(live_app, grace.stall_id)["stock"] == dict(brought, **{"Bol raku": 8})
    finally:
        phone.close()
