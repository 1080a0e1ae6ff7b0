"""Draw the app's PNG icons (a market stall under a striped awning) with Pillow.

The files in ``static/icons/`` were made with ``python -m marche.pwa_icons``; run it again after
changing the drawing. A maskable icon keeps its drawing inside the central safe circle (80 %),
because launchers cut the corners into their own shape.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image, ImageDraw

GREEN = (29, 77, 58)
DARK = (17, 48, 36)
YELLOW = (255, 209, 102)
CREAM = (251, 248, 242)
RED = (181, 82, 59)

SCALE = 4  # drawn large, then reduced: smooth edges without an anti-aliasing library


def _stall(draw: ImageDraw.ImageDraw, box: tuple[float, float, float, float]) -> None:
    """Draw the stall inside ``box`` (left, top, right, bottom)."""
    left, top, right, bottom = box
    width, height = right - left, bottom - top
    stripes = 5
    roof_top, roof_bottom = top, top + height * 0.30
    inset = width * 0.08
    # The awning: a trapeze cut into stripes, with a scalloped edge under each stripe.
    for index in range(stripes):
        x0 = left + width * index / stripes
        x1 = left + width * (index + 1) / stripes
        tx0 = left + inset + (width - 2 * inset) * index / stripes
        tx1 = left + inset + (width - 2 * inset) * (index + 1) / stripes
        colour = YELLOW if index % 2 == 0 else CREAM
        draw.polygon([(tx0, roof_top), (tx1, roof_top), (x1, roof_bottom), (x0, roof_bottom)],
                     fill=colour)
        radius = (x1 - x0) / 2
        draw.pieslice([x0, roof_bottom - radius, x1, roof_bottom + radius], 0, 180, fill=colour)
    # The counter and its front.
    body_top = roof_bottom + height * 0.16
    body_left, body_right = left + width * 0.10, right - width * 0.10
    draw.rectangle([body_left, body_top, body_right, bottom], fill=CREAM)
    draw.rectangle([body_left, body_top, body_right, body_top + height * 0.07], fill=YELLOW)
    # Goods on the counter: three bowls.
    bowl = width * 0.13
    for index in range(3):
        cx = body_left + (body_right - body_left) * (index + 1) / 4
        draw.pieslice([cx - bowl / 2, body_top - bowl * 0.55, cx + bowl / 2,
                       body_top + bowl * 0.45], 180, 360, fill=RED)
    # A coin on the front: what the app counts.
    coin = width * 0.22
    cx, cy = (left + right) / 2, body_top + (bottom - body_top) * 0.55
    draw.ellipse([cx - coin / 2, cy - coin / 2, cx + coin / 2, cy + coin / 2], fill=YELLOW,
                 outline=DARK, width=max(2, int(width * 0.02)))
    # A euro sign: an open arc and two bars.
    stroke = max(2, int(width * 0.025))
    r = coin * 0.28
    draw.arc([cx - r * 0.8, cy - r, cx + r * 1.2, cy + r], 45, 315, fill=DARK, width=stroke)
    for dy in (-0.22, 0.22):
        draw.line([cx - r * 1.1, cy + r * dy, cx + r * 0.5, cy + r * dy], fill=DARK,
                  width=stroke)


def draw(size: int, maskable: bool = False) -> Image.Image:
    """Return the icon at ``size`` pixels; ``maskable`` fills the square and keeps a margin."""
    big = size * SCALE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    canvas = ImageDraw.Draw(image)
    if maskable:
        canvas.rectangle([0, 0, big, big], fill=GREEN)
        margin = big * 0.24
    else:
        canvas.rounded_rectangle([0, 0, big - 1, big - 1], radius=big * 0.22, fill=GREEN)
        margin = big * 0.15
    _stall(canvas, (margin, margin, big - margin, big - margin))
    return image.resize((size, size), Image.LANCZOS)


def main(folder: str | None = None) -> list[Path]:
    """Write the three PNG icons the manifest names; return their paths."""
    target = Path(folder or Path(__file__).resolve().parents[1] / "static" / "icons")
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name, size, maskable in (("icon-192.png", 192, False), ("icon-512.png", 512, False),
                                 ("icon-maskable-512.png", 512, True)):
        path = target / name
        draw(size, maskable).save(path, optimize=True)
        written.append(path)
    return written


if __name__ == "__main__":
    for path in main(sys.argv[1] if len(sys.argv) > 1 else None):
        print(path)
