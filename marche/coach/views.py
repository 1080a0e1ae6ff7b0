"""The coach's side (a laptop, htmx): home, cohorts, artisans, markets and their stalls.

The views live in small modules by subject; this module holds the blueprint and the whole
URL map of the coach's side in one readable table.
"""

from flask import Blueprint, current_app

from ..qr import absolute_url
from ..security import role_required
from ..web import render
from . import artisans, cohorts, markets, queries, stalls

bp = Blueprint("coach", __name__)


@bp.before_request
@role_required(*queries.COACHES)
def _coaches_only():
    # A safety net under each view's own decorator: a view added later is closed by default.
    return None


@bp.get("/")
@role_required(*queries.COACHES)
def home():
    """Show today's markets of the coach's cohorts, with their stalls."""
    todays = queries.todays_markets()
    today = queries.local_today(current_app.config["DEFAULT_TIMEZONE"])
    upcoming, _past = queries.markets_split(today)
    upcoming = [market for market in upcoming if market not in todays][:5]
    return render("coach/home.html", todays=todays, upcoming=upcoming,
                  cohorts=queries.visible_cohorts(), nav="home")


@bp.context_processor
def _helpers():
    return {"stall_public_url": stall_public_url, "artisan_status": artisans.artisan_status,
            "artisan_status_labels": artisans.STATUS_LABELS,
            "stall_status_labels": stalls.STATUS_LABELS}


def stall_public_url(stall) -> str:
    """Return the absolute URL a stall's QR code points to (printed: on ``PUBLIC_URL``)."""
    return absolute_url("public.stall_page", slug=stall.slug)


_RULES = (
    ("/cohorts", "cohorts", cohorts.index, ["GET"]),
    ("/cohorts/new", "cohort_new", cohorts.create, ["GET", "POST"]),
    ("/cohorts/<int:cohort_id>", "cohort", cohorts.show, ["GET"]),
    ("/cohorts/<int:cohort_id>/edit", "cohort_edit", cohorts.edit, ["GET", "POST"]),
    ("/cohorts/<int:cohort_id>/coaches", "cohort_coach_add", cohorts.add_coach, ["POST"]),
    ("/cohorts/<int:cohort_id>/coaches/<int:coach_id>/remove", "cohort_coach_remove",
     cohorts.remove_coach, ["POST"]),
    ("/cohorts/<int:cohort_id>/artisans/new", "artisan_new", artisans.create, ["GET", "POST"]),
    ("/artisans/login-suggestion", "login_suggestion", artisans.login_suggestion, ["GET"]),
    ("/artisans/<int:user_id>", "artisan", artisans.show, ["GET"]),
    ("/artisans/<int:user_id>/edit", "artisan_edit", artisans.edit, ["GET", "POST"]),
    ("/artisans/<int:user_id>/deactivate", "artisan_deactivate", artisans.deactivate, ["POST"]),
    ("/artisans/<int:user_id>/reactivate", "artisan_reactivate", artisans.reactivate, ["POST"]),
    ("/artisans/<int:user_id>/reset", "artisan_reset", artisans.reset, ["GET", "POST"]),
    ("/markets", "markets", markets.index, ["GET"]),
    ("/markets/new", "market_new", markets.create, ["GET", "POST"]),
    ("/markets/<int:market_id>", "market", markets.show, ["GET"]),
    ("/markets/<int:market_id>/edit", "market_edit", markets.edit, ["GET", "POST"]),
    ("/markets/<int:market_id>/stalls", "stall_new", stalls.create, ["POST"]),
    ("/stalls/<uuid:stall_id>/edit", "stall_edit", stalls.edit, ["GET", "POST"]),
    ("/stalls/<uuid:stall_id>/remove", "stall_remove", stalls.remove, ["POST"]),
)
for _rule, _endpoint, _view, _methods in _RULES:
    bp.add_url_rule(_rule, _endpoint, _view, methods=_methods)


@bp.get("/markets/<int:market_id>/sync")
@role_required(*queries.COACHES)
def sync_health(market_id: int):
    """Show, stall by stall, what the phones' sync refused or flagged at a market."""
    from ..sync.health import page_context

    return render("coach/sync_health.html", **page_context(queries.market_or_404(market_id)))
