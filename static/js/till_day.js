// The day's start and end: open the stall (stock brought, cash float), close it (cash counted
// against cash expected), and the day's summary, kept on the phone when the stall closes.

import {putMeta, request} from "./idb.js";
import {Keypad, Stepper} from "./keypad.js";
import {money} from "./money.js";
import {earned, expectedCash, METHODS, products, summarize} from "./state.js";
import {thumb} from "./till_sell.js";
import {$, CONFIG, fromTemplate, icon, METHOD_ICONS, setText, t, tn} from "./ui.js";

export function where(stall) {
  return t("where", {market: stall.market_name, number: stall.number});
}

export function differenceText(target, difference) {
  target.classList.remove("good", "more", "less");
  if (difference === null) {
    target.textContent = "";
    return;
  }
  if (difference === 0) {
    target.textContent = t("diff_exact");
    target.classList.add("good");
  } else if (difference > 0) {
    target.textContent = t("diff_more", {amount: money(difference)});
    target.classList.add("more");
  } else {
    target.textContent = t("diff_less", {amount: money(-difference)});
    target.classList.add("less");
  }
}

export class Day {
  constructor(till) {
    this.till = till;
    this.rows = new Map();
    this.steppers = new Map();
    this.openFor = null;
    this.closeFor = null;
    this.float = new Keypad($("[data-keypad=float]"));
    this.counted = new Keypad($("[data-keypad=counted]"), {onChange: () => this.renderDifference()});
    $("[data-action=start-selling]").addEventListener("click", () => this.open());
    $("[data-action=close-stall]").addEventListener("click", () => this.close());
  }

  // ------------------------------------------------------------ open

  renderOpen(stall) {
    const meta = this.till.view.meta;
    if (this.openFor !== stall.id) {
      this.openFor = stall.id;
      this.float.set(meta.last_float || 0);
    }
    setText($("[data-screen=open]"), "[data-where]", where(stall));
    const brought = meta.last_opening || this.till.hints.last_opening || {};
    const list = $("[data-open-list]");
    for (const product of products(this.till.view)) {
      let row = this.rows.get(product.id);
      if (!row) {
        row = fromTemplate("tpl-open-row");
        row.dataset.productId = product.id;
        this.rows.set(product.id, row);
        this.steppers.set(product.id, new Stepper($("[data-stepper]", row),
          {value: Number(brought[product.id]) || 0}));
      }
      thumb($("[data-thumb]", row), product);
      setText(row, "[data-name]", product.name);
      list.append(row);
    }
  }

  async open() {
    const stall = this.till.stall;
    if (!stall || stall.status !== "upcoming") return;
    const stock = [...this.steppers].filter(([id]) => this.till.view.products.has(id))
      .map(([id, stepper]) => ({product_id: id, quantity: stepper.value}));
    const opening = Object.fromEntries(stock.map((line) => [line.product_id, line.quantity]));
    const cash = this.float.cents;
    await this.till.record("stall.open", {stall_id: stall.id, cash_float_cents: cash, stock}, {
      also: async (tx) => {
        // Next time, the same stock and float are offered.
        const meta = tx.objectStore("meta");
        await putMeta(meta, "last_opening", opening);
        await putMeta(meta, "last_float", cash);
      },
    });
    history.replaceState(null, "", "#sell");
    this.till.route();
  }

  // ------------------------------------------------------------ close

  renderClose(stall) {
    if (this.closeFor !== stall.id) {
      this.closeFor = stall.id;
      this.counted.set(0);
    }
    const summary = summarize(this.till.sales);
    $("[data-expected]").textContent = money(expectedCash(stall, this.till.sales));
    $("[data-expected-detail]").textContent = t("expected_detail", {
      float: money(stall.cash_float_cents || 0), cash: money(summary.by_method.cash)});
    this.renderDifference();
  }

  renderDifference() {
    const stall = this.till.stall;
    if (!stall) return;
    const difference = this.counted.touched
      ? this.counted.cents - expectedCash(stall, this.till.sales) : null;
    differenceText($("[data-difference]"), difference);
  }

  snapshot(stall, counted) {
    const summary = summarize(this.till.sales);
    return {
      stall_id: stall.id, market_name: stall.market_name, date: stall.date,
      number: stall.number, summary, ...earned(this.till.view, stall, summary),
      expected_cash_cents: expectedCash(stall, this.till.sales), cash_counted_cents: counted,
      opened_at: stall.opened_at, closed_at: new Date().toISOString(),
    };
  }

  async close() {
    const stall = this.till.stall;
    if (!stall || stall.status !== "open") return;
    const counted = this.counted.touched ? this.counted.cents : null;
    const note = $("[data-close-note]").value.trim().slice(0, 500);
    const day = this.snapshot(stall, counted);
    await this.till.record("stall.close", {stall_id: stall.id, cash_counted_cents: counted, note}, {
      stores: ["days"],
      also: (tx) => request(tx.objectStore("days").put(day)),
    });
    history.replaceState(null, "", "#summary");
    this.till.route();
  }

  // ------------------------------------------------------------ summary

  renderSummary(stall) {
    const view = this.till.view;
    const day = view.days.get(stall.id) || this.snapshot(stall, stall.cash_counted_cents ?? null);
    const past = (this.till.hints.past || []).find((market) => market.stall_id === stall.id);
    const summary = day.summary;
    const takings = summary.sales || !past ? summary.takings_cents : past.takings_cents;
    const screen = $("[data-screen=summary]");
    setText(screen, "[data-where]", where(stall));
    setText(screen, "[data-takings]", money(takings));
    setText(screen, "[data-sales-line]", `${tn("sales", summary.sales)} · ${tn("items", summary.items)}`);
    setText(screen, "[data-earned]", money(day.earned_cents));
    setText(screen, "[data-earned-detail]", t("earned_detail", {
      takings: money(summary.takings_cents), materials: money(day.materials_cents),
      fee: money(day.fee_cents)}));
    const methods = $("[data-by-method]", screen);
    methods.replaceChildren(...METHODS.filter((method) => summary.by_method[method]).map((method) => {
      const item = document.createElement("li");
      const name = document.createElement("span");
      const amount = document.createElement("strong");
      name.append(icon(METHOD_ICONS[method]), t(method));
      amount.className = "money";
      amount.textContent = money(summary.by_method[method]);
      item.append(name, amount);
      return item;
    }));
    const cashCard = $("[data-cash-card]", screen);
    cashCard.hidden = day.cash_counted_cents === null || day.cash_counted_cents === undefined;
    if (!cashCard.hidden) {
      differenceText($("[data-summary-difference]", screen), day.cash_counted_cents - day.expected_cash_cents);
    }
    const items = $("[data-items-sold]", screen);
    items.replaceChildren(...summary.items_sold.map((sold) => {
      const item = document.createElement("li");
      const picture = document.createElement("span");
      picture.className = "thumb";
      thumb(picture, sold.product_id ? view.products.get(sold.product_id) : null);
      const name = document.createElement("span");
      name.className = "name";
      name.dir = "auto";
      name.textContent = `${sold.quantity} × ${sold.label}`;
      const amount = document.createElement("strong");
      amount.className = "money";
      amount.textContent = money(sold.amount_cents);
      item.append(picture, name, amount);
      return item;
    }));
    this.renderBars(stall, takings);
  }

  renderBars(stall, takings) {
    const past = (this.till.hints.past || []).filter((market) => market.stall_id !== stall.id);
    const markets = [...past, {stall_id: stall.id, date: stall.date, takings_cents: takings}];
    const card = $("[data-past-card]");
    card.hidden = markets.length < 2;
    const highest = Math.max(1, ...markets.map((market) => market.takings_cents));
    $("[data-bars]", card).replaceChildren(...markets.map((market) => {
      const item = document.createElement("li");
      const label = document.createElement("span");
      label.textContent = new Intl.DateTimeFormat(CONFIG.locale,
        {day: "numeric", month: "short"}).format(new Date(`${market.date}T12:00:00`));
      const bar = document.createElement("span");
      bar.className = "bar";
      bar.style.inlineSize = `${Math.round((100 * market.takings_cents) / highest)}%`;
      const amount = document.createElement("strong");
      amount.className = "money";
      amount.textContent = money(market.takings_cents);
      if (market.stall_id === stall.id) item.className = "today";
      item.append(label, bar, amount);
      return item;
    }));
  }
}
