"""The photo field of the artisan's forms (a product, my page): one rule for both.

A form refused for another field keeps its good photo, so that a slow phone does not send it
twice: the page carries the photo's key back in a hidden field, signed for this artisan, so
that no one can attach a photo someone else uploaded (keys show in every photo's URL).
"""

from flask import current_app, request
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeSerializer

from .. import photo_use, photos

_SALT = "marche-kept-photo"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def kept_token(key: str) -> str:
    """Return what the hidden field carries for a photo kept across a refused form."""
    return _serializer().dumps([current_user.id, key])


def _kept_key() -> str | None:
    token = request.form.get("photo_key")
    if not token:
        return None
    try:
        owner, key = _serializer().loads(token)
    except (BadSignature, TypeError, ValueError):
        return None
    return key if owner == current_user.id and photos.exists(key) else None


def take_photo(errors: dict) -> str | None:
    """Return the key of the photo sent with the form: a new upload, or one kept from a retry.

    A photo that cannot be used puts its translated message in ``errors["photo"]``.
    """
    upload = request.files.get("photo")
    if photos.has_file(upload):
        try:
            return photos.save_upload(upload)
        except photos.PhotoError as error:
            errors["photo"] = error.message
            return None
    return _kept_key()


def forget_replaced(old_key: str | None) -> None:
    """Delete the files of a photo the artisan replaced, once no row names it (after commit):
    a regretted picture does not stay on the server, public at its old address."""
    if old_key and not photo_use.is_named(old_key):
        photos.delete(old_key)
