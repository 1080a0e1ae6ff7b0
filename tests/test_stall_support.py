"""Helpers shared by the stall, photo and public tests (this module holds no test)."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

from PIL import Image

from marche.extensions import db
from marche.models import User


def log_in(client, user: User) -> None:
    """Log ``user`` in on ``client``, as Flask-Login's own session would."""
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True


def jpeg_bytes(size=(64, 48), color=(200, 40, 40), **save) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="JPEG", **save)
    return buffer.getvalue()


def png_bytes(size=(64, 64), color=(0, 0, 255, 0), mode="RGBA") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, color).save(buffer, format="PNG")
    return buffer.getvalue()


def upload(data: bytes, name="photo.jpg"):
    """Return what a form field of type file sends, for the test client."""
    return (io.BytesIO(data), name)


def days_from_today(days: int) -> dt.date:
    """Return a date ``days`` after today in Paris (where the test markets are)."""
    return dt.datetime.now(ZoneInfo("Europe/Paris")).date() + dt.timedelta(days=days)


def fresh(row):
    """Return ``row`` with what the database holds now (the requests used other sessions)."""
    db.session.expire_all()
    return row
