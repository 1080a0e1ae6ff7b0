"""The stall's QR images: they decode to the stall page on PUBLIC_URL, and are cached long.

The images are read back with a small QR reader written here from the standard (ISO 18004):
format bits, unmasking, the zigzag read, the blocks, the segments. It relies on clean
images (it does no error correction): enough for pictures the server drew itself.
"""

import io
import re

import pytest
from PIL import Image
from qrcode.base import rs_blocks
from qrcode.util import pattern_position

from .test_stall_support import build_stage

MASKS = [
    lambda i, j: (i + j) % 2 == 0,
    lambda i, j: i % 2 == 0,
    lambda i, j: j % 3 == 0,
    lambda i, j: (i + j) % 3 == 0,
    lambda i, j: (i // 2 + j // 3) % 2 == 0,
    lambda i, j: (i * j) % 2 + (i * j) % 3 == 0,
    lambda i, j: ((i * j) % 2 + (i * j) % 3) % 2 == 0,
    lambda i, j: ((i + j) % 2 + (i * j) % 3) % 2 == 0,
]
ALPHANUMERIC = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"


def _reserved(n: int, version: int) -> set[tuple[int, int]]:
    """The modules that carry no data: finders, timing, alignment, format and version info."""
    finders = set()
    for r0, c0 in ((0, 0), (0, n - 8), (n - 8, 0)):
        finders |= {(r, c) for r in range(r0, r0 + 8) for c in range(c0, c0 + 8)}
    cells = set(finders)
    cells |= {(6, i) for i in range(n)} | {(i, 6) for i in range(n)}
    cells |= {(8, i) for i in range(9)} | {(i, 8) for i in range(9)}
    cells |= {(8, n - 1 - i) for i in range(8)} | {(n - 1 - i, 8) for i in range(8)}
    centres = pattern_position(version)
    for r in centres:
        for c in centres:
            if (r, c) in finders:
                continue  # no alignment pattern over a finder
            cells |= {(r + dr, c + dc) for dr in range(-2, 3) for dc in range(-2, 3)}
    if version >= 7:
        cells |= {(r, c) for r in range(6) for c in range(n - 11, n - 8)}
        cells |= {(r, c) for r in range(n - 11, n - 8) for c in range(6)}
    return cells


def decode(matrix: list[list[bool]]) -> str:
    """Read the text of a clean QR symbol given as rows of dark (True) modules."""
    n = len(matrix)
    version = (n - 17) // 4
    # Format information, first copy (beside the top-left finder, down column 8).
    rows_of_bit = [0, 1, 2, 3, 4, 5, 7, 8] + [n - 15 + i for i in range(8, 15)]
    raw = sum(matrix[r][8] << i for i, r in enumerate(rows_of_bit)) ^ 0b101010000010010
    level, mask = (raw >> 13) & 0b11, (raw >> 10) & 0b111
    reserved = _reserved(n, version)
    bits = []
    upward, col = True, n - 1
    while col > 0:
        if col == 6:
            col -= 1  # the vertical timing pattern is skipped by the zigzag
        for r in (range(n - 1, -1, -1) if upward else range(n)):
            for c in (col, col - 1):
                if (r, c) not in reserved:
                    bits.append(matrix[r][c] ^ MASKS[mask](r, c))
        upward, col = not upward, col - 2
    codewords = [int("".join(str(int(b)) for b in bits[i:i + 8]), 2)
                 for i in range(0, len(bits) - 7, 8)]
    blocks = rs_blocks(version, level)
    data, position = [[] for _ in blocks], 0
    for index in range(max(block.data_count for block in blocks)):
        for number, block in enumerate(blocks):
            if index < block.data_count:
                data[number].append(codewords[position])
                position += 1
    stream = "".join(f"{byte:08b}" for block in data for byte in block)
    return _segments(stream, version)


def _segments(stream: str, version: int) -> str:
    size = 0 if version < 10 else 1 if version < 27 else 2
    text, at = b"", 0

    def take(count):
        nonlocal at
        at += count
        return int(stream[at - count:at], 2)

    while at + 4 <= len(stream):
        mode = take(4)
        if mode == 0:
            break
        if mode == 0b0100:
            length = take((8, 16, 16)[size])
            text += bytes(take(8) for _ in range(length))
        elif mode == 0b0010:
            length = take((9, 11, 13)[size])
            for _ in range(length // 2):
                pair = take(11)
                text += (ALPHANUMERIC[pair // 45] + ALPHANUMERIC[pair % 45]).encode()
            if length % 2:
                text += ALPHANUMERIC[take(6)].encode()
        elif mode == 0b0001:
            length = take((10, 12, 14)[size])
            groups = [(10, 3)] * (length // 3) + [[], [(4, 1)], [(7, 2)]][length % 3]
            for width, digits in groups:
                text += f"{take(width):0{digits}d}".encode()
        else:
            raise ValueError(f"segment mode {mode:04b} is not read here")
    return text.decode()


def png_matrix(data: bytes) -> list[list[bool]]:
    image = Image.open(io.BytesIO(data)).convert("L")
    width, height = image.size
    dark = [[image.getpixel((x, y)) < 128 for x in range(width)] for y in range(height)]
    top = next(y for y in range(height) if any(dark[y]))
    left = next(x for x in range(width) if dark[top][x])
    run = next(x for x in range(left, width) if not dark[top][x]) - left
    box = run // 7  # the finder pattern is 7 modules wide
    n = (width - 2 * left) // box
    return [[dark[top + r * box + box // 2][left + c * box + box // 2] for c in range(n)]
            for r in range(n)]


def svg_matrix(svg: str) -> list[list[bool]]:
    cells = {(round(float(y)), round(float(x)))
             for x, y in re.findall(r"M(\d+(?:\.\d+)?),(\d+(?:\.\d+)?)H", svg)}
    top, left = min(r for r, _ in cells), min(c for _, c in cells)
    n = max(c for _, c in cells) - left + 1
    return [[(top + r, left + c) in cells for c in range(n)] for r in range(n)]


@pytest.fixture
def stage(app):
    return build_stage(app)


def test_the_reader_reads_codes_of_every_size_and_mode():
    import qrcode

    for text in ("https://marche.example.org/s/abc", "HELLO WORLD 2026", "0123456789" * 3,
                 "3141592653589793238462643", "31415926535897932384626433",
                 "https://association.example.org/marche/s/" + "x" * 200):
        code = qrcode.QRCode(border=0)
        code.add_data(text)
        code.make(fit=True)
        assert decode(code.get_matrix()) == text


def test_png_decodes_to_the_stall_page_on_the_public_url(client, stage):
    response = client.get(f"/s/{stage.awa_slug}/qr.png")
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert Image.open(io.BytesIO(response.data)).format == "PNG"
    assert decode(png_matrix(response.data)) == f"https://marche.example.org/s/{stage.awa_slug}"


def test_svg_decodes_to_the_stall_page_on_the_public_url(client, stage):
    response = client.get(f"/s/{stage.awa_slug}/qr.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    svg = response.get_data(as_text=True)
    assert "<svg" in svg
    assert decode(svg_matrix(svg)) == f"https://marche.example.org/s/{stage.awa_slug}"


def test_without_public_url_the_code_names_the_requests_host(app, client, stage):
    app.config["PUBLIC_URL"] = ""
    response = client.get(f"/s/{stage.awa_slug}/qr.png", base_url="http://192.168.1.20:5000")
    assert decode(png_matrix(response.data)) == f"http://192.168.1.20:5000/s/{stage.awa_slug}"


@pytest.mark.parametrize("kind", ["png", "svg"])
def test_qr_images_are_cached_long(client, stage, kind):
    response = client.get(f"/s/{stage.awa_slug}/qr.{kind}")
    cache = response.headers["Cache-Control"]
    assert "public" in cache
    assert int(re.search(r"max-age=(\d+)", cache).group(1)) >= 7 * 24 * 3600
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize("kind", ["png", "svg"])
def test_unknown_stall_has_no_qr(client, stage, kind):
    assert client.get(f"/s/nope/qr.{kind}").status_code == 404
