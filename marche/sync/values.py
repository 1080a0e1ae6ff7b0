"""The rows a phone holds, as the pull sends them (design/sync.md, "The state a phone needs")."""

from __future__ import annotations

from flask import url_for

from ..models import Product, ProductConflict, Sale, Stall, SyncOp
from ..qr import absolute_url
from .context import uuid_or_none
from .reasons import display


def _iso(value):
    return value.isoformat() if value is not None else None


def product_key(product_id) -> str:
    return f"product/{product_id}"


def stall_key(stall_id) -> str:
    return f"stall/{stall_id}"


def sale_key(sale_id) -> str:
    return f"sale/{sale_id}"


def stock_key(stall_id, product_id) -> str:
    return f"stock/{stall_id}/{product_id}"


def rejected_key(op_id) -> str:
    return f"rejected/{op_id}"


def product_value(product: Product, conflicts: list[ProductConflict]) -> dict:
    """A product; ``version`` is its edit count, what an edit names as ``base_version``."""
    photo = (url_for("media", key=product.photo_key, size="thumb")
             if product.photo_key else None)
    return {
        "id": str(product.id), "name": product.name, "price_cents": product.price_cents,
        "cost_cents": product.cost_cents, "category": product.category, "photo_url": photo,
        "active": product.active, "version": product.edit_version,
        "conflicts": [{"id": c.id, "field": c.field, "base_version": c.base_version,
                       "overwritten": (c.overwritten_value or {}).get("value"),
                       "new": (c.new_value or {}).get("value"), "at": _iso(c.created_at)}
                      for c in conflicts],
    }


def stall_urls(slug: str) -> tuple[str, str]:
    """Return the stall's public page and QR image, absolute (they are printed on posters)."""
    return (absolute_url("public.stall_page", slug=slug),
            absolute_url("public.qr_png", slug=slug))


def stall_value(stall: Stall) -> dict:
    market = stall.market
    public_url, qr_url = stall_urls(stall.slug)
    return {
        "id": str(stall.id), "market_id": market.id, "market_name": market.name,
        "date": market.date.isoformat(), "place": market.place, "address": market.address,
        "timezone": market.timezone, "opens_at": _iso(market.opens_at),
        "closes_at": _iso(market.closes_at), "number": stall.number,
        "fee_cents": stall.fee_cents, "status": stall.status.value,
        "cash_float_cents": stall.cash_float_cents,
        "cash_counted_cents": stall.cash_counted_cents, "opened_at": _iso(stall.opened_at),
        "closed_at": _iso(stall.closed_at), "public_url": public_url, "qr_url": qr_url,
    }


def sale_value(sale: Sale) -> dict:
    return {
        "id": str(sale.id), "stall_id": str(sale.stall_id), "occurred_at": _iso(sale.occurred_at),
        "device_id": str(sale.device_id) if sale.device_id else None,
        "lines": [{"line_id": str(line.id),
                   "product_id": str(line.product_id) if line.product_id else None,
                   "label": line.label, "quantity": line.quantity,
                   "unit_price_cents": line.unit_price_cents} for line in sale.lines],
        "payments": [{"payment_id": str(payment.id), "method": payment.method.value,
                      "amount_cents": payment.amount_cents} for payment in sale.payments],
        "discount_cents": sale.discount_cents, "total_cents": sale.total_cents,
        "voided": sale.voided, "void_reason": sale.void_reason, "late": sale.late,
    }


def stock_value(stall_id, product_id, quantity: int) -> dict:
    return {"stall_id": str(stall_id), "product_id": str(product_id), "quantity": quantity}


def rejected_value(op: SyncOp) -> dict:
    """A refused mutation, under the id the phone made (its outbox is matched by it).

    A refusal kept under an id of the server's (the phone's was taken by someone else's row)
    names the phone's id in ``reason_detail.mutation_id``; the key stays the server's id.
    """
    kept_as = uuid_or_none((op.reason_detail or {}).get("mutation_id"))
    return {
        "id": str(kept_as or op.id), "seq": op.seq, "type": op.type, "reason": op.reason,
        "message": display(op.reason), "detail": op.reason_detail,
        "stall_id": str(op.stall_id) if op.stall_id else None,
        "device_id": str(op.device_id), "occurred_at": _iso(op.occurred_at),
        "received_at": _iso(op.received_at),
    }
