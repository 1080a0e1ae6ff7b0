// Selling: the tiles and the basket, then paying (cash with the change helper, card, other).
// "Recorded ✓" shows only once the sale is on disk in IndexedDB; Undo records a cancellation.

import {uuid} from "./idb.js";
import {Keypad} from "./keypad.js";
import {money} from "./money.js";
import {stored} from "./outbox.js";
import {products, stockOf} from "./state.js";
import {$, $$, fromTemplate, setText, t, tInto, tn, toast} from "./ui.js";

const FEW = 3;  // "only 2 left" from here down
const UNDO_MS = 6000;

export function thumb(target, product) {
  target.replaceChildren();
  if (product && product.photo_url) {
    const image = document.createElement("img");
    image.alt = "";
    image.src = product.photo_url;
    image.decoding = "async";
    target.append(image);
  } else {
    target.append(fromTemplate("tpl-no-photo"));
  }
}

export class Sell {
  constructor(till) {
    this.till = till;
    this.basket = new Map();  // product id, or "free:<uuid>" → {product_id, label, unit_price_cents, quantity}
    this.discount = 0;
    this.method = null;
    this.saleId = null;
    this.confirming = false;
    this.tiles = new Map();
    this.grid = $("[data-tiles]");
    this.grid.addEventListener("click", (event) => this.onTile(event));
    $("[data-action=pay]").addEventListener("click", () => { location.hash = "pay"; });
    $("[data-action=clear-basket]").addEventListener("click", () => this.clear());
    $("[data-action=back-to-basket]").addEventListener("click", () => {
      history.replaceState(null, "", "#sell");
      this.till.route();
    });
    for (const button of $$("[data-method]")) {
      button.addEventListener("click", () => this.choose(button.dataset.method));
    }
    this.received = new Keypad($("[data-keypad=received]"), {onChange: () => this.renderChange()});
    for (const button of $$("[data-received]")) {
      button.addEventListener("click", () => {
        this.received.set(Number(button.dataset.received));
        $("[data-keypad-more]").open = false;
      });
    }
    $("[data-action=speak]").addEventListener("click", () => this.speak());
    $("[data-action=confirm]").addEventListener("click", () => this.confirm());
    this.free = new Keypad($("[data-keypad=free]"));
    $("[data-action=free-add]").addEventListener("click", () => this.addFree());
    this.discountPad = new Keypad($("[data-keypad=discount]"));
    $("[data-action=discount]").addEventListener("click", () => this.askDiscount());
    $("[data-action=discount-save]").addEventListener("click", () => this.saveDiscount());
  }

  get empty() {
    return this.basket.size === 0;
  }

  get gross() {
    let sum = 0;
    for (const line of this.basket.values()) sum += line.quantity * line.unit_price_cents;
    return sum;
  }

  get total() {
    return Math.max(0, this.gross - this.discount);
  }

  get count() {
    let sum = 0;
    for (const line of this.basket.values()) sum += line.quantity;
    return sum;
  }

  onTile(event) {
    const button = event.target.closest("[data-action]");
    if (!button) return;
    const tile = button.closest("[data-product-id]");
    const action = button.dataset.action;
    if (action === "add" && tile) this.add(tile.dataset.productId);
    else if (action === "remove" && tile) this.remove(tile.dataset.productId);
    else if (action === "free-amount") this.askFree();
    else if (action === "remove-free") this.removeFree();
  }

  add(productId) {
    const product = this.till.view.products.get(productId);
    if (!product) return;
    const line = this.basket.get(productId)
      || {product_id: productId, label: product.name, unit_price_cents: product.price_cents, quantity: 0};
    line.quantity += 1;
    this.basket.set(productId, line);
    this.renderBasket();
  }

  remove(productId) {
    const line = this.basket.get(productId);
    if (!line) return;
    line.quantity -= 1;
    if (line.quantity <= 0) this.basket.delete(productId);
    this.renderBasket();
  }

  clear() {
    this.basket.clear();
    this.discount = 0;
    this.method = null;
    this.saleId = null;
    this.received.set(0);
    $("[data-keypad-more]").open = false;
    this.renderBasket();
  }

  askFree() {
    this.free.set(0);
    $("[data-dialog=free-amount] [data-error]").hidden = true;
    $("[data-dialog=free-amount]").showModal();
  }

  addFree() {
    const dialog = $("[data-dialog=free-amount]");
    if (!this.free.cents) {
      setText(dialog, "[data-error]", t("enter_amount")).hidden = false;
      return;
    }
    this.basket.set(`free:${uuid()}`, {product_id: null, label: t("free_amount"),
      unit_price_cents: this.free.cents, quantity: 1});
    dialog.close();
    this.renderBasket();
  }

  removeFree() {
    const free = [...this.basket.keys()].filter((key) => key.startsWith("free:"));
    if (free.length) this.basket.delete(free[free.length - 1]);
    this.renderBasket();
  }

  // ------------------------------------------------------------ the grid

  renderGrid(stall) {
    const view = this.till.view;
    const list = products(view);
    const keep = new Set(list.map((product) => product.id));
    for (const [id, tile] of this.tiles) {
      if (!keep.has(id)) {
        tile.remove();
        this.tiles.delete(id);
      }
    }
    for (const product of list) {
      let tile = this.tiles.get(product.id);
      if (!tile) {
        tile = fromTemplate("tpl-tile");
        tile.dataset.productId = product.id;
        this.tiles.set(product.id, tile);
      }
      if (tile.dataset.photo !== (product.photo_url || "")) {
        thumb($("[data-thumb]", tile), product);
        tile.dataset.photo = product.photo_url || "";
      }
      setText(tile, "[data-name]", product.name);
      setText(tile, "[data-price]", money(product.price_cents));
      const minus = $("[data-action=remove]", tile);
      minus.setAttribute("aria-label", minus.dataset.label.replace("%(name)s", product.name));
      tile.dataset.stock = String(stockOf(view, stall.id, product.id) ?? "");
      this.grid.append(tile);
    }
    if (!this.freeTile) this.freeTile = fromTemplate("tpl-tile-free");
    this.grid.append(this.freeTile);
    this.renderBasket();
  }

  renderBasket() {
    for (const [id, tile] of this.tiles) {
      const quantity = this.basket.has(id) ? this.basket.get(id).quantity : 0;
      const bubble = $("[data-count]", tile);
      bubble.hidden = !quantity;
      bubble.textContent = String(quantity);
      $("[data-action=remove]", tile).hidden = !quantity;
      const left = $("[data-left]", tile);
      if (tile.dataset.stock === "") {
        left.textContent = "";
        tile.classList.remove("sold-out", "few");
      } else {
        const remaining = Number(tile.dataset.stock) - quantity;
        left.textContent = remaining <= 0 ? t("sold_out")
          : remaining <= FEW ? tn("left_few", remaining) : tn("left", remaining);
        tile.classList.toggle("sold-out", remaining <= 0);
        tile.classList.toggle("few", remaining > 0 && remaining <= FEW);
      }
    }
    if (this.freeTile) {
      const free = [...this.basket.keys()].filter((key) => key.startsWith("free:")).length;
      const bubble = $("[data-count]", this.freeTile);
      bubble.hidden = !free;
      bubble.textContent = String(free);
      $("[data-action=remove-free]", this.freeTile).hidden = !free;
    }
    if (this.discount > this.gross) this.discount = 0;
    $("[data-basket-count]").textContent = this.empty ? t("tap_product") : tn("items", this.count);
    $("[data-basket-total]").textContent = this.empty ? "" : money(this.gross);
    $("[data-action=pay]").disabled = this.empty;
    $("[data-action=clear-basket]").disabled = this.empty;
    if (this.till.screen === "pay") this.renderPay();
  }

  // ------------------------------------------------------------ paying

  renderPay() {
    if (!this.saleId) this.saleId = uuid();  // one id per basket: a second tap cannot sell twice
    $("[data-pay-total]").textContent = money(this.total);
    const discount = $("[data-pay-discount]");
    discount.hidden = !this.discount;
    discount.textContent = this.discount ? t("discount", {amount: `−${money(this.discount)}`}) : "";
    for (const button of $$("[data-method]")) {
      button.setAttribute("aria-pressed", String(button.dataset.method === this.method));
    }
    $("[data-cash-helper]").hidden = this.method !== "cash";
    $("[data-action=confirm]").disabled = !this.method || this.confirming || this.empty;
    this.renderChange();
  }

  choose(method) {
    this.method = method;
    this.renderPay();
  }

  renderChange() {
    const line = $("[data-change]");
    const received = this.received.cents;
    for (const button of $$("[data-received]")) {
      button.setAttribute("aria-pressed", String(Number(button.dataset.received) === received));
    }
    const change = received - this.total;
    line.classList.toggle("missing", received > 0 && change < 0);
    if (!received) line.textContent = "";
    else tInto(line, change >= 0 ? "change_to_give" : "missing", {amount: money(Math.abs(change))}, "amount");
    $("[data-action=speak]").hidden = !(received > 0 && change >= 0 && window.speechSynthesis);
  }

  speak() {
    const change = this.received.cents - this.total;
    if (change < 0 || !window.speechSynthesis) return;
    const words = new SpeechSynthesisUtterance(
      t("say_change", {amount: money(change)}).replace(/[\u2068\u2069]/g, ""));
    words.lang = document.documentElement.lang;
    speechSynthesis.cancel();
    speechSynthesis.speak(words);
  }

  askDiscount() {
    this.discountPad.set(this.discount);
    $("[data-dialog=discount] [data-error]").hidden = true;
    $("[data-dialog=discount]").showModal();
  }

  saveDiscount() {
    const dialog = $("[data-dialog=discount]");
    if (this.discountPad.cents > this.gross) {
      setText(dialog, "[data-error]", t("discount_too_big")).hidden = false;
      return;
    }
    this.discount = this.discountPad.cents;
    dialog.close();
    this.renderPay();
  }

  async confirm() {
    if (this.confirming || this.empty || !this.method) return;
    this.confirming = true;
    $("[data-action=confirm]").disabled = true;
    if (!this.saleId) this.saleId = uuid();
    const total = this.total;
    const payload = {
      stall_id: this.till.stallId,
      lines: [...this.basket.values()].map((line) => ({
        line_id: uuid(), product_id: line.product_id, label: line.label,
        quantity: line.quantity, unit_price_cents: line.unit_price_cents})),
      discount_cents: this.discount,
      payments: [{payment_id: uuid(), method: this.method, amount_cents: total}],
      total_cents: total,
    };
    const saleId = this.saleId;
    try {
      try {
        await this.till.store("sale.record", payload, {id: saleId});
      } catch (error) {
        // Stored anyway (a second tap after a write that did land): it is recorded, once.
        if (!(await stored(this.till.db, saleId).catch(() => false))) throw error;
      }
    } catch (error) {
      toast(t("record_failed"), {kind: "failed", ms: 6000});
      this.confirming = false;
      if (this.till.screen === "pay") this.renderPay();
      return;
    }
    // On disk: say so at once. What follows (drawing, sending) cannot undo a stored sale.
    this.confirming = false;
    toast(t("recorded"), {kind: "recorded", id: saleId, ms: UNDO_MS,
      action: {run: () => this.undo(saleId)}});
    try {
      this.clear();
      history.replaceState(null, "", "#sell");
      this.till.route();
    } catch (error) {
      console.error("marché: the screen was not redrawn", error);
    }
    await this.till.settle();
  }

  async undo(saleId) {
    await this.till.record("sale.void", {sale_id: saleId, reason: "error"});
    toast(t("voided_done"), {kind: "voided"});
  }
}
