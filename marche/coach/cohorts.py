"""Cohorts: the groups of artisans a coach follows over a season."""

from flask import current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..models import Cohort, Role, User
from ..schemas import load_form
from ..security import role_required
from ..web import render
from . import queries
from .forms import cohort_coach_schema, cohort_schema
from .queries import COACHES


@role_required(*COACHES)
def index():
    """List the cohorts the coach follows."""
    cohorts = queries.visible_cohorts()
    return render("coach/cohorts.html", cohorts=cohorts, nav="cohorts")


def _form(cohort: Cohort | None, values: dict, errors: dict, status: int = 200):
    return render("coach/cohort_form.html", status=status, cohort=cohort, values=values,
                  errors=errors, nav="cohorts")


@role_required(*COACHES)
def create():
    """Create a cohort; the coach who creates it follows it."""
    if request.method == "GET":
        return _form(None, {}, {})
    data, errors = load_form(cohort_schema, request.form)
    if errors:
        return _form(None, request.form, errors, 422)
    cohort = Cohort(**data)
    cohort.coaches.append(current_user._get_current_object())
    db.session.add(cohort)
    db.session.commit()
    flash(_("Cohort created. Now add its artisans."), "info")
    return redirect(url_for("coach.cohort", cohort_id=cohort.id))


def _page(cohort: Cohort, coach_values: dict | None = None, coach_errors: dict | None = None,
          status: int = 200):
    today = queries.local_today(current_app.config["DEFAULT_TIMEZONE"])
    upcoming, past = queries.markets_split(today, cohort_id=cohort.id)
    return render("coach/cohort.html", status=status, cohort=cohort,
                  artisans=queries.cohort_artisans(cohort), upcoming=upcoming, past=past,
                  coach_values=coach_values or {}, coach_errors=coach_errors or {},
                  nav="cohorts")


@role_required(*COACHES)
def show(cohort_id: int):
    """Show a cohort: its artisans, its coaches and its markets."""
    return _page(queries.cohort_or_404(cohort_id))


@role_required(*COACHES)
def add_coach(cohort_id: int):
    """Let another coach follow this cohort, found by the e-mail they log in with."""
    cohort = queries.cohort_or_404(cohort_id)
    data, errors = load_form(cohort_coach_schema, request.form)
    coach = None
    if not errors:
        coach = db.session.execute(db.select(User).where(
            User.email == data["email"], User.role.in_([Role.COACH, Role.ADMIN]))
        ).scalar_one_or_none()
        if coach is None:
            errors = {"email": _("No coach logs in with this e-mail. Ask them for the e-mail "
                                 "of their Marché account.")}
    if errors:
        return _page(cohort, request.form, errors, 422)
    if coach not in cohort.coaches:
        cohort.coaches.append(coach)
        db.session.commit()
    flash(_("%(name)s follows this cohort now.", name=coach.name), "info")
    return redirect(url_for("coach.cohort", cohort_id=cohort.id))


@role_required(*COACHES)
def remove_coach(cohort_id: int, coach_id: int):
    """Stop a coach following this cohort; the last coach stays."""
    cohort = queries.cohort_or_404(cohort_id)
    coach = next((user for user in cohort.coaches if user.id == coach_id), None)
    if coach is None:
        return redirect(url_for("coach.cohort", cohort_id=cohort.id))
    if len(cohort.coaches) == 1:
        flash(_("A cohort keeps at least one coach. Add another coach first."), "error")
        return redirect(url_for("coach.cohort", cohort_id=cohort.id))
    cohort.coaches.remove(coach)
    db.session.commit()
    flash(_("%(name)s no longer follows this cohort.", name=coach.name), "info")
    if coach.id == current_user.id and current_user.role != Role.ADMIN:
        return redirect(url_for("coach.cohorts"))
    return redirect(url_for("coach.cohort", cohort_id=cohort.id))


@role_required(*COACHES)
def edit(cohort_id: int):
    """Change a cohort's name, organisation or season."""
    cohort = queries.cohort_or_404(cohort_id)
    if request.method == "GET":
        values = {"name": cohort.name, "organisation": cohort.organisation,
                  "season": cohort.season}
        return _form(cohort, values, {})
    data, errors = load_form(cohort_schema, request.form)
    if errors:
        return _form(cohort, request.form, errors, 422)
    for key, value in data.items():
        setattr(cohort, key, value)
    db.session.commit()
    flash(_("Saved."), "info")
    return redirect(url_for("coach.cohort", cohort_id=cohort.id))
