"""The service worker's promises: the till opens with no network (after a log-out too, and when
the server is slow), and Background Sync sends the signed-in artisan's sales with no page open,
with the same bookkeeping as the pages."""

import re
import time

from playwright.sync_api import expect

from ..test_sync_scenarios import backup, restore
from .till_actions import Till, signed_in_phone
from .till_world import (
    OPENING,
    Network,
    ServerWatch,
    background_sync,
    new_artisan,
    new_phone,
    server_day,
    wait_until,
)

PAGES_HOLD_THE_TILL = """async () => {
  for (const name of await caches.keys()) {
    if (name.startsWith("marche-pages-")
        && await (await caches.open(name)).match(location.origin + "/stall/till")) return true;
  }
  return false;
}"""


def _log_out(page, anyway: bool = False) -> None:
    page.goto("/stall/me")
    expect(page.locator("[data-storage-status]")).not_to_have_text("…")  # its script is ready
    with page.expect_navigation():
        page.click(".logout-form button[type=submit]")
        if anyway:
            page.locator("[data-dialog=logout] button[value=logout]").click()
    assert "/stall/" not in page.url


def test_after_a_log_out_and_in_again_the_till_opens_with_no_network(
        browser, live_app, live_server):
    with signed_in_phone(browser, live_app, live_server) as (grace, phone, till):
        page = till.page
        till.wait_offline_ready()
        _log_out(page)
        assert not page.evaluate(PAGES_HOLD_THE_TILL)  # the next person cannot see them

        # Logged in again, the artisan goes straight to the market: the till was not opened.
        till.log_in(grace.login)
        expect(page).to_have_url(re.compile(r"/stall/$"))
        till.wait_offline_ready()
        network = Network(live_server, phone)
        network.off()
        page.goto("/stall/me")  # a page not kept since the log-out: the offline page, not a 503
        expect(page.locator("a[href='/stall/till']")).to_be_visible()
        page.click("a[href='/stall/till']")
        till.wait_ready("open")
        till.open_stall(OPENING, 0)
        till.sell({"Bol raku": 1}, "cash", received=2000)
        network.on()
        till.wait_synced()
        assert server_day(live_app, grace.stall_id)["sales"] == 1


def test_a_slow_or_failing_server_gives_the_kept_till_in_a_few_seconds(
        browser, live_app, live_server):
    grace = new_artisan(live_app)
    phone = new_phone(browser, live_server)
    watch = ServerWatch(live_app)
    try:
        till = Till(phone.new_page())
        till.log_in(grace.login)
        till.open("open")
        till.wait_offline_ready()

        watch.delay["/stall/till"] = 12  # a network that crawls
        answered = watch.finished.count("/stall/till")
        started = time.monotonic()
        till.page.goto("/stall/till", wait_until="commit")  # the page's answer, not its start-up
        assert time.monotonic() - started < 8
        till.wait_ready("open")
        assert watch.finished.count("/stall/till") == answered, "the page came from the network"
        assert len(till.page.locator(".open-row").all()) == 4

        watch.delay.clear()
        watch.refuse["/stall/till"] = 500  # a server in trouble: yesterday's copy is better
        till.open("open")
        expect(till.page.locator("[data-screen=open] h1")).to_be_visible()
    finally:
        watch.close()
        phone.close()


def test_background_sync_sends_the_sales_with_no_page_open(browser, live_app, live_server):
    grace = new_artisan(live_app)
    phone = new_phone(browser, live_server)
    watch = ServerWatch(live_app)
    try:
        till = Till(phone.new_page())
        page = till.page
        till.log_in(grace.login)
        till.open("open")
        till.start_day()
        till.wait_offline_ready()
        watch.refuse["/api/v1/sync/push"] = 503  # the sales wait on the phone
        till.sell({"Bol raku": 1}, "card")
        till.sell({"Vase boule": 1}, "cash", received=5000)
        assert till.waiting() == 2

        page.goto("about:blank")  # the artisan closed the app
        watch.refuse.clear()
        background_sync(phone, page, live_server.url)
        wait_until(lambda: server_day(live_app, grace.stall_id)["sales"] == 2,
                   what="the worker's push")
        till.open("sell")
        till.wait_synced()
        assert till.total() == 1800 + 3500
    finally:
        watch.close()
        phone.close()


def test_background_sync_sends_only_the_signed_in_artisans_outbox(
        browser, live_app, live_server):
    grace, hana = new_artisan(live_app), new_artisan(live_app, "hana", number=22)
    phone = new_phone(browser, live_server)
    watch = ServerWatch(live_app)
    try:
        till = Till(phone.new_page())
        page = till.page
        till.log_in(grace.login)
        till.open("open")
        till.start_day()
        till.wait_offline_ready()
        graces_phone = till.meta()["client_id"]
        graces_db = page.evaluate(
            "JSON.parse(document.getElementById('phone-config').textContent).db")
        watch.refuse["/api/v1/sync/push"] = 503
        till.sell({"Bol raku": 1}, "card")
        _log_out(page, anyway=True)  # her sale stays on the phone for her next log-in

        till.log_in(hana.login)
        till.open("open")
        till.open_stall(OPENING, 0)
        till.sell({"Vase boule": 1}, "card")
        assert till.waiting() == 1
        page.goto("about:blank")
        watch.refuse.clear()
        watch.pushes.clear()
        background_sync(phone, page, live_server.url)
        wait_until(lambda: server_day(live_app, hana.stall_id)["sales"] == 1,
                   what="Hana's sale")
        # Grace's outbox was not sent with Hana's session (the server would refuse it, or give
        # Grace's phone to Hana); it still waits, whole, for Grace.
        assert graces_phone not in watch.pushes
        page.goto("/offline")
        grace_meta = till.meta(graces_db)
        assert grace_meta["confirmed"] < grace_meta["seq"]

        _log_out(page)
        till.log_in(grace.login)
        till.open("sell")
        till.wait_synced()
        day = server_day(live_app, grace.stall_id)
        assert day["sales"] == 1 and day["summary"].takings_cents == 1800
    finally:
        watch.close()
        phone.close()


def test_background_sync_after_a_server_restore_sends_again_and_redraws_what_it_lost(
        browser, live_app, live_server):
    """The worker's bookkeeping is the pages': a server that says less than it did (restored
    from a backup) gets the changes again, and the phone draws them again over its state."""
    grace = new_artisan(live_app)
    phone = new_phone(browser, live_server)
    watch = ServerWatch(live_app)
    try:
        till = Till(phone.new_page())
        page = till.page
        till.log_in(grace.login)
        till.open("open")
        till.open_stall(OPENING, 0)
        till.sell({"Bol raku": 1}, "card")
        till.wait_synced()
        till.wait_offline_ready()
        with live_app.app_context():
            nightly = backup()
        till.sell({"Vase boule": 1}, "card")
        till.wait_synced()
        assert till.meta()["pulled"] == 3
        watch.refuse["/api/v1/sync/push"] = 503
        till.sell({"Tasse émaillée": 1}, "card")
        with live_app.app_context():
            restore(nightly)  # the server lost the vase; it holds changes 1 and 2

        page.goto("about:blank")
        watch.refuse.clear()
        background_sync(phone, page, live_server.url)
        wait_until(lambda: server_day(live_app, grace.stall_id)["sales"] == 3,
                   what="the worker sending the vase again")
        page.goto("/offline")  # a page of the app that syncs nothing
        name = f"marche-u{grace.user_id}"
        # The worker writes down what the server confirmed once its answer is read.
        wait_until(lambda: till.meta(name)["confirmed"] == 4, page=page,
                   what="the worker writing down the confirmation")
        meta = till.meta(name)
        assert (meta["confirmed"], meta["pulled"], meta["cookie"]) == (4, 2, None)
        till.open("sell")
        till.wait_synced()
        assert till.total() == 1800 + 3500 + 1400 == server_day(
            live_app, grace.stall_id)["summary"].takings_cents
    finally:
        watch.close()
        phone.close()
