"""Whatever is posted to the artisan's forms and the visitor's heart, never a server error."""

import io

import pytest

from .test_stall_support import build_stage, log_in

GARBAGE = [
    {},
    {"name": "x" * 100_000, "price": "9" * 1000, "display_name": "y" * 100_000},
    {"name": "🏺" * 50, "price": "١٢٫٥٠", "cost": "12,50 €€", "story": "\u202e" * 10},
    {"price": "12,50", "name": "Bol", "active": "on", "public": "yes"},
    {"price": ["1", "2"], "name": ["a", "b"]},
    {"photo": "not a file", "photo_key": "x" * 5000},
    {"photo": (io.BytesIO(b"\xff\xd8\xff\xe0" + b"\x00" * 2000), "broken.jpg")},
    {"photo": (io.BytesIO(b""), "")},
    {"website": "http://" + "a." * 200 + "fr", "instagram": "@" * 40, "email": "@@"},
    {"name": "Bol\x00", "display_name": "\x00", "phone": "\x00\x01"},
]
FORMS = ["/stall/products/new", "/stall/products/{product}", "/stall/products/{product}/archive",
         "/stall/me/page", "/s/{slug}/like/{product}"]


@pytest.fixture
def stage(app, client):
    stage = build_stage(app)
    log_in(client, "awa")
    return stage


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("index", range(len(GARBAGE)))
def test_no_form_answers_a_server_error(client, stage, form, index):
    url = form.format(product=stage.product, slug=stage.awa_slug)
    data = {key: (value if not isinstance(value, tuple) else (io.BytesIO(value[0].getvalue()),
                                                                value[1]))
            for key, value in GARBAGE[index].items()}
    response = client.post(url, data=data, content_type="multipart/form-data")
    assert response.status_code < 500
