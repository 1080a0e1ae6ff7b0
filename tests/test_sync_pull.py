"""Pull: the whole state on a missing or unknown cookie, else exactly what changed since."""

import json

import pytest

from marche.extensions import db
from marche.models import Device, Stall
from marche.sync.versions import stamp

from .sync_helpers import Phone, apply_patch, fresh, login, new_id, shop


def state_of(response) -> dict:
    return apply_patch({}, response.json["patch"])


def open_and_sell(phone, s, sold=1, stock=5):
    phone.add("stall.open", {"stall_id": s.stall_id, "cash_float_cents": 1000, "stock": [
        {"product_id": s.products[0], "quantity": stock}]})
    return [phone.sale(s, items=[(0, 1)], split=[("cash", 1000), ("card", 800)])
            for _ in range(sold)]


def test_a_first_pull_gets_clear_and_the_whole_state_in_the_documented_shapes(client, make):
    s = shop(make)
    login(client, s.user)
    phone = Phone()
    sale = open_and_sell(phone, s)[0]
    phone.add("sale.teleport", {})
    phone.push(client)
    response = phone.pull(client)
    assert response.status_code == 200
    body = response.json
    assert body["patch"][0] == {"op": "clear"}
    assert body["last_seq"] == 3 and body["cookie"] >= 1
    state = state_of(response)
    product = state[f"product/{s.products[0]}"]
    assert {"id", "name", "price_cents", "cost_cents", "photo_url", "active", "version"} <= set(
        product)
    assert (product["price_cents"], product["version"], product["active"]) == (1800, 1, True)
    stall = state[f"stall/{s.stall_id}"]
    assert {"id", "market_id", "market_name", "date", "place", "number", "status", "public_url",
            "qr_url"} <= set(stall)
    assert stall["status"] == "open"
    assert stall["public_url"].startswith("https://marche.example.org/s/")
    assert stall["qr_url"].startswith("https://marche.example.org/s/")
    assert stall["qr_url"].endswith("qr.png")
    value = state[f"sale/{sale['id']}"]
    assert {"id", "stall_id", "occurred_at", "lines", "payments", "discount_cents", "total_cents",
            "voided", "late"} <= set(value)
    assert value["total_cents"] == 1800 and value["voided"] is False
    assert [p["method"] for p in value["payments"]] == ["cash", "card"]
    assert value["lines"][0]["line_id"] == sale["payload"]["lines"][0]["line_id"]
    assert state[f"stock/{s.stall_id}/{s.products[0]}"] == {
        "stall_id": s.stall_id, "product_id": s.products[0], "quantity": 4}
    rejected = [value for key, value in state.items() if key.startswith("rejected/")]
    assert [(r["seq"], r["type"]) for r in rejected] == [(3, "sale.teleport")]
    assert rejected[0]["reason"] == "This kind of change is not known by the server."
    assert rejected[0]["message"]  # said in the user's language


def test_the_rejection_message_is_in_the_users_language(client, make):
    s = shop(make)
    login(client, s.user)
    client.get("/lang/en")
    phone = Phone()
    phone.add("sale.teleport", {})
    [result] = phone.push(client).json["results"]
    assert result["reason"] == "This kind of change is not known by the server."
    assert result["message"] == result["reason"]
    client.get("/lang/fr")
    state = state_of(phone.pull(client))
    [rejected] = [v for k, v in state.items() if k.startswith("rejected/")]
    assert rejected["reason"] == result["reason"]  # the stored message id stays English
    assert rejected["message"] not in ("", result["reason"])  # said in French


def test_a_patch_holds_only_what_changed_since_the_cookie(client, make):
    s = shop(make)
    login(client, s.user)
    phone = Phone()
    first_sale = open_and_sell(phone, s)[0]
    phone.push(client)
    cookie = phone.pull(client).json["cookie"]
    second = phone.sale(s, items=[(0, 1)])
    phone.push(client, phone.outbox[-1:])
    response = phone.pull(client, cookie=cookie)
    keys = [op["key"] for op in response.json["patch"]]
    assert {"op": "clear"} not in response.json["patch"]
    assert sorted(keys) == sorted([f"sale/{second['id']}", f"stock/{s.stall_id}/{s.products[0]}"])
    assert f"sale/{first_sale['id']}" not in keys
    again = phone.pull(client, cookie=response.json["cookie"])
    assert again.json["patch"] == [] and again.json["cookie"] == response.json["cookie"]


def test_patches_rebuild_the_same_state_as_a_whole_pull(client, make, app):
    s = shop(make)
    login(client, s.user)
    other = app.test_client()
    login(other, s.user)
    phone, second_phone = Phone(), Phone()
    state, cookie = {}, None
    sales = open_and_sell(phone, s, sold=3)
    phone.add("product.upsert", {"product_id": s.products[1], "base_version": 1,
                                 "price_cents": 999})
    second_phone.add("product.upsert", {"product_id": s.products[1], "base_version": 1,
                                        "price_cents": 777})
    second_phone.void(sales[1]["id"])
    second_phone.add("bogus", {})
    for step in range(len(phone.outbox)):
        phone.push(client, phone.outbox[: step + 1])
        if step < len(second_phone.outbox):
            second_phone.push(other, second_phone.outbox[: step + 1])
        answer = phone.pull(client, cookie=cookie).json
        apply_patch(state, answer["patch"])
        cookie = answer["cookie"]
        assert state == state_of(phone.pull(client))
    assert state[f"sale/{sales[1]['id']}"]["voided"] is True
    product = state[f"product/{s.products[1]}"]
    # The second phone's edit arrived first; the stale one that overwrote it is kept.
    assert product["price_cents"] == 999 and product["version"] == 3
    assert [(c["field"], c["overwritten"], c["new"]) for c in product["conflicts"]] == [
        ("price_cents", 777, 999)]


def test_a_closed_stall_takes_its_sales_and_stock_off_the_phone(client, make):
    s = shop(make)
    login(client, s.user)
    phone = Phone()
    sale = open_and_sell(phone, s)[0]
    phone.push(client)
    answer = phone.pull(client).json
    state = apply_patch({}, answer["patch"])
    assert f"sale/{sale['id']}" in state
    phone.add("stall.close", {"stall_id": s.stall_id, "cash_counted_cents": 2800})
    phone.push(client, phone.outbox[-1:])
    answer = phone.pull(client, cookie=answer["cookie"]).json
    ops = {(op["op"], op["key"]) for op in answer["patch"]}
    assert ("del", f"sale/{sale['id']}") in ops
    assert ("del", f"stock/{s.stall_id}/{s.products[0]}") in ops
    apply_patch(state, answer["patch"])
    assert state[f"stall/{s.stall_id}"]["status"] == "closed"
    assert state == state_of(phone.pull(client))


@pytest.mark.parametrize("cookie", [None, 10**9, -3, "abc", 1.5, True, {"v": 1}])
def test_a_missing_unknown_or_future_cookie_gets_the_whole_state(client, make, cookie):
    s = shop(make)
    login(client, s.user)
    phone = Phone()
    open_and_sell(phone, s)
    phone.push(client)
    response = phone.pull(client, cookie=cookie)
    assert response.status_code == 200
    assert response.json["patch"][0] == {"op": "clear"}
    assert f"stall/{s.stall_id}" in state_of(response)


def test_a_phone_holding_more_than_the_server_gets_the_whole_state(client, make):
    s = shop(make)
    login(client, s.user)
    phone = Phone()
    open_and_sell(phone, s)
    phone.push(client)
    cookie = phone.pull(client).json["cookie"]
    assert phone.pull(client, cookie=cookie, last_seq=2).json["patch"] == []
    response = phone.pull(client, cookie=cookie, last_seq=7)  # the server lost some of it
    assert response.json["patch"][0] == {"op": "clear"}


def test_an_unknown_client_pulls_with_last_seq_zero_and_is_remembered(client, make):
    s = shop(make)
    login(client, s.user)
    phone = Phone()
    response = phone.pull(client)
    assert response.json["last_seq"] == 0
    device = fresh(Device, phone.client_id)
    assert device.artisan_id == s.artisan_id and device.last_pull_at is not None


def test_the_state_holds_only_the_artisans_own_rows(client, make, app):
    mine = shop(make, login_name="awa")
    theirs = shop(make, login_name="bilal")
    their_client = app.test_client()
    login(their_client, theirs.user)
    their_phone = Phone()
    open_and_sell(their_phone, theirs)
    their_phone.push(their_client)
    login(client, mine.user)
    state = state_of(Phone().pull(client))
    assert f"stall/{mine.stall_id}" in state
    assert not any(theirs.stall_id in key or any(p in key for p in theirs.products)
                   for key in state)
    assert not any(key.startswith("sale/") for key in state)


def test_a_stall_stamped_by_another_screen_reaches_the_phone(client, make):
    s = shop(make)
    login(client, s.user)
    phone = Phone()
    phone.sale(s)
    phone.push(client)
    cookie = phone.pull(client).json["cookie"]

    stall = fresh(Stall, s.stall_id)
    stall.number = 42
    stamp(s.artisan_id, stall)
    db.session.commit()
    answer = phone.pull(client, cookie=cookie).json
    assert answer["patch"][0]["key"] == f"stall/{s.stall_id}"
    assert answer["patch"][0]["value"]["number"] == 42
    # A changed stall that is not closed comes with its sales (it may have been reopened).
    assert all(op["value"]["stall_id"] == s.stall_id for op in answer["patch"][1:])


@pytest.mark.parametrize("path", ["/api/v1/sync/pull", "/api/v1/sync/push"])
def test_a_client_id_of_another_artisan_is_forbidden(client, make, app, path):
    mine = shop(make, login_name="awa")
    theirs = shop(make, login_name="bilal")
    their_phone = Phone()
    their_client = app.test_client()
    login(their_client, theirs.user)
    their_phone.sale(theirs)
    their_phone.push(their_client)
    login(client, mine.user)
    response = client.post(path, json={"client_id": their_phone.client_id, "cookie": None,
                                       "mutations": []})
    assert response.status_code == 403
    assert response.json["code"] == 403


def test_garbage_pull_bodies_get_a_clear_answer_never_a_500(client, make):
    s = shop(make)
    login(client, s.user)
    for body in ("{}", '{"client_id": "nope"}', "[]", '"text"', "null", "12",
                 json.dumps({"client_id": new_id(), "last_seq": -1})):
        response = client.post("/api/v1/sync/pull", data=body, content_type="application/json")
        assert response.status_code == 422, body
        assert response.json["code"] == 422
    assert client.post("/api/v1/sync/pull", data="{", content_type="application/json"
                       ).status_code == 400
    assert client.post("/api/v1/sync/pull", data="client_id=1").status_code == 415


def test_a_refusal_kept_under_a_new_id_is_pulled_under_the_phones_id(client, make, app):
    """The phone's id was taken by another artisan's row: the server keeps the refusal under an
    id of its own, but the phone matches its outbox by the id it made, in push and pull alike."""
    mine = shop(make, login_name="awa")
    theirs = shop(make, login_name="bilal")
    their_client = app.test_client()
    login(their_client, theirs.user)
    their_phone = Phone()
    taken = their_phone.sale(theirs)
    their_phone.push(their_client)
    login(client, mine.user)
    phone = Phone()
    phone.sale(mine)
    phone.push(client)
    before = phone.pull(client).json["cookie"]
    phone.add("sale.record", Phone().sale(mine)["payload"], mutation_id=taken["id"])
    [pushed] = phone.push(client, phone.outbox[1:]).json["results"]
    assert pushed["id"] == taken["id"] and pushed["status"] == "rejected"
    for cookie in (None, before):  # the whole state, and a patch
        state = state_of(phone.pull(client, cookie=cookie))
        [rejected] = [v for k, v in state.items() if k.startswith("rejected/")]
        assert rejected["id"] == taken["id"]
        assert rejected["seq"] == 2 and rejected["reason"] == pushed["reason"]
