"""The artisan's phone screens: Today, My products, My page, Me.

The screens live in small modules (``catalogue``, ``profile``); this one holds the blueprint,
the Today screen and the table of addresses, so that endpoint names stay ``stall.<name>``.
"""

from flask import Blueprint

from ..models import Role
from ..security import role_required
from ..web import render
from . import catalogue, profile, till
from .access import my_profile
from .agenda import today_stalls, upcoming_stalls
from .photo_field import kept_token

bp = Blueprint("stall", __name__)


@bp.context_processor
def _helpers():
    return {"kept_photo": kept_token}


@bp.get("/")
@role_required(Role.ARTISAN)
def today():
    """Show today's stall, if any, and the next markets."""
    me = my_profile()
    return render("stall/today.html", today_stalls=today_stalls(me.user_id),
                  upcoming=upcoming_stalls(me.user_id))


bp.add_url_rule("/products", view_func=catalogue.products)
bp.add_url_rule("/products/new", view_func=catalogue.product_new, methods=["GET", "POST"])
bp.add_url_rule("/products/<uuid:product_id>", view_func=catalogue.product_edit,
                methods=["GET", "POST"])
bp.add_url_rule("/products/<uuid:product_id>/archive", view_func=catalogue.product_archive,
                methods=["POST"])
bp.add_url_rule("/me/page", view_func=profile.my_page, methods=["GET", "POST"])
bp.add_url_rule("/me", view_func=profile.settings)
till.register(bp)
