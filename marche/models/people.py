"""People: coaches and artisans (``User``), cohorts, and an artisan's public profile."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .columns import ActivityNature, Role, UTCDateTime, enum_column, utcnow

cohort_coaches = Table(
    "cohort_coaches",
    db.metadata,
    Column("cohort_id", ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)

if TYPE_CHECKING:  # the classes are found by name when the mappers are configured
    from .markets import Market, Product, Stall



class User(UserMixin, db.Model):
    """Anyone who logs in: a coach (e-mail + password) or an artisan (login + PIN)."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("email IS NOT NULL OR login IS NOT NULL", name="ck_users_identifier"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    role: Mapped[Role] = mapped_column(enum_column(Role, "role"))
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
    nature: Mapped[ActivityNature] = mapped_column(enum_column(ActivityNature, "nature"),
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
