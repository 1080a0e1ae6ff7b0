"""What a coach may see: the cohorts they follow and everything in them (an admin sees all).

Every coach view fetches its rows through these helpers, so the scoping rule lives in one
place: a row outside the user's cohorts is answered 404, never 403, so ids do not leak.
"""

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

from flask import abort
from flask_login import current_user
from sqlalchemy import exists, func, or_, true

from ..extensions import db
from ..models import (
    ArtisanProfile,
    Cohort,
    Market,
    Role,
    Sale,
    Stall,
    StockMovement,
    SyncOp,
    User,
    cohort_coaches,
)

# Who may open the coach's pages at all.
COACHES = (Role.COACH, Role.ADMIN)
# Ids beyond a 32-bit integer reach PostgreSQL as an error, not as "no such row".
_MAX_ID = 2**31 - 1


def may_see(cohort_id_column, user=None):
    """Return the SQL condition "this cohort id is one the user may see"."""
    user = user or current_user
    if user.role == Role.ADMIN:
        return true()
    return cohort_id_column.in_(
        db.select(cohort_coaches.c.cohort_id).where(cohort_coaches.c.user_id == user.id))


def visible_cohorts() -> list[Cohort]:
    return list(db.session.execute(
        db.select(Cohort).where(may_see(Cohort.id)).order_by(Cohort.created_at.desc(), Cohort.id)
    ).scalars())


def _one_or_404(statement):
    row = db.session.execute(statement).scalar_one_or_none()
    if row is None:
        abort(404)
    return row


def _valid_id(value: int) -> int:
    if not 0 < value <= _MAX_ID:
        abort(404)
    return value


def cohort_or_404(cohort_id: int) -> Cohort:
    return _one_or_404(db.select(Cohort).where(
        Cohort.id == _valid_id(cohort_id), may_see(Cohort.id)))


def market_or_404(market_id: int) -> Market:
    return _one_or_404(db.select(Market).where(
        Market.id == _valid_id(market_id), may_see(Market.cohort_id)))


def artisan_or_404(user_id: int) -> User:
    """Return an artisan (with a profile) of the user's cohorts; an admin also sees the rest."""
    statement = (db.select(User).join(ArtisanProfile, ArtisanProfile.user_id == User.id)
                 .where(User.id == _valid_id(user_id), User.role == Role.ARTISAN))
    if current_user.role != Role.ADMIN:
        statement = statement.where(may_see(ArtisanProfile.cohort_id))
    return _one_or_404(statement)


def stall_or_404(stall_id: uuid.UUID) -> Stall:
    return _one_or_404(db.select(Stall).join(Market).where(
        Stall.id == stall_id, may_see(Market.cohort_id)))


def local_today(timezone: str) -> dt.date:
    return dt.datetime.now(ZoneInfo(timezone)).date()


def todays_markets() -> list[Market]:
    """Return the markets held today in their own time zone, in the user's cohorts."""
    utc_today = dt.datetime.now(dt.UTC).date()
    # Any time zone's "today" is within a day of UTC's: narrow in SQL, decide in Python.
    candidates = db.session.execute(
        db.select(Market).where(
            may_see(Market.cohort_id),
            Market.date.between(utc_today - dt.timedelta(days=1),
                                utc_today + dt.timedelta(days=1)))
        .order_by(Market.opens_at, Market.name)
    ).scalars()
    return [market for market in candidates if market.date == local_today(market.timezone)]


def markets_split(today: dt.date, cohort_id: int | None = None) -> tuple[list, list]:
    """Return (upcoming markets, soonest first; past markets, latest first)."""
    statement = db.select(Market).where(may_see(Market.cohort_id))
    if cohort_id is not None:
        statement = statement.where(Market.cohort_id == cohort_id)
    upcoming = db.session.execute(
        statement.where(Market.date >= today).order_by(Market.date, Market.opens_at, Market.id)
    ).scalars().all()
    past = db.session.execute(
        statement.where(Market.date < today).order_by(Market.date.desc(), Market.id.desc())
    ).scalars().all()
    return list(upcoming), list(past)


def stall_counts(market_ids: list[int]) -> dict[int, int]:
    if not market_ids:
        return {}
    rows = db.session.execute(
        db.select(Stall.market_id, func.count()).where(Stall.market_id.in_(market_ids))
        .group_by(Stall.market_id))
    return {market_id: count for market_id, count in rows}


def cohort_artisans(cohort: Cohort) -> list[User]:
    return list(db.session.execute(
        db.select(User).join(ArtisanProfile, ArtisanProfile.user_id == User.id)
        .where(ArtisanProfile.cohort_id == cohort.id)
        .order_by(User.active.desc(), func.lower(ArtisanProfile.display_name), User.id)
    ).scalars())


def stall_candidates(market: Market) -> list[ArtisanProfile]:
    """Return the active artisans of the market's cohort who have no stall on it yet."""
    taken = db.select(Stall.artisan_id).where(Stall.market_id == market.id)
    return list(db.session.execute(
        db.select(ArtisanProfile).join(User, ArtisanProfile.user_id == User.id)
        .where(ArtisanProfile.cohort_id == market.cohort_id, User.active.is_(True),
               ArtisanProfile.user_id.not_in(taken))
        .order_by(func.lower(ArtisanProfile.display_name))
    ).scalars())


def next_stall_number(market: Market) -> int:
    used = set(db.session.execute(
        db.select(Stall.number).where(Stall.market_id == market.id)).scalars())
    number = 1
    while number in used:
        number += 1
    return number


def stall_number_taken(market_id: int, number: int, except_stall=None) -> bool:
    statement = db.select(Stall.id).where(Stall.market_id == market_id, Stall.number == number)
    if except_stall is not None:
        statement = statement.where(Stall.id != except_stall.id)
    return db.session.execute(statement.limit(1)).first() is not None


def stall_has_records(stall: Stall) -> bool:
    """Say whether anything was recorded on the stall (sales, stock, phone mutations)."""
    return db.session.execute(db.select(or_(
        exists().where(Sale.stall_id == stall.id),
        exists().where(StockMovement.stall_id == stall.id),
        exists().where(SyncOp.stall_id == stall.id),
    ))).scalar_one()
