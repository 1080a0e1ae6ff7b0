"""Who may open the artisan's screens: only the artisan, and only on their own things."""

import pytest

from marche.models import User

from .test_stall_support import build_stage, log_in, log_in_coach, product, update

# Every URL of the artisan's side; {product} is one of Awa's products.
OWN = [
    ("GET", "/stall/"),
    ("GET", "/stall/products"),
    ("GET", "/stall/products/new"),
    ("POST", "/stall/products/new"),
    ("GET", "/stall/me/page"),
    ("POST", "/stall/me/page"),
    ("GET", "/stall/me"),
    ("GET", "/stall/till"),
]
PRODUCT = [
    ("GET", "/stall/products/{product}"),
    ("POST", "/stall/products/{product}"),
    ("POST", "/stall/products/{product}/archive"),
]
EVERY_URL = OWN + PRODUCT


@pytest.fixture
def stage(app):
    return build_stage(app)


def _call(client, method, template, stage):
    return client.open(template.format(product=stage.product), method=method, data={})


def test_every_stall_url_is_in_the_lists(app):
    """A new artisan URL must be added above, so that its access is tested."""
    rules = {rule.rule.replace("<uuid:product_id>", "{product}")
             for rule in app.url_map.iter_rules() if rule.endpoint.startswith("stall.")}
    assert rules == {template for _method, template in EVERY_URL}


@pytest.mark.parametrize(("method", "template"), EVERY_URL)
def test_visitor_is_sent_to_the_pin_log_in(client, stage, method, template):
    response = _call(client, method, template, stage)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/pin")


@pytest.mark.parametrize("email", ["coach@example.org", "other-coach@example.org"])
@pytest.mark.parametrize(("method", "template"), EVERY_URL)
def test_coaches_are_refused(client, stage, method, template, email):
    log_in_coach(client, email)
    response = _call(client, method, template, stage)
    assert response.status_code == 403
    assert "Bol raku" not in response.get_data(as_text=True)


@pytest.mark.parametrize(("method", "template"), PRODUCT)
def test_another_artisans_product_is_not_found(app, client, stage, method, template):
    before = product(app, stage.product)
    log_in(client, "bilal")
    response = _call(client, method, template, stage)
    assert response.status_code == 404
    assert product(app, stage.product) == before


@pytest.mark.parametrize(("method", "template"), OWN)
def test_another_artisan_only_ever_sees_their_own_things(client, stage, method, template):
    log_in(client, "bilal")
    response = _call(client, method, template, stage)
    assert response.status_code in (200, 422)
    page = response.get_data(as_text=True)
    assert "Bol raku" not in page and "Awa Diallo" not in page


@pytest.mark.parametrize(("method", "template"), EVERY_URL)
def test_the_artisan_reaches_every_screen(client, stage, method, template):
    log_in(client, "awa")
    response = _call(client, method, template, stage)
    # An empty form is refused with its messages (422); an archive goes back to the list.
    expected = {"GET": 200, "POST": 302 if template.endswith("archive") else 422}[method]
    assert response.status_code == expected


def test_deactivated_artisan_is_logged_out(app, client, stage):
    log_in(client, "awa")
    update(app, User, stage.awa, active=False)
    response = client.get("/stall/")
    assert response.status_code == 302
