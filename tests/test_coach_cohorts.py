"""Cohorts, and the coach's home: today's markets of their cohorts."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from marche.extensions import db
from marche.models import Cohort, Market, Stall, User

from .coach_helpers import build_cohorts, field_error, input_value, log_in_coach, rows
from .factories import market_today


@pytest.fixture
def coach(app, client):
    with rows(app) as make:
        make.coach()
    log_in_coach(client, "coach@example.org")


def test_empty_home_invites_to_create_a_cohort(client, coach):
    page = client.get("/coach/").get_data(as_text=True)
    assert "Create a cohort" in page
    assert 'href="/coach/cohorts/new"' in page


def test_coach_pages_share_the_wide_layout_with_htmx_and_log_out(client, coach):
    page = client.get("/coach/").get_data(as_text=True)
    assert 'class="page-wide"' in page
    assert "htmx.min.js" in page
    assert 'action="/auth/logout"' in page and 'name="csrf_token"' in page
    for url in ("/coach/markets", "/coach/cohorts"):
        assert f'href="{url}"' in page


def test_creating_a_cohort_attaches_its_coach(app, client, coach):
    response = client.post("/coach/cohorts/new", data={
        "name": "Activity creators", "organisation": "Au Milieu", "season": "2026"})
    assert response.status_code == 302
    with app.app_context():
        cohort = db.session.execute(db.select(Cohort)).scalar_one()
        assert cohort.name == "Activity creators" and cohort.season == "2026"
        assert [user.email for user in cohort.coaches] == ["coach@example.org"]
        assert response.headers["Location"] == f"/coach/cohorts/{cohort.id}"
    assert "Activity creators" in client.get("/coach/cohorts").get_data(as_text=True)


@pytest.mark.parametrize(("form", "field"), [
    ({"name": ""}, "name"),
    ({"name": "   "}, "name"),
    ({}, "name"),
    ({"name": "x" * 121}, "name"),
    ({"name": "FAB", "season": "y" * 41}, "season"),
    ({"name": "FAB", "organisation": "o" * 100_000}, "organisation"),
])
def test_a_wrong_cohort_is_refused_next_to_its_field(app, client, coach, form, field):
    response = client.post("/coach/cohorts/new", data={"organisation": "Au Milieu", **form})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert field_error(page, field)
    if field != "organisation":
        assert input_value(page, "organisation") == "Au Milieu"
    with app.app_context():
        assert db.session.execute(db.select(Cohort)).first() is None


def test_nul_characters_never_reach_the_database(app, client, coach):
    response = client.post("/coach/cohorts/new", data={"name": "F\x00AB"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.execute(db.select(Cohort.name)).scalar_one() == "FAB"


def test_editing_a_cohort_keeps_what_was_typed_on_error(app, client):
    (world,) = build_cohorts(app, "a")
    log_in_coach(client, world.coach_email)
    url = f"/coach/cohorts/{world.cohort}/edit"
    assert input_value(client.get(url).get_data(as_text=True), "name") == "Cohort A"
    response = client.post(url, data={"name": "", "season": "2027"})
    assert response.status_code == 422
    assert input_value(response.get_data(as_text=True), "season") == "2027"
    assert client.post(url, data={"name": "Spring", "season": "2027"}).status_code == 302
    with app.app_context():
        cohort = db.session.get(Cohort, world.cohort)
        assert (cohort.name, cohort.season) == ("Spring", "2027")


def test_cohort_page_lists_its_artisans_and_markets(app, client):
    (world,) = build_cohorts(app, "a")
    log_in_coach(client, world.coach_email)
    page = client.get(f"/coach/cohorts/{world.cohort}").get_data(as_text=True)
    for text in ("awa-a", "bilal-a", "Market A", "Céramique", f"/coach/artisans/{world.artisan}"):
        assert text in page


def test_home_shows_todays_markets_with_their_stalls(app, client):
    (world,) = build_cohorts(app, "a")
    with rows(app) as make:
        cohort = db.session.get(Cohort, world.cohort)
        make.market(cohort, name="Tomorrow's market",
                    date=market_today() + dt.timedelta(days=2))
    log_in_coach(client, world.coach_email)
    page = client.get("/coach/").get_data(as_text=True)
    assert "Market A" in page
    assert f'href="/coach/markets/{world.market}"' in page
    assert "Awa A" in page and ">3<" in page and "Not open yet" in page
    today_section = page.split("Next markets")[0]
    assert "Tomorrow" not in today_section
    assert "Tomorrow" in page  # still listed among the next markets


def test_today_is_the_markets_own_day(app, client, coach):
    """A market's day is read in its own time zone, not the server's."""
    with rows(app) as make:
        coach_user = db.session.execute(db.select(User)).scalar_one()
        cohort = make.cohort(coaches=[coach_user])
        kiritimati_today = dt.datetime.now(ZoneInfo("Pacific/Kiritimati")).date()
        market = make.market(cohort, name="Far east", date=kiritimati_today)
        market.timezone = "Pacific/Kiritimati"
        other = make.market(cohort, name="Far west", date=kiritimati_today)
        other.timezone = "Pacific/Pago_Pago"  # 25 hours behind: never the same day
        db.session.commit()
    page = client.get("/coach/").get_data(as_text=True)
    assert "Far east" in page
    assert "Far west" not in page.split("Next markets")[0]


def test_home_without_market_today_invites_to_plan_one(app, client):
    (world,) = build_cohorts(app, "a")
    with app.app_context():
        db.session.execute(db.delete(Stall))
        db.session.execute(db.delete(Market))
        db.session.commit()
    log_in_coach(client, world.coach_email)
    page = client.get("/coach/").get_data(as_text=True)
    assert "No market today." in page and 'href="/coach/markets/new"' in page


# --- several coaches follow one cohort -------------------------------------------------------

def _coach_emails(app, cohort_id: int) -> list[str]:
    with app.app_context():
        return sorted(user.email for user in db.session.get(Cohort, cohort_id).coaches)


def test_a_coach_lets_a_colleague_follow_the_cohort(app, client):
    world, other = build_cohorts(app, "a", "b")
    log_in_coach(client, world.coach_email)
    response = client.post(f"/coach/cohorts/{world.cohort}/coaches",
                           data={"email": "  Coach-B@Example.org "})
    assert response.status_code == 302
    assert _coach_emails(app, world.cohort) == ["coach-a@example.org", "coach-b@example.org"]
    page = client.get(f"/coach/cohorts/{world.cohort}").get_data(as_text=True)
    assert "Coach B follows this cohort now." in page
    # The colleague now sees the cohort, its artisans and its market; still not the others'.
    colleague = app.test_client()
    log_in_coach(colleague, other.coach_email)
    assert colleague.get(f"/coach/cohorts/{world.cohort}").status_code == 200
    assert colleague.get(f"/coach/artisans/{world.artisan}").status_code == 200
    assert colleague.get(f"/coach/markets/{world.market}").status_code == 200
    # Adding them twice changes nothing.
    client.post(f"/coach/cohorts/{world.cohort}/coaches", data={"email": other.coach_email})
    assert _coach_emails(app, world.cohort) == ["coach-a@example.org", "coach-b@example.org"]


@pytest.mark.parametrize("email", ["", "nobody@example.org", "awa-a", "x" * 300])
def test_an_unknown_coach_is_refused_next_to_the_field(app, client, email):
    (world,) = build_cohorts(app, "a")
    log_in_coach(client, world.coach_email)
    response = client.post(f"/coach/cohorts/{world.cohort}/coaches", data={"email": email})
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "email")
    assert _coach_emails(app, world.cohort) == ["coach-a@example.org"]


def test_an_artisan_is_never_made_a_coach_of_the_cohort(app, client):
    (world,) = build_cohorts(app, "a")
    with app.app_context():
        db.session.get(User, world.artisan).email = "awa@example.org"
        db.session.commit()
    log_in_coach(client, world.coach_email)
    response = client.post(f"/coach/cohorts/{world.cohort}/coaches",
                           data={"email": "awa@example.org"})
    assert response.status_code == 422
    assert _coach_emails(app, world.cohort) == ["coach-a@example.org"]


def test_a_coach_is_removed_but_the_last_one_stays(app, client):
    world, other = build_cohorts(app, "a", "b")
    log_in_coach(client, world.coach_email)
    client.post(f"/coach/cohorts/{world.cohort}/coaches", data={"email": other.coach_email})
    with app.app_context():
        ids = {user.email: user.id for user in db.session.get(Cohort, world.cohort).coaches}
    response = client.post(
        f"/coach/cohorts/{world.cohort}/coaches/{ids[other.coach_email]}/remove")
    assert response.status_code == 302
    assert _coach_emails(app, world.cohort) == ["coach-a@example.org"]
    last = client.post(f"/coach/cohorts/{world.cohort}/coaches/{ids[world.coach_email]}/remove",
                       follow_redirects=True)
    assert "A cohort keeps at least one coach" in last.get_data(as_text=True)
    assert _coach_emails(app, world.cohort) == ["coach-a@example.org"]
