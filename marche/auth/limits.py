"""One shared budget of failed log-in tries per address, for every log-in door.

The coach form, the PIN form, the enrolment form and the phone's ``POST /api/v1/session``
draw on the same count (scope ``login``), so an attacker gains nothing by switching doors.
Only failed tries count (any 4xx answer): a whole market behind one Wi-Fi address can log
in at the same time without locking itself out. The limit is ``LOGIN_RATE_LIMIT``, read at
each request; the counts live in ``RATELIMIT_STORAGE_URI`` (``redis://…`` to share them
between app instances). Over the limit, Flask-Limiter answers 429 and the app's error
handler says so in the user's language (JSON for the API, a page for forms).
"""

from flask import current_app, request
from flask_limiter.util import get_remote_address

from ..extensions import limiter


def _login_rate_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _failed(response) -> bool:
    return 400 <= response.status_code < 500 and response.status_code != 429


login_limit = limiter.shared_limit(
    _login_rate_limit,
    scope="login",
    key_func=get_remote_address,
    methods=["POST"],
    deduct_when=_failed,
)


def _account_rate_limit() -> str:
    return current_app.config["ACCOUNT_LOGIN_RATE_LIMIT"]


def _account_key() -> str:
    """The account a log-in try is aimed at, whatever address it comes from.

    A 4-digit PIN has 10,000 values: a per-address count alone is beaten by an attacker who
    changes address (any IPv6 client can). This second count follows the account.
    """
    body = request.get_json(silent=True) if request.is_json else None
    if isinstance(body, dict):
        name = body.get("login")
    else:
        name = request.form.get("login") or request.form.get("email")
    if not isinstance(name, str) or not name.strip():
        return "address:" + get_remote_address()
    return "account:" + name.strip().lower()[:254]


account_limit = limiter.shared_limit(
    _account_rate_limit,
    scope="login-account",
    key_func=_account_key,
    methods=["POST"],
    deduct_when=_failed,
)
