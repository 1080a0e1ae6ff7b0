"""Photos: whatever a phone sends, what is stored is a clean, upright JPEG, or a clear refusal."""

import io
import struct
import zlib
from pathlib import Path

import pytest
from PIL import ExifTags, Image

from marche import photos

from .test_stall_support import jpeg_bytes, png_bytes


@pytest.fixture
def ctx(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield app


def _stored(app, key, size) -> Image.Image:
    path = Path(app.config["MEDIA_FOLDER"]) / f"{key}_{size}.jpg"
    image = Image.open(path)
    image.load()
    return image


def _jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (48.0, 51.0, 30.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (2.0, 25.0, 10.0)
    return jpeg_bytes(size=(80, 60), exif=exif.tobytes())


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims a huge size in a few bytes: the shape of a decompression bomb."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))


def test_gps_position_never_reaches_the_stored_photo(ctx):
    original = _jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)

    key = photos.save_bytes(original)

    for size in ("thumb", "medium"):
        stored = _stored(ctx, key, size)
        assert not stored.getexif()
        assert "exif" not in stored.info
        assert not stored.getexif().get_ifd(ExifTags.IFD.GPSInfo)


def test_stored_photos_are_a_square_thumbnail_and_a_medium_size(ctx):
    key = photos.save_bytes(jpeg_bytes(size=(2400, 1200)))

    assert _stored(ctx, key, "thumb").size == (320, 320)
    assert _stored(ctx, key, "medium").size == (1024, 512)
    assert len(key) == 32 and photos.exists(key)


def test_sideways_phone_photo_is_turned_upright(ctx):
    # Stored as the sensor saw it (wide, red on the left), with "turn 90° clockwise" in EXIF.
    sideways = Image.new("RGB", (80, 40), (0, 0, 255))
    sideways.paste((255, 0, 0), (0, 0, 40, 40))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    buffer = io.BytesIO()
    sideways.save(buffer, format="JPEG", exif=exif.tobytes(), quality=95)

    medium = _stored(ctx, photos.save_bytes(buffer.getvalue()), "medium")

    assert medium.height > medium.width
    red, _green, blue = medium.getpixel((medium.width // 2, medium.height // 4))
    assert red > 200 and blue < 60  # the left side went to the top
    assert not medium.getexif()


def test_png_with_transparency_is_taken_on_white(ctx):
    key = photos.save_bytes(png_bytes(color=(0, 0, 255, 0)))

    medium = _stored(ctx, key, "medium")
    assert medium.mode == "RGB"
    assert all(channel > 240 for channel in medium.getpixel((10, 10)))


def test_text_file_named_like_a_photo_is_refused(ctx):
    with pytest.raises(photos.PhotoError, match="not a photo"):
        photos.save_bytes("Liste de courses : argile, émail, bois.\n".encode() * 20)


def test_truncated_photo_is_refused(ctx):
    with pytest.raises(photos.PhotoError, match="not a photo"):
        photos.save_bytes(jpeg_bytes(size=(300, 300))[:400])


def test_empty_file_is_refused(ctx):
    with pytest.raises(photos.PhotoError, match="empty"):
        photos.save_bytes(b"")


def test_file_over_the_size_limit_is_refused(ctx):
    ctx.config["PHOTO_MAX_BYTES"] = 2000
    with pytest.raises(photos.PhotoError, match="too big"):
        photos.save_bytes(jpeg_bytes(size=(400, 400), quality=100))


@pytest.mark.parametrize("side", [100_000, 10_000])
def test_decompression_bomb_is_refused_before_decoding(ctx, side):
    # 100 000² is past Pillow's own error limit; 10 000² only past its warning (an error in
    # the test run, a log line in production): both are refused.
    with pytest.raises(photos.PhotoError, match="too many pixels"):
        photos.save_bytes(_png_header_only(side, side))
    assert not list(Path(ctx.config["MEDIA_FOLDER"]).glob("*.jpg"))


def test_pixel_limit_comes_from_the_configuration(ctx):
    ctx.config["PHOTO_MAX_PIXELS"] = 100 * 100
    with pytest.raises(photos.PhotoError, match="too many pixels"):
        photos.save_bytes(jpeg_bytes(size=(200, 200)))
    assert photos.save_bytes(jpeg_bytes(size=(100, 100)))


def test_unknown_keys_are_not_photos(ctx):
    assert not photos.exists("../../etc/passwd")
    assert not photos.exists("0" * 32)
    assert not photos.exists(None)
