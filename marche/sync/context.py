"""What the appliers of one push share: the artisan, the version it stamps, and what to write.

New rows (mutations, sales, lines, payments, stock movements, conflicts) are collected and
written with one multi-row INSERT per table when the batch is done, in foreign-key order: a
market day's backlog is stored in a few statements. Rows the appliers look up again (the
artisan's stalls and products, stock levels, sales of this batch, voids waiting for their sale)
are kept in memory; ``forget()`` drops them when a mutation is rolled back.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from sqlalchemy import case, func, insert, select, update
from sqlalchemy.orm.attributes import set_committed_value

from ..extensions import db
from ..models import (
    Device,
    MovementKind,
    MutationStatus,
    Payment,
    Product,
    ProductConflict,
    Sale,
    SaleLine,
    Stall,
    StockMovement,
    SyncOp,
)

COUNTED = (MovementKind.OPENING, MovementKind.RESTOCK, MovementKind.COUNT, MovementKind.LOSS)
# The order of the INSERTs: each table after the ones it references.
TABLES = (SyncOp.__table__, Sale.__table__, SaleLine.__table__, Payment.__table__,
          StockMovement.__table__, ProductConflict.__table__)


@dataclass
class Op:
    """One mutation as the server keeps it (a ``sync_ops`` row in the making)."""

    id: uuid.UUID
    seq: int
    type: str
    payload: object
    occurred_at: dt.datetime | None
    status: MutationStatus
    envelope: dict = field(default_factory=dict)  # device, times, skew, app version
    stall_id: uuid.UUID | None = None
    reason: str | None = None
    reason_detail: dict | None = None
    clock_flagged: bool = False
    stored: bool = False  # already a row (a waiting void, or written earlier): updated

    @classmethod
    def from_row(cls, row: SyncOp) -> Op:
        return cls(id=row.id, seq=row.seq, type=row.type, payload=row.payload,
                   occurred_at=row.occurred_at, status=row.status, stall_id=row.stall_id,
                   reason=row.reason, reason_detail=row.reason_detail,
                   clock_flagged=row.clock_flagged, stored=True)

    def row(self, version: int) -> dict:
        return {**self.envelope, "id": self.id, "seq": self.seq, "type": self.type,
                "payload": self.payload, "occurred_at": self.occurred_at,
                "clock_flagged": self.clock_flagged, "status": self.status,
                "reason": self.reason, "reason_detail": self.reason_detail,
                "stall_id": self.stall_id, "version": version}


@dataclass
class PushContext:
    artisan_id: int
    device: Device
    version: int  # the artisan's version this push stamps on every row it changes
    now: dt.datetime
    changed: bool = False
    _rows: dict = field(default_factory=dict)  # table -> rows to insert
    _updated_ops: dict = field(default_factory=dict)  # id -> stored Op changed
    _sales: dict = field(default_factory=dict)  # sale id -> (row, lines) of this batch
    _stalls: dict = field(default_factory=dict)
    _products: dict = field(default_factory=dict)
    _stock: dict = field(default_factory=dict)  # (stall_id, product_id) -> quantity
    _stock_loaded: set = field(default_factory=set)  # stall ids whose levels are in _stock
    _tracked: set = field(default_factory=set)  # (stall_id, product_id) whose stock is counted
    _waiting: dict | None = None  # sale_id -> [void Op], oldest first

    # -- writing -----------------------------------------------------------------------------

    def add(self, table, row: dict) -> dict:
        self._rows.setdefault(table, []).append(row)
        return row

    def add_op(self, op: Op) -> None:
        self.add(SyncOp.__table__, op)

    def touch_op(self, op: Op) -> None:
        """Record a change to an op: a new one is inserted as it ends up, a stored one updated."""
        if op.stored:
            self._updated_ops[op.id] = op

    def pending_ops(self) -> list[Op]:
        return list(self._rows.get(SyncOp.__table__, []))

    def write(self) -> None:
        """Write everything collected: ORM changes, then each table's rows in one INSERT."""
        db.session.flush()
        for table in TABLES:
            rows = self._rows.get(table)
            if rows:
                if table is SyncOp.__table__:
                    rows = [op.row(self.version) for op in rows]
                db.session.execute(insert(table), rows)
        for op in self._updated_ops.values():
            db.session.execute(update(SyncOp.__table__).where(SyncOp.id == op.id).values(
                status=op.status, stall_id=op.stall_id, reason=op.reason,
                reason_detail=op.reason_detail, version=self.version))
        # An op written here is a row from now on: one mutation at a time (in savepoints), a
        # void written waiting may be applied by a later sale of the batch, and must be updated.
        for op in self._rows.get(SyncOp.__table__, ()):
            op.stored = True
        self.discard()

    def discard(self) -> None:
        self._rows.clear()
        self._updated_ops.clear()
        self._sales.clear()

    def forget(self) -> None:
        """Drop every cache (a mutation was rolled back)."""
        self.discard()
        for cache in (self._stalls, self._products, self._stock, self._stock_loaded,
                      self._tracked):
            cache.clear()
        self._waiting = None

    def stamp(self, *rows) -> None:
        for row in rows:
            row.version = self.version

    # -- the artisan's rows ------------------------------------------------------------------

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
            own = product is not None and product.artisan_id == self.artisan_id
            self._products[product_id] = product if own else None
        return self._products[product_id]

    def remember_product(self, product: Product) -> None:
        self._products[product.id] = product

    def add_sale(self, row: dict, lines: list[dict], payments: list[dict]) -> None:
        self.add(Sale.__table__, row)
        for line in lines:
            self.add(SaleLine.__table__, line)
        for payment in payments:
            self.add(Payment.__table__, payment)
        self._sales[row["id"]] = (row, lines)

    def sale(self, sale_id: uuid.UUID) -> SaleRef | None:
        """Return a sale of this batch or of the database (anyone's), or None."""
        if sale_id in self._sales:
            row, lines = self._sales[sale_id]
            return SaleRef(row, lines, None)
        stored = db.session.get(Sale, sale_id)
        if stored is None:
            return None
        lines = [{"product_id": line.product_id, "quantity": line.quantity}
                 for line in stored.lines]
        return SaleRef(None, lines, stored)

    def refused_sale(self, sale_id: uuid.UUID) -> bool:
        """Say whether the artisan's ``sale.record`` of this id was refused (in this batch or
        before), kept under the phone's id or, when that was taken, under one of ours."""
        def names(op_id, detail) -> bool:
            return op_id == sale_id or (isinstance(detail, dict)
                                        and detail.get("mutation_id") == str(sale_id))

        if any(op.type == "sale.record" and op.status == MutationStatus.REJECTED
               and names(op.id, op.reason_detail) for op in self.pending_ops()):
            return True
        return db.session.execute(select(SyncOp.id).where(
            SyncOp.artisan_id == self.artisan_id, SyncOp.type == "sale.record",
            SyncOp.status == MutationStatus.REJECTED,
            (SyncOp.id == sale_id)
            | (SyncOp.reason_detail["mutation_id"].as_string() == str(sale_id))).limit(1)
        ).first() is not None

    # -- stock ---------------------------------------------------------------------------------

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

    def move(self, op: Op, stall_id: uuid.UUID, product_id: uuid.UUID, kind: MovementKind,
             quantity: int, occurred_at: dt.datetime) -> bool:
        """Add one stock movement of ``op``; say whether it took a counted stock below zero.

        A stock is counted once the artisan gave a quantity (opening, restock, count, loss):
        selling a product whose stock nobody counted is no alarm.
        """
        level = self.stock_level(stall_id, product_id) + quantity
        self._stock[(stall_id, product_id)] = level
        if kind in COUNTED:
            self._tracked.add((stall_id, product_id))
        below = quantity < 0 and level < 0 and (stall_id, product_id) in self._tracked
        self.add(StockMovement.__table__, {
            "stall_id": stall_id, "product_id": product_id, "kind": kind, "quantity": quantity,
            "mutation_id": op.id, "occurred_at": occurred_at, "created_at": self.now,
            "below_zero": below, "version": self.version})
        return below

    # -- voids waiting for their sale ------------------------------------------------------------

    def _load_waiting(self) -> dict:
        if self._waiting is None:
            self._waiting = {}
            rows = db.session.execute(
                select(SyncOp).where(SyncOp.artisan_id == self.artisan_id,
                                     SyncOp.status == MutationStatus.WAITING,
                                     SyncOp.type == "sale.void")
                .order_by(SyncOp.received_at, SyncOp.seq)).scalars()
            for row in rows:
                target = uuid_or_none((row.payload or {}).get("sale_id"))
                if target is not None:
                    self._waiting.setdefault(target, []).append(Op.from_row(row))
        return self._waiting

    def waiting_voids(self, sale_id: uuid.UUID) -> list[Op]:
        """Return (and forget) the voids stored before sale ``sale_id`` arrived."""
        return self._load_waiting().pop(sale_id, [])

    def add_waiting(self, sale_id: uuid.UUID, op: Op) -> None:
        self._load_waiting().setdefault(sale_id, []).append(op)


@dataclass
class SaleRef:
    """A sale to void: a row of this batch (``row``) or one already stored (``stored``)."""

    row: dict | None
    lines: list[dict]
    stored: Sale | None

    def get(self, name: str):
        return self.row[name] if self.row is not None else getattr(self.stored, name)

    def void(self, ctx: PushContext, op: Op, reason: str | None, at: dt.datetime) -> bool:
        """Mark the sale voided by ``op``; say whether it was not voided already.

        A stored sale is marked by one guarded UPDATE: its ``void_id`` is written once, by the
        database. Of two voids of one sale (two phones, two workers), the second finds it
        taken whatever the locks around the push did, and no second movement is written.
        """
        values = {"voided": True, "void_id": op.id, "void_reason": reason, "voided_at": at,
                  "version": ctx.version}
        if self.row is not None:
            self.row.update(values)
            return True
        marked = db.session.execute(
            update(Sale).where(Sale.id == self.stored.id, Sale.void_id.is_(None))
            .values(**values).execution_options(synchronize_session=False))
        if marked.rowcount != 1:
            return False
        for name, value in values.items():
            set_committed_value(self.stored, name, value)
        return True

    def quantities(self) -> dict:
        # One movement per product per mutation (the unique key): lines of one product add up.
        totals: dict = {}
        for line in self.lines:
            if line["product_id"] is not None:
                totals[line["product_id"]] = totals.get(line["product_id"], 0) + line["quantity"]
        return totals


def uuid_or_none(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None
