"""The phone's JSON API under ``/api/v1``: its session, and the OpenAPI document.

JSON only, so no CSRF token: a cross-site HTML form can only send form or text bodies, and
those are refused with 415 before any view runs. Errors are ``{"error", "code"}`` JSON (see
``marche/web.py``); a body a schema refuses is 422 with ``fields``.
"""

from flask import Blueprint, current_app, jsonify, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.limits import account_limit, login_limit
from ..auth.session import log_in, log_out
from ..extensions import csrf
from ..models import User
from ..security import authenticate_artisan
from .openapi import Registration, build_spec, error_responses, json_body, json_response
from .schemas import PhoneLoginSchema, SessionSchema, phone_login_schema, session_schema
from .sync_views import SYNC_DOCS
from .sync_views import register as register_sync_routes

bp = Blueprint("api", __name__)
csrf.exempt(bp)
register_sync_routes(bp)

_BODY_METHODS = ("POST", "PUT", "PATCH")


@bp.before_request
def _json_only():
    # The CSRF exemption is safe only because nothing but JSON gets through.
    if request.method in _BODY_METHODS and not request.is_json:
        return error(415, _("Send JSON, with Content-Type: application/json."))
    if request.method in _BODY_METHODS:
        try:
            request.get_json()  # parsed once here, kept for the view
        except RecursionError:  # thousands of nested brackets: not a phone's JSON
            return error(400, _("This request could not be understood."))
    return None


def error(code: int, message: str):
    """Return the house JSON error answer."""
    response = jsonify({"error": message, "code": code})
    response.status_code = code
    return response


def _session_answer(user: User):
    return session_schema.dump({"user": {
        "login": user.login, "name": user.name, "locale": user.locale or str(get_locale())}})


@bp.post("/session")
@login_limit
@account_limit
def create_session():
    """Log an artisan's phone in with login and PIN."""
    data = phone_login_schema.load(request.get_json())
    user = authenticate_artisan(data["login"], data["pin"])
    if user is None:
        return error(401, _("Wrong login or PIN."))
    log_in(user, remember=True)
    return _session_answer(user)


@bp.get("/session")
def current_session():
    """Say which artisan this phone is logged in as."""
    if not current_user.is_authenticated or not current_user.is_artisan:
        return error(401, _("Please log in."))
    return _session_answer(current_user)


@bp.delete("/session")
def delete_session():
    """Log this phone out."""
    log_out()
    return "", 204


@bp.get("/openapi.json")
def openapi():
    """Serve the OpenAPI 3 document of this API."""
    spec = build_spec(
        api_registrations(),
        version=current_app.config["APP_VERSION"],
        server_url=url_for("api.openapi").rsplit("/", 1)[0],
        cookie_name=current_app.config["SESSION_COOKIE_NAME"],
    )
    return jsonify(spec.to_dict())


SESSION_DOCS = [
    Registration(
        schemas={"PhoneLogin": PhoneLoginSchema, "Session": SessionSchema},
        path="/session",
        operations={
            "post": {
                "summary": "Log an artisan's phone in.",
                "description": "Sets the session and remember-me cookies. Failed tries "
                               "from one address are limited (`LOGIN_RATE_LIMIT`).",
                "operationId": "createSession",
                "requestBody": json_body(PhoneLoginSchema),
                "responses": {
                    "200": json_response("Logged in.", SessionSchema),
                    **error_responses(400, 401, 415, 422, 429, e401="Wrong login or PIN."),
                },
            },
            "get": {
                "summary": "Say which artisan this phone is logged in as.",
                "operationId": "getSession",
                "security": [{"session": []}],
                "responses": {
                    "200": json_response("Logged in.", SessionSchema),
                    **error_responses(401),
                },
            },
            "delete": {
                "summary": "Log this phone out.",
                "operationId": "deleteSession",
                "responses": {"204": json_response("Logged out (also when nobody was).")},
            },
        },
    ),
]


def api_registrations() -> list[Registration]:
    """Return every documented endpoint; add other modules' lists here."""
    return [*SESSION_DOCS, *SYNC_DOCS]
