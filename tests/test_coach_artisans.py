"""Artisans of a cohort: enrolment by QR code, edits, deactivation, and "phone lost"."""

import re

import pytest

from marche.extensions import db
from marche.models import Cohort, User
from marche.security import token_digest

from .coach_helpers import (
    build_cohorts,
    field_error,
    input_value,
    log_in_artisan,
    log_in_coach,
    rows,
)
from .test_public_qr import decode, svg_matrix


@pytest.fixture
def world(app, client):
    (world,) = build_cohorts(app, "a")
    log_in_coach(client, world.coach_email)
    return world


def _artisan(login: str) -> User:
    return db.session.execute(db.select(User).where(User.login == login)).scalar_one()


def _enrol_link(page: str) -> str:
    return re.search(r'<a class="enrol-link" href="([^"]+)"', page).group(1)


def test_the_form_asks_no_e_mail(client, world):
    page = client.get(f"/coach/cohorts/{world.cohort}/artisans/new").get_data(as_text=True)
    assert "email" not in page.lower()


def test_creating_an_artisan_shows_a_working_enrolment_qr_code(app, client, world):
    response = client.post(f"/coach/cohorts/{world.cohort}/artisans/new", data={
        "name": "Chen Li", "login": "chen", "display_name": "Atelier Chen", "craft": "Bijoux"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    assert "<svg" in page and "<?xml" not in page and "<path" in page
    assert '<strong class="enrol-login">chen</strong>' in page
    assert "Valid until" in page
    link = _enrol_link(page)
    assert link.startswith("https://marche.example.org/auth/enrol/")
    # The code on the screen is the link: what the artisan's camera reads.
    code = max(re.findall(r"<svg.*?</svg>", page, re.S), key=len)  # the icons are small
    assert decode(svg_matrix(code)) == link
    token = link.rsplit("/", 1)[1]
    with app.app_context():
        user = _artisan("chen")
        assert user.enrol_token_hash == token_digest(token)
        assert token not in (user.enrol_token_hash or "")
        assert user.profile.display_name == "Atelier Chen" and user.profile.craft == "Bijoux"
        assert user.profile.cohort_id == world.cohort and user.email is None
    # The phone that follows the link can choose its PIN.
    phone = app.test_client()
    assert phone.get(link.removeprefix("https://marche.example.org")).status_code == 200


def test_a_new_artisan_waits_for_enrolment(client, world):
    client.post(f"/coach/cohorts/{world.cohort}/artisans/new", data={"name": "Dounia"})
    page = client.get(f"/coach/cohorts/{world.cohort}").get_data(as_text=True)
    assert "Waiting for enrolment" in page and "dounia" in page


@pytest.mark.parametrize(("name", "taken", "expected"), [
    ("Dounia", [], "dounia"),
    ("Émile Zoé", [], "emile"),
    ("Awa Diallo", ["awa"], "awa-d"),
    ("Awa Diallo", ["awa", "awa-d"], "awa-diallo"),
    ("عائشة", [], "artisan"),
    ("Awa", ["awa"], "awa-2"),
])
def test_a_login_is_made_from_the_name_when_left_empty(app, client, world, name, taken, expected):
    with rows(app) as make:
        for login in taken:
            make.artisan(login=login)
    response = client.post(f"/coach/cohorts/{world.cohort}/artisans/new",
                           data={"name": name, "login": ""})
    assert response.status_code == 200
    assert f'<strong class="enrol-login">{expected}</strong>' in response.get_data(as_text=True)


def test_login_suggestion_is_a_fragment_for_htmx(client, world):
    response = client.get("/coach/artisans/login-suggestion?name=Fatou+Sow&login=",
                          headers={"HX-Request": "true"})
    page = response.get_data(as_text=True)
    assert "<html" not in page and 'id="login-field"' in page
    assert input_value(page, "login") == "fatou"
    typed = client.get("/coach/artisans/login-suggestion?name=Fatou&login=Fa-2",
                       headers={"HX-Request": "true"})
    assert input_value(typed.get_data(as_text=True), "login") == "fa-2"


def test_typed_logins_are_lower_cased(app, client, world):
    client.post(f"/coach/cohorts/{world.cohort}/artisans/new",
                data={"name": "Chen", "login": "  CHEN-2 "})
    with app.app_context():
        assert _artisan("chen-2").name == "Chen"


@pytest.mark.parametrize(("form", "field"), [
    ({"name": ""}, "name"),
    ({"name": "x" * 121}, "name"),
    ({"name": "Chen", "login": "c"}, "login"),
    ({"name": "Chen", "login": "chen li"}, "login"),
    ({"name": "Chen", "login": "chén"}, "login"),
    ({"name": "Chen", "login": "-chen"}, "login"),
    ({"name": "Chen", "login": "c" * 33}, "login"),
    ({"name": "Chen", "login": "awa-a"}, "login"),  # taken
    ({"name": "Chen", "craft": "c" * 121}, "craft"),
    ({"name": "Chen", "display_name": "d" * 100_000}, "display_name"),
])
def test_a_wrong_artisan_is_refused_next_to_its_field(app, client, world, form, field):
    response = client.post(f"/coach/cohorts/{world.cohort}/artisans/new",
                           data={"craft": "Couture", **form})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert field_error(page, field)
    if field != "craft":
        assert input_value(page, "craft") == "Couture"
    with app.app_context():
        assert db.session.execute(db.select(db.func.count(User.id))).scalar_one() == 3


def test_editing_an_artisan(app, client, world):
    url = f"/coach/artisans/{world.artisan}/edit"
    assert input_value(client.get(url).get_data(as_text=True), "login") == "awa-a"
    taken = client.post(url, data={"name": "Awa", "login": "bilal-a"})
    assert taken.status_code == 422 and field_error(taken.get_data(as_text=True), "login")
    response = client.post(url, data={"name": "Awa Diallo", "login": "awa",
                                      "display_name": "", "craft": "Poterie"})
    assert response.status_code == 302
    with app.app_context():
        user = db.session.get(User, world.artisan)
        assert (user.login, user.profile.display_name, user.profile.craft) == (
            "awa", "Awa Diallo", "Poterie")
        assert user.pin_hash  # an edit does not touch the access


def test_deactivating_ends_the_artisans_sessions_and_reactivating_lets_them_back(app, client,
                                                                               world):
    phone = app.test_client()
    log_in_artisan(phone, world.artisan_login)
    assert phone.get("/stall/").status_code == 200
    client.post(f"/coach/artisans/{world.artisan}/deactivate")
    assert phone.get("/stall/").status_code == 302
    page = client.get(f"/coach/artisans/{world.artisan}").get_data(as_text=True)
    assert "Deactivated" in page and "Reactivate" in page
    assert phone.post("/auth/pin", data={"login": "awa-a", "pin": "2468"}).status_code != 302
    client.post(f"/coach/artisans/{world.artisan}/reactivate")
    log_in_artisan(phone, world.artisan_login)


def test_reset_access_ends_sessions_clears_the_pin_and_shows_a_new_code(app, client, world):
    phone = app.test_client()
    log_in_artisan(phone, world.artisan_login)
    with app.app_context():
        epoch = db.session.get(User, world.artisan).session_epoch
    confirm = client.get(f"/coach/artisans/{world.artisan}/reset")
    assert confirm.status_code == 200 and 'method="post"' in confirm.get_data(as_text=True)
    response = client.post(f"/coach/artisans/{world.artisan}/reset")
    assert response.status_code == 200
    token = _enrol_link(response.get_data(as_text=True)).rsplit("/", 1)[1]
    with app.app_context():
        user = db.session.get(User, world.artisan)
        assert user.session_epoch == epoch + 1
        assert user.pin_hash is None
        assert user.enrol_token_hash == token_digest(token)
    assert phone.get("/stall/").status_code == 302  # the lost phone is logged out
    assert phone.post("/auth/pin", data={"login": "awa-a", "pin": "2468"}).status_code != 302
    page = client.get(f"/coach/artisans/{world.artisan}").get_data(as_text=True)
    assert "Waiting for enrolment" in page


def test_a_second_reset_kills_the_first_code(app, client, world):
    first = _enrol_link(client.post(f"/coach/artisans/{world.artisan}/reset")
                        .get_data(as_text=True))
    client.post(f"/coach/artisans/{world.artisan}/reset")
    phone = app.test_client()
    assert phone.get(first.removeprefix("https://marche.example.org")).status_code == 404


def test_a_deactivated_artisan_cannot_be_reset(app, client, world):
    client.post(f"/coach/artisans/{world.artisan}/deactivate")
    response = client.post(f"/coach/artisans/{world.artisan}/reset")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(User, world.artisan).enrol_token_hash is None


def test_artisan_page_shows_profile_and_catalogue_read_only(app, client, world):
    with rows(app) as make:
        user = db.session.get(User, world.artisan)
        bowl = make.product(user, name="Bol raku", price_cents=1800)
        bowl.photo_key = "abc123"
        make.product(user, name="Vase ancien", active=False)
        db.session.commit()
    page = client.get(f"/coach/artisans/{world.artisan}").get_data(as_text=True)
    assert "Bol raku" in page and "€18.00" in page
    assert 'src="/media/abc123/thumb.jpg"' in page
    assert "Vase ancien" in page and "Archived" in page
    assert "Market A" in page  # the stall of today
    assert "<input" not in page.split("Products")[1]  # read-only catalogue


def test_the_cohort_list_shows_each_status(app, client, world):
    with rows(app) as make:
        cohort = db.session.get(Cohort, world.cohort)
        make.artisan(login="chen", cohort=cohort, pin=None)
    client.post(f"/coach/artisans/{world.artisan}/deactivate")
    page = client.get(f"/coach/cohorts/{world.cohort}").get_data(as_text=True)
    for status in ("Active", "Deactivated", "Enrolment link expired"):
        assert status in page
