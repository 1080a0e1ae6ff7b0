"""Simple drawn pictures for the demo catalogue, made with Pillow (no file ships with the app)."""

import io

from PIL import Image, ImageDraw

SIZE = 640


def _canvas(background: str) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    image = Image.new("RGB", (SIZE, SIZE), background)
    draw = ImageDraw.Draw(image)
    # A table top, so every object stands somewhere.
    draw.rectangle((0, 470, SIZE, SIZE), fill=_shade(background, 0.86))
    return image, draw


def _shade(colour, factor: float) -> tuple[int, int, int]:
    if isinstance(colour, str):
        colour = tuple(int(colour.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4))
    r, g, b = colour
    return (int(r * factor), int(g * factor), int(b * factor))


def _bowl(draw, ink):
    draw.chord((130, 200, 510, 480), 0, 180, fill=ink)
    draw.ellipse((130, 305, 510, 375), fill=_shade(ink, 0.7))
    draw.ellipse((150, 315, 490, 365), fill=_shade(ink, 0.5))


def _vase(draw, ink):
    draw.ellipse((200, 250, 440, 490), fill=ink)
    draw.rectangle((270, 150, 370, 300), fill=ink)
    draw.ellipse((250, 130, 390, 170), fill=_shade(ink, 0.6))


def _mug(draw, ink):
    draw.rounded_rectangle((200, 220, 420, 480), radius=24, fill=ink)
    draw.arc((380, 270, 480, 410), -90, 90, fill=ink, width=26)


def _board(draw, ink):
    draw.rounded_rectangle((120, 260, 470, 460), radius=40, fill=ink)
    draw.rounded_rectangle((460, 330, 560, 390), radius=20, fill=ink)
    for y in (300, 340, 380, 420):
        draw.line((150, y, 440, y + 8), fill=_shade(ink, 0.8), width=4)


def _spoon(draw, ink):
    draw.ellipse((170, 170, 300, 330), fill=ink)
    draw.line((260, 300, 470, 470), fill=ink, width=30)


def _bag(draw, ink):
    draw.arc((230, 130, 410, 320), 180, 360, fill=ink, width=22)
    draw.polygon([(170, 230), (470, 230), (500, 480), (140, 480)], fill=ink)
    draw.line((170, 290, 470, 290), fill=_shade(ink, 0.7), width=8)


def _shirt(draw, ink):
    draw.polygon([(220, 150), (260, 140), (320, 180), (380, 140), (420, 150), (520, 230),
                  (470, 290), (430, 260), (430, 480), (210, 480), (210, 260), (170, 290),
                  (120, 230)], fill=ink)
    draw.ellipse((270, 280, 370, 380), outline="#ffffff", width=10)


def _poster(draw, ink):
    draw.rectangle((170, 110, 470, 480), fill="#fffdf7", outline=_shade(ink, 0.6), width=6)
    draw.ellipse((230, 170, 410, 350), fill=ink)
    draw.rectangle((210, 380, 430, 410), fill=_shade(ink, 0.8))


def _ring(draw, ink):
    draw.ellipse((210, 230, 430, 450), outline=ink, width=34)
    draw.polygon([(290, 200), (350, 200), (375, 230), (320, 270), (265, 230)], fill="#9ad1d4")


def _earrings(draw, ink):
    for x in (230, 410):
        draw.line((x, 160, x, 260), fill=ink, width=8)
        draw.regular_polygon((x, 320, 70), 3, rotation=180, fill=ink)


def _necklace(draw, ink):
    draw.arc((150, 80, 490, 420), 20, 160, fill=ink, width=10)
    draw.ellipse((285, 390, 355, 460), fill=_shade(ink, 0.8))


def _jar(draw, ink):
    draw.rounded_rectangle((220, 230, 420, 480), radius=30, fill=ink)
    draw.rectangle((235, 190, 405, 240), fill="#d7c8a6")
    draw.rectangle((250, 320, 390, 400), fill="#fffdf7")


def _plate(draw, ink):
    draw.ellipse((110, 300, 530, 480), fill="#fffdf7")
    for x, y in ((220, 330), (300, 350), (380, 330), (260, 400), (340, 400)):
        draw.ellipse((x, y, x + 70, y + 50), fill=ink)


def _portrait(draw, ink):
    draw.ellipse((220, 110, 420, 330), fill=_shade(ink, 0.55))
    draw.chord((120, 330, 520, 760), 180, 360, fill=ink)


SHAPES = {
    "bowl": _bowl, "vase": _vase, "mug": _mug, "board": _board, "spoon": _spoon,
    "bag": _bag, "shirt": _shirt, "poster": _poster, "ring": _ring, "earrings": _earrings,
    "necklace": _necklace, "jar": _jar, "plate": _plate, "portrait": _portrait,
}


def picture(shape: str, background: str, ink: str) -> bytes:
    """Return a JPEG of a simple object drawn on a coloured background."""
    image, draw = _canvas(background)
    ink_rgb = _shade(ink, 1.0)
    SHAPES[shape](draw, ink_rgb)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()
