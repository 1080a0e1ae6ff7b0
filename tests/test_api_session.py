"""The phone's session API: log in with login and PIN, check, log out; limits on failed tries."""

import itertools
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import redis

from marche import create_app
from marche.extensions import db

from .conftest import app_config
from .factories import Factory

WRONG_LOGIN_OR_PIN = "Wrong login or PIN."
PIN_FORMAT = "A PIN is 4 to 8 digits."


def test_phone_logs_in_and_gets_its_artisan(client, make, auth):
    make.artisan(name="Awa Traoré")
    response = auth.artisan()
    assert response.status_code == 200
    # No language of its own yet: the one this phone asks for (the test client asks English).
    assert response.json == {"user": {"login": "awa", "name": "Awa Traoré", "locale": "en"}}
    assert client.get_cookie("session") is not None
    assert client.get_cookie("remember_token") is not None  # the phone stays logged in


def test_phone_checks_then_ends_its_session(client, make, auth):
    make.artisan()
    assert client.get("/api/v1/session").status_code == 401
    auth.artisan()
    assert client.get("/api/v1/session").json["user"]["login"] == "awa"
    response = auth.logout()
    assert response.status_code == 204
    assert client.get_cookie("remember_token") is None
    check = client.get("/api/v1/session")
    assert check.status_code == 401
    assert check.json["code"] == 401


def test_log_out_when_nobody_is_logged_in_is_fine(client):
    assert client.delete("/api/v1/session").status_code == 204


def test_the_answer_carries_the_language_chosen_before_log_in(client, make, auth):
    make.artisan()
    client.get("/lang/ar")
    assert auth.artisan().json["user"]["locale"] == "ar"


@pytest.mark.parametrize("login, pin", [("awa", "1357"), ("nobody", "2468"), ("AWA", "2469")])
def test_wrong_login_and_wrong_pin_say_the_same(client, make, auth, login, pin):
    make.artisan()
    response = auth.artisan(login=login, pin=pin)
    assert response.status_code == 401
    assert response.json == {"error": WRONG_LOGIN_OR_PIN, "code": 401}
    assert client.get("/api/v1/session").status_code == 401


def test_login_is_read_without_case_or_spaces_and_pin_in_any_digits(make, auth):
    make.artisan()
    assert auth.artisan(login=" Awa ", pin="٢٤٦٨").status_code == 200


def test_fields_a_newer_phone_adds_are_ignored(client, make):
    make.artisan()
    response = client.post("/api/v1/session",
                           json={"login": "awa", "pin": "2468", "device": "new-phone"})
    assert response.status_code == 200


def test_deactivated_artisan_cannot_log_in(make, auth):
    artisan = make.artisan()
    artisan.active = False
    db.session.commit()
    assert auth.artisan().status_code == 401


def test_a_coach_is_not_an_artisan_session(client, make, auth):
    make.coach()
    auth.coach()
    assert client.get("/").status_code == 302  # the coach is logged in…
    assert client.get("/api/v1/session").status_code == 401  # …but not as an artisan


JSON = "application/json"


@pytest.mark.parametrize("body, status, bad_fields", [
    ({"data": "not json", "content_type": JSON}, 400, None),
    ({"data": "{", "content_type": JSON}, 400, None),
    ({"data": b"\xff\xfe\x00", "content_type": JSON}, 400, None),
    ({"data": "null", "content_type": JSON}, 422, None),
    ({"json": []}, 422, None),
    ({"json": "awa"}, 422, None),
    ({"json": 2468}, 422, None),
    ({"json": {}}, 422, {"login", "pin"}),
    ({"json": {"login": "awa"}}, 422, {"pin"}),
    ({"json": {"login": 1, "pin": 2468}}, 422, {"login", "pin"}),
    ({"json": {"login": None, "pin": None}}, 422, {"login", "pin"}),
    ({"json": {"login": ["awa"], "pin": {"pin": "2468"}}}, 422, {"login", "pin"}),
    ({"json": {"login": "awa", "pin": "123"}}, 422, {"pin"}),
    ({"json": {"login": "awa", "pin": "123456789"}}, 422, {"pin"}),
    ({"json": {"login": "awa", "pin": "abcd"}}, 422, {"pin"}),
    ({"json": {"login": "awa", "pin": "24 68"}}, 422, {"pin"}),
    ({"json": {"login": "", "pin": "2468"}}, 422, {"login"}),
    ({"json": {"login": "awa\x00", "pin": "2468"}}, 422, {"login"}),
    ({"json": {"login": "\ud800", "pin": "2468"}}, 422, {"login"}),
    ({"json": {"login": "awa\ud83c", "pin": "2468"}}, 422, {"login"}),
    ({"json": {"login": "aw\x85a", "pin": "2468"}}, 422, {"login"}),
    ({"json": {"login": "awa", "pin": "24\udfff68"}}, 422, {"pin"}),
    ({"json": {"login": "a" * 5000, "pin": "2468"}}, 422, {"login"}),
    ({"data": {"login": "awa", "pin": "2468"}}, 415, None),
    ({"data": '{"login": "awa", "pin": "2468"}', "content_type": "text/plain"}, 415, None),
    ({}, 415, None),
])
def test_malformed_log_in_gets_a_json_error_never_a_500(client, make, body, status, bad_fields):
    make.artisan()
    response = client.post("/api/v1/session", **body)
    assert response.status_code == status
    assert response.is_json
    assert response.json["code"] == status
    assert response.json["error"]
    if bad_fields:
        assert set(response.json["fields"]) == bad_fields
    if status == 415:
        assert response.json["error"] == "Send JSON, with Content-Type: application/json."
    assert client.get("/api/v1/session").status_code == 401


@pytest.mark.parametrize("pin", ["123", "123456789", "abcd"])
def test_malformed_pin_is_explained_on_its_field(client, make, pin):
    make.artisan()
    response = client.post("/api/v1/session", json={"login": "awa", "pin": pin})
    assert response.json["fields"]["pin"] == [PIN_FORMAT]


@pytest.mark.parametrize("login", ["\ud800", "awa\ud83c", "awa\x00", "awa\x1b", "aw\ta"])
def test_a_login_with_special_characters_is_explained_on_its_field(client, make, login):
    make.artisan()
    response = client.post("/api/v1/session", json={"login": login, "pin": "2468"})
    assert response.status_code == 422
    assert response.json["fields"] == {"login": ["Remove the special characters."]}


def test_json_needs_no_csrf_token_but_a_cross_site_form_is_refused(app, client, make):
    make.artisan()
    app.config["WTF_CSRF_ENABLED"] = True
    # What an HTML form on another site can send: form-encoded or text/plain, never JSON.
    assert client.post("/api/v1/session", data={"login": "awa", "pin": "2468"}).status_code == 415
    assert client.get("/api/v1/session").status_code == 401
    assert client.post("/api/v1/session", json={"login": "awa", "pin": "2468"}).status_code == 200


def test_other_methods_are_refused_in_json(client):
    response = client.put("/api/v1/session", json={})
    assert response.status_code == 405
    assert response.is_json


# --- sessions that end ---------------------------------------------------------------------

def test_phone_is_logged_out_when_the_coach_ends_its_sessions(client, make, auth):
    artisan = make.artisan()
    auth.artisan()
    assert client.get("/api/v1/session").status_code == 200
    artisan.session_epoch += 1
    db.session.commit()
    assert client.get("/api/v1/session").status_code == 401


def test_remembered_phone_is_logged_out_too_when_the_coach_ends_its_sessions(client, make, auth):
    artisan = make.artisan()
    auth.artisan()
    client.delete_cookie("session")  # the browser was closed: only the remember cookie is left
    assert client.get("/api/v1/session").status_code == 200
    client.delete_cookie("session")
    artisan.session_epoch += 1
    db.session.commit()
    assert client.get("/api/v1/session").status_code == 401


def test_deactivated_artisan_is_logged_out_at_the_next_request(client, make, auth):
    artisan = make.artisan()
    auth.artisan()
    artisan.active = False
    db.session.commit()
    assert client.get("/api/v1/session").status_code == 401


# --- too many tries ------------------------------------------------------------------------

def test_too_many_wrong_pins_get_429_in_json(app, make, auth):
    make.artisan()
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    for _ in range(3):
        assert auth.artisan(pin="1357").status_code == 401
    response = auth.artisan(pin="2468")  # even the right PIN waits now
    assert response.status_code == 429
    assert response.is_json
    assert response.json["error"] == "Too many tries. Wait a few minutes, then try again."
    assert int(response.headers["Retry-After"]) > 0


def test_successful_log_ins_do_not_use_up_the_tries(app, make, auth):
    # A whole market behind one Wi-Fi address logs in at the same time.
    make.artisan()
    app.config["LOGIN_RATE_LIMIT"] = "2 per minute"
    for _ in range(5):
        assert auth.artisan().status_code == 200


def test_malformed_tries_count_too(app, client, make):
    make.artisan()
    app.config["LOGIN_RATE_LIMIT"] = "2 per minute"
    for _ in range(2):
        assert client.post("/api/v1/session", json={"login": "awa"}).status_code == 422
    assert client.post("/api/v1/session", json={"login": "awa", "pin": "2468"}).status_code == 429


def test_every_log_in_door_shares_one_count(app, client, make):
    make.artisan()
    make.coach()
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    client.post("/auth/pin", data={"login": "awa", "pin": "1357"})
    client.post("/auth/login", data={"email": "coach@example.org", "password": "nope"})
    client.post("/api/v1/session", json={"login": "awa", "pin": "1357"})
    assert client.post("/api/v1/session", json={"login": "awa", "pin": "2468"}).status_code == 429
    assert client.post("/auth/pin", data={"login": "awa", "pin": "2468"}).status_code == 429


def test_the_count_is_per_address(app, client, make):
    make.artisan()
    app.config["LOGIN_RATE_LIMIT"] = "2 per minute"
    for _ in range(3):
        client.post("/api/v1/session", json={"login": "awa", "pin": "1357"})
    other_phone = {"REMOTE_ADDR": "192.0.2.44"}
    response = client.post("/api/v1/session", json={"login": "awa", "pin": "2468"},
                           environ_base=other_phone)
    assert response.status_code == 200


def test_one_account_is_protected_whatever_address_the_tries_come_from(app, client, make):
    make.artisan(login="awa")
    make.artisan(login="bilal")
    app.config["ACCOUNT_LOGIN_RATE_LIMIT"] = "4 per minute"
    for n in range(4):  # an attacker changing address at every try
        response = client.post("/api/v1/session", json={"login": "AWA", "pin": f"{n:04d}"},
                               environ_base={"REMOTE_ADDR": f"198.51.100.{n + 1}"})
        assert response.status_code == 401
    for door in ("/api/v1/session", "/auth/pin"):
        fresh_address = {"REMOTE_ADDR": "203.0.113.9"}
        if door == "/auth/pin":
            response = client.post(door, data={"login": "awa", "pin": "2468"},
                                   environ_base=fresh_address)
        else:
            response = client.post(door, json={"login": "awa", "pin": "2468"},
                                   environ_base=fresh_address)
        assert response.status_code == 429
    # Another artisan logs in as usual.
    response = client.post("/api/v1/session", json={"login": "bilal", "pin": "2468"},
                           environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert response.status_code == 200


def test_checking_and_logging_out_are_never_limited(app, client, make):
    make.artisan()
    app.config["LOGIN_RATE_LIMIT"] = "1 per minute"
    client.post("/api/v1/session", json={"login": "awa", "pin": "1357"})
    assert client.get("/api/v1/session").status_code == 401
    assert client.delete("/api/v1/session").status_code == 204


# --- several app instances -----------------------------------------------------------------

REDIS_URL = os.environ.get("MARCHE_TEST_REDIS_URL", "redis://127.0.0.1:6379")
# One prefix per test run, so that two runs on one machine never count each other's tries.
RUN_PREFIX = f"marche-test-{uuid.uuid4().hex[:12]}"
_addresses = (f"2001:db8::{n:x}" for n in itertools.count(1))  # documentation addresses
ROOT = Path(__file__).resolve().parent.parent

# The second instance runs in a process of its own, as a second server would: nothing in
# memory is shared with this one.
SECOND_INSTANCE = """
import json, sys
from marche import create_app
app = create_app(json.loads(sys.argv[1]))
response = app.test_client().post("/api/v1/session", json={"login": "awa", "pin": "1357"},
                                  environ_base={"REMOTE_ADDR": sys.argv[2]})
print(response.status_code)
"""


def _second_instance_status(config: dict, address: str) -> int:
    result = subprocess.run([sys.executable, "-c", SECOND_INSTANCE, json.dumps(config), address],
                            capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    return int(result.stdout.split()[-1])


@pytest.mark.parametrize("storage, shared", [(REDIS_URL, True), ("memory://", False)])
def test_instances_share_the_count_through_redis(database, tmp_path, request, storage, shared):
    address = next(_addresses)
    config = {**app_config(database, tmp_path, request), "RATELIMIT_STORAGE_URI": storage,
              "RATELIMIT_KEY_PREFIX": RUN_PREFIX, "LOGIN_RATE_LIMIT": "2 per hour"}
    first = create_app(config)
    store = redis.Redis.from_url(REDIS_URL)
    try:
        with first.app_context():
            db.create_all()
            Factory().artisan()
        client = first.test_client()
        for _ in range(2):
            response = client.post("/api/v1/session", json={"login": "awa", "pin": "1357"},
                                   environ_base={"REMOTE_ADDR": address})
            assert response.status_code == 401
        kept_in_redis = any(address in key.decode()
                            for key in store.scan_iter(f"*{RUN_PREFIX}*"))
        assert kept_in_redis == shared
        assert _second_instance_status(config, address) == (429 if shared else 401)
    finally:
        for key in store.scan_iter(f"*{RUN_PREFIX}*"):
            store.delete(key)
        store.close()
        with first.app_context():
            db.session.remove()
            if database == "postgresql":
                db.drop_all()
            db.engine.dispose()


def test_log_in_still_works_and_is_still_limited_when_redis_is_down(database, tmp_path,
                                                                     request):
    config = {**app_config(database, tmp_path, request),
              "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:1",  # nothing answers there
              "LOGIN_RATE_LIMIT": "2 per hour"}
    app = create_app(config)
    try:
        with app.app_context():
            db.create_all()
            Factory().artisan()
        client = app.test_client()
        wrong = [client.post("/api/v1/session", json={"login": "awa", "pin": "1357"}).status_code
                 for _ in range(3)]
        assert wrong == [401, 401, 429]  # counted in memory meanwhile
        other = app.test_client()
        other.environ_base["REMOTE_ADDR"] = "198.51.100.9"
        assert other.post("/auth/pin", data={"login": "bilal", "pin": "1357"}).status_code == 401
        assert other.post("/api/v1/session",
                          json={"login": "awa", "pin": "2468"}).status_code == 200
    finally:
        with app.app_context():
            db.session.remove()
            if database == "postgresql":
                db.drop_all()
            db.engine.dispose()


def test_cookies_travel_over_https_only_when_the_site_is_https(app, make, auth):
    make.artisan()
    response = auth.artisan()
    cookies = response.headers.getlist("Set-Cookie")
    assert cookies and all("Secure" in cookie for cookie in cookies)


def test_behind_a_proxy_each_phone_keeps_its_own_count(database, tmp_path, request):
    config = app_config(database, tmp_path, request)
    config.update(PROXIES=1, LOGIN_RATE_LIMIT="2 per minute")
    app = create_app(config)
    with app.app_context():
        db.create_all()
        Factory().artisan()
    client = app.test_client()
    proxy = {"REMOTE_ADDR": "10.0.0.1"}  # every request reaches the app from the proxy
    for _ in range(2):
        client.post("/api/v1/session", json={"login": "awa", "pin": "1357"}, environ_base=proxy,
                    headers={"X-Forwarded-For": "198.51.100.7"})
    response = client.post("/api/v1/session", json={"login": "awa", "pin": "2468"},
                           environ_base=proxy, headers={"X-Forwarded-For": "198.51.100.8"})
    assert response.status_code == 200
    with app.app_context():
        db.session.remove()
        if database == "postgresql":
            db.drop_all()
        db.engine.dispose()


def test_deeply_nested_json_is_a_clear_400(client):
    for url in ("/api/v1/session", "/api/v1/sync/push", "/api/v1/sync/pull"):
        response = client.post(url, data="[" * 100_000, content_type="application/json")
        assert response.status_code == 400, url
        assert response.is_json
