"""``sale.record`` and ``sale.void``: a sale is stored once, voided at most once, never deleted."""

from __future__ import annotations

from collections import defaultdict

from ..extensions import db
from ..models import MovementKind, MutationStatus, Payment, Sale, SaleLine, StallStatus, SyncOp
from . import reasons
from .context import PushContext
from .reasons import Rejected


def record(ctx: PushContext, op: SyncOp, payload: dict) -> list[str]:
    """Store the sale with its lines and payments, and take its items out of the stall's stock."""
    stall = ctx.stall(payload["stall_id"])
    if stall is None:
        raise Rejected(reasons.UNKNOWN_STALL, {"stall_id": str(payload["stall_id"])})
    op.stall_id = stall.id
    lines, payments = payload["lines"], payload["payments"]
    for line in lines:
        if line["product_id"] is not None and ctx.product(line["product_id"]) is None:
            raise Rejected(reasons.UNKNOWN_PRODUCT, {"product_id": str(line["product_id"])})
    gross = sum(line["quantity"] * line["unit_price_cents"] for line in lines)
    discount = payload["discount_cents"]
    total = gross - discount
    paid = sum(payment["amount_cents"] for payment in payments)
    stated = payload["total_cents"]
    if total < 0 or paid != total or (stated is not None and stated != total):
        raise Rejected(reasons.TOTALS, {"lines_cents": gross, "discount_cents": discount,
                                        "total_cents": stated, "payments_cents": paid})

    occurred = op.occurred_at or ctx.now
    sale = Sale(id=op.id, stall_id=stall.id, artisan_id=ctx.artisan_id, device_id=ctx.device.id,
                occurred_at=occurred, received_at=ctx.now, discount_cents=discount,
                total_cents=total, late=stall.status == StallStatus.CLOSED,
                clock_flagged=op.clock_flagged, version=ctx.version)
    sale.lines = [SaleLine(id=line["line_id"], position=position, product_id=line["product_id"],
                           label=line["label"].strip(), quantity=line["quantity"],
                           unit_price_cents=line["unit_price_cents"])
                  for position, line in enumerate(lines)]
    sale.payments = [Payment(id=payment["payment_id"], method=payment["method"],
                             amount_cents=payment["amount_cents"]) for payment in payments]
    db.session.add(sale)
    flags = ["late"] if sale.late else []
    for product_id, quantity in _quantities(sale).items():
        if ctx.move(op, stall.id, product_id, MovementKind.SALE, -quantity, occurred).below_zero:
            flags.append("below_zero")

    # A void of this sale may have come first, from another phone: it applies now.
    voids = ctx.waiting_voids(sale.id)
    if voids:
        _void(ctx, voids[0], sale)
        for extra in voids[1:]:
            _refuse_waiting(ctx, extra, reasons.ALREADY_VOIDED)
    return sorted(set(flags))


def refuse_waiting_voids(ctx: PushContext, sale_id) -> None:
    """The sale was refused: the voids waiting for it never will apply; say so."""
    for op in ctx.waiting_voids(sale_id):
        _refuse_waiting(ctx, op, reasons.SALE_REFUSED)


def void(ctx: PushContext, op: SyncOp, payload: dict) -> list[str]:
    """Mark the sale voided and put its items back in stock; before its sale, wait for it."""
    sale = db.session.get(Sale, payload["sale_id"])
    if sale is None:
        op.status = MutationStatus.WAITING
        ctx.add_waiting(payload["sale_id"], op)
        return ["waiting"]
    if sale.artisan_id != ctx.artisan_id:
        raise Rejected(reasons.UNKNOWN_SALE, {"sale_id": str(payload["sale_id"])})
    op.stall_id = sale.stall_id
    if sale.voided:
        raise Rejected(reasons.ALREADY_VOIDED, {"sale_id": str(sale.id)})
    _void(ctx, op, sale)
    return []


def _void(ctx: PushContext, op: SyncOp, sale: Sale) -> None:
    reason = (op.payload or {}).get("reason")
    sale.voided = True
    sale.void_id = op.id
    sale.void_reason = reason[:200] if isinstance(reason, str) else None
    sale.voided_at = op.occurred_at or ctx.now
    op.status = MutationStatus.APPLIED
    op.stall_id = sale.stall_id
    ctx.stamp(sale, op)
    for product_id, quantity in _quantities(sale).items():
        ctx.move(op, sale.stall_id, product_id, MovementKind.VOID, quantity, sale.voided_at)


def _refuse_waiting(ctx: PushContext, op: SyncOp, reason: str) -> None:
    op.status = MutationStatus.REJECTED
    op.reason = reason
    op.reason_detail = {"sale_id": (op.payload or {}).get("sale_id")}
    ctx.stamp(op)


def _quantities(sale: Sale) -> dict:
    # One movement per product per mutation (the unique key): lines of one product add up.
    quantities: dict = defaultdict(int)
    for line in sale.lines:
        if line.product_id is not None:
            quantities[line.product_id] += line.quantity
    return quantities
