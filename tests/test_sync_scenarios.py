"""The server-side scenarios of design/sync.md: whatever the network or the phone does, each
sale is on the server exactly once."""

import datetime as dt
import uuid

import pytest
from sqlalchemy import exc

from marche.extensions import db
from marche.models import (
    ArtisanProfile,
    Device,
    MutationStatus,
    Product,
    ProductConflict,
    Sale,
    StockMovement,
    SyncOp,
)
from marche.sync import mutations

from .sync_helpers import (
    Phone,
    fresh,
    login,
    new_id,
    ops_of,
    sales_of,
    server_summary,
    shop,
    stock_level,
)


def statuses(response):
    return [result["status"] for result in response.json["results"]]


def sale_count(artisan_id) -> int:
    return db.session.execute(db.select(db.func.count(Sale.id)).where(
        Sale.artisan_id == artisan_id)).scalar_one()


def test_answer_lost_after_commit_then_the_same_batch_again(client, make):
    s = shop(make)
    login(client, s.user)
    phone = Phone()
    for _ in range(5):
        phone.sale(s)
    first = phone.push(client)  # committed, but imagine the answer never reached the phone
    before = server_summary(s.artisan_id)
    retry = phone.push(client)
    assert retry.status_code == 200
    assert statuses(retry) == ["duplicate"] * 5
    assert retry.json["last_seq"] == 5 and retry.json["version"] == first.json["version"]
    assert server_summary(s.artisan_id) == before
    assert before.sales == 5


def test_a_retry_carrying_lines_already_stored_counts_nothing_twice(client, make):
    s = shop(make)
    login(client, s.user)
    phone = Phone()
    sale = phone.sale(s)
    phone.push(client)
    # A till that re-queued the same sale under new numbers: same id, then a new id with
    # the same line and payment ids.
    phone.add("sale.record", sale["payload"], mutation_id=sale["id"])
    phone.add("sale.record", sale["payload"])
    response = phone.push(client, phone.outbox[1:])
    assert statuses(response) == ["duplicate", "rejected"]
    assert response.json["results"][1]["reason"] == "This change uses an id that is already taken."
    assert response.json["last_seq"] == 3
    assert server_summary(s.artisan_id).sales == 1


def test_a_permanently_bad_mutation_does_not_block_the_good_ones_behind_it(client, make):
    s = shop(make)
    login(client, s.user)
    phone = Phone()
    phone.sale(s)
    phone.sale(s, split=[("cash", 1)])  # never adds up
    phone.sale(s)
    phone.sale(s)
    response = phone.push(client)
    assert statuses(response) == ["applied", "rejected", "applied", "applied"]
    assert response.json["last_seq"] == 4
    assert statuses(phone.push(client)) == ["duplicate"] * 4
    assert server_summary(s.artisan_id).sales == 3
    assert [op.seq for op in ops_of(s.artisan_id, MutationStatus.REJECTED)] == [2]


def test_a_gap_in_seq_answers_409_with_last_seq_and_the_phone_resends(client, make):
    s = shop(make)
    login(client, s.user)
    phone = Phone()
    for _ in range(5):
        phone.sale(s)
    assert phone.push(client, phone.outbox[:2]).json["last_seq"] == 2
    gap = phone.push(client, phone.outbox[3:])
    assert gap.status_code == 409
    assert gap.json["last_seq"] == 2 and gap.json["code"] == 409 and gap.json["error"]
    assert sale_count(s.artisan_id) == 2
    # A batch that starts right but has a hole: the part before the hole is kept.
    partial = phone.push(client, [phone.outbox[2], phone.outbox[4]])
    assert partial.status_code == 409 and partial.json["last_seq"] == 3
    assert statuses(partial) == ["applied"]
    done = phone.push(client, phone.outbox[3:])
    assert done.status_code == 200 and done.json["last_seq"] == 5
    assert sale_count(s.artisan_id) == 5


def test_a_backlog_larger_than_one_request(client, make):
    s = shop(make)
    login(client, s.user)
    phone = Phone()
    for _ in range(1234):
        phone.sale(s)
    too_big = phone.push(client, phone.outbox[:501])
    assert too_big.status_code == 422
    assert "mutations" in too_big.json["fields"]
    assert sale_count(s.artisan_id) == 0
    for start in range(0, 1234, 500):
        response = phone.push(client, phone.outbox[start:start + 500])
        assert response.status_code == 200
    assert response.json["last_seq"] == 1234
    assert server_summary(s.artisan_id).sales == 1234


def test_a_passing_fault_answers_503_and_moves_nothing(client, make, monkeypatch):
    s = shop(make)
    login(client, s.user)
    phone = Phone()
    for _ in range(4):
        phone.sale(s)
    real = mutations.TYPES["sale.record"]

    def busy(ctx, op, payload):
        if op.seq == 3:
            raise exc.OperationalError("INSERT …", {}, Exception("database is locked"))
        return real.apply(ctx, op, payload)

    monkeypatch.setitem(mutations.TYPES, "sale.record", real._replace(apply=busy))
    response = phone.push(client)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "1"
    assert response.json["code"] == 503
    assert sale_count(s.artisan_id) == 0
    assert fresh(Device, phone.client_id) is None  # not even the client
    monkeypatch.setitem(mutations.TYPES, "sale.record", real)
    assert statuses(phone.push(client)) == ["applied"] * 4


def test_the_network_dropping_mid_push_stores_nothing(client, make):
    s = shop(make)
    login(client, s.user)
    phone = Phone()
    for _ in range(3):
        phone.sale(s)
    import json

    body = json.dumps(phone.body(phone.outbox))
    response = client.post("/api/v1/sync/push", data=body[: len(body) // 2],
                           content_type="application/json")
    assert response.status_code == 400
    assert sale_count(s.artisan_id) == 0
    assert statuses(phone.push(client)) == ["applied"] * 3


@pytest.mark.parametrize("offset", [dt.timedelta(hours=-3), dt.timedelta(days=3 * 365),
                                    dt.timedelta(days=-20 * 365)])
def test_a_phone_clock_off_by_hours_or_years_is_flagged_not_trusted(client, make, offset):
    s = shop(make)
    login(client, s.user)
    phone = Phone(sent_at_offset=offset)
    sale = phone.sale(s)
    response = phone.push(client)
    assert statuses(response) == ["applied"]
    assert response.json["results"][0]["flags"] == ["clock"]
    stored = fresh(Sale, sale["id"])
    # The sale belongs to the stall it names, and keeps the time the phone gave.
    assert str(stored.stall_id) == s.stall_id
    assert stored.occurred_at == dt.datetime.fromisoformat(sale["occurred_at"])
    assert stored.clock_flagged
    device = fresh(Device, phone.client_id)
    assert abs(device.clock_skew_seconds + offset.total_seconds()) < 60
    op = fresh(SyncOp, sale["id"])
    assert op.clock_flagged and op.received_at > op.sent_at - offset - dt.timedelta(minutes=1)
    assert server_summary(s.artisan_id).takings_cents == stored.total_cents


def test_a_clock_a_few_minutes_off_is_not_flagged(client, make):
    s = shop(make)
    login(client, s.user)
    phone = Phone(sent_at_offset=dt.timedelta(minutes=-10))
    phone.sale(s)
    response = phone.push(client)
    assert "flags" not in response.json["results"][0]


def test_two_phones_selling_the_last_item_offline_both_count(client, make, app):
    s = shop(make)
    login(client, s.user)
    other = app.test_client()
    login(other, s.user)
    first, second = Phone(), Phone()
    first.add("stall.open", {"stall_id": s.stall_id, "stock": [
        {"product_id": s.products[0], "quantity": 1}]})
    first.push(client)
    first.sale(s)
    second.sale(s)
    assert "flags" not in first.push(client).json["results"][1]
    response = second.push(other)
    assert statuses(response) == ["applied"]
    assert response.json["results"][0]["flags"] == ["below_zero"]
    assert stock_level(s.stall_id, s.products[0]) == -1
    assert server_summary(s.artisan_id).sales == 2
    flagged = db.session.execute(db.select(StockMovement).where(
        StockMovement.below_zero.is_(True))).scalars().all()
    assert len(flagged) == 1


def test_two_phones_changing_one_price_offline_keep_the_overwrite_as_a_conflict(client, make):
    s = shop(make)
    login(client, s.user)
    first, second = Phone(), Phone()
    first.add("product.upsert", {"product_id": s.products[0], "base_version": 1,
                                 "price_cents": 2000})
    second.add("product.upsert", {"product_id": s.products[0], "base_version": 1,
                                  "price_cents": 2200, "name": "Bol raku"})
    assert statuses(first.push(client)) == ["applied"]
    response = second.push(client)
    assert statuses(response) == ["applied"]
    assert response.json["results"][0]["flags"] == ["conflict"]
    product = fresh(Product, s.products[0])
    assert (product.price_cents, product.name, product.edit_version) == (2200, "Bol raku", 3)
    [conflict] = db.session.execute(db.select(ProductConflict)).scalars().all()
    assert (conflict.field, conflict.base_version) == ("price_cents", 1)
    assert (conflict.overwritten_value, conflict.new_value) == ({"value": 2000}, {"value": 2200})
    state = second.pull(client).json["patch"]
    [value] = [op["value"] for op in state if op.get("key") == f"product/{s.products[0]}"]
    assert value["conflicts"][0]["overwritten"] == 2000


def test_an_edit_after_a_catalogue_page_edit_is_kept_as_a_conflict(client, make):
    s = shop(make)
    login(client, s.user)
    product = fresh(Product, s.products[0])
    product.cost_cents, product.edit_version = 999, 2  # edited on a page, no field history
    db.session.commit()
    phone = Phone()
    phone.add("product.upsert", {"product_id": s.products[0], "base_version": 1,
                                 "price_cents": 1900})
    assert phone.push(client).json["results"][0]["flags"] == ["conflict"]


def test_an_old_app_version_pushing_beside_a_new_one(client, make, app):
    s = shop(make)
    login(client, s.user)
    other = app.test_client()
    login(other, s.user)
    old, new = Phone(app_version="1.0.0"), Phone(app_version="1.4.0")
    # The old app sends no sent_at, no discount, no app_version.
    old_sale = old.sale(s)
    del old_sale["payload"]["discount_cents"]
    old_body = old.body(old.outbox)
    del old_body["sent_at"], old_body["app_version"]
    # The new app adds fields the server does not know yet, and a type of tomorrow.
    new_sale = new.sale(s)
    new_sale["payload"]["customer_mood"] = "happy"
    new_sale["payload"]["lines"][0]["colour"] = "blue"
    new.add("sale.record.v2", {"anything": 1})
    new.sale(s)
    assert statuses(client.post("/api/v1/sync/push", json=old_body)) == ["applied"]
    assert statuses(new.push(other)) == ["applied", "rejected", "applied"]
    assert server_summary(s.artisan_id).sales == 3
    versions = {str(d.id): d.app_version for d in db.session.execute(db.select(Device)).scalars()}
    assert versions == {old.client_id: "", new.client_id: "1.4.0"}


def backup() -> dict:
    """Copy every row of every table (what a nightly dump holds)."""
    db.session.commit()
    return {table.name: [dict(row._mapping) for row in db.session.execute(table.select())]
            for table in db.metadata.sorted_tables}


def restore(snapshot: dict) -> None:
    """Put the database back as it was at ``backup()`` time."""
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    for table in db.metadata.sorted_tables:
        if snapshot[table.name]:
            db.session.execute(table.insert(), snapshot[table.name])
    db.session.commit()
    db.session.expire_all()


def test_a_server_restored_from_an_older_backup_gets_everything_back_once(client, make):
    """The phone is ahead of the server: its next seq is beyond the server's last_seq + 1, so
    the server answers 409 with its (older) last_seq and the phone re-sends from there out of
    the confirmed mutations it keeps 30 days. Nothing is counted twice: whatever survived in the
    backup has seq <= last_seq (a duplicate) and an id the server knows."""
    s = shop(make)
    login(client, s.user)
    phone = Phone()
    for _ in range(3):
        phone.sale(s)
    phone.push(client)
    old_cookie = phone.pull(client).json["cookie"]
    snapshot = backup()
    for _ in range(3):
        phone.sale(s)
    phone.push(client, phone.outbox[3:])
    cookie = phone.pull(client).json["cookie"]
    restore(snapshot)
    assert sale_count(s.artisan_id) == 3

    # The phone's cookie is now in the server's future: the whole state.
    assert phone.pull(client, cookie=cookie).json["patch"][0] == {"op": "clear"}
    # Even once the server's version has caught up, the phone's confirmed seq tells.
    assert phone.pull(client, cookie=old_cookie, last_seq=6).json["patch"][0] == {"op": "clear"}

    phone.sale(s)
    gap = phone.push(client, phone.outbox[6:])
    assert gap.status_code == 409 and gap.json["last_seq"] == 3
    again = phone.push(client, phone.outbox[gap.json["last_seq"]:])
    assert statuses(again) == ["applied"] * 4
    assert sale_count(s.artisan_id) == 7
    assert server_summary(s.artisan_id).sales == 7


def test_a_phone_that_no_longer_has_the_lost_mutations_starts_a_new_client(client, make):
    """After a restore, a phone that already dropped some of its confirmed mutations can never
    fill the gap under its old client id: it re-sends what it still has under a new client id
    (seq from 1). Ids the server already holds are duplicates, absorbed."""
    s = shop(make)
    login(client, s.user)
    phone = Phone()
    for _ in range(2):
        phone.sale(s)
    phone.push(client)
    snapshot = backup()
    for _ in range(3):
        phone.sale(s)
    phone.push(client, phone.outbox[2:])
    restore(snapshot)
    kept = phone.outbox[1:2] + phone.outbox[3:]  # mutation 3 is gone from the phone too
    fresh = Phone()
    renumbered = [{**mutation, "seq": n} for n, mutation in enumerate(kept, start=1)]
    response = fresh.push(client, renumbered)
    assert statuses(response) == ["duplicate", "applied", "applied"]
    assert sale_count(s.artisan_id) == 4


def test_the_version_counts_only_committed_pushes(client, make):
    s = shop(make)
    login(client, s.user)
    phone = Phone()
    phone.sale(s)
    version = phone.push(client).json["version"]
    phone.push(client)
    phone.push(client, [])
    profile = fresh(ArtisanProfile, s.artisan_id)
    db.session.refresh(profile)
    assert profile.version == version == 1


def test_a_mutation_id_of_another_artisan_is_refused_and_kept_under_a_new_id(client, make, app):
    mine = shop(make, login_name="awa")
    theirs = shop(make, login_name="bilal")
    their_client = app.test_client()
    login(their_client, theirs.user)
    their_phone = Phone()
    taken = their_phone.sale(theirs)
    their_phone.push(their_client)
    login(client, mine.user)
    phone = Phone()
    phone.add("sale.record", Phone().sale(mine)["payload"], mutation_id=taken["id"])
    response = phone.push(client)
    assert statuses(response) == ["rejected"]
    [op] = ops_of(mine.artisan_id)
    assert op.id != uuid.UUID(taken["id"]) and op.reason_detail["mutation_id"] == taken["id"]
    assert fresh(Sale, taken["id"]).artisan_id == theirs.artisan_id


def test_a_push_answers_401_anonymous_and_403_to_a_coach(client, make):
    s = shop(make)
    body = Phone().body([])
    assert client.post("/api/v1/sync/push", json=body).status_code == 401
    assert client.post("/api/v1/sync/pull", json={"client_id": new_id()}).status_code == 401
    make.coach(cohorts=[s.user.profile.cohort])
    client.post("/auth/login", data={"email": "coach@example.org", "password": "demo-coach"})
    assert client.post("/api/v1/sync/push", json=body).status_code == 403
    assert client.post("/api/v1/sync/pull", json={"client_id": new_id()}).status_code == 403


@pytest.mark.parametrize("body", [
    {}, {"client_id": "x", "mutations": []}, {"client_id": new_id()},
    {"client_id": new_id(), "mutations": [{"seq": 0, "id": new_id(), "type": "sale.record"}]},
    {"client_id": new_id(), "mutations": [{"seq": "1", "id": new_id(), "type": "x"}]},
    {"client_id": new_id(), "mutations": [{"seq": 1, "id": "no", "type": "x"}]},
    {"client_id": new_id(), "mutations": [{"seq": 1, "id": new_id()}]},
    {"client_id": new_id(), "mutations": [{"seq": 2**40, "id": new_id(), "type": "x"}]},
    {"client_id": new_id(), "mutations": "all of them"}, [], "push", 3,
])
def test_a_push_body_without_what_identifies_a_mutation_is_422(client, make, body):
    s = shop(make)
    login(client, s.user)
    response = client.post("/api/v1/sync/push", json=body)
    assert response.status_code == 422
    assert response.json["code"] == 422
    assert db.session.execute(db.select(db.func.count(SyncOp.id))).scalar_one() == 0


def test_a_garbled_phone_time_never_keeps_a_sale_off_the_server(client, make):
    s = shop(make)
    login(client, s.user)
    phone = Phone()
    sale = phone.sale(s)
    sale["occurred_at"] = "yesterday at noon"
    body = phone.body(phone.outbox)
    body["sent_at"] = "9999-99-99"
    response = client.post("/api/v1/sync/push", json=body)
    assert statuses(response) == ["applied"]
    assert fresh(Sale, sale["id"]).occurred_at is not None


def test_the_clock_flag_threshold_is_configurable(app, client, make):
    app.config["SYNC_CLOCK_SKEW_FLAG_SECONDS"] = 60
    s = shop(make)
    login(client, s.user)
    phone = Phone(sent_at_offset=dt.timedelta(minutes=-10))
    phone.sale(s)
    assert phone.push(client).json["results"][0]["flags"] == ["clock"]


@pytest.mark.parametrize("path", ["/api/v1/sync/push", "/api/v1/sync/pull"])
@pytest.mark.parametrize("role, expected", [
    ("anonymous", 401), ("artisan", 200), ("other_artisan", 403), ("other_coach", 403),
    ("coach", 403)])
def test_the_sync_urls_by_role_on_awas_phone(app, make, path, role, expected):
    ours, theirs = make.cohort("FAB 2026"), make.cohort("Autre")
    make.coach(cohorts=[ours])
    make.coach(email="other@example.org", cohorts=[theirs])
    awa = shop(make, login_name="awa", cohort=ours)
    shop(make, login_name="bilal", cohort=theirs)
    phone = Phone()
    phone.sale(awa)
    owner = app.test_client()
    login(owner, awa.user)
    phone.push(owner)
    client = app.test_client()
    if role in ("artisan", "other_artisan"):
        client.post("/api/v1/session", json={"login": "awa" if role == "artisan" else "bilal",
                                             "pin": "2468"})
    elif role != "anonymous":
        client.post("/auth/login", data={"email": "coach@example.org" if role == "coach"
                                         else "other@example.org", "password": "demo-coach"})
    response = client.post(path, json={**phone.body(phone.outbox), "cookie": None})
    assert response.status_code == expected
    assert server_summary(awa.artisan_id).sales == 1  # nobody else's push counted twice


def test_a_phone_counting_from_an_older_copy_of_itself_is_told_to_start_a_new_client(client,
                                                                                   make):
    """The phone is behind the server (its storage came back from an older copy): its new
    sales reuse numbers the server already holds. Answering "duplicate" would lose them, so
    the server stops with 409 ``client_reset``; the phone sends them under a new client id."""
    s = shop(make)
    login(client, s.user)
    phone = Phone()
    for _ in range(5):
        phone.sale(s)
    phone.push(client)
    older = Phone(client_id=phone.client_id, seq=3, outbox=phone.outbox[:3])
    new_sales = [older.sale(s), older.sale(s)]  # seq 4 and 5 again, other sales
    response = older.push(client)
    assert response.status_code == 409
    assert response.json["client_reset"] is True and response.json["last_seq"] == 5
    assert statuses(response) == ["duplicate"] * 3
    assert server_summary(s.artisan_id).sales == 5
    fresh_client = Phone()
    renumbered = [{**m, "seq": n} for n, m in enumerate(older.outbox, start=1)]
    assert statuses(fresh_client.push(client, renumbered)) == ["duplicate"] * 3 + ["applied"] * 2
    assert {str(sale.id) for sale in sales_of(s.artisan_id)} >= {m["id"] for m in new_sales}
    assert server_summary(s.artisan_id).sales == 7


def test_a_retry_of_a_mutation_kept_under_a_new_id_is_still_a_duplicate(client, make, app):
    mine = shop(make, login_name="awa")
    theirs = shop(make, login_name="bilal")
    their_client = app.test_client()
    login(their_client, theirs.user)
    their_phone = Phone()
    taken = their_phone.sale(theirs)
    their_phone.push(their_client)
    login(client, mine.user)
    phone = Phone()
    phone.add("sale.record", Phone().sale(mine)["payload"], mutation_id=taken["id"])
    assert statuses(phone.push(client)) == ["rejected"]
    again = phone.push(client)
    assert again.status_code == 200 and statuses(again) == ["duplicate"]


def test_a_refused_mutation_sent_again_under_a_new_seq_is_answered_refused(client, make):
    """A till that re-queued a refused sale under a new number must hear it is refused, with
    the reason, not "duplicate" (it would show the sale as on the server)."""
    s = shop(make)
    login(client, s.user)
    phone = Phone()
    bad = phone.sale(s, split=[("cash", 1)])  # never adds up
    canceller = Phone()
    waiting = canceller.void(new_id())  # its sale never came
    good = phone.sale(s)
    [first, _] = phone.push(client).json["results"]
    canceller.push(client)
    phone.add("sale.record", bad["payload"], mutation_id=bad["id"])
    phone.add("sale.record", good["payload"], mutation_id=good["id"])
    canceller.add("sale.void", waiting["payload"], mutation_id=waiting["id"])
    client.get("/lang/fr")
    again = phone.push(client, phone.outbox[2:])
    assert again.status_code == 200 and again.json["last_seq"] == 4
    refused, applied = again.json["results"]
    assert (refused["id"], refused["status"], refused["reason"]) == (
        bad["id"], "rejected", first["reason"])
    assert refused["message"] not in ("", refused["reason"])  # said in French
    assert applied == {"id": good["id"], "status": "duplicate"}
    assert canceller.push(client, canceller.outbox[1:]).json["results"] == [
        {"id": waiting["id"], "status": "waiting"}]
    assert server_summary(s.artisan_id).sales == 1
    # The same id twice in one batch: the second is answered as the first was.
    twice = Phone()
    twice.add("sale.record", bad["payload"], mutation_id=new_id())
    twice.add("sale.record", bad["payload"], mutation_id=twice.outbox[0]["id"])
    assert [r["status"] for r in twice.push(client).json["results"]] == ["rejected", "rejected"]


def test_a_void_before_its_sale_in_a_batch_done_one_at_a_time_is_applied(client, make):
    """A batch the database refuses is done again one mutation at a time, each written in a
    savepoint: a void written waiting there must still be marked applied (or refused) when its
    sale comes later in the same batch."""
    s = shop(make)
    login(client, s.user)
    phone = Phone()
    phone.add("stall.open", {"stall_id": s.stall_id, "stock": [
        {"product_id": s.products[0], "quantity": 5}]})
    stored = phone.sale(s)
    phone.push(client)
    phone.add("sale.record", stored["payload"])  # its line ids are taken: one at a time
    sale = Phone().sale(s, items=[(0, 2)])
    phone.void(sale["id"])
    phone.add("sale.record", sale["payload"], mutation_id=sale["id"])
    bad = Phone().sale(s, split=[("cash", 1)])
    phone.void(bad["id"])
    phone.add("sale.record", bad["payload"], mutation_id=bad["id"])
    response = phone.push(client, phone.outbox[2:])
    assert statuses(response) == ["rejected", "waiting", "applied", "waiting", "rejected"]
    assert fresh(Sale, sale["id"]).voided
    assert stock_level(s.stall_id, s.products[0]) == 4
    void, refused_void = (fresh(SyncOp, m["id"]) for m in (phone.outbox[3], phone.outbox[5]))
    assert void.status == MutationStatus.APPLIED
    assert (refused_void.status, refused_void.reason) == (
        MutationStatus.REJECTED, "The sale this cancels was refused.")
    assert not ops_of(s.artisan_id, MutationStatus.WAITING)
    assert server_summary(s.artisan_id).sales == 1
