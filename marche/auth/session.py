"""Opening and closing a user's session, the same for the forms and the phone's API."""

from flask import current_app, request, session
from flask_login import login_user, logout_user

from ..extensions import db
from ..models import User, utcnow


def _fresh_session() -> None:
    """Empty the session but keep the language chosen on this browser."""
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language


def _forget_remembered_user() -> None:
    # Flask-Login deletes the remember cookie at the end of a request that asks for it.
    if current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies:
        session["_remember"] = "clear"


def log_in(user: User, *, remember: bool) -> None:
    """Start a fresh session for ``user``; nothing of whoever used this browser before stays."""
    _fresh_session()
    if not remember:
        _forget_remembered_user()
    if session.get("lang"):
        # The language picked on the log-in page follows the artisan to their other phones.
        user.locale = user.locale or session["lang"]
    login_user(user, remember=remember)
    user.last_login_at = utcnow()
    db.session.commit()


def log_out() -> None:
    """End the session and forget the remembered log-in, keeping the language."""
    _fresh_session()
    logout_user()

