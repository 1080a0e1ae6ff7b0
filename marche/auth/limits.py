"""One shared budget of failed log-in tries per address, for every log-in door.

The coach form, the PIN form, the enrolment form and the phone's ``POST /api/v1/session``
draw on the same count (scope ``login``), so an attacker gains nothing by switching doors.
Only failed tries count (any 4xx answer): a whole market behind one Wi-Fi address can log
in at the same time without locking itself out. The limit is ``LOGIN_RATE_LIMIT``, read at
each request; the counts live in ``RATELIMIT_STORAGE_URI`` (``redis://…`` to share them
between app instances). Over the limit, Flask-Limiter answers 429 and the app's error
handler says so in the user's language (JSON for the API, a page for forms).
"""

from flask import current_app
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
