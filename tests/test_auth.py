"""Log-in pages: the coach's form, the artisan's PIN, the enrolment link, log-out."""

import datetime as dt
import re

import pytest

from marche.extensions import db
from marche.models import User, utcnow
from marche.security import check_secret, hash_secret, new_enrolment

WRONG_EMAIL_OR_PASSWORD = "Wrong e-mail or password."
WRONG_LOGIN_OR_PIN = "Wrong login or PIN."


def page(response) -> str:
    return response.get_data(as_text=True)


def logged_in_as(client) -> str | None:
    """Return the login of the artisan this browser is logged in as (None if none)."""
    response = client.get("/api/v1/session")
    return response.json["user"]["login"] if response.status_code == 200 else None


def enrolment_link(user: User) -> str:
    token = new_enrolment(user)
    db.session.commit()
    return f"/auth/enrol/{token}"


# --- the coach ---------------------------------------------------------------------------

def test_coach_form_keeps_the_public_field_names(client):
    html = page(client.get("/auth/login"))
    for name in ("email", "password", "csrf_token"):
        assert f'name="{name}"' in html
    assert 'href="/auth/pin"' in html


def test_coach_logs_in_and_lands_on_the_coach_home(client, make, auth):
    make.coach()
    response = auth.coach()
    assert response.status_code == 302
    assert response.headers["Location"] == "/coach/"
    assert client.get("/").headers["Location"] == "/coach/"


def test_coach_e_mail_is_read_without_case_or_spaces(client, make, auth):
    make.coach()
    response = auth.coach(email="  Coach@Example.ORG ")
    assert response.status_code == 302


@pytest.mark.parametrize("email, password", [
    ("coach@example.org", "not-the-password"),
    ("nobody@example.org", "demo-coach"),
])
def test_wrong_email_and_wrong_password_say_the_same(client, make, auth, email, password):
    make.coach()
    response = auth.coach(email=email, password=password)
    html = page(response)
    assert response.status_code == 401
    assert WRONG_EMAIL_OR_PASSWORD in html
    assert f'value="{email}"' in html  # the e-mail is kept for another try
    assert password not in html  # the password never comes back
    assert 'name="password"' in html
    assert client.get("/").status_code == 200  # still the welcome page: not logged in


def test_an_artisan_cannot_use_the_coach_form(client, make):
    artisan = make.artisan()
    artisan.email = "awa@example.org"
    artisan.password_hash = artisan.pin_hash
    db.session.commit()
    response = client.post("/auth/login", data={"email": "awa@example.org", "password": "2468"})
    assert response.status_code == 401
    assert WRONG_EMAIL_OR_PASSWORD in page(response)


@pytest.mark.parametrize("data, field", [
    ({"email": "", "password": "x"}, "email"),
    ({"email": "coach@example.org", "password": ""}, "password"),
    ({"email": "coach@example.org\x00", "password": "x"}, "email"),
    ({"email": "c" * 300, "password": "x"}, "email"),
    ({}, "email"),
])
def test_incomplete_coach_form_says_which_field(client, make, data, field):
    make.coach()
    response = client.post("/auth/login", data=data)
    html = page(response)
    assert response.status_code == 422
    assert f'id="e-{field}"' in html


@pytest.mark.parametrize("target, expected", [
    ("/coach/markets", "/coach/markets"),
    ("https://evil.example/", "/coach/"),
    ("//evil.example/", "/coach/"),
    ("/\\evil.example", "/coach/"),
    ("javascript:alert(1)", "/coach/"),
])
def test_coach_log_in_goes_back_only_to_this_site(client, make, target, expected):
    make.coach()
    form = client.get(f"/auth/login?next={target}")
    assert 'name="next"' in page(form)
    response = client.post("/auth/login", data={
        "email": "coach@example.org", "password": "demo-coach", "next": target})
    assert response.headers["Location"] == expected


def test_deactivated_coach_cannot_log_in(client, make, auth):
    coach = make.coach()
    coach.active = False
    db.session.commit()
    response = auth.coach()
    assert response.status_code == 401
    assert WRONG_EMAIL_OR_PASSWORD in page(response)


def test_deactivated_coach_is_logged_out_at_the_next_request(client, make, auth):
    coach = make.coach()
    auth.coach()
    assert client.get("/").status_code == 302
    coach.active = False
    db.session.commit()
    assert client.get("/").status_code == 200  # the welcome page: logged out


def test_coach_session_ends_when_the_session_epoch_moves(client, make, auth):
    coach = make.coach()
    auth.coach()
    assert client.get("/").status_code == 302
    coach.session_epoch += 1
    db.session.commit()
    assert client.get("/").status_code == 200


# --- log-out -----------------------------------------------------------------------------

def test_log_out_needs_a_post(client):
    assert client.get("/auth/logout").status_code == 405


def test_coach_logs_out(client, make, auth):
    make.coach()
    auth.coach()
    response = client.post("/auth/logout")
    assert response.headers["Location"] == "/"
    assert client.get("/").status_code == 200


def test_artisan_logs_out_and_the_phone_forgets_them(client, make, auth):
    make.artisan()
    auth.artisan()
    assert client.get_cookie("remember_token") is not None
    client.post("/auth/logout")
    assert client.get_cookie("remember_token") is None
    assert logged_in_as(client) is None


def test_log_out_keeps_the_language(client, make, auth):
    make.artisan()
    client.get("/lang/ar")
    auth.artisan()
    client.post("/auth/logout")
    assert 'lang="ar"' in page(client.get("/"))


def test_log_out_without_csrf_token_is_refused(app, client, make, auth):
    make.coach()
    auth.coach()
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post("/auth/logout").status_code == 400
    assert client.get("/").status_code == 302  # still logged in


def test_coach_log_in_works_with_the_form_token(app, client, make):
    make.coach()
    app.config["WTF_CSRF_ENABLED"] = True
    data = {"email": "coach@example.org", "password": "demo-coach"}
    assert client.post("/auth/login", data=data).status_code == 400
    token = re.search(r'name="csrf_token" value="([^"]+)"', page(client.get("/auth/login")))
    response = client.post("/auth/login", data={**data, "csrf_token": token.group(1)})
    assert response.headers["Location"] == "/coach/"


# --- the artisan's PIN page --------------------------------------------------------------

def test_pin_page_has_a_big_numeric_pin_input(client):
    html = page(client.get("/auth/pin"))
    pin_input = re.search(r"<input[^>]*name=\"pin\"[^>]*>", html).group(0)
    assert 'inputmode="numeric"' in pin_input
    assert 'autocomplete="off"' in pin_input
    assert "pin-input" in pin_input
    assert 'href="/auth/login"' in html
    assert "email" not in html.lower()


def test_artisan_logs_in_with_login_and_pin(client, make):
    make.artisan()
    response = client.post("/auth/pin", data={"login": " AWA ", "pin": "2468"})
    assert response.headers["Location"] == "/stall/"
    assert logged_in_as(client) == "awa"
    assert client.get_cookie("remember_token") is not None


def test_pin_typed_with_arabic_digits_is_the_same_pin(client, make):
    make.artisan()
    response = client.post("/auth/pin", data={"login": "awa", "pin": "٢٤٦٨"})
    assert response.headers["Location"] == "/stall/"


@pytest.mark.parametrize("login, pin", [("awa", "1357"), ("nobody", "2468")])
def test_wrong_login_and_wrong_pin_say_the_same(client, make, login, pin):
    make.artisan()
    response = client.post("/auth/pin", data={"login": login, "pin": pin})
    html = page(response)
    assert response.status_code == 401
    assert WRONG_LOGIN_OR_PIN in html
    assert f'value="{login}"' in html
    assert logged_in_as(client) is None


@pytest.mark.parametrize("pin", ["123", "123456789", "abcd", "12 4", ""])
def test_malformed_pin_gets_a_message_next_to_the_field(client, make, pin):
    make.artisan()
    response = client.post("/auth/pin", data={"login": "awa", "pin": pin})
    assert response.status_code == 422
    assert re.search(r'id="e-pin"[^>]*>.*A PIN is 4 to 8 digits', page(response))


def test_artisan_goes_back_where_they_were_sent_from(client, make):
    make.artisan()
    response = client.post("/auth/pin", data={
        "login": "awa", "pin": "2468", "next": "/stall/products"})
    assert response.headers["Location"] == "/stall/products"
    response = client.post("/auth/pin", data={
        "login": "awa", "pin": "2468", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/stall/"


def test_coach_cannot_use_the_pin_page(client, make):
    coach = make.coach()
    coach.login = "camille"
    coach.pin_hash = hash_secret("2468")
    db.session.commit()
    response = client.post("/auth/pin", data={"login": "camille", "pin": "2468"})
    assert response.status_code == 401


def test_deactivated_artisan_cannot_log_in(client, make):
    artisan = make.artisan()
    artisan.active = False
    db.session.commit()
    response = client.post("/auth/pin", data={"login": "awa", "pin": "2468"})
    assert response.status_code == 401
    assert WRONG_LOGIN_OR_PIN in page(response)


def test_log_in_pages_are_not_cached(client):
    for url in ("/auth/login", "/auth/pin"):
        assert client.get(url).headers["Cache-Control"] == "no-store"


# --- enrolment -----------------------------------------------------------------------------

def test_enrolment_page_greets_the_artisan_and_shows_their_login(client, make):
    artisan = make.artisan(login="fatou", name="Fatou Diallo", pin=None)
    html = page(client.get(enrolment_link(artisan)))
    assert "Fatou Diallo" in html
    assert re.search(r'class="login-name"[^>]*>fatou<', html)
    assert 'name="pin"' in html and 'name="pin_again"' in html
    assert "mail" not in html.lower()


def test_enrolment_sets_the_pin_logs_in_and_works_once(client, make):
    artisan = make.artisan(pin=None)
    link = enrolment_link(artisan)
    response = client.post(link, data={"pin": "8642", "pin_again": "8642"})
    assert response.headers["Location"] == "/stall/"
    assert logged_in_as(client) == "awa"
    assert client.get_cookie("remember_token") is not None
    db.session.expire_all()
    assert artisan.enrol_token_hash is None and artisan.enrol_expires_at is None
    assert check_secret(artisan.pin_hash, "8642")

    again = client.get(link)
    assert again.status_code == 404
    assert "Ask your coach for a new code." in page(again)
    assert client.post(link, data={"pin": "1111", "pin_again": "1111"}).status_code == 404

    client.post("/auth/logout")
    assert client.post("/auth/pin", data={"login": "awa", "pin": "8642"}).status_code == 302


def test_enrolment_replaces_a_forgotten_pin(client, make):
    artisan = make.artisan()
    link = enrolment_link(artisan)
    assert client.post("/auth/pin", data={"login": "awa", "pin": "2468"}).status_code == 401
    client.post(link, data={"pin": "97531", "pin_again": "97531"})
    client.post("/auth/logout")
    assert client.post("/auth/pin", data={"login": "awa", "pin": "97531"}).status_code == 302


@pytest.mark.parametrize("pin, again, field, message", [
    ("123", "123", "pin", "A PIN is 4 to 8 digits."),
    ("123456789", "123456789", "pin", "A PIN is 4 to 8 digits."),
    ("abcd", "abcd", "pin", "A PIN is 4 to 8 digits."),
    ("", "", "pin", "A PIN is 4 to 8 digits."),
    ("2468", "2469", "pin_again", "The two PINs are not the same."),
    ("2468", "", "pin_again", "The two PINs are not the same."),
])
def test_enrolment_refuses_a_bad_pin_with_a_message(client, make, pin, again, field, message):
    artisan = make.artisan(pin=None)
    link = enrolment_link(artisan)
    response = client.post(link, data={"pin": pin, "pin_again": again})
    html = page(response)
    assert response.status_code == 422
    assert re.search(rf'id="e-{field}"[^>]*>.*{re.escape(message)}', html)
    assert "Awa" in html  # the same page, ready for another try
    db.session.expire_all()
    assert artisan.pin_hash is None
    assert logged_in_as(client) is None
    assert client.get(link).status_code == 200  # the link still works


def test_expired_enrolment_link_is_refused(client, make):
    artisan = make.artisan(pin=None)
    link = enrolment_link(artisan)
    artisan.enrol_expires_at = utcnow() - dt.timedelta(minutes=1)
    db.session.commit()
    response = client.get(link)
    assert response.status_code == 404
    assert "Ask your coach for a new code." in page(response)
    assert client.post(link, data={"pin": "2468", "pin_again": "2468"}).status_code == 404


def test_unknown_enrolment_link_is_refused_kindly(client):
    response = client.get("/auth/enrol/not-a-real-token")
    assert response.status_code == 404
    assert "Ask your coach for a new code." in page(response)


def test_reset_access_ends_the_phone_session_the_pin_and_the_old_link(client, make, auth):
    artisan = make.artisan()
    auth.artisan()
    assert logged_in_as(client) == "awa"
    first_link = enrolment_link(artisan)  # the coach resets access: the phone was lost
    assert logged_in_as(client) is None
    assert auth.artisan().status_code == 401
    second_link = enrolment_link(artisan)
    assert client.get(first_link).status_code == 404
    assert client.get(second_link).status_code == 200


def test_deactivated_artisan_cannot_enrol(client, make):
    artisan = make.artisan(pin=None)
    link = enrolment_link(artisan)
    artisan.active = False
    db.session.commit()
    assert client.get(link).status_code == 404


def test_enrolment_page_is_not_cached(client, make):
    artisan = make.artisan(pin=None)
    assert client.get(enrolment_link(artisan)).headers["Cache-Control"] == "no-store"


# --- too many tries ------------------------------------------------------------------------

def test_too_many_wrong_passwords_get_a_page_that_says_to_wait(app, client, make, auth):
    make.coach()
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    for _ in range(3):
        assert auth.coach(password="nope").status_code == 401
    response = auth.coach()  # even the right password waits now
    assert response.status_code == 429
    assert "Too many tries. Wait a few minutes, then try again." in page(response)
    assert "<h1>" in page(response)
    assert client.get("/").status_code == 200  # not logged in
    assert client.get("/auth/login").status_code == 200  # the form still shows


def test_too_many_wrong_pins_get_a_page_that_says_to_wait(app, client, make):
    make.artisan()
    app.config["LOGIN_RATE_LIMIT"] = "2 per minute"
    for _ in range(2):
        client.post("/auth/pin", data={"login": "awa", "pin": "1357"})
    response = client.post("/auth/pin", data={"login": "awa", "pin": "2468"})
    assert response.status_code == 429
    assert "Too many tries" in page(response)


def test_failed_enrolments_count_as_tries(app, client, make):
    artisan = make.artisan(pin=None)
    link = enrolment_link(artisan)
    app.config["LOGIN_RATE_LIMIT"] = "2 per minute"
    for _ in range(2):
        assert client.post(link, data={"pin": "2468", "pin_again": "8642"}).status_code == 422
    assert client.post(link, data={"pin": "2468", "pin_again": "2468"}).status_code == 429
    assert client.get(link).status_code == 200  # the page still opens
