"""Markets, the stalls on them, and the artisans' catalogues."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .columns import StallStatus, UTCDateTime, enum_column, utcnow

if TYPE_CHECKING:  # the classes are found by name when the mappers are configured
    from .people import ArtisanProfile, Cohort
    from .sales import Sale



class Market(db.Model):
    """A market day: where, when, in which time zone, and the default stall fee."""

    __tablename__ = "markets"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"), index=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    place: Mapped[str] = mapped_column(String(120))
    address: Mapped[str] = mapped_column(String(300), default="")
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    opens_at: Mapped[dt.time | None] = mapped_column(Time)
    closes_at: Mapped[dt.time | None] = mapped_column(Time)
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Paris")
    default_fee_cents: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    cohort: Mapped[Cohort] = relationship(back_populates="markets")
    stalls: Mapped[list[Stall]] = relationship(back_populates="market", order_by="Stall.number",
                                               cascade="all, delete-orphan")


class Stall(db.Model):
    """An artisan at a market: stall number, fee, public slug, and the day's open/close."""

    __tablename__ = "stalls"
    __table_args__ = (
        UniqueConstraint("market_id", "number", name="uq_stalls_market_number"),
        UniqueConstraint("market_id", "artisan_id", name="uq_stalls_market_artisan"),
        CheckConstraint("fee_cents >= 0", name="ck_stalls_fee"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    market_id: Mapped[int] = mapped_column(ForeignKey("markets.id", ondelete="CASCADE"))
    artisan_id: Mapped[int] = mapped_column(ForeignKey("artisan_profiles.user_id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    fee_cents: Mapped[int] = mapped_column(Integer, default=0)
    slug: Mapped[str] = mapped_column(String(32), unique=True)
    status: Mapped[StallStatus] = mapped_column(enum_column(StallStatus, "stall_status"),
                                                default=StallStatus.UPCOMING)
    cash_float_cents: Mapped[int | None] = mapped_column(Integer)
    cash_counted_cents: Mapped[int | None] = mapped_column(Integer)
    close_note: Mapped[str] = mapped_column(Text, default="")
    opened_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=0, index=True)

    market: Mapped[Market] = relationship(back_populates="stalls")
    artisan: Mapped[ArtisanProfile] = relationship(back_populates="stalls")
    sales: Mapped[list[Sale]] = relationship(back_populates="stall", order_by="Sale.occurred_at")


class Product(db.Model):
    """An item of an artisan's catalogue. Archived (``active=False``), never removed."""

    __tablename__ = "products"
    __table_args__ = (
        CheckConstraint("price_cents >= 0", name="ck_products_price"),
        CheckConstraint("cost_cents IS NULL OR cost_cents >= 0", name="ck_products_cost"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    artisan_id: Mapped[int] = mapped_column(ForeignKey("artisan_profiles.user_id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    price_cents: Mapped[int] = mapped_column(Integer)
    cost_cents: Mapped[int | None] = mapped_column(Integer)
    category: Mapped[str] = mapped_column(String(60), default="")
    photo_key: Mapped[str | None] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # The product's own edit counter: a stall edit names the one it was based on.
    edit_version: Mapped[int] = mapped_column(Integer, default=1)
    version: Mapped[int] = mapped_column(Integer, default=0, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    artisan: Mapped[ArtisanProfile] = relationship(back_populates="products")
