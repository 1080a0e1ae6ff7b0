"""Who may use which URL. Log-in part: the log-in doors and the phone's session, by role."""

import pytest

from marche.extensions import db
from marche.security import new_enrolment

ROLES = ["anonymous", "artisan", "other_artisan", "other_coach", "coach"]




@pytest.fixture
def people(make):
    """Awa and her coach in one cohort; Bilal and another coach in another."""
    ours, theirs = make.cohort("FAB 2026"), make.cohort("Autre cohorte")
    make.coach(cohorts=[ours])
    make.coach(email="other@example.org", name="Other Coach", cohorts=[theirs])
    make.artisan("awa", cohort=ours)
    make.artisan("bilal", cohort=theirs)
    chen = make.artisan("chen", pin=None, cohort=ours)
    token = new_enrolment(chen)
    db.session.commit()
    return {"enrol_token": token}


def log_in_as(client, role: str) -> None:
    if role == "artisan":
        response = client.post("/api/v1/session", json={"login": "awa", "pin": "2468"})
    elif role == "other_artisan":
        response = client.post("/api/v1/session", json={"login": "bilal", "pin": "2468"})
    elif role == "coach":
        response = client.post("/auth/login", data={
            "email": "coach@example.org", "password": "demo-coach"})
    elif role == "other_coach":
        response = client.post("/auth/login", data={
            "email": "other@example.org", "password": "demo-coach"})
    else:
        return
    assert response.status_code in (200, 302)


ANYONE = dict.fromkeys(ROLES, 200)
LOG_IN_RULES = [
    ("GET", "/auth/login", ANYONE),
    ("GET", "/auth/pin", ANYONE),
    ("GET", "/auth/enrol/{enrol_token}", ANYONE),  # the link itself is the key
    ("GET", "/api/v1/openapi.json", ANYONE),
    ("GET", "/api/v1/session", {"anonymous": 401, "artisan": 200, "other_artisan": 200,
                                "other_coach": 401, "coach": 401}),
    ("DELETE", "/api/v1/session", dict.fromkeys(ROLES, 204)),
    ("POST", "/auth/logout", dict.fromkeys(ROLES, 302)),
    ("GET", "/auth/logout", dict.fromkeys(ROLES, 405)),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method, url, expected", LOG_IN_RULES,
                         ids=[f"{m} {u}" for m, u, _ in LOG_IN_RULES])
def test_log_in_urls_by_role(client, people, role, method, url, expected):
    log_in_as(client, role)
    response = client.open(url.format(**people), method=method)
    assert response.status_code == expected[role]


@pytest.mark.parametrize("role, login", [("artisan", "awa"), ("other_artisan", "bilal")])
def test_each_phone_sees_only_its_own_artisan(client, people, role, login):
    log_in_as(client, role)
    assert client.get("/api/v1/session").json["user"]["login"] == login


@pytest.mark.parametrize("role", ROLES)
def test_log_out_leaves_everyone_anonymous(client, people, role):
    log_in_as(client, role)
    client.post("/auth/logout")
    assert client.get("/").status_code == 200  # the welcome page, not a home screen
    assert client.get("/api/v1/session").status_code == 401
