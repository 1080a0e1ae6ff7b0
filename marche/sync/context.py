"""What the appliers of one push share: the artisan, the version it stamps, and small caches.

The caches (the artisan's stalls and products, stock levels, voids waiting for their sale) save
queries across the mutations of a batch; they are dropped whenever a mutation is rolled back,
so they never outlive what the database holds.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from sqlalchemy import case, func, select

from ..extensions import db
from ..models import (
    Device,
    MovementKind,
    MutationStatus,
    Product,
    Stall,
    StockMovement,
    SyncOp,
)

COUNTED = (MovementKind.OPENING, MovementKind.RESTOCK, MovementKind.COUNT, MovementKind.LOSS)


@dataclass
class PushContext:
    artisan_id: int
    device: Device
    version: int  # the artisan's version this push stamps on every row it changes
    now: dt.datetime
    changed: bool = False
    _stalls: dict = field(default_factory=dict)
    _products: dict = field(default_factory=dict)
    _stock: dict = field(default_factory=dict)  # (stall_id, product_id) -> quantity
    _stock_loaded: set = field(default_factory=set)  # stall ids whose levels are in _stock
    _tracked: set = field(default_factory=set)  # (stall_id, product_id) whose stock is counted
    _waiting: dict | None = None  # sale_id -> [void SyncOp], oldest first

    def forget(self) -> None:
        """Drop every cache (a mutation was rolled back)."""
        self._stalls.clear()
        self._products.clear()
        self._stock.clear()
        self._stock_loaded.clear()
        self._tracked.clear()
        self._waiting = None

    def stamp(self, *rows) -> None:
        for row in rows:
            row.version = self.version

    def stall(self, stall_id: uuid.UUID | None) -> Stall | None:
        """Return the artisan's own stall, or None (unknown, or someone else's)."""
        if stall_id is None:
            return None
        if stall_id not in self._stalls:
            stall = db.session.get(Stall, stall_id)
            own = stall is not None and stall.artisan_id == self.artisan_id
            self._stalls[stall_id] = stall if own else None
        return self._stalls[stall_id]

    def product(self, product_id: uuid.UUID) -> Product | None:
        """Return the artisan's own product, or None (unknown, or someone else's)."""
        if product_id not in self._products:
            product = db.session.get(Product, product_id)
            self._products[product_id] = (
                product if product and product.artisan_id == self.artisan_id else None)
        return self._products[product_id]

    def remember_product(self, product: Product) -> None:
        self._products[product.id] = product

    def stock_level(self, stall_id: uuid.UUID, product_id: uuid.UUID) -> int:
        if stall_id not in self._stock_loaded:
            counted = case((StockMovement.kind.in_(COUNTED), 1), else_=0)
            rows = db.session.execute(
                select(StockMovement.product_id, func.sum(StockMovement.quantity),
                       func.sum(counted))
                .where(StockMovement.stall_id == stall_id).group_by(StockMovement.product_id))
            for pid, quantity, tracked in rows:
                self._stock[(stall_id, pid)] = int(quantity or 0)
                if tracked:
                    self._tracked.add((stall_id, pid))
            self._stock_loaded.add(stall_id)
        return self._stock.get((stall_id, product_id), 0)

    def move(self, op: SyncOp, stall_id: uuid.UUID, product_id: uuid.UUID,
             kind: MovementKind, quantity: int, occurred_at: dt.datetime) -> StockMovement:
        """Add one stock movement of ``op``; one that takes a counted stock below zero is flagged.

        A stock is counted once the artisan gave a quantity (opening, restock, count, loss):
        selling a product whose stock nobody counted is no alarm.
        """
        level = self.stock_level(stall_id, product_id) + quantity
        self._stock[(stall_id, product_id)] = level
        if kind in COUNTED:
            self._tracked.add((stall_id, product_id))
        below = quantity < 0 and level < 0 and (stall_id, product_id) in self._tracked
        movement = StockMovement(
            stall_id=stall_id, product_id=product_id, kind=kind, quantity=quantity,
            mutation_id=op.id, occurred_at=occurred_at, created_at=self.now,
            below_zero=below, version=self.version)
        db.session.add(movement)
        return movement

    def waiting_voids(self, sale_id: uuid.UUID) -> list[SyncOp]:
        """Return (and forget) the voids stored before sale ``sale_id`` arrived."""
        if self._waiting is None:
            self._waiting = {}
            ops = db.session.execute(
                select(SyncOp).where(SyncOp.artisan_id == self.artisan_id,
                                     SyncOp.status == MutationStatus.WAITING,
                                     SyncOp.type == "sale.void")
                .order_by(SyncOp.received_at, SyncOp.seq)).scalars()
            for op in ops:
                target = uuid_or_none((op.payload or {}).get("sale_id"))
                if target is not None:
                    self._waiting.setdefault(target, []).append(op)
        return self._waiting.pop(sale_id, [])

    def add_waiting(self, sale_id: uuid.UUID, op: SyncOp) -> None:
        if self._waiting is not None:
            self._waiting.setdefault(sale_id, []).append(op)


def uuid_or_none(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None
