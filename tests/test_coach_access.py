"""Who may open the coach's pages: coaches of the cohort, admins; nobody else learns a thing."""

import pytest

from marche.extensions import db
from marche.models import Role, Stall, User

from .coach_helpers import build_cohorts, log_in_artisan, log_in_coach, rows

# Every URL of the coach's side; {cohort}, {artisan}, {market}, {stall} name rows of one cohort.
SCOPED = [
    ("GET", "/coach/cohorts/{cohort}"),
    ("GET", "/coach/cohorts/{cohort}/edit"),
    ("POST", "/coach/cohorts/{cohort}/edit"),
    ("POST", "/coach/cohorts/{cohort}/coaches"),
    ("POST", "/coach/cohorts/{cohort}/coaches/{coach}/remove"),
    ("GET", "/coach/cohorts/{cohort}/artisans/new"),
    ("POST", "/coach/cohorts/{cohort}/artisans/new"),
    ("GET", "/coach/artisans/{artisan}"),
    ("GET", "/coach/artisans/{artisan}/edit"),
    ("POST", "/coach/artisans/{artisan}/edit"),
    ("POST", "/coach/artisans/{artisan}/deactivate"),
    ("POST", "/coach/artisans/{artisan}/reactivate"),
    ("GET", "/coach/artisans/{artisan}/reset"),
    ("POST", "/coach/artisans/{artisan}/reset"),
    ("GET", "/coach/markets/{market}"),
    ("GET", "/coach/markets/{market}/sync"),
    ("GET", "/coach/markets/{market}/edit"),
    ("POST", "/coach/markets/{market}/edit"),
    ("POST", "/coach/markets/{market}/stalls"),
    ("GET", "/coach/stalls/{stall}/edit"),
    ("POST", "/coach/stalls/{stall}/edit"),
    ("POST", "/coach/stalls/{stall}/remove"),
]
UNSCOPED = [
    ("GET", "/coach/"),
    ("GET", "/coach/cohorts"),
    ("GET", "/coach/cohorts/new"),
    ("POST", "/coach/cohorts/new"),
    ("GET", "/coach/artisans/login-suggestion?name=Awa"),
    ("GET", "/coach/markets"),
    ("GET", "/coach/markets/new"),
    ("POST", "/coach/markets/new"),
]
EVERY_URL = SCOPED + UNSCOPED


@pytest.fixture
def worlds(app):
    return build_cohorts(app, "a", "b")


def _url(template: str, world) -> str:
    return template.format(cohort=world.cohort, artisan=world.artisan, market=world.market,
                           stall=world.stall, coach=world.coach)


def _call(client, method: str, url: str):
    return client.open(url, method=method, data={})


def test_every_coach_url_is_in_the_url_map(app):
    """A new coach URL must be added to the lists above, so that its access is tested."""
    tested = {template.split("?")[0] for _method, template in EVERY_URL}
    rules = {rule.rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("coach.")}
    normalised = {rule.replace("<int:cohort_id>", "{cohort}").replace("<int:user_id>", "{artisan}")
                  .replace("<int:market_id>", "{market}").replace("<uuid:stall_id>", "{stall}")
                  .replace("<int:coach_id>", "{coach}")
                  for rule in rules}
    assert normalised == tested


@pytest.mark.parametrize(("method", "template"), EVERY_URL)
def test_anonymous_is_sent_to_log_in(client, worlds, method, template):
    response = _call(client, method, _url(template, worlds[0]))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")


@pytest.mark.parametrize("whose", ["own cohort", "other cohort"])
@pytest.mark.parametrize(("method", "template"), EVERY_URL)
def test_artisans_are_refused(client, worlds, method, template, whose):
    log_in_artisan(client, worlds[0].artisan_login)
    world = worlds[0] if whose == "own cohort" else worlds[1]
    assert _call(client, method, _url(template, world)).status_code == 403


@pytest.mark.parametrize(("method", "template"), SCOPED)
def test_coach_of_another_cohort_gets_not_found(app, client, worlds, method, template):
    log_in_coach(client, worlds[0].coach_email)
    assert _call(client, method, _url(template, worlds[1])).status_code == 404
    with app.app_context():
        artisan = db.session.get(User, worlds[1].artisan)
        assert artisan.active and artisan.pin_hash  # nothing was changed on the way
        assert len(db.session.execute(db.select(Stall)).scalars().all()) == 2


@pytest.mark.parametrize(("method", "template"), EVERY_URL)
def test_coach_of_the_cohort_gets_through(client, worlds, method, template):
    log_in_coach(client, worlds[0].coach_email)
    response = _call(client, method, _url(template, worlds[0]))
    assert response.status_code in (200, 302, 422)


@pytest.mark.parametrize(("method", "template"), SCOPED)
def test_admin_sees_every_cohort(app, client, worlds, method, template):
    with rows(app) as make:
        make.coach(email="admin@example.org", role=Role.ADMIN)
    log_in_coach(client, "admin@example.org")
    response = _call(client, method, _url(template, worlds[1]))
    assert response.status_code in (200, 302, 422)


@pytest.mark.parametrize("url", [
    "/coach/cohorts/99999", "/coach/cohorts/99999999999999999999", "/coach/artisans/0",
    "/coach/artisans/99999999999999999999", "/coach/markets/99999999999999999999/edit",
    "/coach/stalls/00000000-0000-0000-0000-000000000000/edit", "/coach/stalls/not-a-uuid/edit",
])
def test_unknown_ids_are_not_found(client, worlds, url):
    log_in_coach(client, worlds[0].coach_email)
    assert client.get(url).status_code == 404


def test_a_coach_id_is_not_an_artisan_page(app, client, worlds):
    log_in_coach(client, worlds[0].coach_email)
    with app.app_context():
        coach = db.session.execute(
            db.select(User).where(User.email == worlds[0].coach_email)).scalar_one()
    assert client.get(f"/coach/artisans/{coach.id}").status_code == 404


def test_lists_show_only_the_coachs_cohorts(client, worlds):
    log_in_coach(client, worlds[0].coach_email)
    for url in ("/coach/", "/coach/cohorts", "/coach/markets", "/coach/markets/new"):
        page = client.get(url).get_data(as_text=True)
        assert "Cohort A" in page or "Market A" in page, url
        assert "Cohort B" not in page and "Market B" not in page, url


def test_deactivated_coach_is_logged_out(app, client, worlds):
    log_in_coach(client, worlds[0].coach_email)
    with app.app_context():
        coach = db.session.execute(
            db.select(User).where(User.email == worlds[0].coach_email)).scalar_one()
        coach.active = False
        db.session.commit()
    assert client.get("/coach/").status_code == 302
