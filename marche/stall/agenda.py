"""Which day it is at a market, and an artisan's stalls of today and of the days to come.

"Today" is the market's own day (its time zone), never the server's: a server in UTC must not
move a Paris market to the wrong day around midnight.
"""

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import current_app

from ..extensions import db
from ..models import Market, Stall


def market_zone(market: Market) -> ZoneInfo:
    """Return the market's time zone, or the app's default when the stored name is unknown."""
    try:
        return ZoneInfo(market.timezone or current_app.config["DEFAULT_TIMEZONE"])
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(current_app.config["DEFAULT_TIMEZONE"])


def market_today(market: Market, now: dt.datetime | None = None) -> dt.date:
    """Return today's date where the market is."""
    return (now or dt.datetime.now(dt.UTC)).astimezone(market_zone(market)).date()


def is_today(market: Market, now: dt.datetime | None = None) -> bool:
    return market.date == market_today(market, now)


def _stalls_between(artisan_id: int, first: dt.date, last: dt.date | None = None) -> list[Stall]:
    query = (db.select(Stall).join(Stall.market)
             .where(Stall.artisan_id == artisan_id, Market.date >= first)
             .order_by(Market.date, Market.opens_at, Stall.number))
    if last is not None:
        query = query.where(Market.date <= last)
    return list(db.session.execute(query).scalars())


def today_stalls(artisan_id: int, now: dt.datetime | None = None) -> list[Stall]:
    """Return the artisan's stalls at markets happening today, each in its own time zone."""
    now = now or dt.datetime.now(dt.UTC)
    utc_day = now.date()
    # Every time zone is within a day of UTC: look one day around, then keep the true ones.
    candidates = _stalls_between(artisan_id, utc_day - dt.timedelta(days=1),
                                 utc_day + dt.timedelta(days=1))
    return [stall for stall in candidates if is_today(stall.market, now)]


def upcoming_stalls(artisan_id: int, limit: int = 5,
                    now: dt.datetime | None = None) -> list[Stall]:
    """Return the artisan's next stalls after today, soonest first."""
    now = now or dt.datetime.now(dt.UTC)
    candidates = _stalls_between(artisan_id, now.date() - dt.timedelta(days=1))
    later = [stall for stall in candidates if stall.market.date > market_today(stall.market, now)]
    return later[:limit]


def latest_stall(artisan_id: int) -> Stall | None:
    """Return the stall to show as "my page": today's, else the next one, else the last one."""
    today = today_stalls(artisan_id)
    if today:
        return today[0]
    upcoming = upcoming_stalls(artisan_id, limit=1)
    if upcoming:
        return upcoming[0]
    return db.session.execute(
        db.select(Stall).join(Stall.market).where(Stall.artisan_id == artisan_id)
        .order_by(Market.date.desc()).limit(1)
    ).scalar_one_or_none()
