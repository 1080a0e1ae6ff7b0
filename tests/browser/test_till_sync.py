"""The sync engine's rules as the phone lives them (design/sync.md, "On the phone")."""

from ..test_sync_scenarios import backup, restore
from .conftest import PHONE
from .till_actions import Till
from .till_world import new_artisan, server_day

OPENING = {"Bol raku": 6, "Vase boule": 4, "Tasse émaillée": 5, "Grand saladier": 2}


def _phone(browser, live_server):
    return browser.new_context(viewport=PHONE, locale="fr-FR", base_url=live_server.url)


def _open_day(till: Till, artisan) -> None:
    till.log_in(artisan.login)
    till.open("open")
    till.open_stall(OPENING, 0)
    till.wait_synced()


def test_a_server_restored_from_a_backup_gets_the_sales_again_and_the_screen_keeps_them(
        browser, live_app, live_server):
    grace = new_artisan(live_app)
    phone = _phone(browser, live_server)
    try:
        till = Till(phone.new_page())
        _open_day(till, grace)
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
    finally:
        phone.close()
