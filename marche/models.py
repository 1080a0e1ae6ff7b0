"""The data model: people, markets, the catalogue, sales and the sync log.

Rules the schema keeps (design/architecture.md, design/sync.md):
- money is an integer number of cents (``*_cents``);
- times are stored in UTC; a market has a time zone that decides "which day";
- everything a phone can create has a UUID primary key made on the phone, and a unique
  constraint on it, so a retried push can never insert it twice;
- stock is never a stored number: it is the sum of ``StockMovement`` rows;
- a sale keeps the label and unit price of each line as sold, and is voided, never deleted;
- every row a push changes is stamped with the artisan's ``version`` (the pull cookie).
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid

from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    Time,
    TypeDecorator,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from . import reports
from .extensions import db


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on every engine (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


def _enum(cls: type[enum.Enum], name: str) -> Enum:
    # Stored as the values (short lower-case words) with a CHECK, the same on both engines.
    return Enum(cls, name=name, native_enum=False, values_callable=lambda e: [m.value for m in e],
                length=20, validate_strings=True)


class Role(enum.StrEnum):
    COACH = "coach"
    ARTISAN = "artisan"
    ADMIN = "admin"


class StallStatus(enum.StrEnum):
    UPCOMING = "upcoming"
    OPEN = "open"
    CLOSED = "closed"


class PaymentMethod(enum.StrEnum):
    CASH = "cash"
    CARD = "card"
    TRANSFER = "transfer"
    OTHER = "other"


class MovementKind(enum.StrEnum):
    OPENING = "opening"
    RESTOCK = "restock"
    SALE = "sale"
    VOID = "void"
    COUNT = "count"
    LOSS = "loss"


class MutationStatus(enum.StrEnum):
    APPLIED = "applied"
    REJECTED = "rejected"
    WAITING = "waiting"  # a void that arrived before its sale


class ActivityNature(enum.StrEnum):
    OWN_MADE = "own_made"
    RESALE = "resale"
    SERVICE = "service"


cohort_coaches = Table(
    "cohort_coaches",
    db.metadata,
    Column("cohort_id", ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class User(UserMixin, db.Model):
    """Anyone who logs in: a coach (e-mail + password) or an artisan (login + PIN)."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("email IS NOT NULL OR login IS NOT NULL", name="ck_users_identifier"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    role: Mapped[Role] = mapped_column(_enum(Role, "role"))
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    login: Mapped[str | None] = mapped_column(String(32), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    pin_hash: Mapped[str | None] = mapped_column(String(255))
    locale: Mapped[str | None] = mapped_column(String(8))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Bumped to end every session of this user at once (a lost phone, a reset).
    session_epoch: Mapped[int] = mapped_column(Integer, default=0)
    enrol_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    enrol_expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    profile: Mapped[ArtisanProfile | None] = relationship(back_populates="user", uselist=False)
    cohorts: Mapped[list[Cohort]] = relationship(secondary=cohort_coaches,
                                                 back_populates="coaches")

    def get_id(self) -> str:
        return f"{self.id}:{self.session_epoch}"

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    @property
    def is_coach(self) -> bool:
        return self.role in (Role.COACH, Role.ADMIN)

    @property
    def is_artisan(self) -> bool:
        return self.role == Role.ARTISAN


class Cohort(db.Model):
    """A group of artisans followed together by one or more coaches over a season."""

    __tablename__ = "cohorts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    organisation: Mapped[str] = mapped_column(String(120), default="")
    season: Mapped[str] = mapped_column(String(40), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    coaches: Mapped[list[User]] = relationship(secondary=cohort_coaches,
                                               back_populates="cohorts")
    artisans: Mapped[list[ArtisanProfile]] = relationship(back_populates="cohort")
    markets: Mapped[list[Market]] = relationship(back_populates="cohort")


class ArtisanProfile(db.Model):
    """An artisan's public profile and the per-artisan sync version counter."""

    __tablename__ = "artisan_profiles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohorts.id"), index=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    craft: Mapped[str] = mapped_column(String(120), default="")
    story: Mapped[str] = mapped_column(Text, default="")
    photo_key: Mapped[str | None] = mapped_column(String(64))
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    instagram: Mapped[str] = mapped_column(String(64), default="")
    public: Mapped[bool] = mapped_column(Boolean, default=True)
    siren: Mapped[str | None] = mapped_column(String(9))
    nature: Mapped[ActivityNature] = mapped_column(_enum(ActivityNature, "nature"),
                                                   default=ActivityNature.OWN_MADE)
    # The pull cookie: increased at every committed push of this artisan (design/sync.md).
    version: Mapped[int] = mapped_column(Integer, default=0)
    # A change no patch can carry (a stall taken off a market) happened at this version:
    # a phone whose cookie is older gets the whole state again.
    full_state_version: Mapped[int] = mapped_column(Integer, default=0)

    user: Mapped[User] = relationship(back_populates="profile")
    cohort: Mapped[Cohort | None] = relationship(back_populates="artisans")
    products: Mapped[list[Product]] = relationship(back_populates="artisan",
                                                   order_by="Product.name")
    stalls: Mapped[list[Stall]] = relationship(back_populates="artisan")


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
    status: Mapped[StallStatus] = mapped_column(_enum(StallStatus, "stall_status"),
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


class Device(db.Model):
    """One browser profile on one phone (the sync protocol's client) and its ``last_seq``."""

    __tablename__ = "devices"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)  # client_id, made on the phone
    artisan_id: Mapped[int] = mapped_column(ForeignKey("artisan_profiles.user_id"), index=True)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)
    app_version: Mapped[str] = mapped_column(String(40), default="")
    user_agent: Mapped[str] = mapped_column(String(300), default="")
    clock_skew_seconds: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_push_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_pull_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class SyncOp(db.Model):
    """A mutation pushed by a phone, kept whatever became of it (applied, rejected, waiting)."""

    __tablename__ = "sync_ops"
    __table_args__ = (UniqueConstraint("device_id", "seq", name="uq_sync_ops_device_seq"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)  # made on the phone
    device_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("devices.id"))
    artisan_id: Mapped[int] = mapped_column(ForeignKey("artisan_profiles.user_id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict] = mapped_column(JSON)
    occurred_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    clock_skew_seconds: Mapped[int | None] = mapped_column(Integer)
    clock_flagged: Mapped[bool] = mapped_column(Boolean, default=False)
    app_version: Mapped[str] = mapped_column(String(40), default="")
    status: Mapped[MutationStatus] = mapped_column(_enum(MutationStatus, "mutation_status"))
    reason: Mapped[str | None] = mapped_column(String(80))  # a message id, translated on display
    reason_detail: Mapped[dict | None] = mapped_column(JSON)
    stall_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("stalls.id"), index=True)
    version: Mapped[int] = mapped_column(Integer, default=0, index=True)


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
    method: Mapped[PaymentMethod] = mapped_column(_enum(PaymentMethod, "payment_method"))
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
    kind: Mapped[MovementKind] = mapped_column(_enum(MovementKind, "movement_kind"))
    quantity: Mapped[int] = mapped_column(Integer)
    mutation_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("sync_ops.id"))
    occurred_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    below_zero: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=0, index=True)


class ProductConflict(db.Model):
    """A stale catalogue edit that overwrote another change: kept so the artisan can undo it."""

    __tablename__ = "product_conflicts"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("products.id"), index=True)
    mutation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sync_ops.id"))
    field: Mapped[str] = mapped_column(String(40))
    base_version: Mapped[int] = mapped_column(Integer)
    overwritten_value: Mapped[dict | None] = mapped_column(JSON)
    new_value: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=0, index=True)


class QrScan(db.Model):
    """How many times a stall's QR code was scanned on a day: a count, no IP, no cookie."""

    __tablename__ = "qr_scans"
    __table_args__ = (UniqueConstraint("stall_id", "day", name="uq_qr_scans_stall_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    stall_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stalls.id", ondelete="CASCADE"))
    day: Mapped[dt.date] = mapped_column(Date)
    count: Mapped[int] = mapped_column(Integer, default=0)


class ProductLike(db.Model):
    """Visitors' hearts for a product, counted per day: no IP, no cookie."""

    __tablename__ = "product_likes"
    __table_args__ = (UniqueConstraint("product_id", "day", name="uq_product_likes_product_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    day: Mapped[dt.date] = mapped_column(Date)
    count: Mapped[int] = mapped_column(Integer, default=0)
