"""Stalls on a market: add, renumber, remove; htmx gets fragments, mistakes get field errors."""

import datetime as dt
import re
import uuid

import pytest

from marche.extensions import db
from marche.models import Cohort, Market, Sale, Stall, StallStatus, User

from .coach_helpers import build_cohorts, field_error, input_value, log_in_coach, rows

HTMX = {"HX-Request": "true"}


@pytest.fixture
def worlds(app, client):
    worlds = build_cohorts(app, "a", "b")
    log_in_coach(client, worlds[0].coach_email)
    return worlds


def _bilal(world) -> int:
    return db.session.execute(
        db.select(User.id).where(User.login == world.artisan_login.replace("awa", "bilal"))
    ).scalar_one()


def _stalls(market_id: int) -> list[tuple[int, str, int]]:
    return [(stall.number, stall.artisan.user.login, stall.fee_cents)
            for stall in db.session.execute(db.select(Stall).where(
                Stall.market_id == market_id).order_by(Stall.number)).scalars()]


def test_market_page_lists_stalls_in_number_order_with_their_public_address(app, client, worlds):
    with rows(app) as make:
        market = db.session.get(Market, worlds[0].market)
        cohort = db.session.get(Cohort, worlds[0].cohort)
        make.stall(market, make.artisan(login="chen", cohort=cohort), number=1)
        slug = db.session.get(Stall, uuid.UUID(worlds[0].stall)).slug
    page = client.get(f"/coach/markets/{worlds[0].market}").get_data(as_text=True)
    assert page.index('id="stall-1"') < page.index('id="stall-3"')
    assert f"https://marche.example.org/s/{slug}" in page
    assert 'id="stall-rows"' in page  # the rows fragment is part of the page


def test_the_add_form_is_prefilled_with_the_next_number_and_the_default_fee(client, worlds):
    page = client.get(f"/coach/markets/{worlds[0].market}").get_data(as_text=True)
    assert input_value(page, "number") == "1"
    assert input_value(page, "fee_cents") == "10.00"
    assert "bilal-a" in page
    assert "awa-a)" not in page  # already has a stall: not offered again
    assert "bilal-b" not in page


def test_adding_a_stall(app, client, worlds):
    with app.app_context():
        bilal = _bilal(worlds[0])
    response = client.post(f"/coach/markets/{worlds[0].market}/stalls",
                           data={"artisan_id": bilal, "number": "7", "fee_cents": ""})
    assert response.status_code == 302
    with app.app_context():
        assert _stalls(worlds[0].market) == [(3, "awa-a", 1000), (7, "bilal-a", 1000)]
        stall = db.session.execute(db.select(Stall).where(Stall.number == 7)).scalar_one()
        assert re.fullmatch(r"[a-z2-9]{10}", stall.slug)
        assert stall.status == StallStatus.UPCOMING


def test_adding_a_stall_with_htmx_answers_the_stalls_fragment(app, client, worlds):
    with app.app_context():
        bilal = _bilal(worlds[0])
    response = client.post(f"/coach/markets/{worlds[0].market}/stalls", headers=HTMX,
                           data={"artisan_id": bilal, "number": "1", "fee_cents": "5"})
    assert response.status_code == 200
    assert "HX-Request" in response.headers["Vary"]
    page = response.get_data(as_text=True)
    assert "<html" not in page and page.lstrip().startswith('<div id="stalls"')
    assert 'id="stall-1"' in page and "bilal-a" not in page.split('id="stall-rows"')[0]
    assert "Stall added." in page
    with app.app_context():
        assert _stalls(worlds[0].market) == [(1, "bilal-a", 500), (3, "awa-a", 1000)]


def test_the_market_page_itself_is_a_fragment_for_htmx(client, worlds):
    page = client.get(f"/coach/markets/{worlds[0].market}", headers=HTMX).get_data(as_text=True)
    assert "<html" not in page and 'id="stalls"' in page


@pytest.mark.parametrize(("changes", "field"), [
    ({"number": "3"}, "number"),  # taken by Awa
    ({"number": "0"}, "number"),
    ({"number": "-2"}, "number"),
    ({"number": "abc"}, "number"),
    ({"number": ""}, "number"),
    ({"number": "99999999999999999999999"}, "number"),
    ({"fee_cents": "-1"}, "fee_cents"),
    ({"fee_cents": "abc"}, "fee_cents"),
    ({"fee_cents": "1" * 5000}, "fee_cents"),
    ({"artisan_id": ""}, "artisan_id"),
    ({"artisan_id": "abc"}, "artisan_id"),
    ({"artisan_id": "99999999999999999999"}, "artisan_id"),
    ({"artisan_id": "999999"}, "artisan_id"),
    ({"artisan_id": "awa"}, "artisan_id"),  # Awa already has a stall here
    ({"artisan_id": "other cohort"}, "artisan_id"),
    ({"artisan_id": "coach"}, "artisan_id"),
])
@pytest.mark.parametrize("htmx", [False, True])
def test_wrong_stalls_are_refused_next_to_their_field(app, client, worlds, changes, field, htmx):
    with app.app_context():
        ids = {"awa": worlds[0].artisan, "other cohort": worlds[1].artisan,
               "coach": db.session.execute(db.select(User.id).where(
                   User.email == worlds[0].coach_email)).scalar_one()}
        form = {"artisan_id": _bilal(worlds[0]), "number": "5", "fee_cents": "4,50"}
    form.update({key: ids.get(value, value) for key, value in changes.items()})
    response = client.post(f"/coach/markets/{worlds[0].market}/stalls", data=form,
                           headers=HTMX if htmx else {})
    page = response.get_data(as_text=True)
    # htmx only swaps 2xx answers: it gets the widget with the errors; a plain post a 422 page.
    assert response.status_code == (200 if htmx else 422)
    assert ("<html" in page) is not htmx
    assert field_error(page, field)
    if field != "fee_cents":
        assert input_value(page, "fee_cents") == "4,50"
    with app.app_context():
        assert _stalls(worlds[0].market) == [(3, "awa-a", 1000)]


def test_a_deactivated_artisan_gets_no_stall(app, client, worlds):
    with app.app_context():
        bilal = _bilal(worlds[0])
        db.session.get(User, bilal).active = False
        db.session.commit()
    page = client.get(f"/coach/markets/{worlds[0].market}").get_data(as_text=True)
    assert "bilal-a" not in page
    response = client.post(f"/coach/markets/{worlds[0].market}/stalls",
                           data={"artisan_id": bilal, "number": "5"})
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "artisan_id")


def test_editing_a_stall(app, client, worlds):
    with app.app_context():
        bilal = _bilal(worlds[0])
    client.post(f"/coach/markets/{worlds[0].market}/stalls",
                data={"artisan_id": bilal, "number": "4"})
    url = f"/coach/stalls/{worlds[0].stall}/edit"
    page = client.get(url).get_data(as_text=True)
    assert input_value(page, "number") == "3" and input_value(page, "fee_cents") == "10.00"
    taken = client.post(url, data={"number": "4", "fee_cents": "8"})
    assert taken.status_code == 422
    assert "already taken" in field_error(taken.get_data(as_text=True), "number")
    assert input_value(taken.get_data(as_text=True), "fee_cents") == "8"
    bad_fee = client.post(url, data={"number": "9", "fee_cents": "-8"})
    assert bad_fee.status_code == 422
    assert client.post(url, data={"number": "9", "fee_cents": "8"}).status_code == 302
    with app.app_context():
        assert _stalls(worlds[0].market) == [(4, "bilal-a", 1000), (9, "awa-a", 800)]


def test_removing_a_stall_with_htmx(app, client, worlds):
    response = client.post(f"/coach/stalls/{worlds[0].stall}/remove", headers=HTMX)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<html" not in page and "Stall 3 removed." in page and 'id="stall-3"' not in page
    assert "awa-a" in page  # offered again in the add form
    with app.app_context():
        assert _stalls(worlds[0].market) == []


def test_removing_a_stall_with_a_plain_form(app, client, worlds):
    response = client.post(f"/coach/stalls/{worlds[0].stall}/remove")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/coach/markets/{worlds[0].market}"
    with app.app_context():
        assert _stalls(worlds[0].market) == []


@pytest.mark.parametrize("htmx", [False, True])
def test_a_stall_with_a_sale_is_never_removed(app, client, worlds, htmx):
    with app.app_context():
        db.session.add(Sale(id=uuid.uuid4(), stall_id=uuid.UUID(worlds[0].stall),
                            artisan_id=worlds[0].artisan, total_cents=1800,
                            occurred_at=dt.datetime.now(dt.UTC)))
        db.session.commit()
    response = client.post(f"/coach/stalls/{worlds[0].stall}/remove",
                           headers=HTMX if htmx else {}, follow_redirects=True)
    assert response.status_code == 200
    assert "Stall 3 has sales or stock recorded: it stays." in response.get_data(as_text=True)
    with app.app_context():
        assert _stalls(worlds[0].market) == [(3, "awa-a", 1000)]


def test_an_open_stall_is_never_removed(app, client, worlds):
    with app.app_context():
        db.session.get(Stall, uuid.UUID(worlds[0].stall)).status = StallStatus.OPEN
        db.session.commit()
    client.post(f"/coach/stalls/{worlds[0].stall}/remove")
    with app.app_context():
        assert len(_stalls(worlds[0].market)) == 1
