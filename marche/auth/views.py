"""Log-in and log-out: coaches by e-mail and password, artisans by enrolment link and PIN."""

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import ValidationError

from ..extensions import db
from ..schemas import first_errors
from ..security import authenticate_artisan, authenticate_coach, hash_secret, user_for_enrolment
from ..web import render, safe_next
from .limits import account_limit, login_limit
from .schemas import coach_login_schema, enrol_schema, pin_login_schema
from .session import log_in, log_out

bp = Blueprint("auth", __name__)


@bp.after_request
def _no_store(response):
    # Log-in pages carry a CSRF token, the enrolment page a secret link: keep them out of caches.
    response.headers["Cache-Control"] = "no-store"
    return response


def _next_url() -> str | None:
    return request.form.get("next") or request.args.get("next")


@bp.route("/login", methods=["GET", "POST"])
@login_limit
@account_limit
def login():
    """Log a coach in with e-mail and password."""
    page = "auth/login.html"
    if request.method == "GET":
        return render(page, form={}, errors={}, next=_next_url())
    try:
        data = coach_login_schema.load(request.form)
    except ValidationError as error:
        return render(page, status=422, form={"email": request.form.get("email", "")},
                      errors=first_errors(error.messages),
                      next=_next_url())
    user = authenticate_coach(data["email"], data["password"])
    if user is None:
        # One message for both mistakes: nobody learns which e-mails have an account.
        return render(page, status=401, form={"email": data["email"]}, errors={},
                      message=_("Wrong e-mail or password."), next=_next_url())
    log_in(user, remember=False)
    return redirect(safe_next(_next_url(), url_for("coach.home")))


@bp.route("/pin", methods=["GET", "POST"])
@login_limit
@account_limit
def pin_login():
    """Log an artisan in with login and PIN."""
    page = "auth/pin.html"
    if request.method == "GET":
        return render(page, form={}, errors={}, next=_next_url())
    try:
        data = pin_login_schema.load(request.form)
    except ValidationError as error:
        return render(page, status=422, form={"login": request.form.get("login", "")},
                      errors=first_errors(error.messages), next=_next_url())
    user = authenticate_artisan(data["login"], data["pin"])
    if user is None:
        return render(page, status=401, form={"login": data["login"]}, errors={},
                      message=_("Wrong login or PIN."), next=_next_url())
    log_in(user, remember=True)
    return redirect(safe_next(_next_url(), url_for("stall.today")))


@bp.route("/enrol/<token>", methods=["GET", "POST"])
@login_limit
def enrol(token: str):
    """Let an artisan choose a PIN from the link in the coach's QR code."""
    user = user_for_enrolment(token)
    if user is None:
        return render("auth/enrol_invalid.html", status=404)
    page = "auth/enrol.html"
    if request.method == "GET":
        return render(page, user=user, token=token, errors={})
    try:
        data = enrol_schema.load(request.form)
    except ValidationError as error:
        return render(page, status=422, user=user, token=token,
                      errors=first_errors(error.messages))
    user.pin_hash = hash_secret(data["pin"])
    # The link works once: a photo of the QR code is no key to the account afterwards.
    user.enrol_token_hash = None
    user.enrol_expires_at = None
    db.session.commit()
    log_in(user, remember=True)
    flash(_("Your PIN is saved. Your login is %(login)s.", login=user.login), "success")
    return redirect(url_for("stall.today"))


@bp.post("/logout")
def logout():
    """Log out whoever is logged in on this browser."""
    was_logged_in = current_user.is_authenticated
    log_out()
    if was_logged_in:
        flash(_("You are logged out."), "info")
    return redirect(url_for("home"))
