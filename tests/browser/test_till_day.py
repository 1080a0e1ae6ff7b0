"""A whole market day on the till with no network, on a 360×740 phone in Chromium.

The phone loads the till once online, then sells all day offline, is reloaded, switched off and
on again: nothing is lost, and once online the server's totals (marche/reports.py) are the
phone's, to the cent.
"""

import itertools
import re

from playwright.sync_api import expect

from marche import reports

from .conftest import pictures_loaded
from .till_actions import Till, cents
from .till_world import Network, launch_phone, new_artisan, phone_screenshot, server_day

OPENING = {"Bol raku": 12, "Vase boule": 5, "Tasse émaillée": 8, "Grand saladier": 3}
FLOAT = 4000
PRICES = {"Bol raku": 1800, "Vase boule": 3500, "Tasse émaillée": 1400, "Grand saladier": 4500}


def _sale(items: dict[str, int], method: str, prices: dict[str, int]) -> dict:
    lines = [{"product_id": name, "label": name, "quantity": quantity,
              "unit_price_cents": prices[name]} for name, quantity in items.items()]
    total = sum(line["quantity"] * line["unit_price_cents"] for line in lines)
    return {"lines": lines, "payments": [{"method": method, "amount_cents": total}],
            "total_cents": total, "discount_cents": 0, "voided": False}


def test_a_whole_day_offline_survives_reloads_and_a_restart_then_matches_the_server(
        playwright_instance, live_app, live_server, tmp_path, database):
    grace = new_artisan(live_app)
    profile = tmp_path / "phone"
    phone = launch_phone(playwright_instance, live_server, profile)
    page = phone.new_page()
    till = Till(page)
    till.log_in(grace.login)
    till.open("open")
    till.wait_offline_ready(photos=4)

    # The park has no network from here on.
    network = Network(live_server, phone)
    network.off()
    page.reload()
    till.wait_ready("open")
    phone_screenshot(page, f"till-open-{database}")
    till.open_stall(OPENING, FLOAT)
    expect(till.tile("Vase boule")).to_contain_text("5")

    prices = dict(PRICES)
    expected = []
    cycle = itertools.cycle([("Bol raku", "card"), ("Tasse émaillée", "cash"),
                             ("Bol raku", "other"), ("Vase boule", "card"),
                             ("Bol raku", "cash")])
    for number in range(30):
        name, method = next(cycle)
        if number == 12:
            till.set_price("Tasse émaillée", 1200)  # the afternoon price
            prices["Tasse émaillée"] = 1200
        if number == 20:
            till.adjust("Vase boule", "restock", 3)  # more vases from the van
            till.tab("stock")
            phone_screenshot(page, f"till-stock-{database}")
            till.tab("sell")
        items = {name: 1} if number % 7 else {name: 1, "Grand saladier": 1}
        if number == 0:
            items = {"Bol raku": 2, "Tasse émaillée": 1}
            till.basket(items)
            expect(till.tile("Bol raku").locator("[data-count]")).to_have_text("2")
            page.evaluate("scrollTo(0, 0)")
            phone_screenshot(page, f"till-sell-{database}")
            till.pay(method)
            till.confirm()
        elif method == "cash" and number == 16:
            till.basket(items)
            till.pay("cash", received=5000)
            change = 5000 - sum(prices[n] * q for n, q in items.items())
            expect(page.locator("[data-change] .amount")).to_have_text(
                page.evaluate("(c) => new Intl.NumberFormat('fr-u-nu-latn', {style: 'currency', "
                              "currency: 'EUR'}).format(c / 100)", change))
            phone_screenshot(page, f"till-basket-change-{database}")
            till.confirm()
        else:
            till.sell(items, method, received=5000 if method == "cash" else None)
        expected.append(_sale(items, method, prices))

    till.void(sale_index=3, reason="return")  # the fourth latest sale comes back
    expected[-4]["voided"] = True
    summary = reports.summarize(expected)
    assert till.total() == summary.takings_cents
    # The cloud counts the sales waiting; the other changes are counted apart.
    assert till.waiting() == 30
    waiting = till.changes_waiting()
    assert waiting == 1 + 30 + 1 + 1 + 1  # open, sales, price, restock, void
    words = page.evaluate("JSON.parse(document.getElementById('phone-strings').textContent)")
    expect(page.locator("[data-sync-cloud]")).to_have_accessible_name(
        re.compile(re.escape(words["sales_waiting"]["other"].replace("%(num)s", "30"))))
    page.click("[data-action=sync-panel]")
    badge = page.locator("[data-dialog=sync] [data-sync-badge]")
    expect(badge).to_have_attribute("data-waiting", str(waiting))
    expect(badge.locator("[data-badge-main]")).to_have_text(
        words["sales_waiting"]["other"].replace("%(num)s", "30") + " "
        + words["others_waiting"]["other"].replace("%(num)s", "4"))
    phone_screenshot(page, f"till-sync-waiting-{database}")
    page.keyboard.press("Escape")

    sold = {name: 0 for name in OPENING}
    for sale in expected:
        if not sale["voided"]:
            for line in sale["lines"]:
                sold[line["label"]] += line["quantity"]
    stock = {name: OPENING[name] - sold[name] + (3 if name == "Vase boule" else 0)
             for name in OPENING}
    assert till.stock() == stock

    # A reload with no network: the page comes from the service worker, the day from IndexedDB.
    page.reload()
    till.wait_ready("sell")
    assert till.total() == summary.takings_cents and till.changes_waiting() == waiting
    pictures_loaded(page)  # they come from the worker's cache, once they have loaded
    assert page.evaluate("[...document.querySelectorAll('.tile img')]"
                         ".every((image) => image.complete && image.naturalWidth > 0)")

    # The phone is switched off, and on again, still with no network.
    phone.close()
    phone = launch_phone(playwright_instance, live_server, profile, offline=True)
    network.contexts = [phone]
    page = phone.pages[0] if phone.pages else phone.new_page()
    till = Till(page)
    till.open("sell")
    assert till.total() == summary.takings_cents and till.changes_waiting() == waiting
    assert till.stock() == stock
    assert server_day(live_app, grace.stall_id)["sales"] == 0

    # Closing, still with no network: the cash expected is the float and the cash sales; the
    # day's summary is the phone's own figures: takings, by payment method, what sold.
    till.tab("close")
    expected_cash = FLOAT + summary.by_method["cash"]
    assert cents(page.text_content("[data-expected]")) == expected_cash
    till.type_amount("counted", expected_cash - 200)
    difference = page.locator("[data-difference]")
    expect(difference).to_have_class("difference less")
    assert cents(difference.text_content()) == 200
    page.evaluate("scrollTo(0, 0)")
    phone_screenshot(page, f"till-close-{database}")
    page.click("[data-action=close-stall]")
    till.expect_screen("summary")
    assert cents(page.text_content("[data-takings]")) == summary.takings_cents
    methods = page.locator("[data-by-method] li strong")
    assert [cents(text) for text in methods.all_text_contents()] == [
        amount for amount in summary.by_method.values() if amount]
    items = page.locator("[data-items-sold] li")
    shown = sorted((item.locator(".name").text_content(),
                    cents(item.locator(".money").text_content())) for item in items.all())
    assert shown == sorted((f"{sold.quantity} × {sold.label}", sold.amount_cents)
                           for sold in summary.items_sold)
    phone_screenshot(page, f"till-summary-{database}")

    # The network comes back: everything goes, and the server counts what the phone counted.
    network.on()
    till.wait_synced()
    server = server_day(live_app, grace.stall_id)
    assert server["summary"].takings_cents == summary.takings_cents == till.total()
    assert server["summary"].by_method == summary.by_method
    assert sorted((sold.label, sold.quantity, sold.amount_cents)
                  for sold in server["summary"].items_sold) == sorted(
        (sold.label, sold.quantity, sold.amount_cents) for sold in summary.items_sold)
    assert server["summary"].sales == summary.sales and server["summary"].voided == 1
    assert server["stock"] == stock
    assert server["status"] == "closed" and server["cash_counted"] == expected_cash - 200
    phone.close()
