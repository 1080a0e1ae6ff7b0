"""Markets: planning them, their slugs, hours and time zone, and the list in date order."""

import datetime as dt

import pytest

from marche.extensions import db
from marche.models import Cohort, Market

from .coach_helpers import build_cohorts, field_error, input_value, log_in_coach, rows
from .factories import market_today

NEXT_YEAR = dt.date.today().year + 1


@pytest.fixture
def worlds(app, client):
    worlds = build_cohorts(app, "a", "b")
    log_in_coach(client, worlds[0].coach_email)
    return worlds


def _form(world, **changes) -> dict:
    form = {"cohort_id": str(world.cohort), "name": "Marché d'été", "place": "Cour Carrée",
            "address": "Parc Jean-Moulin, Bagnolet", "date": f"{NEXT_YEAR}-06-14",
            "opens_at": "10:00", "closes_at": "18:00", "timezone": "Europe/Paris",
            "default_fee_cents": "12,50"}
    form.update(changes)
    return form


def _market_named(name: str) -> Market | None:
    return db.session.execute(db.select(Market).where(Market.name == name)).scalar_one_or_none()


def test_creating_a_market(app, client, worlds):
    response = client.post("/coach/markets/new", data=_form(worlds[0]))
    assert response.status_code == 302
    with app.app_context():
        market = _market_named("Marché d'été")
        assert market.cohort_id == worlds[0].cohort
        assert market.slug == f"marche-d-ete-{NEXT_YEAR}-06-14"
        assert market.default_fee_cents == 1250
        assert (market.opens_at, market.closes_at) == (dt.time(10), dt.time(18))
        assert market.timezone == "Europe/Paris"
        assert response.headers["Location"] == f"/coach/markets/{market.id}"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Marché d&#39;été" in page and "€12.50" in page


def test_same_name_and_day_get_distinct_slugs(app, client, worlds):
    client.post("/coach/markets/new", data=_form(worlds[0]))
    client.post("/coach/markets/new", data=_form(worlds[0], place="Ailleurs"))
    with app.app_context():
        slugs = db.session.execute(
            db.select(Market.slug).where(Market.name == "Marché d'été")).scalars().all()
    assert sorted(slugs) == [f"marche-d-ete-{NEXT_YEAR}-06-14", f"marche-d-ete-{NEXT_YEAR}-06-14-2"]


def test_hours_may_be_left_empty_and_the_fee_defaults_to_zero(app, client, worlds):
    form = _form(worlds[0], opens_at="", closes_at="", default_fee_cents="")
    assert client.post("/coach/markets/new", data=form).status_code == 302
    with app.app_context():
        market = _market_named("Marché d'été")
        assert (market.opens_at, market.closes_at, market.default_fee_cents) == (None, None, 0)


def test_any_real_time_zone_is_accepted(app, client, worlds):
    page = client.get("/coach/markets/new").get_data(as_text=True)
    assert '<option value="Europe/Paris" selected>' in page
    assert client.post("/coach/markets/new",
                       data=_form(worlds[0], timezone="Asia/Tokyo")).status_code == 302
    with app.app_context():
        market = _market_named("Marché d'été")
        assert market.timezone == "Asia/Tokyo"
        market_id = market.id
    edit = client.get(f"/coach/markets/{market_id}/edit").get_data(as_text=True)
    assert '<option value="Asia/Tokyo" selected>' in edit


@pytest.mark.parametrize(("changes", "field"), [
    ({"default_fee_cents": "-5"}, "default_fee_cents"),
    ({"default_fee_cents": "abc"}, "default_fee_cents"),
    ({"default_fee_cents": "12,345"}, "default_fee_cents"),
    ({"default_fee_cents": "99999999"}, "default_fee_cents"),
    ({"date": f"{NEXT_YEAR}-02-30"}, "date"),
    ({"date": "tomorrow"}, "date"),
    ({"date": ""}, "date"),
    ({"date": "9999-01-01"}, "date"),
    ({"opens_at": "25:00"}, "opens_at"),
    ({"closes_at": "9h"}, "closes_at"),
    ({"opens_at": "18:00", "closes_at": "10:00"}, "closes_at"),
    ({"timezone": "Mars/Olympus"}, "timezone"),
    ({"timezone": "x" * 10_000}, "timezone"),
    ({"name": ""}, "name"),
    ({"name": "n" * 121}, "name"),
    ({"place": ""}, "place"),
    ({"address": "a" * 301}, "address"),
    ({"cohort_id": ""}, "cohort_id"),
    ({"cohort_id": "abc"}, "cohort_id"),
    ({"cohort_id": "99999999999999999999"}, "cohort_id"),
])
def test_wrong_market_values_are_refused_next_to_their_field(app, client, worlds, changes, field):
    response = client.post("/coach/markets/new", data=_form(worlds[0], **changes))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert field_error(page, field)
    if field != "place":
        assert input_value(page, "place") == "Cour Carrée"  # what was typed is kept
    with app.app_context():
        assert _market_named("Marché d'été") is None


def test_a_market_cannot_be_made_for_another_cohort(app, client, worlds):
    response = client.post("/coach/markets/new", data=_form(worlds[0], cohort_id=worlds[1].cohort))
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "cohort_id")
    with app.app_context():
        assert _market_named("Marché d'été") is None


def test_the_cohort_is_chosen_for_the_coach_when_there_is_one(client, worlds):
    page = client.get("/coach/markets/new").get_data(as_text=True)
    assert f'<option value="{worlds[0].cohort}" selected>' in page


def test_a_coach_without_cohort_is_sent_to_create_one(app, client):
    with rows(app) as make:
        make.coach(email="new@example.org")
    log_in_coach(client, "new@example.org")
    response = client.get("/coach/markets/new")
    assert response.status_code == 302 and response.headers["Location"] == "/coach/cohorts/new"


def test_editing_a_market_keeps_its_printed_slug(app, client, worlds):
    url = f"/coach/markets/{worlds[0].market}/edit"
    page = client.get(url).get_data(as_text=True)
    assert input_value(page, "default_fee_cents") == "10.00"
    assert input_value(page, "opens_at") == "10:00"
    with app.app_context():
        slug = db.session.get(Market, worlds[0].market).slug
    form = _form(worlds[0], name="Renamed", default_fee_cents="7")
    del form["cohort_id"]
    assert client.post(url, data=form).status_code == 302
    with app.app_context():
        market = db.session.get(Market, worlds[0].market)
        assert (market.name, market.slug, market.default_fee_cents) == ("Renamed", slug, 700)
        assert market.date == dt.date(NEXT_YEAR, 6, 14)
    wrong = client.post(url, data={**form, "default_fee_cents": "-1"})
    assert wrong.status_code == 422 and field_error(wrong.get_data(as_text=True),
                                                    "default_fee_cents")


def test_markets_list_upcoming_first_then_past(app, client, worlds):
    today = market_today()
    with rows(app) as make:
        cohort = db.session.get(Cohort, worlds[0].cohort)
        make.market(cohort, name="Last month", date=today - dt.timedelta(days=30))
        make.market(cohort, name="Last week", date=today - dt.timedelta(days=7))
        make.market(cohort, name="In two weeks", date=today + dt.timedelta(days=14))
        make.market(cohort, name="Next week", date=today + dt.timedelta(days=7))
    page = client.get("/coach/markets").get_data(as_text=True)
    order = ["Market A", "Next week", "In two weeks", "Last week", "Last month"]
    positions = [page.index(name) for name in order]
    assert positions == sorted(positions)
    assert "Market B" not in page


def test_two_coaches_creating_the_same_market_at_once_both_get_one(app, client, monkeypatch):
    """The slug was free when looked up, taken when written: the form still makes its market."""
    from marche import naming
    from marche.coach import markets

    with rows(app) as make:
        cohort = make.cohort(coaches=[make.coach()])
        taken = make.market(cohort, name="Braderie", date=dt.date(2027, 4, 10))
        cohort_id, taken_slug = cohort.id, taken.slug
    log_in_coach(client, "coach@example.org")
    answers = iter([taken_slug])
    real = naming.market_slug
    monkeypatch.setattr(markets, "market_slug",
                        lambda name, date: next(answers, None) or real(name, date))
    response = client.post("/coach/markets/new", data={
        "cohort_id": cohort_id, "name": "Braderie", "place": "Cour Carrée", "date": "2027-04-10"})
    assert response.status_code == 302
    with app.app_context():
        slugs = sorted(db.session.execute(db.select(Market.slug)).scalars())
    assert len(slugs) == 2 and taken_slug in slugs
