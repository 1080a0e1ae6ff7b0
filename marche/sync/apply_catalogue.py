"""``product.upsert``: a product made at the stall, or an edit of one, field by field.

Each product counts its edits (``Product.edit_version``); a phone's edit names the count it was
based on. Edits apply in arrival order. An edit based on an older count that overwrites a field
changed since is applied too, and kept as a ``ProductConflict`` the artisan can see and undo.
Which fields changed since is known from the applied edits' details; when an edit came from
elsewhere (the catalogue pages), every field is assumed changed, so no overwrite goes unseen.
"""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..models import MutationStatus, Product, ProductConflict, SyncOp
from . import reasons
from .context import Op, PushContext, uuid_or_none
from .reasons import Rejected

FIELDS = ("name", "price_cents", "cost_cents", "active", "category")


def upsert(ctx: PushContext, op: Op, payload: dict) -> list[str]:
    """Create the product, or apply the fields it names; keep stale overwrites as conflicts."""
    product = db.session.get(Product, payload["product_id"])
    given = {name: payload[name] for name in FIELDS if name in payload}
    if product is None:
        return _create(ctx, op, payload, given)
    if product.artisan_id != ctx.artisan_id:
        raise Rejected(reasons.UNKNOWN_PRODUCT, {"product_id": str(product.id)})
    changes = {name: value for name, value in given.items()
               if value != getattr(product, name)}
    op.reason_detail = {"edit_version": product.edit_version, "fields": []}
    if not changes:
        return []
    base = payload["base_version"] or 0
    conflicts = []
    if base < product.edit_version:
        suspects = _changed_since(ctx, product, base)
        conflicts = [
            ctx.add(ProductConflict.__table__, {
                "product_id": product.id, "mutation_id": op.id, "field": name,
                "base_version": base, "overwritten_value": {"value": getattr(product, name)},
                "new_value": {"value": value}, "created_at": ctx.now, "resolved_at": None,
                "version": ctx.version})
            for name, value in changes.items() if suspects is None or name in suspects]
    for name, value in changes.items():
        setattr(product, name, value)
    product.edit_version += 1
    product.updated_at = ctx.now
    ctx.stamp(product)
    op.reason_detail = {"edit_version": product.edit_version, "fields": sorted(changes)}
    return ["conflict"] if conflicts else []


def _create(ctx: PushContext, op: Op, payload: dict, given: dict) -> list[str]:
    if "name" not in given or "price_cents" not in given:
        raise Rejected(reasons.NEW_PRODUCT_FIELDS, {"product_id": str(payload["product_id"])})
    product = Product(id=payload["product_id"], artisan_id=ctx.artisan_id, name=given["name"],
                      price_cents=given["price_cents"], cost_cents=given.get("cost_cents"),
                      active=given.get("active", True), category=given.get("category", ""),
                      edit_version=1, created_at=ctx.now, updated_at=ctx.now,
                      version=ctx.version)
    db.session.add(product)
    ctx.remember_product(product)
    op.reason_detail = {"edit_version": 1, "fields": sorted(given)}
    return []


def _changed_since(ctx: PushContext, product: Product, base: int) -> set[str] | None:
    """Return the fields changed after edit ``base``, or None when some edit is not on record."""
    stored = db.session.execute(select(SyncOp).where(
        SyncOp.artisan_id == ctx.artisan_id, SyncOp.type == "product.upsert",
        SyncOp.status == MutationStatus.APPLIED)).scalars()
    fields: set[str] = set()
    seen: set[int] = set()
    for other in [*stored, *ctx.pending_ops()]:
        if other.type != "product.upsert" or other.status != MutationStatus.APPLIED:
            continue
        detail = other.reason_detail or {}
        if uuid_or_none((other.payload or {}).get("product_id")) != product.id:
            continue
        edit = detail.get("edit_version")
        if isinstance(edit, int) and edit > base and detail.get("fields"):
            seen.add(edit)
            fields.update(detail["fields"])
    if not set(range(base + 1, product.edit_version + 1)) <= seen:
        return None
    return fields
