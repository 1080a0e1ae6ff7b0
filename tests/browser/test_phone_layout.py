"""The phone's bars hold on a 360-px screen whatever the font: nothing covered, no word cut."""

import pytest

from .till_actions import Till

# For every child of the top bar: is it inside the bar? And at the middle of each tab, is the
# tab itself what a thumb would touch (not something of the bar spilling over it)?
LAYOUT = """() => {
  const bar = document.querySelector(".topbar").getBoundingClientRect();
  const spilled = [...document.querySelectorAll(".topbar > *")].filter((node) => {
    const box = node.getBoundingClientRect();
    return box.width > 0 && (box.top < bar.top || box.bottom > bar.bottom
                             || box.left < bar.left || box.right > bar.right);
  }).map((node) => node.className || node.tagName);
  const covered = [...document.querySelectorAll("[data-tab]")].filter((tab) => {
    const box = tab.getBoundingClientRect();
    const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
    return !tab.contains(hit);
  }).map((tab) => tab.dataset.tab);
  return {spilled, covered, width: document.documentElement.scrollWidth};
}"""


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_top_bar_keeps_to_one_row_above_the_tabs(page, language):
    till = Till(page)
    till.log_in("awa")  # the demo artisan's stall is open today, with sales: a wide total
    page.goto(f"/lang/{language}?next=/stall/till")
    till.wait_ready("sell")
    assert till.total() >= 10000
    layout = page.evaluate(LAYOUT)
    assert layout["spilled"] == [], f"out of the top bar: {layout['spilled']}"
    assert layout["covered"] == [], f"tabs a thumb cannot reach: {layout['covered']}"
    assert layout["width"] <= 360


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_bottom_menu_shows_every_word_whole(page, language):
    till = Till(page)
    till.log_in("awa")
    page.goto(f"/lang/{language}?next=/stall/products")  # its own tab is bold, the widest
    cut = page.evaluate("""() => [...document.querySelectorAll(".bottomnav a")]
        .filter((link) => link.scrollWidth > link.clientWidth
                          || link.scrollHeight > link.clientHeight)
        .map((link) => link.textContent.trim())""")
    assert cut == [], f"cut in the bottom menu: {cut}"


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_every_till_screen_fits_the_phone_width(page, language):
    till = Till(page)
    till.log_in("awa")
    page.goto(f"/lang/{language}?next=/stall/till")
    till.wait_ready("sell")
    wide = {}

    def measure(screen):
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 360:
            wide[screen] = width

    till.basket({"Bol raku": 1, "Vase boule": 1})
    till.pay("cash", received=5000)
    measure("pay")
    page.click("[data-action=back-to-basket]")
    for screen in ("sales", "stock", "close"):
        till.tab(screen)
        measure(screen)
    assert wide == {}, f"screens wider than the phone: {wide}"
