"""The service worker's promises: Background Sync, with the same bookkeeping as the pages."""

from ..test_sync_scenarios import backup, restore
from .conftest import PHONE
from .till_actions import Till
from .till_world import ServerWatch, background_sync, new_artisan, server_day, wait_until

OPENING = {"Bol raku": 6, "Vase boule": 4, "Tasse émaillée": 5, "Grand saladier": 2}


def _phone(browser, live_server):
    return browser.new_context(viewport=PHONE, locale="fr-FR", base_url=live_server.url)



def test_background_sync_after_a_server_restore_sends_again_and_redraws_what_it_lost(
        browser, live_app, live_server):
    """The worker's bookkeeping is the pages': a server that says less than it did (restored
    from a backup) gets the changes again, and the phone draws them again over its state."""
    grace = new_artisan(live_app)
    phone = _phone(browser, live_server)
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
        meta = till.meta(f"marche-u{grace.user_id}")
        assert (meta["confirmed"], meta["pulled"], meta["cookie"]) == (4, 2, None)
        till.open("sell")
        till.wait_synced()
        assert till.total() == 1800 + 3500 + 1400 == server_day(
            live_app, grace.stall_id)["summary"].takings_cents
    finally:
        watch.close()
        phone.close()
