"""Artisans of a cohort: enrol them, edit them, switch them off, and reset a lost phone."""

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import ArtisanProfile, Role, User, utcnow
from ..naming import profile_slug, suggest_login
from ..qr import absolute_url, qr_svg
from ..schemas import load_form
from ..security import new_enrolment, role_required
from ..web import render
from . import queries
from .forms import artisan_schema
from .queries import COACHES

STATUS_LABELS = {
    "active": _l("Active"),
    "waiting": _l("Waiting for enrolment"),
    "expired": _l("Enrolment link expired"),
    "deactivated": _l("Deactivated"),
}


def artisan_status(user: User) -> str:
    """Return where an artisan stands: active, waiting (or expired) enrolment, deactivated."""
    if not user.active:
        return "deactivated"
    if user.pin_hash:
        return "active"
    if user.enrol_expires_at and user.enrol_expires_at > utcnow():
        return "waiting"
    return "expired"


def _login_taken(login: str, user: User | None = None) -> bool:
    statement = db.select(User.id).where(User.login == login)
    if user is not None:
        statement = statement.where(User.id != user.id)
    return db.session.execute(statement.limit(1)).first() is not None


def _taken_message() -> str:
    return _("This login is already used. Choose another one.")


def _form(cohort, artisan, values, errors, status=200):
    return render("coach/artisan_form.html", status=status, cohort=cohort, artisan=artisan,
                  values=values, errors=errors, nav="cohorts")


def _enrolment_page(user: User, token: str, created: bool):
    link = absolute_url("auth.enrol", token=token)
    # The SVG goes inline in the page: drop its XML prolog.
    svg = qr_svg(link)
    svg = svg[svg.index("<svg"):]
    response = render("coach/enrolment.html", artisan=user, link=link, qr=Markup(svg),
                      created=created, nav="cohorts")
    # The token is shown once and only its hash is stored: keep it out of every cache.
    response.headers["Cache-Control"] = "no-store"
    return response


@role_required(*COACHES)
def create(cohort_id: int):
    """Add an artisan to a cohort and show their enrolment QR code."""
    cohort = queries.cohort_or_404(cohort_id)
    if request.method == "GET":
        return _form(cohort, None, {}, {})
    data, errors = load_form(artisan_schema, request.form)
    if not errors:
        data["login"] = data["login"] or suggest_login(data["name"])
        if _login_taken(data["login"]):
            errors = {"login": _taken_message()}
    if errors:
        return _form(cohort, None, request.form, errors, 422)
    user = User(role=Role.ARTISAN, name=data["name"], login=data["login"], active=True)
    user.profile = ArtisanProfile(slug=profile_slug(data["login"]), cohort=cohort,
                                  display_name=data["display_name"] or data["name"],
                                  craft=data["craft"])
    token = new_enrolment(user)
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError:  # the same login taken at the same moment by another coach
        db.session.rollback()
        return _form(cohort, None, request.form, {"login": _taken_message()}, 422)
    return _enrolment_page(user, token, created=True)


@role_required(*COACHES)
def login_suggestion():
    """Return the login field filled with a free login made from the name (htmx)."""
    login = request.args.get("login", "").strip().lower()[:32]
    name = request.args.get("name", "").replace("\x00", "")[:120]
    if not login and name.strip():
        login = suggest_login(name)
    return render("coach/_login_field.html", values={"login": login}, errors={})


@role_required(*COACHES)
def show(user_id: int):
    """Show an artisan as they see themselves: profile, catalogue, stalls; and their access."""
    user = queries.artisan_or_404(user_id)
    stalls = sorted(user.profile.stalls, key=lambda stall: stall.market.date, reverse=True)
    return render("coach/artisan.html", artisan=user, profile=user.profile, stalls=stalls,
                  products=user.profile.products, nav="cohorts")


@role_required(*COACHES)
def edit(user_id: int):
    """Change an artisan's name, login, public name or craft."""
    user = queries.artisan_or_404(user_id)
    profile = user.profile
    if request.method == "GET":
        values = {"name": user.name, "login": user.login,
                  "display_name": profile.display_name, "craft": profile.craft}
        return _form(profile.cohort, user, values, {})
    data, errors = load_form(artisan_schema, request.form)
    if not errors:
        data["login"] = data["login"] or user.login
        if _login_taken(data["login"], user):
            errors = {"login": _taken_message()}
    if errors:
        return _form(profile.cohort, user, request.form, errors, 422)
    user.name, user.login = data["name"], data["login"]
    profile.display_name = data["display_name"] or data["name"]
    profile.craft = data["craft"]
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return _form(profile.cohort, user, request.form, {"login": _taken_message()}, 422)
    flash(_("Saved."), "info")
    return redirect(url_for("coach.artisan", user_id=user.id))


@role_required(*COACHES)
def deactivate(user_id: int):
    """Switch an artisan off: they can no longer log in, and their sessions end."""
    user = queries.artisan_or_404(user_id)
    user.active = False
    user.session_epoch = (user.session_epoch or 0) + 1
    db.session.commit()
    flash(_("%(name)s can no longer log in.", name=user.profile.display_name), "info")
    return redirect(url_for("coach.artisan", user_id=user.id))


@role_required(*COACHES)
def reactivate(user_id: int):
    """Let a deactivated artisan log in again."""
    user = queries.artisan_or_404(user_id)
    user.active = True
    db.session.commit()
    flash(_("%(name)s can log in again.", name=user.profile.display_name), "info")
    return redirect(url_for("coach.artisan", user_id=user.id))


@role_required(*COACHES)
def reset(user_id: int):
    """Reset an artisan's access (phone lost, PIN forgotten) and show a new enrolment QR code."""
    user = queries.artisan_or_404(user_id)
    if not user.active:
        flash(_("Reactivate this artisan first."), "error")
        return redirect(url_for("coach.artisan", user_id=user.id))
    if request.method == "GET":
        return render("coach/reset_confirm.html", artisan=user, nav="cohorts")
    token = new_enrolment(user)
    db.session.commit()
    return _enrolment_page(user, token, created=False)
