"""``sale.record`` and ``sale.void``: a sale is stored once, voided at most once, never deleted."""

from __future__ import annotations

from .. import reports
from ..models import MovementKind, MutationStatus, PaymentMethod, StallStatus
from ..schemas import clean
from . import reasons
from .context import Op, PushContext, SaleRef
from .reasons import Rejected


def record(ctx: PushContext, op: Op, payload: dict) -> list[str]:
    """Store the sale with its lines and payments, and take its items out of the stall's stock."""
    stall = ctx.stall(payload["stall_id"])
    if stall is None:
        raise Rejected(reasons.UNKNOWN_STALL, {"stall_id": str(payload["stall_id"])})
    op.stall_id = stall.id
    lines, payments = payload["lines"], payload["payments"]
    for line in lines:
        if line["product_id"] is not None and ctx.product(line["product_id"]) is None:
            raise Rejected(reasons.UNKNOWN_PRODUCT, {"product_id": str(line["product_id"])})
    discount = payload["discount_cents"]
    gross = reports.sale_total_cents(lines)
    total = reports.sale_total_cents(lines, discount)
    paid = reports.paid_cents(payments)
    stated = payload["total_cents"]
    if total < 0 or paid != total or (stated is not None and stated != total):
        raise Rejected(reasons.TOTALS, {"lines_cents": gross, "discount_cents": discount,
                                        "total_cents": stated, "payments_cents": paid})

    occurred = op.occurred_at or ctx.now
    late = stall.status == StallStatus.CLOSED
    row = {"id": op.id, "stall_id": stall.id, "artisan_id": ctx.artisan_id,
           "device_id": ctx.device.id, "occurred_at": occurred, "received_at": ctx.now,
           "discount_cents": discount, "total_cents": total, "late": late,
           "clock_flagged": op.clock_flagged, "voided": False, "void_id": None,
           "void_reason": None, "voided_at": None, "version": ctx.version}
    line_rows = [{"id": line["line_id"], "sale_id": op.id, "position": position,
                  "product_id": line["product_id"], "label": line["label"].strip(),
                  "quantity": line["quantity"], "unit_price_cents": line["unit_price_cents"]}
                 for position, line in enumerate(lines)]
    payment_rows = [{"id": payment["payment_id"], "sale_id": op.id,
                     "method": PaymentMethod(payment["method"]),
                     "amount_cents": payment["amount_cents"]} for payment in payments]
    ctx.add_sale(row, line_rows, payment_rows)
    sale = SaleRef(row, line_rows, None)
    flags = ["late"] if late else []
    for product_id, quantity in sale.quantities().items():
        if ctx.move(op, stall.id, product_id, MovementKind.SALE, -quantity, occurred):
            flags.append("below_zero")

    # A void of this sale may have come first, from another phone: it applies now.
    voids = ctx.waiting_voids(op.id)
    if voids:
        _void(ctx, voids[0], sale)
        for extra in voids[1:]:
            _refuse_waiting(ctx, extra, reasons.ALREADY_VOIDED)
    return sorted(set(flags))


def refuse_waiting_voids(ctx: PushContext, sale_id) -> None:
    """The sale was refused: the voids waiting for it never will apply; say so."""
    for op in ctx.waiting_voids(sale_id):
        _refuse_waiting(ctx, op, reasons.SALE_REFUSED)


def void(ctx: PushContext, op: Op, payload: dict) -> list[str]:
    """Mark the sale voided and put its items back in stock; before its sale, wait for it."""
    sale = ctx.sale(payload["sale_id"])
    if sale is None or sale.get("artisan_id") != ctx.artisan_id:
        # A sale refused already will never come: waiting for it would be for ever.
        if ctx.refused_sale(payload["sale_id"]):
            raise Rejected(reasons.SALE_REFUSED, {"sale_id": str(payload["sale_id"])})
    if sale is None:
        op.status = MutationStatus.WAITING
        ctx.add_waiting(payload["sale_id"], op)
        return ["waiting"]
    if sale.get("artisan_id") != ctx.artisan_id:
        raise Rejected(reasons.UNKNOWN_SALE, {"sale_id": str(payload["sale_id"])})
    op.stall_id = sale.get("stall_id")
    if sale.get("voided"):
        raise Rejected(reasons.ALREADY_VOIDED, {"sale_id": str(payload["sale_id"])})
    _void(ctx, op, sale)
    return []


def _void(ctx: PushContext, op: Op, sale: SaleRef) -> None:
    reason = op.payload.get("reason") if isinstance(op.payload, dict) else None
    at = op.occurred_at or ctx.now
    # A waiting void may have been stored before text was checked: clean it on the way in.
    if not sale.void(ctx, op, clean(reason)[:200] if isinstance(reason, str) else None, at):
        raise Rejected(reasons.ALREADY_VOIDED, {"sale_id": str(sale.get("id"))})
    op.status = MutationStatus.APPLIED
    op.stall_id = sale.get("stall_id")
    ctx.touch_op(op)
    for product_id, quantity in sale.quantities().items():
        ctx.move(op, sale.get("stall_id"), product_id, MovementKind.VOID, quantity, at)


def _refuse_waiting(ctx: PushContext, op: Op, reason: str) -> None:
    op.status = MutationStatus.REJECTED
    op.reason = reason
    op.reason_detail = {"sale_id": (op.payload or {}).get("sale_id")}
    ctx.touch_op(op)
