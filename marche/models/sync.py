"""The sync log: the phones (``Device``), the mutations they pushed, catalogue conflicts."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .columns import MutationStatus, UTCDateTime, enum_column, utcnow


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
    status: Mapped[MutationStatus] = mapped_column(enum_column(MutationStatus, "mutation_status"))
    reason: Mapped[str | None] = mapped_column(String(80))  # a message id, translated on display
    reason_detail: Mapped[dict | None] = mapped_column(JSON)
    stall_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("stalls.id"), index=True)
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
