"""The phone's screens hold on a 360×740 screen in French and Arabic: nothing covered, no word
cut, the main action in the thumb zone, words readable in the sun."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import coach_logs_in
from .till_actions import Till
from .till_world import phone_screenshot

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


def _open_till(page, language):
    till = Till(page)
    till.log_in("awa")  # the demo artisan's stall is open today, with sales
    page.goto(f"/lang/{language}?next=/stall/till")
    till.wait_ready("sell")
    return till


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_close_screen_fits_one_screen_with_its_action_in_the_thumb_zone(page, language):
    till = _open_till(page, language)
    till.tab("close")
    for key in "12345":  # taps, as a thumb does: nothing scrolls the page
        page.locator(f"[data-keypad=counted] [data-key='{key}']").dispatch_event("click")
    box = page.evaluate("""() => {
      const rect = (node) => node.getBoundingClientRect();
      const keys = [...document.querySelectorAll("[data-keypad=counted] .key")].map(rect);
      const bar = rect(document.querySelector("[data-screen=close] .action-bar"));
      return {scrolled: scrollY, keysBottom: Math.max(...keys.map((k) => k.bottom)),
              keysTop: Math.min(...keys.map((k) => k.top)),
              barTop: bar.top, barBottom: bar.bottom, height: innerHeight,
              difference: rect(document.querySelector("[data-difference]")),
              button: rect(document.querySelector("[data-action=close-stall]")),
              display: rect(document.querySelector("[data-keypad=counted] .keypad-display"))};
    }""")
    phone_screenshot(page, f"till-close-{language}")
    assert box["scrolled"] == 0
    assert box["keysBottom"] <= box["barTop"], "the last keypad row is under the bar"
    assert box["display"]["top"] >= 116  # under the top bar and the tabs
    assert box["difference"]["height"] > 0 and box["difference"]["bottom"] <= box["height"]
    assert box["button"]["bottom"] <= box["height"] and box["button"]["height"] >= 48
    assert box["barBottom"] == box["height"]  # at the bottom, where the thumb is


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_stock_buttons_are_thumb_wide_and_their_words_whole(page, language):
    till = _open_till(page, language)
    till.tab("stock")
    buttons = page.evaluate("""() => [...document.querySelectorAll(
        ".stock-row:first-child .stock-actions button")].map((button) => {
      const box = button.getBoundingClientRect();
      const words = button.querySelector("span");
      const range = document.createRange();
      range.selectNodeContents(words);
      const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
      const cut = button.scrollWidth > button.clientWidth
        || words.scrollWidth > words.clientWidth;
      return {text: words.textContent, width: box.width, height: box.height, lines, cut};
    })""")
    phone_screenshot(page, f"till-stock-{language}")
    assert len(buttons) == 4
    for button in buttons:
        assert button["width"] >= 48 and button["height"] >= 48, button
        assert button["lines"] == 1 and not button["cut"], button


# WCAG contrast of an element's text on the background it is drawn on (opacity included).
CONTRAST = """(selector) => {
  const element = document.querySelector(selector);
  const rgb = (text) => text.match(/[\\d.]+/g).map(Number);
  const channel = (c) => {
    c /= 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const luminance = ([r, g, b]) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  let node = element, background = null, opacity = 1;
  while (node && node.nodeType === 1) {
    const style = getComputedStyle(node);
    opacity *= Number(style.opacity);
    const color = rgb(style.backgroundColor);
    if (!background && (color[3] === undefined || color[3] > 0)) background = color.slice(0, 3);
    node = node.parentNode;
  }
  background = background || [255, 255, 255];
  const ink = rgb(getComputedStyle(element).color).slice(0, 3)
    .map((c, i) => c * opacity + background[i] * (1 - opacity));
  const [a, b] = [luminance(ink), luminance(background)].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}"""


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_empty_basket_hint_reads_in_the_sun(page, language):
    _open_till(page, language)
    assert page.locator("[data-action=pay]").is_disabled()
    assert page.evaluate(CONTRAST, "[data-basket-count]") >= 4.5


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_recorded_keeps_its_tick_and_dialogs_their_icon_beside_the_title(page, language):
    till = _open_till(page, language)
    till.sell({"Bol raku": 1}, "card")
    lines = page.evaluate("""() => {
      const range = document.createRange();
      range.selectNodeContents(document.querySelector("[data-toast-text]"));
      return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
    }""")
    assert lines == 1, "the ✓ went to a line of its own"
    till.tab("sales")
    page.locator(".sale-row button:not([disabled])").first.click()
    beside = page.evaluate("""() => {
      const title = document.querySelector("[data-dialog=void] h2");
      const icon = title.querySelector("svg").getBoundingClientRect();
      const range = document.createRange();
      range.selectNodeContents(title);
      const first = [...range.getClientRects()].filter((r) => r.width > 30)[0];
      return icon.bottom > first.top && icon.top < first.bottom;
    }""")
    assert beside, "the icon sits alone above the title"


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_send_now_waits_with_a_word_why_while_offline(page, language):
    _open_till(page, language)
    page.context.set_offline(True)
    page.wait_for_function(
        "document.querySelector('[data-sync-cloud]').dataset.status === 'offline'")
    page.click("[data-action=sync-panel]")
    expect(page.locator("[data-action=sync-now]")).to_be_disabled()
    why = page.locator("[data-sync-offline]")
    expect(why).to_be_visible()
    assert why.text_content().strip()
    assert page.evaluate(CONTRAST, "[data-action=sync-now]") >= 4.5
    page.context.set_offline(False)
    expect(page.locator("[data-action=sync-now]")).to_be_enabled()
    expect(why).to_be_hidden()


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_values_in_sentences_are_isolated_right_to_left(page, language):
    """"آخر إرسال: 08:21 م": the time keeps its own direction inside the Arabic sentence."""
    _open_till(page, language)
    page.click("[data-action=sync-panel]")
    more = page.locator("[data-dialog=sync] [data-badge-more]").text_content()
    isolated = "\u2068" in more and "\u2069" in more
    assert isolated == (language == "ar"), more


def test_a_first_sync_with_nothing_to_send_says_it_brings_the_news(page):
    """A phone that never synced and has nothing waiting reads "Everything is sent ✓ · Updating…"
    while its first pull runs, never "Nothing sent yet" or "Sending…" beside it."""
    held = []
    page.context.route("**/api/v1/sync/pull", lambda route: held.append(route))
    Till(page).log_in("awa")  # lands on Today, whose badge syncs at once
    badge = page.locator("[data-sync-badge]")
    expect(badge.locator("[data-badge-main]")).to_have_text("Tout est envoyé ✓")
    expect(badge.locator("[data-badge-more]")).to_have_text("Mise à jour…")
    page.context.unroute("**/api/v1/sync/pull")
    for route in held:
        route.continue_()
    expect(badge.locator("[data-badge-more]")).to_have_text(re.compile(r"^Dernier envoi à \S+$"))


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_coach_screens_keep_to_the_phone_width(page, language):
    """A coach enrolling an artisan at the stall does it on a phone: the menu stays on screen
    (its tables scroll inside their own frame, with all they hold)."""
    page.goto(f"/lang/{language}?next=/auth/login")
    coach_logs_in(page)
    page.goto("/coach/markets")
    markets = page.locator("main a[href^='/coach/markets/']:not([href$='/new'])")
    a_market = markets.first.get_attribute("href")
    for path in ["/coach/", "/coach/markets", "/coach/cohorts", a_market]:
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, path
        tabs = page.locator(".topbar nav a")
        for index in range(tabs.count()):
            box = tabs.nth(index).bounding_box()
            assert 0 <= box["x"] and box["x"] + box["width"] <= 360, (path, index)


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_coach_sees_every_stall_of_today_whole_without_scrolling_sideways(page, language):
    """At the market, on the coach's phone: each stall's number, artisan and status on screen."""
    page.goto(f"/lang/{language}?next=/auth/login")
    coach_logs_in(page)
    stalls = page.locator(".card-today .stall-list > li")
    assert stalls.count() == 6
    for index in range(stalls.count()):
        for part in (".stall-number", ".who a", ".who .muted", ".tag"):
            box = stalls.nth(index).locator(part).bounding_box()
            assert box and 0 <= box["x"] and box["x"] + box["width"] <= 360, (index, part)
