"""The visitor's pages: no log-in, no JavaScript, no cookie, small HTML.

The views live in small modules (``pages``, ``calendar``, ``images``); this one holds the
blueprint and the table of addresses. ``/s/<slug>``, its QR images and ``/m/<slug>`` are printed
on posters (design/contract.md): they never change.
"""

from flask import Blueprint

from ..extensions import csrf
from . import calendar, images, pages

bp = Blueprint("public", __name__)

bp.add_url_rule("/s/<slug>", endpoint="stall_page", view_func=pages.stall_page)
bp.add_url_rule("/s/<slug>/qr.png", endpoint="qr_png", view_func=images.qr_png)
bp.add_url_rule("/s/<slug>/qr.svg", endpoint="qr_svg", view_func=images.qr_svg)
bp.add_url_rule("/s/<slug>/market.ics", endpoint="market_ics", view_func=calendar.market_ics)
# An anonymous counter with nothing to steal: no CSRF token (it would need a session cookie),
# the rate limit keeps it honest.
bp.add_url_rule("/s/<slug>/like/<uuid:product_id>", endpoint="like",
                view_func=csrf.exempt(pages.like), methods=["POST"])
bp.add_url_rule("/m/<slug>", endpoint="market_page", view_func=pages.market_page)
