"""What every page shares: page-or-fragment rendering, errors, language switch, health, media."""

from pathlib import Path
from urllib.parse import urlsplit

from flask import (
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    send_from_directory,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import ValidationError
from sqlalchemy import text
from werkzeug.exceptions import HTTPException, NotFound

from .extensions import db
from .schemas import translate_errors


def is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


def render(page: str, fragment: str | None = None, status: int = 200, **context):
    """Render the whole page, or only its fragment when htmx asks (header ``HX-Request``)."""
    template = fragment if (fragment and is_htmx()) else page
    response = current_app.make_response((render_template(template, **context), status))
    response.vary.add("HX-Request")
    return response


def safe_next(target: str | None, fallback: str) -> str:
    """Return ``target`` if it is a path on this site, else ``fallback`` (no open redirect).

    Browsers drop tabs and newlines from a URL and read a backslash as a slash, so a slash,
    a tab and ``/evil.example`` would become ``//evil.example``: any of those refuses it.
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return fallback
    if "\\" in target or any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return fallback
    return target


def _form_page() -> str | None:
    """Return the page of this site a refused form was sent from, to go back to it."""
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc != request.host:
        return None
    path = referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return safe_next(path, "") or None


def wants_json() -> bool:
    return request.blueprint == "api" or request.path.startswith("/api/")


def _error_message(code: int) -> str:
    return {
        400: _("This request could not be understood."),
        401: _("Please log in."),
        403: _("This page is not yours to see."),
        404: _("This page does not exist."),
        405: _("This action is not allowed here."),
        413: _("This photo is too big. Go back and choose a smaller one."),
        422: _("Some values are not right."),
        429: _("Too many tries. Wait a few minutes, then try again."),
        503: _("The server is busy. Try again in a moment."),
    }.get(code, _("Something went wrong on our side. Nothing you saved is lost."))


def init_app(app) -> None:
    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        code = error.code or 500
        message = _error_message(code)
        if wants_json():
            response = jsonify({"error": message, "code": code})
            response.status_code = code
        else:
            response = current_app.make_response(
                (render_template("error.html", code=code, message=message,
                                 back=_form_page() if request.method == "POST" else None), code))
        for header in ("Retry-After", "Allow"):
            if header in error.get_response().headers:
                response.headers[header] = error.get_response().headers[header]
        return response

    @app.errorhandler(ValidationError)
    def _validation_error(error: ValidationError):
        response = jsonify({"error": _error_message(422), "code": 422,
                            "fields": translate_errors(error.messages)})
        response.status_code = 422
        return response

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        if isinstance(error, HTTPException):
            return _http_error(error)
        app.logger.exception("Unhandled error")
        db.session.rollback()
        message = _error_message(500)
        if wants_json():
            return jsonify({"error": message, "code": 500}), 500
        return render_template("error.html", code=500, message=message), 500

    @app.after_request
    def _headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response

    @app.get("/")
    def home():
        """Send each user to their home screen."""
        if current_user.is_authenticated:
            if current_user.is_coach:
                return redirect(url_for("coach.home"))
            return redirect(url_for("stall.today"))
        return render_template("welcome.html")

    @app.get("/lang/<code>")
    def set_language(code: str):
        """Switch the interface language and go back where the user was."""
        if code not in current_app.config["LANGUAGES"]:
            raise NotFound()
        session["lang"] = code
        if current_user.is_authenticated:
            current_user.locale = code
            db.session.commit()
        return redirect(safe_next(request.args.get("next"), url_for("home")))

    @app.get("/healthz")
    def healthz():
        """Answer 200 when the app and its database answer."""
        try:
            db.session.execute(text("SELECT 1"))
        except Exception:  # the database is down: say so, never a 500 page
            db.session.rollback()
            return jsonify({"status": "error", "database": "unreachable"}), 503
        return jsonify({"status": "ok", "version": current_app.config["APP_VERSION"]})

    @app.get("/media/<key>/<size>.jpg")
    def media(key: str, size: str):
        """Serve a product or profile photo re-encoded by the app."""
        if size not in ("thumb", "medium") or not key.isalnum():
            raise NotFound()
        folder = Path(current_app.config["MEDIA_FOLDER"])
        response = send_from_directory(folder, f"{key}_{size}.jpg", max_age=31536000)
        response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        return response
