"""The till: one page shell that works offline; its script renders the day from IndexedDB.

The page holds no sale: the phone's scripts read the state from ``/api/v1/sync/pull`` into
IndexedDB and draw every screen from there, so the same page works with no network. What the
server writes in is what does not change during a day: the words, the addresses, and two hints
(the stock brought last time, the takings of past markets).
"""

from __future__ import annotations

from flask import current_app, url_for
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import func, select

from .. import reports
from ..extensions import db
from ..models import Market, MovementKind, Role, Sale, Stall, StallStatus, StockMovement
from ..pwa import app_version
from ..security import role_required
from ..web import render
from .access import my_profile
from .till_strings import phone_strings

PAST_MARKETS = 6


def intl_locale() -> str:
    """Return the locale for the browser's ``Intl``: Latin digits, as the server writes them."""
    return f"{get_locale()}-u-nu-latn"


def phone_config() -> dict:
    """Return what every script of the artisan's phone needs to know, for this user."""
    return {
        "user": current_user.id,
        "login": current_user.login,
        "db": f"marche-u{current_user.id}",
        "locale": intl_locale(),
        "currency": current_app.config["CURRENCY"],
        "timezone": current_app.config["DEFAULT_TIMEZONE"],
        "app_version": app_version(),
        "push_url": url_for("api.sync_push"),
        "pull_url": url_for("api.sync_pull"),
        "sw_url": url_for("service_worker"),
        "till_url": url_for("stall.till"),
        "today_url": url_for("stall.today"),
    }


def last_opening(artisan_id: int) -> dict[str, int]:
    """Return the stock brought to the artisan's latest opened stall, per product."""
    latest = db.session.execute(
        select(Stall.id).join(Stall.market)
        .where(Stall.artisan_id == artisan_id, Stall.opened_at.is_not(None))
        .order_by(Market.date.desc(), Stall.opened_at.desc()).limit(1)).scalar_one_or_none()
    if latest is None:
        return {}
    rows = db.session.execute(
        select(StockMovement.product_id, func.sum(StockMovement.quantity))
        .where(StockMovement.stall_id == latest, StockMovement.kind == MovementKind.OPENING)
        .group_by(StockMovement.product_id))
    return {str(product_id): int(quantity) for product_id, quantity in rows}


def past_markets(artisan_id: int) -> list[dict]:
    """Return the takings of the artisan's last closed markets, oldest first (for a chart)."""
    stalls = list(db.session.execute(
        select(Stall).join(Stall.market)
        .where(Stall.artisan_id == artisan_id, Stall.status == StallStatus.CLOSED)
        .order_by(Market.date.desc()).limit(PAST_MARKETS)).scalars())
    past = []
    for stall in reversed(stalls):
        sales = db.session.execute(select(Sale).where(Sale.stall_id == stall.id)).scalars()
        past.append({"stall_id": str(stall.id), "date": stall.market.date.isoformat(),
                     "market": stall.market.name, "takings_cents": reports.takings_cents(sales)})
    return past


@role_required(Role.ARTISAN)
def till():
    """Show the till: open the stall, sell, correct, close; it works with no network."""
    me = my_profile()
    return render("stall/till.html", hints={"last_opening": last_opening(me.user_id),
                                            "past": past_markets(me.user_id)})


def _phone_context() -> dict:
    if not (current_user.is_authenticated and current_user.is_artisan):
        return {}
    return {"phone_config": phone_config, "phone_strings": phone_strings}


def register(bp) -> None:
    """Add the till's page to the stall blueprint, and the phone's settings to its pages."""
    bp.add_url_rule("/till", view_func=till)
    bp.context_processor(_phone_context)
