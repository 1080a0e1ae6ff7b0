"""Photos people upload: checked, turned upright, stripped of metadata, re-encoded as JPEG.

Nothing a phone sends is kept as sent: the stored files are new JPEGs made from the pixels
alone, so no EXIF (and no GPS position of the artisan's home) ever reaches a visitor.
"""

import datetime as dt
import io
import uuid
from collections.abc import Iterator
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps

THUMB_SIZE = 320
MEDIUM_SIZE = 1024
JPEG_QUALITY = 82
# What phones and cameras send; anything else is refused before a decoder runs on it.
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")  # JPEG covers MPO


class PhotoError(ValueError):
    """A photo that cannot be taken; ``message`` is shown by the field, in the user's language.

    The message is lazy: photos are also made outside any request (the demo command).
    """

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def has_file(storage) -> bool:
    """Tell whether a form's file field carries a file (an empty field sends no name)."""
    return storage is not None and bool(storage.filename)


def save_upload(storage) -> str:
    """Check and re-encode an uploaded file (werkzeug ``FileStorage``); return the new key."""
    limit = current_app.config["PHOTO_MAX_BYTES"]
    data = storage.stream.read(limit + 1)
    return save_bytes(data)


def save_bytes(data: bytes) -> str:
    """Check and re-encode a photo given as bytes; return its key (raise ``PhotoError``)."""
    limit = current_app.config["PHOTO_MAX_BYTES"]
    if not data:
        raise PhotoError(_l("This file is empty. Choose a photo."))
    if len(data) > limit:
        raise PhotoError(_l("This photo is too big: at most %(size)s MB.",
                           size=max(1, limit // (1024 * 1024))))
    image = _decode(data)
    key = uuid.uuid4().hex
    folder = Path(current_app.config["MEDIA_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    medium = image.copy()
    medium.thumbnail((MEDIUM_SIZE, MEDIUM_SIZE), Image.Resampling.LANCZOS)
    thumb = ImageOps.fit(image, (THUMB_SIZE, THUMB_SIZE), Image.Resampling.LANCZOS)
    _write(medium, folder / f"{key}_medium.jpg")
    _write(thumb, folder / f"{key}_thumb.jpg")
    return key


def exists(key: str | None) -> bool:
    """Tell whether a key names photos this app made (used for a photo kept across a retry)."""
    if not key or len(key) != 32 or not all(c in "0123456789abcdef" for c in key):
        return False
    folder = Path(current_app.config["MEDIA_FOLDER"])
    return (folder / f"{key}_thumb.jpg").is_file() and (folder / f"{key}_medium.jpg").is_file()


def stored() -> Iterator[tuple[str, dt.datetime]]:
    """Yield the key of every photo on disk with the time it was made (UTC)."""
    folder = Path(current_app.config["MEDIA_FOLDER"])
    if not folder.is_dir():
        return
    for path in folder.glob("*_thumb.jpg"):
        key = path.name.removesuffix("_thumb.jpg")
        if exists(key):
            yield key, dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)


def delete(key: str | None) -> None:
    """Remove the files of a photo no row names any more (a key this app made, or nothing)."""
    if not exists(key):
        return
    folder = Path(current_app.config["MEDIA_FOLDER"])
    for size in ("medium", "thumb"):
        (folder / f"{key}_{size}.jpg").unlink(missing_ok=True)


def _decode(data: bytes) -> Image.Image:
    """Return the pixels of ``data`` upright, in RGB, without any metadata."""
    max_pixels = current_app.config["PHOTO_MAX_PIXELS"]
    not_a_photo = _l("This file is not a photo. Choose a JPEG or PNG picture.")
    too_large = _l("This picture has too many pixels. Take a smaller photo.")
    Image.init()  # registers every format plugin, so each accepted format can be named
    try:
        image = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
        # The header alone gives the size: refuse a bomb before decoding a single pixel.
        if image.width * image.height > max_pixels:
            raise PhotoError(too_large)
        # JPEG can decode at a reduced scale: a 12-megapixel photo never fills the memory.
        image.draft("RGB", (MEDIUM_SIZE * 2, MEDIUM_SIZE * 2))
        image.load()
        upright = ImageOps.exif_transpose(image)
        pixels = _flatten(upright)
    except PhotoError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise PhotoError(too_large) from error
    except Exception as error:  # Pillow's decoders raise many kinds on bad files
        raise PhotoError(not_a_photo) from error
    return pixels


def _flatten(image: Image.Image) -> Image.Image:
    """Return a fresh RGB image of the same pixels: transparency on white, no ``info`` kept."""
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        clean = Image.new("RGB", rgba.size, "white")
        clean.paste(rgba, mask=rgba.getchannel("A"))
        return clean
    rgb = image.convert("RGB")
    clean = Image.new("RGB", rgb.size)
    clean.paste(rgb)
    return clean


def _write(image: Image.Image, path: Path) -> None:
    # Written beside, then renamed: a reader never sees half a file.
    partial = path.with_suffix(".part")
    image.save(partial, format="JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    partial.replace(path)
