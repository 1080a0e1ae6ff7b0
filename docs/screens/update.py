"""Refresh the note's pictures (docs/screens/) and the README's (docs/screenshot.png).

The pictures are the browser tests' own, of the real app at 360×740 (device scale 2), so run
those first; they write screenshots/::

    .venv/bin/pytest tests/browser/test_till_day.py tests/browser/test_phone_layout.py \
        tests/browser/test_walkthrough.py
    .venv/bin/python docs/screens/update.py

Look at every picture before committing it.
"""

from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "screenshots"
SCREENS = ROOT / "docs" / "screens"

# note picture ← the test's screenshot
NOTE = {
    "till-open": "till-open-sqlite",
    "till-sell": "till-sell-sqlite",
    "till-basket-change": "till-basket-change-sqlite",
    "till-stock": "till-stock-sqlite",
    "till-sync-waiting": "till-sync-waiting-sqlite",
    "till-close": "till-close-sqlite",
    "till-close-ar": "till-close-ar",
    "till-summary": "till-summary-sqlite",
    "artisan-today-ar": "artisan-today-ar-sqlite",
    "artisan-today-fr": "artisan-today-fr-sqlite",
    "artisan-products-fr": "artisan-products-fr-sqlite",
    "artisan-products-ar": "artisan-products-ar-sqlite",
    "coach-home-fr": "coach-home-fr-sqlite",
    "coach-home-ar": "coach-home-ar-sqlite",
    "coach-enrolment-fr": "coach-enrolment-fr-sqlite",
}
# The README picture: the till, the change helper, a stall's public page, the coach in Arabic.
# A name is a test's screenshot; None keeps that panel of the picture as it is (the visitor's
# page in French and the coach's in Arabic are not the till's to change).
README = ["till-sell-sqlite", "till-basket-change-sqlite", None, None]
PHONE = (360, 740)
MARGIN, BACKGROUND = 24, "#e9e4d8"


def main() -> None:
    width, height = PHONE
    for name, source in NOTE.items():
        picture = Image.open(SHOTS / f"{source}.png")
        # What the phone shows without scrolling (a whole-page capture draws the fixed bottom
        # menu in the middle of the page).
        shown = round(height * picture.width / width)
        picture.crop((0, 0, picture.width, min(shown, picture.height))).save(
            SCREENS / f"{name}.png", optimize=True)
    readme = ROOT / "docs" / "screenshot.png"
    before = Image.open(readme).convert("RGB")
    sheet = Image.new("RGB", (MARGIN + len(README) * (width + MARGIN), height + 2 * MARGIN),
                      BACKGROUND)
    for index, source in enumerate(README):
        left = MARGIN + index * (width + MARGIN)
        if source is None:
            sheet.paste(before.crop((left, MARGIN, left + width, MARGIN + height)), (left, MARGIN))
            continue
        screen = Image.open(SHOTS / f"{source}.png").convert("RGB")  # a page may be at scale 1
        scale = width / screen.width
        screen = screen.resize((width, round(screen.height * scale)), Image.LANCZOS)
        screen = screen.crop((0, 0, width, height))  # what the phone shows without scrolling
        sheet.paste(screen, (left, MARGIN))
    sheet.save(readme, optimize=True)


if __name__ == "__main__":
    main()
