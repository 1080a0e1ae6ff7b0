"""The coach's sync page of a market: refused changes, late sales, clocks, phones' last sync."""

import datetime as dt

import pytest

from marche.models import Sale

from .conftest import only_on
from .sync_helpers import Phone, apply_patch, fresh, login, shop

ROLES = ["anonymous", "artisan", "other_artisan", "other_coach", "coach", "admin"]
EXPECTED = {"anonymous": 302, "artisan": 403, "other_artisan": 403, "other_coach": 404,
            "coach": 200, "admin": 200}


@pytest.fixture
def market_day(make, client):
    """Awa's stall 7 with a phone of each kind of trouble; Bilal in another cohort."""
    ours, theirs = make.cohort("FAB 2026"), make.cohort("Autre cohorte")
    make.coach(cohorts=[ours])
    make.coach(email="other@example.org", name="Other Coach", cohorts=[theirs])
    from marche.models import Role

    make.coach(email="admin@example.org", name="Admin", role=Role.ADMIN)
    market = make.market(ours, name="Marché des Guilands")
    awa = shop(make, login_name="awa", cohort=ours, market=market)
    awa.stall.number = 7
    bilal = shop(make, login_name="bilal", cohort=theirs)
    from marche.extensions import db

    db.session.commit()
    login(client, awa.user)
    good, late_phone = Phone(), Phone(sent_at_offset=dt.timedelta(hours=-5))
    good.add("stall.open", {"stall_id": awa.stall_id})
    good.sale(awa)
    good.sale(awa, split=[("cash", 1)])  # refused: the amounts do not add up
    good.add("product.upsert", {"product_id": awa.products[0], "base_version": 1,
                                "name": ""})  # refused, tied to no stall
    good.add("stall.close", {"stall_id": awa.stall_id, "cash_counted_cents": 1800})
    good.push(client)
    late_phone.sale(awa, items=[(1, 2)])  # sold before the close, sent after it
    late_phone.push(client)
    client.delete("/api/v1/session")
    return {"market": market, "awa": awa, "bilal": bilal, "good": good, "late": late_phone}


def log_in_as(client, role):
    if role in ("artisan", "other_artisan"):
        client.post("/api/v1/session", json={
            "login": "awa" if role == "artisan" else "bilal", "pin": "2468"})
    elif role != "anonymous":
        email = {"coach": "coach@example.org", "other_coach": "other@example.org",
                 "admin": "admin@example.org"}[role]
        client.post("/auth/login", data={"email": email, "password": "demo-coach"})


@pytest.mark.parametrize("role", ROLES)
def test_only_the_markets_coaches_see_its_sync_page(client, market_day, role):
    log_in_as(client, role)
    response = client.get(f"/coach/markets/{market_day['market'].id}/sync")
    assert response.status_code == EXPECTED[role]


def test_an_unknown_market_is_not_found(client, market_day):
    log_in_as(client, "coach")
    assert client.get("/coach/markets/999999/sync").status_code == 404
    assert client.get("/coach/markets/99999999999/sync").status_code == 404


def test_the_page_shows_what_went_wrong_stall_by_stall(client, market_day):
    log_in_as(client, "coach")
    client.get("/lang/en")
    page = client.get(f"/coach/markets/{market_day['market'].id}/sync").get_data(as_text=True)
    assert "Marché des Guilands" in page
    assert 'id="stall-7"' in page
    assert "The amounts of this sale do not add up." in page
    assert "Some values of this change are not right." in page  # the product edit
    assert "Sales received after the close" in page
    assert "38.00" in page  # the late sale: 2 × 19 €
    assert "Clock off: 5 h behind" in page
    # The stall's own section: the changes sent from a phone with its clock off, counted.
    assert "Sent from a phone with its clock off" in page
    assert "1 change, up to 5 h behind." in page
    # Two refused (one tied to no stall), one late sale, one flagged change, one phone's clock.
    assert "5 to check" in page
    for phone in (market_day["good"], market_day["late"]):
        assert phone.client_id[:8] in page
    assert "last sync" in page
    assert "app 1.4.0" in page


def test_a_stall_without_trouble_says_so(client, make):
    cohort = make.cohort()
    make.coach(cohorts=[cohort])
    s = shop(make, cohort=cohort)
    login(client, s.user)
    phone = Phone()
    phone.sale(s)
    phone.push(client)
    client.delete("/api/v1/session")
    log_in_as(client, "coach")
    client.get("/lang/en")
    page = client.get(f"/coach/markets/{s.stall.market_id}/sync").get_data(as_text=True)
    assert "All good" in page
    assert "to check" not in page


def test_the_page_is_in_french_by_default(client, market_day):
    log_in_as(client, "coach")
    page = client.get(f"/coach/markets/{market_day['market'].id}/sync",
                      headers={"Accept-Language": ""}).get_data(as_text=True)
    assert '<html lang="fr"' in page
    assert "The amounts of this sale do not add up." not in page


END_OF_TIME = "9999-12-31T23:30:00Z"  # in Paris, already the year 10000


def test_a_phone_time_out_of_any_market_day_is_kept_flagged_and_the_page_shows_it(
        client, make):
    """A phone clock at the end of the calendar (or reset to 1970): the time is kept as sent,
    the change is flagged as a clock fault, and no screen breaks on it."""
    _impossible_dates_are_kept_and_shown(client, make)


@only_on("postgresql")
@pytest.mark.parametrize("pg_options", ["timezone=Europe/Paris"])
def test_impossible_dates_hold_on_a_postgresql_server_in_paris_time(client, make, database,
                                                                   pg_options):
    """The same, on a database server that reads times in Paris (a French machine's default),
    where 9999-12-31 23:30 UTC is already the year 10000."""
    _impossible_dates_are_kept_and_shown(client, make)


def _impossible_dates_are_kept_and_shown(client, make):
    cohort = make.cohort()
    make.coach(cohorts=[cohort])
    s = shop(make, cohort=cohort)
    login(client, s.user)
    phone = Phone()
    phone.add("stall.open", {"stall_id": s.stall_id})
    future = phone.sale(s)
    future["occurred_at"] = END_OF_TIME
    epoch = phone.sale(s)
    epoch["occurred_at"] = "1970-01-01T00:00:00Z"
    answer = phone.push(client).json
    assert [r.get("flags") for r in answer["results"]] == [None, ["clock"], ["clock"]]
    state = apply_patch({}, phone.pull(client).json["patch"])
    assert state[f"sale/{future['id']}"]["occurred_at"] == "9999-12-31T23:30:00+00:00"
    assert state[f"sale/{epoch['id']}"]["occurred_at"] == "1970-01-01T00:00:00+00:00"
    stored = fresh(Sale, future["id"])
    assert stored.occurred_at == dt.datetime(9999, 12, 31, 23, 30, tzinfo=dt.UTC)
    assert stored.clock_flagged
    phone.add("stall.close", {"stall_id": s.stall_id, "cash_counted_cents": 0})
    late = phone.sale(s)  # sent after the close: in the late sales table
    late["occurred_at"] = END_OF_TIME
    assert phone.push(client, phone.outbox[3:]).json["results"][1]["flags"] == ["clock", "late"]
    client.delete("/api/v1/session")
    log_in_as(client, "coach")
    client.get("/lang/en")
    response = client.get(f"/coach/markets/{s.stall.market_id}/sync")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Sales received after the close" in page
    assert "9999-12-31 23:30 UTC" in page
    assert "Sent from a phone with its clock off" in page
    assert "3 changes with an impossible date." in page
    assert "4 to check" in page  # three flagged changes, one late sale
    for language in ("fr", "ar"):
        client.get(f"/lang/{language}")
        assert client.get(f"/coach/markets/{s.stall.market_id}/sync").status_code == 200


def sections(page: str) -> dict[int, str]:
    """The coach page cut into each stall's section, by stall number."""
    parts = page.split('<section class="card sync-stall" id="stall-')[1:]
    return {int(part.split('"', 1)[0]): part.split("</section>", 1)[0] for part in parts}


def test_the_clock_off_section_counts_the_changes_of_its_own_stall(client, make):
    cohort = make.cohort()
    make.coach(cohorts=[cohort])
    market = make.market(cohort)
    awa, bilal, chloe = (shop(make, login_name=name, cohort=cohort, market=market)
                         for name in ("awa", "bilal", "chloe"))
    for shop_, number in ((awa, 7), (bilal, 8), (chloe, 9)):
        shop_.stall.number = number
    from marche.extensions import db

    db.session.commit()
    behind, on_time = Phone(sent_at_offset=dt.timedelta(hours=-3)), Phone()
    ahead, bilal_on_time, chloe_phone = (Phone(sent_at_offset=dt.timedelta(days=3)), Phone(),
                                         Phone())
    behind.sale(awa)
    behind.sale(awa)
    on_time.sale(awa)
    ahead.add("stock.adjust", {"stall_id": bilal.stall_id, "product_id": bilal.products[0],
                               "kind": "restock", "quantity": 2})
    bilal_on_time.sale(bilal)
    chloe_phone.sale(chloe)
    for user, phones in ((awa.user, (behind, on_time)), (bilal.user, (ahead, bilal_on_time)),
                         (chloe.user, (chloe_phone,))):
        login(client, user)
        for phone in phones:
            assert phone.push(client).status_code == 200
        client.delete("/api/v1/session")
    log_in_as(client, "coach")
    client.get("/lang/en")
    page = sections(client.get(f"/coach/markets/{market.id}/sync").get_data(as_text=True))
    assert "Sent from a phone with its clock off" in page[7]
    assert "2 changes, up to 3 h behind." in page[7]
    assert "3 to check" in page[7]  # two changes, one phone
    assert "Sent from a phone with its clock off" in page[8]
    assert "1 change, up to 3 days ahead." in page[8]
    assert "2 to check" in page[8]
    assert "clock off" not in page[9] and "All good" in page[9]
