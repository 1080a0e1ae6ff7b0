"""Cohorts: the groups of artisans a coach follows over a season."""

from flask import current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..models import Cohort
from ..schemas import load_form
from ..security import role_required
from ..web import render
from . import queries
from .forms import cohort_schema
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


@role_required(*COACHES)
def show(cohort_id: int):
    """Show a cohort: its artisans and its markets."""
    cohort = queries.cohort_or_404(cohort_id)
    today = queries.local_today(current_app.config["DEFAULT_TIMEZONE"])
    upcoming, past = queries.markets_split(today, cohort_id=cohort.id)
    return render("coach/cohort.html", cohort=cohort, artisans=queries.cohort_artisans(cohort),
                  upcoming=upcoming, past=past, nav="cohorts")


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
