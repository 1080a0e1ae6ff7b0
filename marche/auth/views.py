"""Log-in and log-out: coaches by e-mail and password, artisans by enrolment link and PIN."""

from flask import Blueprint

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Log a coach in."""
    return "TODO"


@bp.route("/pin", methods=["GET", "POST"])
def pin_login():
    """Log an artisan in with login and PIN."""
    return "TODO"
