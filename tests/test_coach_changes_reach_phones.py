"""What a coach changes on a market or a stall reaches the artisan's phone at its next pull."""

import uuid

from marche.extensions import db
from marche.models import Market, Stall

from .coach_helpers import log_in_coach
from .sync_helpers import Phone, apply_patch, login


def _setup(app, make):
    coach = make.coach()
    cohort = make.cohort(coaches=[coach])
    artisan = make.artisan(login="awa", cohort=cohort)
    market = make.market(cohort, name="Marché de la Cour Carrée")
    stall = make.stall(market, artisan, number=4)
    return coach, artisan, market.id, str(stall.id)


def _phone_state(app, artisan):
    """A phone logged in as the artisan, holding the whole state; return it and its pull."""
    phone_client = app.test_client()
    login(phone_client, artisan)
    phone = Phone()
    answer = phone.pull(phone_client).json
    state = apply_patch({}, answer["patch"])

    def pull_again():
        nonlocal answer
        answer = phone.pull(phone_client, cookie=answer["cookie"]).json
        return answer["patch"], apply_patch(state, answer["patch"])

    return state, pull_again


def test_a_new_stall_reaches_the_phone(app, make, client):
    coach, artisan, market_id, _stall = _setup(app, make)
    other_market = make.market(make.cohort(coaches=[coach]), name="Marché de Noël")
    other_market.cohort.artisans.append(artisan.profile)
    db.session.commit()
    state, pull_again = _phone_state(app, artisan)
    log_in_coach(client, "coach@example.org")
    response = client.post(f"/coach/markets/{other_market.id}/stalls",
                           data={"artisan_id": artisan.id, "number": "9", "fee_cents": "5"})
    assert response.status_code in (200, 302)
    _patch, state = pull_again()
    numbers = sorted(v["number"] for k, v in state.items() if k.startswith("stall/"))
    assert numbers == [4, 9]


def test_a_changed_stall_number_reaches_the_phone(app, make, client):
    _coach, artisan, _market_id, stall_id = _setup(app, make)
    state, pull_again = _phone_state(app, artisan)
    assert state[f"stall/{stall_id}"]["number"] == 4
    log_in_coach(client, "coach@example.org")
    client.post(f"/coach/stalls/{stall_id}/edit", data={"number": "11", "fee_cents": "10"})
    _patch, state = pull_again()
    assert state[f"stall/{stall_id}"]["number"] == 11


def test_a_renamed_market_reaches_the_phone(app, make, client):
    _coach, artisan, market_id, stall_id = _setup(app, make)
    state, pull_again = _phone_state(app, artisan)
    market = db.session.get(Market, market_id)
    log_in_coach(client, "coach@example.org")
    response = client.post(f"/coach/markets/{market_id}/edit", data={
        "name": "Grand marché d'hiver", "place": market.place, "address": market.address,
        "date": market.date.isoformat(), "opens_at": "10:00", "closes_at": "18:00",
        "timezone": "Europe/Paris", "default_fee_cents": "10"})
    assert response.status_code == 302
    _patch, state = pull_again()
    assert state[f"stall/{stall_id}"]["market_name"] == "Grand marché d'hiver"


def test_a_removed_stall_leaves_the_phone(app, make, client):
    _coach, artisan, _market_id, stall_id = _setup(app, make)
    state, pull_again = _phone_state(app, artisan)
    assert f"stall/{stall_id}" in state
    log_in_coach(client, "coach@example.org")
    client.post(f"/coach/stalls/{stall_id}/remove")
    db.session.expire_all()
    assert db.session.get(Stall, uuid.UUID(stall_id)) is None
    patch, state = pull_again()
    assert patch[0] == {"op": "clear"}
    assert f"stall/{stall_id}" not in state
    # Once the phone holds the new state, patches are small again.
    patch, _state = pull_again()
    assert patch == []


def test_the_market_page_links_to_its_sync_page(app, make, client):
    _coach, _artisan, market_id, _stall = _setup(app, make)
    log_in_coach(client, "coach@example.org")
    page = client.get(f"/coach/markets/{market_id}").get_data(as_text=True)
    assert f'href="/coach/markets/{market_id}/sync"' in page
