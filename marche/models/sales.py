"""Sales as recorded at the stall, their lines and payments, and stock movements."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import reports
from ..extensions import db
from .columns import MovementKind, PaymentMethod, UTCDateTime, enum_column, utcnow

if TYPE_CHECKING:  # the classes are found by name when the mappers are configured
    from .markets import Stall



class Sale(db.Model):
    """A sale as recorded at the stall; its id is the id of its ``sale.record`` mutation."""

    __tablename__ = "sales"
    __table_args__ = (
        CheckConstraint("total_cents >= 0", name="ck_sales_total"),
        CheckConstraint("discount_cents >= 0", name="ck_sales_discount"),
        Index("ix_sales_stall_occurred", "stall_id", "occurred_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    stall_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stalls.id"))
    artisan_id: Mapped[int] = mapped_column(ForeignKey("artisan_profiles.user_id"), index=True)
    device_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("devices.id"))
    occurred_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    discount_cents: Mapped[int] = mapped_column(Integer, default=0)
    total_cents: Mapped[int] = mapped_column(Integer)
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    clock_flagged: Mapped[bool] = mapped_column(Boolean, default=False)
    voided: Mapped[bool] = mapped_column(Boolean, default=False)
    void_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, unique=True)  # the void mutation
    void_reason: Mapped[str | None] = mapped_column(String(200))
    voided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=0, index=True)

    stall: Mapped[Stall] = relationship(back_populates="sales")
    lines: Mapped[list[SaleLine]] = relationship(
        back_populates="sale", order_by="SaleLine.position", cascade="all, delete-orphan")
    payments: Mapped[list[Payment]] = relationship(back_populates="sale",
                                                   cascade="all, delete-orphan")


class SaleLine(db.Model):
    """One line of a sale, with the label and unit price as sold."""

    __tablename__ = "sale_lines"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="ck_sale_lines_quantity"),
        CheckConstraint("unit_price_cents >= 0", name="ck_sale_lines_price"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)  # line_id, made on the phone
    sale_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sales.id", ondelete="CASCADE"),
                                               index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    product_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("products.id"), index=True)
    label: Mapped[str] = mapped_column(String(80))
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price_cents: Mapped[int] = mapped_column(Integer)

    sale: Mapped[Sale] = relationship(back_populates="lines")

    @property
    def total_cents(self) -> int:
        return reports.line_total_cents(self)


class Payment(db.Model):
    """One payment of a sale (a sale may be split between cash and card)."""

    __tablename__ = "payments"
    __table_args__ = (CheckConstraint("amount_cents >= 0", name="ck_payments_amount"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)  # payment_id, made on the phone
    sale_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sales.id", ondelete="CASCADE"),
                                               index=True)
    method: Mapped[PaymentMethod] = mapped_column(enum_column(PaymentMethod, "payment_method"))
    amount_cents: Mapped[int] = mapped_column(Integer)

    sale: Mapped[Sale] = relationship(back_populates="payments")


class StockMovement(db.Model):
    """A signed change of stock for one product at one stall; stock is their sum."""

    __tablename__ = "stock_movements"
    __table_args__ = (
        # One movement of a kind per product per mutation: a replayed mutation cannot add twice.
        UniqueConstraint("mutation_id", "product_id", "kind", name="uq_stock_movements_mutation"),
        Index("ix_stock_movements_stall_product", "stall_id", "product_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    stall_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stalls.id"))
    product_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("products.id"))
    kind: Mapped[MovementKind] = mapped_column(enum_column(MovementKind, "movement_kind"))
    quantity: Mapped[int] = mapped_column(Integer)
    mutation_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("sync_ops.id"))
    occurred_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    below_zero: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=0, index=True)
