"""QR codes for printed posters and enrolment screens, and the absolute URLs they encode."""

import io

import qrcode
import qrcode.image.svg
from flask import current_app, request, url_for
from qrcode.constants import ERROR_CORRECT_M


def absolute_url(endpoint: str, **values) -> str:
    """Return the absolute URL of an endpoint, on ``PUBLIC_URL`` when the operator set it.

    Printed codes outlive any request: behind a proxy the request's host is not trusted.
    """
    base = current_app.config.get("PUBLIC_URL", "").rstrip("/")
    path = url_for(endpoint, **values)
    if base:
        return base + path
    return request.host_url.rstrip("/") + path


def _code(data: str) -> qrcode.QRCode:
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=4)
    code.add_data(data)
    code.make(fit=True)
    return code


def qr_png(data: str, box_size: int = 10) -> bytes:
    """Return a black-on-white PNG of ``data``."""
    code = _code(data)
    code.box_size = box_size
    buffer = io.BytesIO()
    code.make_image(fill_color="black", back_color="white").save(buffer, format="PNG")
    return buffer.getvalue()


def qr_svg(data: str) -> str:
    """Return an SVG document of ``data`` (scales to any poster size)."""
    image = _code(data).make_image(image_factory=qrcode.image.svg.SvgPathFillImage)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()
