"""The session cookie, and the files it must not touch.

Photos and static files are the same for everyone. Flask adds ``Vary: Cookie`` to every
answer whose session was looked at (Flask-Login looks at it on every answer), and that header
forbids a cache in front of the app (a proxy, a CDN) from keeping one copy for everybody: on a
market's weak network, every visitor would fetch the same photos from the app again.
"""

from flask import request
from flask.sessions import SecureCookieSessionInterface

SAME_FOR_EVERYONE = frozenset({"static", "media"})  # endpoints


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, left out of the answers that are the same for everyone."""

    def save_session(self, app, session, response) -> None:
        if request.endpoint in SAME_FOR_EVERYONE and not session.modified:
            return
        super().save_session(app, session, response)
