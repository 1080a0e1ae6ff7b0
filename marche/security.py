"""Secrets and access: password and PIN hashes, enrolment tokens, who may see what."""

import datetime as dt
import functools
import hashlib
import secrets

from flask import abort, current_app, request
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user
from werkzeug.security import check_password_hash, generate_password_hash

from .extensions import db
from .models import User, utcnow


def hash_secret(secret: str) -> str:
    return generate_password_hash(secret, method=current_app.config["PASSWORD_HASH_METHOD"])


def check_secret(hashed: str | None, secret: str) -> bool:
    if not hashed:
        # Spend the same time as a real check, so a missing account is not told apart.
        check_password_hash(_dummy_hash(), secret)
        return False
    return check_password_hash(hashed, secret)


@functools.cache
def _dummy_hash_for(method: str) -> str:
    return generate_password_hash("not-a-real-secret", method=method)


def _dummy_hash() -> str:
    return _dummy_hash_for(current_app.config["PASSWORD_HASH_METHOD"])


def token_digest(token: str) -> str:
    """Return what the database keeps of an enrolment token: its SHA-256, never the token."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_enrolment(user: User) -> str:
    """Give an artisan a fresh enrolment token (valid a few days) and return it.

    The old token, the PIN and every open session stop working: this is also "reset access"
    and "phone lost".
    """
    token = secrets.token_urlsafe(24)
    user.enrol_token_hash = token_digest(token)
    user.enrol_expires_at = utcnow() + dt.timedelta(days=current_app.config["ENROL_TOKEN_DAYS"])
    user.pin_hash = None
    user.session_epoch = (user.session_epoch or 0) + 1
    return token


def user_for_enrolment(token: str) -> User | None:
    user = db.session.execute(
        db.select(User).where(User.enrol_token_hash == token_digest(token))
    ).scalar_one_or_none()
    if user is None or not user.active or user.enrol_expires_at is None:
        return None
    if user.enrol_expires_at < utcnow():
        return None
    return user


def authenticate_artisan(login: str, pin: str) -> User | None:
    user = db.session.execute(
        db.select(User).where(User.login == login.strip().lower())
    ).scalar_one_or_none()
    if user is None or not user.is_artisan or not user.active:
        check_secret(None, pin)
        return None
    return user if check_secret(user.pin_hash, pin) else None


def authenticate_coach(email: str, password: str) -> User | None:
    user = db.session.execute(
        db.select(User).where(User.email == email.strip().lower())
    ).scalar_one_or_none()
    if user is None or not user.is_coach or not user.active:
        check_secret(None, password)
        return None
    return user if check_secret(user.password_hash, password) else None


def init_login(app, login_manager: LoginManager) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def _load(user_id: str):
        try:
            raw_id, epoch = user_id.split(":")
            user = db.session.get(User, int(raw_id))
        except (ValueError, TypeError):
            return None
        if user is None or str(user.session_epoch) != epoch:
            return None
        return user

    @login_manager.unauthorized_handler
    def _unauthorized():
        from flask import flash, redirect, url_for

        if request.blueprint == "api" or request.accept_mimetypes.best == "application/json":
            abort(401)
        flash(login_manager.login_message, "info")
        if request.blueprint == "stall":
            return redirect(url_for("auth.pin_login", next=request.full_path))
        return redirect(url_for("auth.login", next=request.full_path))


def role_required(*roles):
    """Let through only a logged-in user of one of these roles; others get 403."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator
