// Corrections at the stall: today's sales (cancel one, with a reason), the stock (restock, loss,
// count), a price changed or a forgotten product added, and the sync panel with what the server
// refused. All offline: each is one change in the outbox.

import {uuid} from "./idb.js";
import {Keypad, Stepper} from "./keypad.js";
import {money} from "./money.js";
import {buildView, products, readAll, stockOf} from "./state.js";
import {thumb} from "./till_sell.js";
import {$, $$, fromTemplate, icon, METHOD_ICONS, setText, t, timeOf, tn, toast} from "./ui.js";

const TYPE_WORDS = {
  "sale.record": "type_sale", "sale.void": "type_void", "stock.adjust": "type_stock",
  "product.upsert": "type_product", "stall.open": "type_open", "stall.close": "type_close",
};

function itemsLine(sale) {
  return sale.lines.map((line) => (line.quantity > 1 ? `${line.quantity} × ${line.label}` : line.label))
    .join(", ");
}

function tag(text, className, iconName) {
  const element = document.createElement("span");
  element.className = `tag ${className}`;
  if (iconName) element.append(icon(iconName));
  element.append(text);
  return element;
}

export class Manage {
  constructor(till) {
    this.till = till;
    this.voiding = null;
    this.adjusting = null;
    this.pricing = null;
    $("[data-sales-list]").addEventListener("click", (event) => {
      const row = event.target.closest("[data-sale-id]");
      if (row) this.askVoid(row.dataset.saleId);
    });
    for (const button of $$("[data-reason]")) {
      button.addEventListener("click", () => this.void(button.dataset.reason));
    }
    $("[data-stock-list]").addEventListener("click", (event) => {
      const row = event.target.closest("[data-product-id]");
      const adjust = event.target.closest("[data-adjust]");
      if (row && adjust) this.askAdjust(row.dataset.productId, adjust.dataset.adjust);
      else if (row && event.target.closest("[data-action=price]")) this.askPrice(row.dataset.productId);
    });
    this.quantity = new Stepper($("[data-dialog=adjust] [data-stepper]"), {value: 1});
    $("[data-action=adjust-save]").addEventListener("click", () => this.adjust());
    this.price = new Keypad($("[data-keypad=price]"));
    $("[data-action=price-save]").addEventListener("click", () => this.savePrice());
    this.newPrice = new Keypad($("[data-keypad=new-price]"));
    this.newQuantity = new Stepper($("[data-dialog=new-product] [data-stepper]"), {value: 0});
    $("[data-action=new-product]").addEventListener("click", () => this.askNewProduct());
    $("[data-action=new-product-save]").addEventListener("click", () => this.saveNewProduct());
    $("[data-action=sync-now]").addEventListener("click", () => this.till.engine.now());
  }

  // ------------------------------------------------------------ sales and voids

  renderSales(stall) {
    const sales = [...this.till.sales].reverse();
    const list = $("[data-sales-list]");
    list.replaceChildren(...sales.map((sale) => {
      const row = fromTemplate("tpl-sale");
      const button = $("button", row);
      button.dataset.saleId = sale.id;
      button.disabled = sale.voided;
      row.classList.toggle("voided", sale.voided);
      setText(row, "[data-time]", timeOf(sale.occurred_at, stall.timezone));
      setText(row, "[data-items]", itemsLine(sale));
      setText(row, "[data-amount]", money(sale.total_cents));
      const method = (sale.payments[0] || {}).method || "other";
      const methodBox = $("[data-method]", row);
      const word = document.createElement("span");
      word.className = "visually-hidden";
      word.textContent = t(method);
      methodBox.append(icon(METHOD_ICONS[method] || "i-phone"), word);
      const tags = $("[data-tags]", row);
      if (sale.voided) tags.append(tag(t("voided"), "tag-bad", "i-undo"));
      if (sale.pending) tags.append(tag(t("pending"), "tag-warn", "i-cloud"));
      if (sale.late) tags.append(tag(t("late"), "tag-warn"));
      return row;
    }));
    const live = sales.filter((sale) => !sale.voided).length;
    $("[data-sales-count]").textContent = tn("sales", live);
    $("[data-sales-empty]").hidden = sales.length > 0;
  }

  askVoid(saleId) {
    const sale = this.till.view.sales.get(saleId);
    if (!sale || sale.voided) return;
    this.voiding = saleId;
    setText($("[data-dialog=void]"), "[data-void-sale]", `${money(sale.total_cents)} · ${itemsLine(sale)}`);
    $("[data-dialog=void]").showModal();
  }

  async void(reason) {
    const saleId = this.voiding;
    $("[data-dialog=void]").close();
    this.voiding = null;
    if (!saleId) return;
    await this.till.record("sale.void", {sale_id: saleId, reason});
    toast(t("voided_done"), {kind: "voided"});
  }

  // ------------------------------------------------------------ stock and prices

  renderStock(stall) {
    const view = this.till.view;
    $("[data-stock-list]").replaceChildren(...products(view).map((product) => {
      const row = fromTemplate("tpl-stock-row");
      row.dataset.productId = product.id;
      thumb($("[data-thumb]", row), product);
      setText(row, "[data-name]", product.name);
      const left = stockOf(view, stall.id, product.id);
      setText(row, "[data-left]", left === null ? "—" : String(left));
      row.classList.toggle("sold-out", left !== null && left <= 0);
      setText(row, "[data-price]", money(product.price_cents));
      return row;
    }));
  }

  askAdjust(productId, kind) {
    const product = this.till.view.products.get(productId);
    if (!product) return;
    const shown = stockOf(this.till.view, this.till.stallId, productId);
    this.adjusting = {productId, kind, shown: shown ?? 0};
    const dialog = $("[data-dialog=adjust]");
    for (const title of $$("[data-kind]", dialog)) title.hidden = title.dataset.kind !== kind;
    setText(dialog, "[data-name]", product.name);
    this.quantity.min = kind === "count" ? 0 : 1;
    this.quantity.set(kind === "count" ? Math.max(0, shown ?? 0) : 1);
    dialog.showModal();
  }

  async adjust() {
    const job = this.adjusting;
    $("[data-dialog=adjust]").close();
    this.adjusting = null;
    if (!job) return;
    const payload = {stall_id: this.till.stallId, product_id: job.productId, kind: job.kind,
      quantity: this.quantity.value};
    if (job.kind === "count") {
      // The count replaces what the phone holds now, not what this screen drew: another tab
      // may have sold one since.
      const now = buildView(await readAll(this.till.db));
      payload.shown = stockOf(now, this.till.stallId, job.productId) ?? 0;
    }
    await this.till.record("stock.adjust", payload);
    toast(t("saved"), {kind: "saved"});
  }

  askPrice(productId) {
    const product = this.till.view.products.get(productId);
    if (!product) return;
    this.pricing = productId;
    const dialog = $("[data-dialog=price]");
    setText(dialog, "[data-name]", product.name);
    $("[data-error]", dialog).hidden = true;
    this.price.set(product.price_cents);
    dialog.showModal();
  }

  async savePrice() {
    const product = this.till.view.products.get(this.pricing);
    const dialog = $("[data-dialog=price]");
    if (!product) return dialog.close();
    dialog.close();
    if (this.price.cents === product.price_cents) return undefined;
    await this.till.record("product.upsert", {product_id: product.id,
      base_version: product.version ?? null, price_cents: this.price.cents});
    toast(t("saved"), {kind: "saved"});
    return undefined;
  }

  askNewProduct() {
    const dialog = $("[data-dialog=new-product]");
    $("[data-new-name]", dialog).value = "";
    $("[data-error]", dialog).hidden = true;
    this.newPrice.set(0);
    this.newQuantity.set(0);
    dialog.showModal();
  }

  async saveNewProduct() {
    const dialog = $("[data-dialog=new-product]");
    const name = $("[data-new-name]", dialog).value.trim().slice(0, 80);
    const problem = !name ? t("enter_name") : !this.newPrice.touched ? t("enter_amount") : "";
    if (problem) {
      setText(dialog, "[data-error]", problem).hidden = false;
      return;
    }
    dialog.close();
    const productId = uuid();
    await this.till.record("product.upsert", {product_id: productId, base_version: null, name,
      price_cents: this.newPrice.cents});
    if (this.newQuantity.value > 0) {
      await this.till.record("stock.adjust", {stall_id: this.till.stallId, product_id: productId,
        kind: "restock", quantity: this.newQuantity.value});
    }
    toast(t("saved"), {kind: "saved"});
  }

  // ------------------------------------------------------------ the sync panel

  openSync() {
    this.renderRejected();
    $("[data-dialog=sync]").showModal();
  }

  renderRejected() {
    const rejected = this.till.view ? this.till.view.rejected : [];
    $("[data-rejected-box]").hidden = !rejected.length;
    $("[data-rejected]").replaceChildren(...rejected.map((item) => {
      const row = document.createElement("li");
      const what = document.createElement("strong");
      what.textContent = t(TYPE_WORDS[item.type] || "type_unknown");
      const when = document.createElement("span");
      when.className = "muted";
      const zone = this.till.stall ? this.till.stall.timezone : undefined;
      when.textContent = item.occurred_at ? ` · ${timeOf(item.occurred_at, zone)}` : "";
      const why = document.createElement("p");
      why.textContent = item.message || item.reason || "";
      row.append(what, when, why);
      return row;
    }));
  }
}
