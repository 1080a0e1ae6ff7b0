"""What an artisan does on the till, as small actions for the browser tests (no test here).

Elements are found the way a user finds them (a tile by its product's name) or by the stable
``data-`` hooks of the templates, never by their words: the words get translated.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from playwright.sync_api import Page, expect

from .till_world import OPENING, PIN, Artisan, new_artisan, new_phone, wait_in_page, wait_until


def cents(text: str) -> int:
    """Read an amount as the screen shows it ("1 234,50 €") back into cents."""
    digits = re.sub(r"[^\d-]", "", text)
    return int(digits) if digits else 0



@contextmanager
def signed_in_phone(browser, app, live_server, init_script: str | None = None,
                    **options) -> Iterator[tuple[Artisan, object, Till]]:
    """A new artisan on a phone of their own, signed in, the till on its first screen (opening
    the stall); the phone is switched off afterwards. ``init_script`` runs in every page."""
    artisan = new_artisan(app)
    phone = new_phone(browser, live_server, **options)
    if init_script:
        phone.add_init_script(init_script)
    try:
        till = Till(phone.new_page())
        till.log_in(artisan.login)
        till.open("open")
        yield artisan, phone, till
    finally:
        phone.close()


class Till:
    """One page of the till, driven the way the artisan drives it."""

    def __init__(self, page: Page):
        self.page = page

    # -- getting there ---------------------------------------------------------------------------

    def log_in(self, login: str, pin: str = PIN) -> None:
        page = self.page
        page.goto("/auth/pin")
        page.fill("#f-login", login)
        page.fill("#f-pin", pin)
        with page.expect_navigation():
            page.press("#f-pin", "Enter")

    def open(self, screen: str | None = None) -> None:
        self.page.goto("/stall/till")
        self.wait_ready(screen)

    def wait_ready(self, screen: str | None = None) -> None:
        self.page.wait_for_selector("body[data-ready=true]")
        if screen:
            self.expect_screen(screen)
        else:
            self.page.wait_for_selector("[data-screen=loading][hidden]", state="attached")

    def expect_screen(self, screen: str) -> None:
        expect(self.page.locator(f"[data-screen={screen}]")).to_be_visible()

    def wait_offline_ready(self, photos: int = 0) -> None:
        """Wait until the service worker controls the page and holds the till and its photos."""
        self.page.wait_for_function("navigator.serviceWorker.controller !== null")
        wait_in_page(self.page, """async (photos) => {
            const pages = (await caches.keys()).filter((name) => name.startsWith("marche-pages-"));
            const media = await (await caches.open("marche-media-1")).keys();
            for (const name of pages) {
              if (await (await caches.open(name)).match(location.origin + "/stall/till")) {
                return media.length >= photos;
              }
            }
            return false;
        }""", photos, what="the worker keeping the till and its photos")

    # -- reading the screen ----------------------------------------------------------------------

    def total(self) -> int:
        return cents(self.page.text_content("[data-total]"))

    def waiting(self) -> int:
        """The sales waiting to be sent, the number on the cloud."""
        return int(self.page.text_content("[data-sync-count]"))

    def changes_waiting(self) -> int:
        """Every change waiting to be sent: the sales and the others."""
        return int(self.page.get_attribute("[data-sync-cloud]", "data-waiting"))

    def tile(self, name: str):
        return self.page.get_by_role("button", name=re.compile("^" + re.escape(name)))

    def stock(self) -> dict[str, int | None]:
        self.tab("stock")
        rows = self.page.locator(".stock-row")
        found = {}
        for index in range(rows.count()):
            row = rows.nth(index)
            left = row.locator("[data-left]").text_content()
            found[row.locator("[data-name]").text_content()] = None if left == "—" else int(left)
        self.tab("sell")
        return found

    def outbox(self, full: bool = False) -> list[dict]:
        """The phone's outbox: seq, id and type of each change (and all of it, with ``full``)."""
        rows = self.idb("(db) => read(db, 'outbox')")
        return rows if full else [{key: row[key] for key in ("seq", "id", "type")} for row in rows]

    def meta(self, db_name: str | None = None) -> dict:
        """What the phone keeps beside its outbox: client_id, seq, confirmed, pulled…"""
        rows = self.idb("(db) => read(db, 'meta')", db_name)
        return {row["key"]: row["value"] for row in rows}

    def idb(self, work: str, db_name: str | None = None, arg=None):
        """Run ``work(db, arg)`` on the phone's database (this artisan's, or ``db_name``), with
        ``read(db, store)`` and ``write(db, store, rows)`` at hand."""
        return self.page.evaluate("""async ([work, name, arg]) => {
            const done = (request) => new Promise((resolve, reject) => {
              request.onsuccess = () => resolve(request.result);
              request.onerror = () => reject(request.error);
            });
            const config = document.getElementById("phone-config");
            const db = await done(indexedDB.open(name || JSON.parse(config.textContent).db));
            const read = (db, store) => done(db.transaction(store).objectStore(store).getAll());
            const write = (db, store, rows) => new Promise((resolve, reject) => {
              const tx = db.transaction(store, "readwrite");
              for (const row of rows) tx.objectStore(store).put(row);
              tx.oncomplete = resolve;
              tx.onerror = () => reject(tx.error);
            });
            try {
              return await eval(work)(db, arg, {read, write});
            } finally {
              db.close();
            }
        }""", [work, db_name, arg])

    # -- doing -----------------------------------------------------------------------------------

    def tab(self, name: str) -> None:
        self.page.click(f"[data-tab={name}]")
        self.expect_screen(name)

    def type_amount(self, keypad: str, amount: int) -> None:
        pad = self.page.locator(f"[data-keypad={keypad}]")
        for _ in range(8):
            pad.locator("[data-key=back]").click()
        for digit in str(amount):
            pad.locator(f"[data-key='{digit}']").click()

    def open_stall(self, quantities: dict[str, int], float_cents: int) -> None:
        self.expect_screen("open")
        for name, wanted in quantities.items():
            row = self.page.locator(".open-row", has_text=name)
            shown = int(row.locator("[data-qty]").text_content())
            step = "1" if wanted > shown else "-1"
            for _ in range(abs(wanted - shown)):
                row.locator(f"[data-step='{step}']").click()
            expect(row.locator("[data-qty]")).to_have_text(str(wanted))
        self.type_amount("float", float_cents)
        self.page.click("[data-action=start-selling]")
        self.expect_screen("sell")

    def start_day(self, float_cents: int = 0) -> None:
        """Open the stall with the usual stock (``OPENING``) and wait until the server has it."""
        self.open_stall(OPENING, float_cents)
        self.wait_synced()

    def basket(self, items: dict[str, int]) -> None:
        for name, quantity in items.items():
            for _ in range(quantity):
                self.tile(name).click()

    def pay(self, method: str = "card", received: int | None = None) -> None:
        self.page.click("[data-action=pay]")
        self.expect_screen("pay")
        self.page.click(f"[data-method={method}]")
        if received is not None:
            self.page.click(f"[data-received='{received}']")

    def confirm(self) -> str:
        """Confirm the sale; return its id once the screen says it is recorded."""
        before = self.page.get_attribute("[data-toast]", "data-id") or ""
        self.page.click("[data-action=confirm]")
        self.page.wait_for_function("""(before) => {
            const toast = document.querySelector("[data-toast]");
            return !toast.hidden && toast.dataset.kind === "recorded"
              && toast.dataset.id !== before && document.body.dataset.drawing !== "true";
        }""", arg=before)
        return self.page.get_attribute("[data-toast]", "data-id")

    def sell(self, items: dict[str, int], method: str = "card",
             received: int | None = None) -> str:
        self.basket(items)
        self.pay(method, received)
        return self.confirm()

    def void(self, sale_index: int = 0, reason: str = "error") -> None:
        """Cancel a sale from today's list (0 is the latest)."""
        self.tab("sales")
        self.page.locator(".sale-row button:not([disabled])").nth(sale_index).click()
        self.page.click(f"[data-dialog=void] [data-reason={reason}]")
        self.page.wait_for_selector("[data-toast][data-kind=voided]")
        self.tab("sell")

    def adjust(self, name: str, kind: str, quantity: int) -> None:
        self.tab("stock")
        row = self.page.locator(".stock-row", has_text=name)
        row.locator(f"[data-adjust={kind}]").click()
        dialog = self.page.locator("[data-dialog=adjust]")
        shown = int(dialog.locator("[data-qty]").text_content())
        step = "1" if quantity > shown else "-1"
        for _ in range(abs(quantity - shown)):
            dialog.locator(f"[data-step='{step}']").click()
        dialog.locator("[data-action=adjust-save]").click()
        self.page.wait_for_selector("[data-toast][data-kind=saved]")
        self.tab("sell")

    def set_price(self, name: str, price: int) -> None:
        self.tab("stock")
        self.page.locator(".stock-row", has_text=name).locator("[data-action=price]").click()
        self.type_amount("price", price)
        self.page.click("[data-action=price-save]")
        self.page.wait_for_selector("[data-toast][data-kind=saved]")
        self.tab("sell")

    def sync_now(self) -> None:
        """Open the sync panel, send now, wait until that sync has pulled and nothing waits,
        close the panel."""
        before = self.meta().get("last_sync_at", 0)
        self.page.click("[data-action=sync-panel]")
        self.page.click("[data-action=sync-now]")
        wait_until(lambda: self.meta().get("last_sync_at", 0) > before, page=self.page,
                   what="the sync asked for to pull")
        self.wait_synced()
        self.page.click("[data-dialog=sync] [data-action=dialog-cancel]")

    def wait_synced(self) -> None:
        """Wait until nothing waits and the last sync went well, on a screen drawn since (a
        screen still being drawn may show the state from before the last change)."""
        self.page.wait_for_function("""() => {
            const cloud = document.querySelector("[data-sync-cloud]");
            return cloud.dataset.waiting === "0" && cloud.dataset.status === "ok"
              && document.body.dataset.drawing !== "true";
        }""", timeout=20000)
