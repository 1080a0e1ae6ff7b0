"""The mutation types the server knows: each type's payload schema and its applier.

Phones keep old outboxes and old app versions for months: a type, once released, stays here
and keeps its meaning forever. A change of meaning is a new type with a new name.
"""

from typing import NamedTuple

from marshmallow import Schema

from . import apply_catalogue, apply_sales, apply_stalls
from .payloads import (
    ProductUpsertSchema,
    SaleRecordSchema,
    SaleVoidSchema,
    StallCloseSchema,
    StallOpenSchema,
    StockAdjustSchema,
)


class MutationType(NamedTuple):
    schema: Schema
    apply: object  # (PushContext, SyncOp, payload) -> list of flags; raises Rejected


TYPES: dict[str, MutationType] = {
    "stall.open": MutationType(StallOpenSchema(), apply_stalls.open_stall),
    "sale.record": MutationType(SaleRecordSchema(), apply_sales.record),
    "sale.void": MutationType(SaleVoidSchema(), apply_sales.void),
    "stock.adjust": MutationType(StockAdjustSchema(), apply_stalls.adjust_stock),
    "product.upsert": MutationType(ProductUpsertSchema(), apply_catalogue.upsert),
    "stall.close": MutationType(StallCloseSchema(), apply_stalls.close_stall),
}
