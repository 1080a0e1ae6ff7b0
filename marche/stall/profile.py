"""My page (what visitors see of me) and Me (language, log-out)."""

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _

from ..extensions import db
from ..models import Role
from ..schemas import load_form
from ..security import role_required
from ..web import render
from .access import my_profile
from .agenda import latest_stall
from .forms import STORY_MAX, profile_schema
from .photo_field import forget_replaced, take_photo

_FIELDS = ("display_name", "craft", "story", "phone", "email", "website", "instagram", "public")


def _page(values: dict, errors: dict, status: int = 200, photo_key: str | None = None):
    profile = my_profile()
    return render("stall/my_page.html", profile=profile, values=values, errors=errors,
                  status=status, photo_key=photo_key or profile.photo_key,
                  current_photo_key=profile.photo_key,
                  stall=latest_stall(profile.user_id), story_max=STORY_MAX)


@role_required(Role.ARTISAN)
def my_page():
    """Show and change what visitors see of me."""
    profile = my_profile()
    if request.method == "GET":
        return _page({name: getattr(profile, name) for name in _FIELDS}, {})
    data, errors = load_form(profile_schema, request.form)
    photo_key = take_photo(errors)
    if errors:
        return _page(request.form.to_dict(), errors, status=422, photo_key=photo_key)
    for name in _FIELDS:
        setattr(profile, name, data[name])
    replaced = None
    if photo_key and photo_key != profile.photo_key:
        replaced, profile.photo_key = profile.photo_key, photo_key
    db.session.commit()
    forget_replaced(replaced)
    flash(_("Saved ✓"), "success")
    return redirect(url_for("stall.my_page"))


@role_required(Role.ARTISAN)
def settings():
    """Show my settings: language and log-out."""
    return render("stall/settings.html")
