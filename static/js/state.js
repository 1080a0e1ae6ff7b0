// What the screen shows: the last state pulled from the server, with the phone's changes that
// the pulled state does not hold yet applied on top. A pull never erases such a change.
//
// The totals are computed as marche/reports.py computes them, so the phone and the server
// always agree: voided sales count for nothing; takings are the sales' totals.

import {getMeta, putMeta, request, transact} from "./idb.js";
import {announce, confirmIn} from "./outbox.js";

export const METHODS = ["cash", "card", "transfer", "other"];

export function stockKey(stallId, productId) {
  return `${stallId}/${productId}`;
}

export function readAll(db) {
  return transact(db, ["meta", "state", "outbox", "days"], "readonly", async (tx) => {
    const [meta, rows, outbox, days] = await Promise.all(
      ["meta", "state", "outbox", "days"].map((name) => request(tx.objectStore(name).getAll())));
    return {meta: Object.fromEntries(meta.map((row) => [row.key, row.value])), rows, outbox, days};
  });
}

export function buildView({meta, rows, outbox, days}) {
  const view = {
    meta, products: new Map(), stalls: new Map(), sales: new Map(), stock: new Map(),
    rejected: [], days: new Map(days.map((day) => [day.stall_id, day])),
  };
  for (const {key, value} of rows) {
    const kind = key.split("/", 1)[0];
    if (kind === "product") view.products.set(value.id, {...value});
    else if (kind === "stall") view.stalls.set(value.id, {...value});
    else if (kind === "sale") view.sales.set(value.id, {...value, pending: false});
    else if (kind === "stock") view.stock.set(stockKey(value.stall_id, value.product_id), value.quantity);
    else if (kind === "rejected") view.rejected.push(value);
  }
  const pulled = meta.pulled || 0;
  const confirmed = meta.confirmed || 0;
  // What still waits for the server: the sales, which the artisan counts, and the other changes.
  const waiting = outbox.filter((m) => m.seq > confirmed);
  view.waiting = waiting.length;
  view.waitingSales = waiting.filter((m) => m.type === "sale.record").length;
  view.waitingOthers = view.waiting - view.waitingSales;
  const unseen = outbox.filter((m) => m.seq > pulled).sort((a, b) => a.seq - b.seq);
  for (const mutation of unseen) apply(view, mutation, mutation.seq > confirmed);
  return view;
}

function addStock(view, stallId, productId, delta) {
  const key = stockKey(stallId, productId);
  view.stock.set(key, (view.stock.get(key) || 0) + delta);
}

function quantities(lines) {
  const totals = new Map();
  for (const line of lines || []) {
    if (line.product_id) totals.set(line.product_id, (totals.get(line.product_id) || 0) + line.quantity);
  }
  return totals;
}

// The server's appliers (marche/sync/apply_*.py), as the phone sees them.
function apply(view, mutation, pending) {
  const p = mutation.payload || {};
  const stall = view.stalls.get(p.stall_id);
  switch (mutation.type) {
    case "stall.open":
      if (!stall || stall.status !== "upcoming") return;
      Object.assign(stall, {status: "open", cash_float_cents: p.cash_float_cents,
        opened_at: mutation.occurred_at, pending});
      for (const line of p.stock || []) addStock(view, stall.id, line.product_id, line.quantity);
      return;
    case "sale.record": {
      if (!stall || view.sales.has(mutation.id)) return;
      const gross = p.lines.reduce((sum, line) => sum + line.quantity * line.unit_price_cents, 0);
      view.sales.set(mutation.id, {
        id: mutation.id, stall_id: p.stall_id, occurred_at: mutation.occurred_at,
        lines: p.lines, payments: p.payments, discount_cents: p.discount_cents || 0,
        total_cents: gross - (p.discount_cents || 0), voided: false, void_reason: null,
        late: stall.status === "closed", pending,
      });
      for (const [productId, quantity] of quantities(p.lines)) addStock(view, p.stall_id, productId, -quantity);
      return;
    }
    case "sale.void": {
      const sale = view.sales.get(p.sale_id);
      if (!sale || sale.voided) return;
      // Waiting is the void's own state: one the server has confirmed waits for nothing.
      Object.assign(sale, {voided: true, void_reason: p.reason, pending: sale.pending || pending});
      for (const [productId, quantity] of quantities(sale.lines)) addStock(view, sale.stall_id, productId, quantity);
      return;
    }
    case "stock.adjust": {
      if (!stall) return;
      const delta = {restock: p.quantity, loss: -p.quantity}[p.kind] ?? p.quantity - p.shown;
      addStock(view, stall.id, p.product_id, delta);
      return;
    }
    case "product.upsert": {
      const product = view.products.get(p.product_id);
      const fields = ["name", "price_cents", "cost_cents", "active", "category"]
        .filter((name) => name in p);
      if (product) {
        for (const name of fields) product[name] = p[name];
        product.version = (product.version || 0) + 1;
        product.pending = pending;
      } else if ("name" in p && "price_cents" in p) {
        view.products.set(p.product_id, {
          id: p.product_id, name: p.name, price_cents: p.price_cents,
          cost_cents: p.cost_cents ?? null, active: p.active ?? true, category: p.category || "",
          photo_url: null, version: 1, conflicts: [], pending,
        });
      }
      return;
    }
    case "stall.close":
      if (!stall) return;
      Object.assign(stall, {status: "closed", closed_at: stall.closed_at || mutation.occurred_at,
        pending});
      if (p.cash_counted_cents !== null && p.cash_counted_cents !== undefined) {
        stall.cash_counted_cents = p.cash_counted_cents;
      }
      return;
    default:
      // A change type this version does not draw: the server still gets it.
  }
}

// ---------------------------------------------------------------- reading the view

export function stallSales(view, stallId) {
  return [...view.sales.values()].filter((sale) => sale.stall_id === stallId)
    .sort((a, b) => (Date.parse(a.occurred_at) || 0) - (Date.parse(b.occurred_at) || 0));
}

export function products(view) {
  return [...view.products.values()].filter((product) => product.active !== false)
    .sort((a, b) => a.name.localeCompare(b.name));
}

export function stockOf(view, stallId, productId) {
  const key = stockKey(stallId, productId);
  return view.stock.has(key) ? view.stock.get(key) : null;
}

// The same figures as marche/reports.py summarize().
export function summarize(sales) {
  const live = sales.filter((sale) => !sale.voided);
  const byMethod = Object.fromEntries(METHODS.map((method) => [method, 0]));
  const items = new Map();
  for (const sale of live) {
    for (const payment of sale.payments || []) {
      byMethod[payment.method] = (byMethod[payment.method] || 0) + payment.amount_cents;
    }
    for (const line of sale.lines || []) {
      const key = line.product_id ? `p:${line.product_id}` : `l:${line.label}`;
      const item = items.get(key) || {product_id: line.product_id || null, label: line.label,
        quantity: 0, amount_cents: 0};
      item.quantity += line.quantity;
      item.amount_cents += line.quantity * line.unit_price_cents;
      items.set(key, item);
    }
  }
  const sold = [...items.values()].sort((a, b) => b.amount_cents - a.amount_cents
    || b.quantity - a.quantity || a.label.localeCompare(b.label));
  return {
    takings_cents: live.reduce((sum, sale) => sum + sale.total_cents, 0),
    sales: live.length,
    items: sold.reduce((sum, item) => sum + item.quantity, 0),
    discount_cents: live.reduce((sum, sale) => sum + (sale.discount_cents || 0), 0),
    voided: sales.length - live.length,
    by_method: byMethod,
    items_sold: sold,
  };
}

// Cash that should be in the box: the float, plus the cash of the sales not cancelled.
export function expectedCash(stall, sales) {
  return (stall.cash_float_cents || 0) + summarize(sales).by_method.cash;
}

// What the artisan really earned: takings, less the materials of what sold, less the stall fee.
export function earned(view, stall, summary) {
  const materials = summary.items_sold.reduce((sum, item) => {
    const product = item.product_id ? view.products.get(item.product_id) : null;
    return sum + (product && product.cost_cents ? product.cost_cents * item.quantity : 0);
  }, 0);
  return {materials_cents: materials, fee_cents: stall.fee_cents || 0,
    earned_cents: summary.takings_cents - materials - (stall.fee_cents || 0)};
}

// ---------------------------------------------------------------- applying a pull

export function validPull(answer) {
  return answer && Number.isInteger(answer.cookie) && Number.isInteger(answer.last_seq)
    && Array.isArray(answer.patch);
}

export async function applyPull(db, answer) {
  const pulled = await transact(db, ["meta", "outbox", "state"], "readwrite", async (tx) => {
    const state = tx.objectStore("state");
    for (const op of answer.patch) {
      if (op.op === "clear") state.clear();
      else if (op.op === "put" && typeof op.key === "string") state.put({key: op.key, value: op.value});
      else if (op.op === "del" && typeof op.key === "string") state.delete(op.key);
    }
    const meta = tx.objectStore("meta");
    await confirmIn(tx, answer.last_seq);
    await putMeta(meta, "pulled", answer.last_seq);
    await putMeta(meta, "cookie", answer.cookie);
    await putMeta(meta, "last_sync_at", Date.now());
    return getMeta(meta, "pulled");
  }, {durability: "strict"});
  announce(db);
  return pulled;
}
