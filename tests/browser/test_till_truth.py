"""What the till says is true: every tab shows the same day."""

from playwright.sync_api import expect

from .conftest import PHONE
from .till_actions import Till
from .till_world import Network, new_artisan

OPENING = {"Bol raku": 6, "Vase boule": 4, "Tasse émaillée": 5, "Grand saladier": 2}


def _phone(browser, live_server, **options):
    return browser.new_context(viewport=PHONE, locale="fr-FR", base_url=live_server.url,
                               **options)


def test_a_second_tab_shows_the_sales_of_the_first_and_counts_from_them(
        browser, live_app, live_server):
    grace = new_artisan(live_app)
    phone = _phone(browser, live_server)
    try:
        one = Till(phone.new_page())
        one.log_in(grace.login)
        one.open("open")
        one.open_stall(OPENING, 0)
        one.wait_synced()
        one.wait_offline_ready()
        two = Till(phone.new_page())
        two.open("sell")
        Network(live_server, phone).off()

        one.sell({"Bol raku": 1}, "cash", received=2000)
        # The other tab, untouched, draws the same day: the total, the sales waiting, the stock.
        expect(two.page.locator("[data-total]")).to_have_text(one.page.text_content("[data-total]"))
        expect(two.page.locator("[data-sync-count]")).to_have_text("1")
        expect(two.tile("Bol raku")).to_contain_text("5")

        # A count begun in the second tab while the first sells again: it replaces what the
        # phone holds when it is saved (4 bowls), not the number shown when it began (5).
        two.tab("stock")
        two.page.locator(".stock-row", has_text="Bol raku").locator("[data-adjust=count]").click()
        one.sell({"Bol raku": 1}, "card")
        expect(two.page.locator(".stock-row", has_text="Bol raku")
               .locator("[data-left]")).to_have_text("4")
        dialog = two.page.locator("[data-dialog=adjust]")
        for _ in range(2):
            dialog.locator("[data-step='-1']").click()
        expect(dialog.locator("[data-qty]")).to_have_text("3")
        dialog.locator("[data-action=adjust-save]").click()
        two.page.wait_for_selector("[data-toast][data-kind=saved]")
        count = [row for row in two.outbox(full=True) if row["type"] == "stock.adjust"][-1]
        assert count["payload"]["shown"] == 4 and count["payload"]["quantity"] == 3
        expect(one.tile("Bol raku")).to_contain_text("3")
        two.tab("sell")
        assert one.stock()["Bol raku"] == two.stock()["Bol raku"] == 3
    finally:
        phone.close()
