"""The sync engine's rules as the phone lives them (design/sync.md, "On the phone"): one sender at
a time, a pull never erases what waits, confirmed changes kept 30 days, a sync when the app comes
back to the screen, and the phone's word on what still waits for the server."""

import json
import time

from playwright.sync_api import expect

from ..test_sync_scenarios import backup, restore
from .till_actions import Till, signed_in_phone
from .till_world import (
    Network,
    ServerWatch,
    another_phone_sells,
    new_artisan,
    new_phone,
    server_day,
    wait_until,
)

DAY_MS = 24 * 3600 * 1000


def _open_day(till: Till, artisan) -> None:
    till.log_in(artisan.login)
    till.open("open")
    till.start_day()


def test_one_sender_at_a_time_for_two_tabs_and_the_worker(browser, live_app, live_server):
    grace = new_artisan(live_app)
    phone = new_phone(browser, live_server)
    watch = ServerWatch(live_app)
    try:
        one = Till(phone.new_page())
        _open_day(one, grace)
        one.wait_offline_ready()
        two = Till(phone.new_page())
        two.open("sell")
        network = Network(live_server, phone)
        network.off()
        for till in (one, two):
            till.page.bring_to_front()  # the tab in front is the one the thumb is on
            till.sell({"Bol raku": 1}, "card")
            till.sell({"Vase boule": 1}, "card")
        # The network comes back to both tabs at once, and to the worker; the server is slow.
        watch.delay = {"/api/v1/sync/push": 0.4, "/api/v1/sync/pull": 0.4}
        watch.most = 0
        network.on()
        one.wait_synced()
        two.wait_synced()
        assert server_day(live_app, grace.stall_id)["sales"] == 4
        assert watch.pushes, "nothing was sent"
        assert watch.most == 1, f"{watch.most} sync requests at once"
    finally:
        watch.close()
        phone.close()


def test_a_pull_never_erases_a_sale_the_server_does_not_have(browser, live_app, live_server):
    with signed_in_phone(browser, live_app, live_server) as (grace, phone, till):
        page = till.page
        till.start_day()
        confirmed = till.meta()["confirmed"]

        # The sale's push is lost on the way (an answer that holds nothing new), and the pull
        # answers the whole state without it.
        def lost_push(route):
            route.fulfill(status=200, content_type="application/json",
                          body=json.dumps({"last_seq": confirmed, "version": 1, "results": []}))

        def state_without_sales(route):
            body = json.loads(route.request.post_data)
            answer = route.fetch(post_data=json.dumps({**body, "cookie": None})).json()
            assert answer["patch"][0] == {"op": "clear"}
            answer["patch"] = [op for op in answer["patch"]
                               if not str(op.get("key", "")).startswith("sale/")]
            route.fulfill(status=200, content_type="application/json", body=json.dumps(answer))

        pulls = []
        page.route("**/api/v1/sync/push", lost_push)
        page.route("**/api/v1/sync/pull", lambda route: (pulls.append(1),
                                                         state_without_sales(route)))
        till.sell({"Vase boule": 1}, "cash", received=5000)
        page.wait_for_function("document.querySelector('[data-sync-cloud]').dataset.status"
                               " === 'ok'")
        assert pulls, "no pull came"
        assert till.total() == 3500 and till.waiting() == 1
        expect(till.tile("Vase boule")).to_contain_text("3")
        till.tab("sales")
        expect(page.locator(".sale-row .tag-warn")).to_have_count(1)  # "not sent yet"

        page.unroute("**/api/v1/sync/push")
        page.unroute("**/api/v1/sync/pull")
        till.tab("sell")
        till.sync_now()
        assert server_day(live_app, grace.stall_id)["sales"] == 1 and till.total() == 3500


def test_confirmed_changes_are_kept_thirty_days_then_dropped(browser, live_app, live_server):
    with signed_in_phone(browser, live_app, live_server) as (grace, phone, till):
        till.start_day()
        for _ in range(3):
            till.sell({"Bol raku": 1}, "card")
        till.wait_synced()
        assert [row["seq"] for row in till.outbox()] == [1, 2, 3, 4]
        assert all(row["confirmed_at"] for row in till.outbox(full=True))
        # Confirmed 31 days ago, 29 days ago, and just now.
        till.idb("""(db, days, {read, write}) => read(db, "outbox").then((rows) => write(
            db, "outbox", rows.filter((row) => row.seq <= 2).map((row) => (
              {...row, confirmed_at: Date.now() - days[row.seq] * 86400000}))))""",
                 arg={"1": 31, "2": 29})
        till.sell({"Vase boule": 1}, "card")  # the next confirmation does the sorting
        till.wait_synced()
        assert [row["seq"] for row in till.outbox()] == [2, 3, 4, 5]


def test_the_app_coming_back_to_the_screen_syncs_at_once(browser, live_app, live_server):
    with signed_in_phone(browser, live_app, live_server) as (grace, phone, till):
        page = till.page
        till.start_day()
        # The next sync by the clock is a minute away. Meanwhile, another of her phones sells.
        another_phone_sells(live_app, grace, "Vase boule", 3500)
        page.evaluate("""() => {
            let state = "hidden";
            Object.defineProperty(document, "visibilityState", {get: () => state});
            document.dispatchEvent(new Event("visibilitychange"));
            state = "visible";
            document.dispatchEvent(new Event("visibilitychange"));
        }""")
        # Well before the clock's next sync (60 s), even on a loaded machine.
        expect(page.locator("[data-total]")).to_have_text("35,00\u00a0€", timeout=20_000)


def test_a_confirmed_cancellation_is_not_shown_as_waiting(browser, live_app, live_server):
    with signed_in_phone(browser, live_app, live_server) as (grace, phone, till):
        page = till.page
        till.start_day()
        page.route("**/api/v1/sync/pull", lambda route: route.fulfill(status=503, body="busy"))
        till.sell({"Bol raku": 1}, "card")
        till.void(0, "error")
        # Both are on the server; the state the phone pulled does not hold them yet.
        page.wait_for_function("document.querySelector('[data-sync-cloud]').dataset.waiting"
                               " === '0'")
        assert server_day(live_app, grace.stall_id)["summary"].voided == 1
        till.tab("sales")
        row = page.locator(".sale-row")
        expect(row).to_have_class("sale-row voided")
        expect(row.locator(".tag-warn")).to_have_count(0)


def test_a_server_restored_from_a_backup_gets_the_sales_again_and_the_screen_keeps_them(
        browser, live_app, live_server):
    with signed_in_phone(browser, live_app, live_server) as (grace, phone, till):
        till.start_day()
        till.sell({"Bol raku": 1}, "card")
        till.wait_synced()
        with live_app.app_context():
            nightly = backup()
        till.sell({"Vase boule": 1}, "card")
        till.wait_synced()
        with live_app.app_context():
            restore(nightly)  # the vase is lost on the server; the phone still has it
        till.sell({"Tasse émaillée": 1}, "card")
        till.wait_synced()
        till.sync_now()
        server = server_day(live_app, grace.stall_id)
        assert server["sales"] == 3
        assert till.total() == 1800 + 3500 + 1400 == server["summary"].takings_cents


def test_a_sync_that_ends_after_the_network_went_away_still_says_offline(
        browser, live_app, live_server):
    with signed_in_phone(browser, live_app, live_server) as (grace, phone, till):
        page = till.page
        till.start_day()
        meta = till.meta()
        held = []
        page.route("**/api/v1/sync/pull", lambda route: held.append(route))  # on its way…
        page.click("[data-action=sync-panel]")
        page.click("[data-action=sync-now]")
        page.wait_for_function("document.querySelector('[data-sync-cloud]').dataset.status"
                               " === 'syncing'")
        while not held:
            page.wait_for_timeout(20)  # the pull reaches the route
        phone.set_offline(True)  # …when the network goes
        page.wait_for_function("document.querySelector('[data-sync-cloud]').dataset.status"
                               " === 'offline'")
        held[0].fulfill(status=200, content_type="application/json", body=json.dumps(
            {"cookie": meta["cookie"], "last_seq": meta["confirmed"], "patch": []}))
        wait_until(lambda: till.meta()["last_sync_at"] > meta["last_sync_at"],
                   what="the late answer applied")
        page.wait_for_function("document.body.dataset.drawing !== 'true'")
        expect(page.locator("[data-sync-cloud]")).to_have_attribute("data-status", "offline")
        expect(page.locator("[data-action=sync-now]")).to_be_disabled()


def test_a_failing_pull_is_not_retried_in_a_storm_by_the_page_and_the_worker(
        browser, live_app, live_server):
    with signed_in_phone(browser, live_app, live_server) as (grace, phone, till):
        till.start_day()
        till.wait_offline_ready()  # the worker is there, with its Background Sync
        pulls = []

        def busy(route):
            pulls.append(time.monotonic())
            route.fulfill(status=503, body="busy")

        phone.route("**/api/v1/sync/pull", busy)
        till.sell({"Bol raku": 1}, "card")  # its push goes through; every pull fails
        wait_until(lambda: len(pulls) >= 3, what="three pulls", page=till.page)
        # Back-off: 1 to 2 s, then 2 to 4 s between tries; a storm makes them in a blink.
        assert pulls[2] - pulls[0] > 2.5, [round(t - pulls[0], 2) for t in pulls]
