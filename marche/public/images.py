"""A stall's QR code as PNG and SVG (contract URLs printed on posters: they never move)."""

from flask import abort, current_app

from .. import qr
from .pages import find_stall

# The code only changes if PUBLIC_URL does: let browsers and printers keep it a long time.
LONG_CACHE = "public, max-age=2592000"


def _stall_url(slug: str) -> str:
    stall = find_stall(slug)
    if stall is None:
        abort(404)
    return qr.absolute_url("public.stall_page", slug=stall.slug)


def _image(body, mimetype: str):
    response = current_app.response_class(body, mimetype=mimetype)
    response.headers["Cache-Control"] = LONG_CACHE
    return response


def qr_png(slug: str):
    """Send the stall's QR code as a PNG."""
    return _image(qr.qr_png(_stall_url(slug)), "image/png")


def qr_svg(slug: str):
    """Send the stall's QR code as an SVG (sharp at any poster size)."""
    return _image(qr.qr_svg(_stall_url(slug)), "image/svg+xml")
