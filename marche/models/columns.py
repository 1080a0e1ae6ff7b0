"""Column types and the enums of the model: UTC times, enums stored as short words."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import DateTime, Enum, TypeDecorator


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


def enum_column(cls: type[enum.Enum], name: str) -> Enum:
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
