"""Markets: list them, plan them, change them, and see one with its stalls."""

import zoneinfo

from flask import abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..i18n import euros_input
from ..models import Market
from ..naming import market_slug
from ..schemas import load_form
from ..security import role_required
from ..sync.versions import stamp
from ..web import render
from . import queries, stalls
from .forms import DEFAULT_TIMEZONE, TIMEZONE_CHOICES, market_schema, new_market_schema
from .queries import COACHES

_FIELDS = ("name", "place", "address", "date", "opens_at", "closes_at", "timezone",
           "default_fee_cents")


@role_required(*COACHES)
def index():
    """List the markets: upcoming ones first (soonest on top), then past ones."""
    today = queries.local_today(current_app.config["DEFAULT_TIMEZONE"])
    upcoming, past = queries.markets_split(today)
    counts = queries.stall_counts([market.id for market in upcoming + past])
    return render("coach/markets.html", upcoming=upcoming, past=past, counts=counts,
                  today=today, cohorts=queries.visible_cohorts(), nav="markets")


def _timezones(current: str | None) -> list[tuple[str, str]]:
    zones = list(TIMEZONE_CHOICES)
    if current and current not in zones and current in zoneinfo.available_timezones():
        zones.append(current)  # keep an unusual but valid zone the market already has
    return [(zone, zone.replace("_", " ")) for zone in zones]


def _form(market, values, errors, status=200):
    cohorts = queries.visible_cohorts() if market is None else []
    cohort_options = [("", _("Choose…"))] + [(cohort.id, cohort.name) for cohort in cohorts]
    return render("coach/market_form.html", status=status, market=market, values=values,
                  errors=errors, cohort_options=cohort_options,
                  timezones=_timezones(values.get("timezone")), nav="markets")


def _new_values(cohorts) -> dict:
    wanted = request.args.get("cohort", "")
    cohort_id = wanted if wanted in {str(cohort.id) for cohort in cohorts} else ""
    if not cohort_id and len(cohorts) == 1:
        cohort_id = str(cohorts[0].id)
    return {"cohort_id": cohort_id, "timezone": DEFAULT_TIMEZONE, "opens_at": "10:00",
            "closes_at": "18:00", "default_fee_cents": euros_input(0)}


@role_required(*COACHES)
def create():
    """Plan a market for one of the coach's cohorts."""
    cohorts = queries.visible_cohorts()
    if not cohorts:
        flash(_("Create a cohort first: a market belongs to a cohort."), "info")
        return redirect(url_for("coach.cohort_new"))
    if request.method == "GET":
        return _form(None, _new_values(cohorts), {})
    data, errors = load_form(new_market_schema, request.form)
    if not errors and data["cohort_id"] not in {cohort.id for cohort in cohorts}:
        errors = {"cohort_id": _("Choose a cohort.")}
    if errors:
        return _form(None, request.form, errors, 422)
    for _attempt in range(5):
        market = Market(**data, slug=market_slug(data["name"], data["date"]))
        db.session.add(market)
        try:
            db.session.commit()
            break
        except IntegrityError:  # another market took the same slug at the same moment
            db.session.rollback()
    else:
        abort(503)  # "the server is busy, try again": five collisions in a row
    flash(_("Market created. Now add its stalls."), "info")
    return redirect(url_for("coach.market", market_id=market.id))


def _market_values(market: Market) -> dict:
    return {
        "name": market.name, "place": market.place, "address": market.address,
        "date": market.date.isoformat(),
        "opens_at": market.opens_at.strftime("%H:%M") if market.opens_at else "",
        "closes_at": market.closes_at.strftime("%H:%M") if market.closes_at else "",
        "timezone": market.timezone, "default_fee_cents": euros_input(market.default_fee_cents),
    }


@role_required(*COACHES)
def edit(market_id: int):
    """Change a market's place, day, hours, time zone or default stall fee."""
    market = queries.market_or_404(market_id)
    if request.method == "GET":
        return _form(market, _market_values(market), {})
    data, errors = load_form(market_schema, request.form)
    if errors:
        return _form(market, request.form, errors, 422)
    # The slug stays: it is printed on posters and QR codes (design/contract.md).
    for key in _FIELDS:
        setattr(market, key, data[key])
    for stall in market.stalls:  # phones show the market's name, day and place on each stall
        stamp(stall.artisan_id, stall)
    db.session.commit()
    flash(_("Saved."), "info")
    return redirect(url_for("coach.market", market_id=market.id))


@role_required(*COACHES)
def show(market_id: int):
    """Show a market and its stalls in number order, with the form to add one."""
    market = queries.market_or_404(market_id)
    return stalls.render_market(market)

