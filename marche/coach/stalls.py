"""Stalls on a market: who is where, at which fee, behind which public QR code."""

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..i18n import euros_input
from ..models import ArtisanProfile, Market, Stall, StallStatus
from ..naming import stall_slug
from ..schemas import load_form
from ..security import role_required
from ..sync.versions import require_full_state, stamp
from ..web import is_htmx, render
from . import queries
from .forms import new_stall_schema, stall_schema
from .queries import COACHES

STATUS_LABELS = {
    StallStatus.UPCOMING: _l("Not open yet"),
    StallStatus.OPEN: _l("Open"),
    StallStatus.CLOSED: _l("Closed"),
}


def render_market(market: Market, values=None, errors=None, message=None, status=200):
    """Render the market page, or only its stalls widget when htmx asks."""
    if values is None:
        values = {"number": queries.next_stall_number(market),
                  "fee_cents": euros_input(market.default_fee_cents)}
    candidates = queries.stall_candidates(market)
    artisan_options = [("", _("Choose…"))] + [
        (profile.user_id, f"{profile.display_name} ({profile.user.login})")
        for profile in candidates]
    return render("coach/market.html", "coach/_stalls.html", status=status, market=market,
                  stalls=market.stalls, candidates=candidates, artisan_options=artisan_options,
                  values=values, errors=errors or {}, message=message, nav="markets")


def _form_failed(market: Market, errors: dict):
    # htmx swaps only 2xx answers: it gets the widget with its errors; a plain post gets 422.
    return render_market(market, request.form, errors, status=200 if is_htmx() else 422)


def _number_error(number: int) -> dict:
    return {"number": _("Stall %(number)d is already taken on this market.", number=number)}


def _conflicts(market: Market, data: dict, stall: Stall | None = None) -> dict:
    """Return the field errors a unique rule of the market would raise, before the database."""
    if "artisan_id" in data:
        profile = db.session.get(ArtisanProfile, data["artisan_id"])
        if profile is None or profile.cohort_id != market.cohort_id or not profile.user.active:
            return {"artisan_id": _("Choose an artisan of this cohort.")}
        if any(other.artisan_id == profile.user_id for other in market.stalls):
            return {"artisan_id": _("This artisan already has a stall on this market.")}
    if queries.stall_number_taken(market.id, data["number"], except_stall=stall):
        return _number_error(data["number"])
    return {}


@role_required(*COACHES)
def create(market_id: int):
    """Give an artisan of the market's cohort a stall on it."""
    market = queries.market_or_404(market_id)
    data, errors = load_form(new_stall_schema, request.form)
    errors = errors or _conflicts(market, data)
    if errors:
        return _form_failed(market, errors)
    fee = market.default_fee_cents if data["fee_cents"] is None else data["fee_cents"]
    stall = Stall(market=market, artisan_id=data["artisan_id"], number=data["number"],
                  fee_cents=fee, slug=stall_slug())
    db.session.add(stall)
    stamp(stall.artisan_id, stall)  # the artisan's phones learn of it at their next pull
    try:
        db.session.commit()
    except IntegrityError:  # another coach filled the same place at the same moment
        db.session.rollback()
        return _form_failed(market, _conflicts(market, data) or _number_error(data["number"]))
    if is_htmx():
        return render_market(market, message=("info", _("Stall added.")))
    flash(_("Stall added."), "info")
    return redirect(url_for("coach.market", market_id=market.id))


@role_required(*COACHES)
def edit(stall_id):
    """Change a stall's number or fee."""
    stall = queries.stall_or_404(stall_id)
    if request.method == "GET":
        values = {"number": stall.number, "fee_cents": euros_input(stall.fee_cents)}
        return render("coach/stall_form.html", stall=stall, values=values, errors={},
                      nav="markets")
    data, errors = load_form(stall_schema, request.form)
    errors = errors or _conflicts(stall.market, data, stall)
    if not errors:
        stall.number = data["number"]
        if data["fee_cents"] is not None:
            stall.fee_cents = data["fee_cents"]
        stamp(stall.artisan_id, stall)
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            errors = _number_error(data["number"])
    if errors:
        return render("coach/stall_form.html", status=422, stall=stall, values=request.form,
                      errors=errors, nav="markets")
    flash(_("Saved."), "info")
    return redirect(url_for("coach.market", market_id=stall.market_id))


@role_required(*COACHES)
def remove(stall_id):
    """Take a stall off its market, as long as nothing was recorded on it."""
    stall = queries.stall_or_404(stall_id)
    market, number = stall.market, stall.number
    removed = stall.status == StallStatus.UPCOMING and not queries.stall_has_records(stall)
    if removed:
        # A patch cannot remove a stall from a phone: its next pull takes the whole state.
        require_full_state(stall.artisan_id)
        db.session.delete(stall)
        try:
            db.session.commit()
        except IntegrityError:  # a phone recorded something in the meantime
            db.session.rollback()
            removed = False
    if removed:
        message = ("info", _("Stall %(number)d removed.", number=number))
    else:
        message = ("error", _("Stall %(number)d has sales or stock recorded: it stays.",
                              number=number))
    if is_htmx():
        return render_market(market, message=message)
    flash(message[1], message[0])
    return redirect(url_for("coach.market", market_id=market.id))
