// The till: draws every screen from IndexedDB (the pulled state + the phone's own changes), so
// it works all day with no network. Screens: open, sell, pay, sales, stock, close, summary.

import {openDb, putMeta} from "./idb.js";
import {money, setupMoney} from "./money.js";
import {markOwner, onAnnounce, record} from "./outbox.js";
import {askPersistence, registerWorker, renderBadge, waitingText} from "./pwa.js";
import {buildView, readAll, stallSales, summarize} from "./state.js";
import {SyncEngine} from "./sync.js";
import {Day} from "./till_day.js";
import {Manage} from "./till_manage.js";
import {Sell} from "./till_sell.js";
import {$, $$, CONFIG, t, timeOf, todayIn, toast} from "./ui.js";

const HINTS = JSON.parse(document.getElementById("till-hints").textContent);
const TABBED = ["sell", "sales", "stock", "close"];

class Till {
  constructor(db, engine) {
    this.db = db;
    this.engine = engine;
    this.hints = HINTS;
    this.view = null;
    this.stallId = null;
    this.screen = "loading";
    this.drawing = null;
    this.drawAgain = false;
    this.sell = new Sell(this);
    this.day = new Day(this);
    this.manage = new Manage(this);
    addEventListener("hashchange", () => this.route());
    document.addEventListener("click", (event) => {
      const cancel = event.target.closest("[data-action=dialog-cancel]");
      if (cancel) cancel.closest("dialog").close();
      if (event.target.closest("[data-action=sync-panel]")) this.manage.openSync();
    });
  }

  get stall() {
    return this.view && this.stallId ? this.view.stalls.get(this.stallId) : null;
  }

  get sales() {
    return this.stall ? stallSales(this.view, this.stallId) : [];
  }

  // Store one change: once this resolves it is on disk (and only a failed write rejects).
  store(type, payload, options = {}) {
    return record(this.db, type, payload, options);
  }

  // After a change is stored: send it if the network allows, and draw the screen again.
  settle() {
    this.engine.now();
    return this.redraw();
  }

  // Store one change, then send it and redraw from the database.
  async record(type, payload, options = {}) {
    const mutation = await this.store(type, payload, options);
    await this.settle();
    return mutation;
  }

  // Draw again from the database, once more if asked meanwhile. A drawing that fails says
  // nothing about what is stored: it is logged, never shown as a failed sale.
  redraw() {
    if (this.drawing) {
      this.drawAgain = true;
      return this.drawing;
    }
    document.body.dataset.drawing = "true";  // tests wait for the screen to be drawn
    this.drawing = (async () => {
      try {
        do {
          this.drawAgain = false;
          try {
            await this.refresh();
          } catch (error) {
            console.error("marché: the screen was not redrawn", error);
          }
        } while (this.drawAgain);
      } finally {
        this.drawing = null;
        delete document.body.dataset.drawing;
      }
    })();
    return this.drawing;
  }

  async refresh() {
    this.view = buildView(await readAll(this.db));
    this.pickStall();
    this.route();
  }

  pickStall() {
    const stalls = [...this.view.stalls.values()];
    const asked = /^#stall=([0-9a-f-]{36})$/i.exec(location.hash);
    if (asked && this.view.stalls.has(asked[1])) {
      this.stallId = asked[1];
      history.replaceState(null, "", "#sell");
      putMeta(this.db.transaction(["meta"], "readwrite").objectStore("meta"), "current_stall", this.stallId);
      return;
    }
    if (this.stallId && this.view.stalls.has(this.stallId)) return;
    const today = stalls.filter((stall) => stall.date === todayIn(stall.timezone || CONFIG.timezone));
    const saved = this.view.stalls.get(this.view.meta.current_stall);
    const chosen = (saved && (today.includes(saved) || saved.status === "open") && saved)
      || today.find((stall) => stall.status === "open")
      || today.find((stall) => stall.status === "upcoming")
      || stalls.find((stall) => stall.status === "open")
      || today[0];
    this.stallId = chosen ? chosen.id : null;
  }

  // Which screen: the stall's state decides first (open it, sell, or see the day), then the URL.
  route() {
    if (!this.view) return;
    const stall = this.stall;
    let screen = location.hash.replace("#", "") || "sell";
    if (!stall) screen = this.view.meta.cookie === undefined && this.engine.status !== "ok" ? "loading" : "none";
    else if (stall.status === "upcoming") screen = "open";
    else if (stall.status === "closed") screen = "summary";
    else if (screen === "pay" && this.sell.empty) screen = "sell";
    else if (![...TABBED, "pay"].includes(screen)) screen = "sell";
    if (screen === "loading" && this.engine.status !== "syncing" && this.engine.status !== "idle") {
      screen = "none";
    }
    this.show(screen);
  }

  show(screen) {
    if (screen !== this.screen) {
      if (screen !== "sell") $("[data-toast]").hidden = true;
      scrollTo(0, 0);  // a new screen starts at its top
    }
    this.screen = screen;
    for (const section of $$("[data-screen]")) section.hidden = section.dataset.screen !== screen;
    const tabs = $("[data-tabs]");
    tabs.hidden = !TABBED.includes(screen);
    for (const tab of $$("[data-tab]", tabs)) {
      if (tab.dataset.tab === screen) tab.setAttribute("aria-current", "page");
      else tab.removeAttribute("aria-current");
    }
    const offline = this.view && this.view.meta.cookie === undefined;
    $("[data-none-online]").hidden = offline;
    $("[data-none-offline]").hidden = !offline;
    this.renderTop();
    const stall = this.stall;
    if (!stall) return;
    if (screen === "open") this.day.renderOpen(stall);
    else if (screen === "sell") this.sell.renderGrid(stall);
    else if (screen === "pay") this.sell.renderPay();
    else if (screen === "sales") this.manage.renderSales(stall);
    else if (screen === "stock") this.manage.renderStock(stall);
    else if (screen === "close") this.day.renderClose(stall);
    else if (screen === "summary") this.day.renderSummary(stall);
  }

  renderTop() {
    // A closed day's sales leave the phone at the next pull: its summary keeps the total.
    const day = this.stall && this.view.days.get(this.stallId);
    const total = !this.stall ? 0 : day && this.stall.status === "closed"
      ? day.summary.takings_cents : summarize(this.sales).takings_cents;
    $("[data-total]").textContent = money(total);
    // The cloud: the sales waiting (what the artisan counts), yellow while anything waits;
    // its name for a screen reader says the same, and when the last sync was.
    const cloud = $("[data-sync-cloud]");
    const view = this.view || {waiting: 0, waitingSales: 0, waitingOthers: 0, meta: {}};
    const zone = (this.stall && this.stall.timezone) || CONFIG.timezone;
    $("[data-sync-count]", cloud).textContent = String(view.waitingSales);
    cloud.dataset.waiting = String(view.waiting);
    cloud.dataset.waitingSales = String(view.waitingSales);
    cloud.dataset.status = this.engine.status;
    const at = view.meta.last_sync_at;
    const when = at ? t("last_sync", {time: timeOf(new Date(at).toISOString(), zone)})
      : t("never_synced");
    $("[data-sync-time]", cloud).textContent = at ? timeOf(new Date(at).toISOString(), zone) : "";
    cloud.setAttribute("aria-label", [cloud.dataset.label,
      waitingText(view.waitingSales, view.waitingOthers), when].join(". "));
    if (this.view) renderBadge($("[data-sync-badge]"), this.view, this.engine.status, zone);
    const offline = this.engine.status === "offline" || !navigator.onLine;
    $("[data-action=sync-now]").disabled = offline;
    $("[data-sync-offline]").hidden = !offline;
  }

  // Something in progress, that a reload (a new version) would cut off: a basket, the pay
  // screen, an amount being typed (open, close), a dialog, or "Undo" still offered.
  busy() {
    const toast = $("[data-toast]");
    const undo = toast && !toast.hidden && !$("[data-toast-action]", toast).hidden;
    return undo || !this.sell.empty || ["pay", "open", "close"].includes(this.screen)
      || $$("dialog").some((dialog) => dialog.open);
  }
}

// The photos of the tiles, kept by the service worker for the days with no network.
function keepPhotos(view) {
  const controller = navigator.serviceWorker && navigator.serviceWorker.controller;
  const urls = view ? [...view.products.values()].map((product) => product.photo_url).filter(Boolean) : [];
  if (controller && urls.length) controller.postMessage({type: "cache-media", urls});
}

async function main() {
  setupMoney(CONFIG.locale, CONFIG.currency);
  let till = null;
  registerWorker({isBusy: () => !till || till.busy(), auto: true});
  let db;
  try {
    db = await openDb(CONFIG.db, {onVersionChange: (old) => {
      const quiet = setInterval(() => {
        if (till && till.busy()) return;
        clearInterval(quiet);
        old.close();
        location.reload();
      }, 1000);
    }});
  } catch (error) {
    toast(t("record_failed"), {ms: 60000});
    return;
  }
  const engine = new SyncEngine(db, CONFIG);
  till = new Till(db, engine);
  engine.addEventListener("change", () => till.redraw());
  onAnnounce(db, () => till.redraw());  // another tab sold, or pulled: draw the same day
  await till.refresh();
  await markOwner(db, CONFIG.login).catch(() => null);  // before anything asks Background Sync
  engine.start();
  if (navigator.serviceWorker) {
    navigator.serviceWorker.addEventListener("controllerchange", () => keepPhotos(till.view));
    keepPhotos(till.view);
  }
  askPersistence(db).catch(() => null);
  document.body.dataset.ready = "true";
}

main();
