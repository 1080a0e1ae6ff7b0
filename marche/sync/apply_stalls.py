"""``stall.open``, ``stock.adjust`` and ``stall.close``: the day of a stall, and its stock."""

from __future__ import annotations

from collections import defaultdict

from ..models import MovementKind, StallStatus
from . import reasons
from .context import Op, PushContext
from .reasons import Rejected


def _own_stall(ctx: PushContext, op: Op, payload: dict):
    stall = ctx.stall(payload["stall_id"])
    if stall is None:
        raise Rejected(reasons.UNKNOWN_STALL, {"stall_id": str(payload["stall_id"])})
    op.stall_id = stall.id
    return stall


def _own_product(ctx: PushContext, product_id):
    if ctx.product(product_id) is None:
        raise Rejected(reasons.UNKNOWN_PRODUCT, {"product_id": str(product_id)})


def open_stall(ctx: PushContext, op: Op, payload: dict) -> list[str]:
    """Open the stall with its cash float, and write the opening stock."""
    stall = _own_stall(ctx, op, payload)
    if stall.status != StallStatus.UPCOMING:
        # Two phones opening one stall would count the opening stock twice: the second is
        # kept as refused, for the artisan to see.
        raise Rejected(reasons.ALREADY_OPEN, {"status": stall.status.value})
    quantities: dict = defaultdict(int)
    for line in payload["stock"]:
        _own_product(ctx, line["product_id"])
        quantities[line["product_id"]] += line["quantity"]
    stall.status = StallStatus.OPEN
    stall.opened_at = op.occurred_at or ctx.now
    stall.cash_float_cents = payload["cash_float_cents"]
    ctx.stamp(stall)
    for product_id, quantity in quantities.items():
        ctx.move(op, stall.id, product_id, MovementKind.OPENING, quantity, stall.opened_at)
    return []


KINDS = {"restock": MovementKind.RESTOCK, "loss": MovementKind.LOSS, "count": MovementKind.COUNT}


def adjust_stock(ctx: PushContext, op: Op, payload: dict) -> list[str]:
    """Add a restock, take off a loss, or correct by a count (relative to what was shown)."""
    stall = _own_stall(ctx, op, payload)
    _own_product(ctx, payload["product_id"])
    kind, quantity = payload["kind"], payload["quantity"]
    # A count is relative: sales made meanwhile on other phones are not wiped out.
    delta = {"restock": quantity, "loss": -quantity}.get(kind)
    if delta is None:
        delta = quantity - payload["shown"]
    below = ctx.move(op, stall.id, payload["product_id"], KINDS[kind], delta,
                     op.occurred_at or ctx.now)
    return ["below_zero"] if below else []


def close_stall(ctx: PushContext, op: Op, payload: dict) -> list[str]:
    """Close the stall's day with the cash counted; a second close updates the count."""
    stall = _own_stall(ctx, op, payload)
    stall.status = StallStatus.CLOSED
    stall.closed_at = stall.closed_at or op.occurred_at or ctx.now
    if payload["cash_counted_cents"] is not None:
        stall.cash_counted_cents = payload["cash_counted_cents"]
    if payload["note"]:
        stall.close_note = payload["note"]
    ctx.stamp(stall)
    return []
