"""Several phones, several tabs, and a browser that dies: sales are never lost, never doubled."""

import re

from playwright.sync_api import expect

from .till_actions import Till, signed_in_phone
from .till_world import (
    OPENING,
    Network,
    device_seqs,
    in_french,
    kill_browser,
    launch_phone,
    new_artisan,
    new_phone,
    server_day,
)


def test_two_phones_sell_the_same_stall_offline_then_both_show_every_sale(
        browser, live_app, live_server):
    grace = new_artisan(live_app)
    first_phone, second_phone = new_phone(browser, live_server), new_phone(browser, live_server)
    try:
        first, second = Till(first_phone.new_page()), Till(second_phone.new_page())
        for till in (first, second):
            till.log_in(grace.login)
            till.open("open")
            till.wait_offline_ready()

        network = Network(live_server, first_phone, second_phone)
        network.off()
        # Both open the stall, each on their phone: the server will keep one opening only.
        first.open_stall(OPENING, 2000)
        second.open_stall(OPENING, 2000)
        # Four vases at the stall; each phone sells some, together more than there are.
        for _ in range(3):
            first.sell({"Vase boule": 1}, "cash", received=5000)
        first.sell({"Bol raku": 2}, "card")
        second.sell({"Vase boule": 2}, "card")
        second.sell({"Tasse émaillée": 1, "Grand saladier": 1}, "other")
        assert first.total() == 3 * 3500 + 2 * 1800
        assert second.total() == 2 * 3500 + 1400 + 4500
        expect(first.tile("Vase boule")).to_contain_text("1")

        network.on()
        first.wait_synced()
        second.wait_synced()
        first.sync_now()
        second.sync_now()
        combined = 3 * 3500 + 2 * 1800 + 2 * 3500 + 1400 + 4500
        server = server_day(live_app, grace.stall_id)
        assert server["summary"].takings_cents == combined
        assert server["summary"].sales == 6
        stock = {"Bol raku": 4, "Vase boule": -1, "Tasse émaillée": 4, "Grand saladier": 1}
        assert server["stock"] == stock
        refused = []
        for till in (first, second):
            assert till.total() == combined
            assert till.stock() == stock
            vase = till.page.locator(f".tile[data-product-id='{grace.products['Vase boule']}']")
            expect(vase).to_have_class(re.compile(r"\bsold-out\b"))
            till.page.click("[data-action=sync-panel]")
            refused.append(till.page.locator("[data-rejected] li").count())
            till.page.keyboard.press("Escape")
        # The second opening was refused, and both phones say so (the coach sees it too).
        assert refused == [1, 1]
        expect(first.page.locator("[data-rejected] li")).to_contain_text(
            first.page.evaluate("JSON.parse(document.getElementById('phone-strings')"
                                ".textContent).type_open"))
        # …with the server's reason, in the artisan's language.
        expect(first.page.locator("[data-rejected] li")).to_contain_text(
            in_french("This stall was already opened."))
    finally:
        first_phone.close()
        second_phone.close()


SELL_IN_A_LOOP = """(count) => {
  window.__selling = (async () => {
    for (let i = 0; i < count; i += 1) {
      const before = document.querySelector("[data-toast]").dataset.id || "";
      document.querySelector(".tile:not(.tile-free) [data-action=add]").click();
      document.querySelector("[data-action=pay]").click();
      document.querySelector("[data-method=card]").click();
      document.querySelector("[data-action=confirm]").click();
      for (;;) {
        const toast = document.querySelector("[data-toast]");
        if (toast.dataset.kind === "recorded" && toast.dataset.id !== before) break;
        if (toast.dataset.kind === "failed") throw new Error("not recorded");
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }
    return count;
  })();
}"""


def test_two_tabs_selling_at_once_never_take_the_same_number(browser, live_app, live_server):
    with signed_in_phone(browser, live_app, live_server) as (grace, phone, one):
        one.start_day()
        two = Till(phone.new_page())
        two.open("sell")
        count = 12
        one.page.evaluate(SELL_IN_A_LOOP, count)
        two.page.evaluate(SELL_IN_A_LOOP, count)
        assert one.page.evaluate("window.__selling") == count
        assert two.page.evaluate("window.__selling") == count

        outbox = one.outbox()
        seqs = [row["seq"] for row in outbox]
        assert seqs == list(range(1, 2 * count + 2))  # the opening, then every sale once
        assert len({row["id"] for row in outbox}) == len(outbox)
        one.wait_synced()
        two.wait_synced()
        assert server_day(live_app, grace.stall_id)["sales"] == 2 * count
        assert device_seqs(live_app, grace) == [2 * count + 1]
        assert one.total() == two.total() == 2 * count * 1800


def test_a_sale_survives_the_browser_killed_right_after_recorded(
        playwright_instance, live_app, live_server, tmp_path):
    grace = new_artisan(live_app)
    profile = tmp_path / "phone"
    phone = launch_phone(playwright_instance, live_server, profile)
    till = Till(phone.new_page())
    till.log_in(grace.login)
    till.open("open")
    till.start_day(1000)
    till.wait_offline_ready()
    network = Network(live_server, phone)
    network.off()

    sale_id = till.sell({"Vase boule": 1, "Bol raku": 1}, "cash", received=5000)
    assert kill_browser(profile) > 0  # no goodbye: the battery is out
    try:
        phone.close()
    except Exception:  # the browser is gone already
        pass

    network.contexts = []
    network.on()
    phone = launch_phone(playwright_instance, live_server, profile)
    try:
        till = Till(phone.pages[0] if phone.pages else phone.new_page())
        till.page.goto("/stall/till")
        if "/auth/pin" in till.page.url:
            # The crash came before the browser wrote its cookies to disk: log in again.
            till.log_in(grace.login)
        till.open("sell")
        till.wait_synced()
        assert till.total() == 3500 + 1800
        server = server_day(live_app, grace.stall_id)
        assert server["sales"] == 1 and server["summary"].takings_cents == 3500 + 1800
        assert till.outbox()[-1]["id"] == sale_id
    finally:
        phone.close()
