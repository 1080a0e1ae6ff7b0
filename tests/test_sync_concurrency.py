"""Two server workers at once: real threads, each with its own app context and connection,
against the SQLite file and PostgreSQL."""

import random
import threading
import time

from sqlalchemy import func, select, text

from marche.extensions import db
from marche.models import ArtisanProfile, Device, MovementKind, StockMovement
from marche.sync import locking, mutations, pull
from marche.sync.context import PushContext

from .conftest import only_on
from .sync_helpers import (
    Phone,
    apply_patch,
    fresh,
    login,
    server_summary,
    shop,
    stock_level,
)


def run_threads(app, *targets):
    """Run each target in its own thread and app context; re-raise the first failure."""
    failures = []

    def runner(target):
        try:
            with app.app_context():
                target()
        except BaseException as error:  # reported in the main thread below
            failures.append(error)

    threads = [threading.Thread(target=runner, args=(target,)) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not any(thread.is_alive() for thread in threads), "a worker hung"
    if failures:
        raise failures[0]


def slowed(monkeypatch, seconds=0.005):
    real = mutations.TYPES["sale.record"]

    def slow(ctx, op, payload):
        time.sleep(seconds)
        return real.apply(ctx, op, payload)

    monkeypatch.setitem(mutations.TYPES, "sale.record", real._replace(apply=slow))


def test_the_same_batch_on_two_workers_at_once_is_stored_once(app, make, monkeypatch):
    s = shop(make)
    db.session.commit()
    clients = [app.test_client() for _ in range(2)]
    for each in clients:
        login(each, s.user)
    phone = Phone()
    for _ in range(30):
        phone.sale(s)
    body = phone.body(phone.outbox)
    slowed(monkeypatch)  # the first push holds its lock a while: the second must wait
    barrier = threading.Barrier(2)
    answers = []

    def worker(each):
        def push():
            barrier.wait()
            response = each.post("/api/v1/sync/push", json=body)
            answers.append((response.status_code, response.json))
        return push

    run_threads(app, *(worker(each) for each in clients))
    assert [code for code, _ in answers] == [200, 200]
    kinds = sorted({r["status"] for r in answer["results"]} for _, answer in answers)
    assert kinds == [{"applied"}, {"duplicate"}]
    assert all(answer["last_seq"] == 30 for _, answer in answers)
    summary = server_summary(s.artisan_id)
    assert summary.sales == 30
    assert summary.takings_cents == 30 * 1800


def test_many_workers_replaying_overlapping_slices_store_each_sale_once(app, make):
    s = shop(make)
    db.session.commit()
    phones = [Phone() for _ in range(3)]
    for phone in phones:
        for _ in range(40):
            phone.sale(s, items=[(random.randrange(3), random.randint(1, 3))])
    workers = []
    rng = random.Random(7)
    for n in range(8):
        phone = phones[n % 3]
        client = app.test_client()
        login(client, s.user)
        slices = []
        for _ in range(6):
            start = rng.randrange(0, 40)
            slices.append(phone.outbox[start:start + rng.randint(1, 25)])
        slices.append(phone.outbox)  # at the end, each phone sends everything once more

        def work(client=client, phone=phone, slices=slices):
            for batch in slices:
                response = phone.push(client, batch)
                assert response.status_code in (200, 409), response.json
        workers.append(work)
    run_threads(app, *workers)
    expected = sum(m["payload"]["payments"][0]["amount_cents"]
                   for phone in phones for m in phone.outbox)
    summary = server_summary(s.artisan_id)
    assert summary.sales == 120
    assert summary.takings_cents == expected


def test_a_pull_while_a_push_is_in_flight_sees_all_of_it_or_none(app, make, monkeypatch):
    s = shop(make)
    client = app.test_client()
    login(client, s.user)
    seller, reader = Phone(), Phone()
    seller.sale(s)
    seller.push(client)
    cookie = reader.pull(client).json["cookie"]
    db.session.commit()
    for _ in range(20):
        seller.sale(s)

    halfway, version_read, pushed = threading.Event(), threading.Event(), threading.Event()
    real_apply = mutations.TYPES["sale.record"]

    def pausing(ctx, op, payload):
        flags = real_apply.apply(ctx, op, payload)
        if op.seq == 10:  # half the batch written, nothing committed
            halfway.set()
            assert version_read.wait(10)
        return flags

    real_since = pull.since

    def since_after_the_commit(artisan_id, since_cookie):
        version_read.set()  # this pull has read the version: now let the push commit
        assert pushed.wait(10)
        return real_since(artisan_id, since_cookie)

    monkeypatch.setitem(mutations.TYPES, "sale.record", real_apply._replace(apply=pausing))
    monkeypatch.setattr(pull, "since", since_after_the_commit)
    answers = {}
    pusher_client, reader_client = app.test_client(), app.test_client()
    login(pusher_client, s.user)
    login(reader_client, s.user)

    def push():
        answers["push"] = seller.push(pusher_client, seller.outbox[1:])
        pushed.set()

    def read():
        assert halfway.wait(10)
        answers["pull"] = reader.pull(reader_client, cookie=cookie)

    run_threads(app, push, read)
    assert answers["push"].status_code == 200
    during = answers["pull"].json
    # The pull read one moment: before the push committed. None of its rows, the old cookie.
    assert during["cookie"] == cookie
    assert during["patch"] == []
    monkeypatch.setattr(pull, "since", real_since)
    after = reader.pull(client, cookie=during["cookie"]).json
    state = apply_patch({}, after["patch"])
    assert len([key for key in state if key.startswith("sale/")]) == 20
    assert after["cookie"] == answers["push"].json["version"]


def test_a_pull_never_waits_on_a_push_of_the_same_phone(app, make, monkeypatch):
    """The phone's own push holds its client row: the pull answers at once, and only skips
    noting when it pulled (the lock timeout is 5 s on PostgreSQL, the write mutex 10 s)."""
    s = shop(make)
    client = app.test_client()
    login(client, s.user)
    phone = Phone()
    phone.sale(s)
    phone.push(client)
    db.session.commit()
    phone.sale(s)
    inside, pulled = threading.Event(), threading.Event()
    real_apply = mutations.TYPES["sale.record"]

    def holding(ctx, op, payload):
        inside.set()  # the client row and the artisan's version are locked from here
        assert pulled.wait(20)
        return real_apply.apply(ctx, op, payload)

    monkeypatch.setitem(mutations.TYPES, "sale.record", real_apply._replace(apply=holding))
    pusher, reader = app.test_client(), app.test_client()
    login(pusher, s.user)
    login(reader, s.user)
    answers = {}

    def push():
        answers["push"] = phone.push(pusher, phone.outbox[1:])

    def read():
        assert inside.wait(10)
        started = time.monotonic()
        try:
            answers["pull"] = phone.pull(reader)
        finally:
            answers["seconds"] = time.monotonic() - started
            pulled.set()

    run_threads(app, push, read)
    assert answers["pull"].status_code == 200 and answers["pull"].json["last_seq"] == 1
    assert answers["seconds"] < 1.5, answers["seconds"]
    assert answers["push"].status_code == 200 and answers["push"].json["last_seq"] == 2
    assert fresh(Device, phone.client_id).last_pull_at is None  # skipped, never waited for
    assert phone.pull(reader).json["last_seq"] == 2
    assert fresh(Device, phone.client_id).last_pull_at is not None


@only_on("sqlite")
def test_a_pull_never_waits_on_another_process_writing_sqlite(app, make, database):
    """Another process (a second server worker) holds SQLite's write lock: the pull answers at
    once instead of waiting the 5 s busy timeout, and skips noting when it pulled."""
    import sqlite3

    s = shop(make)
    client = app.test_client()
    login(client, s.user)
    phone = Phone()
    phone.sale(s)
    phone.push(client)
    db.session.commit()
    other = sqlite3.connect(db.engine.url.database, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        started = time.monotonic()
        response = phone.pull(client)
        seconds = time.monotonic() - started
    finally:
        other.rollback()
        other.close()
    assert response.status_code == 200 and response.json["last_seq"] == 1
    assert seconds < 1.5, seconds
    assert fresh(Device, phone.client_id).last_pull_at is None
    phone.pull(client)
    assert fresh(Device, phone.client_id).last_pull_at is not None


def _someone_waits_for_a_row_lock() -> bool:
    """Say whether a PostgreSQL session is waiting for a push's row lock right now."""
    with db.engine.connect() as connection:
        return bool(connection.execute(text(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            "AND query ILIKE :locking"), {"locking": "%FOR NO KEY UPDATE%"}).scalar())


def test_two_phones_of_one_artisan_pushing_at_once_keep_versions_in_order(app, make,
                                                                        monkeypatch):
    """Two phones the server knows already push at once: their client rows are two rows, so
    only the lock on the artisan's version keeps them apart. Each push gets its own version,
    and a phone that pulls between the two commits misses nothing when it patches forward."""
    s = shop(make)
    first, second, reader = Phone(), Phone(), Phone()
    clients = [app.test_client() for _ in range(3)]
    for each in clients:
        login(each, s.user)
    for phone, each in ((first, clients[0]), (second, clients[1])):
        phone.sale(s)
        assert phone.push(each).status_code == 200
    known = reader.pull(clients[2]).json
    state = apply_patch({}, known["patch"])
    db.session.commit()
    for _ in range(3):
        first.sale(s)
        second.sale(s, items=[(1, 2)])

    first_inside, second_inside, first_done, pulled = (threading.Event() for _ in range(4))
    postgresql = db.engine.dialect.name == "postgresql"
    real_apply = mutations.TYPES["sale.record"]

    def paced(ctx, op, payload):
        if str(ctx.device.id) == first.client_id and not first_inside.is_set():
            first_inside.set()
            # Hold the first push (its version read, nothing committed) until the second is
            # inside too, or is seen waiting for the lock (SQLite: its mutex, no telling).
            deadline = time.monotonic() + (5 if postgresql else 1)
            while not second_inside.wait(0.05) and time.monotonic() < deadline:
                if postgresql and _someone_waits_for_a_row_lock():
                    break
        elif str(ctx.device.id) == second.client_id and not second_inside.is_set():
            second_inside.set()
            assert pulled.wait(20)  # the reader pulls before this push commits
        return real_apply.apply(ctx, op, payload)

    monkeypatch.setitem(mutations.TYPES, "sale.record", real_apply._replace(apply=paced))
    answers = {}

    def push_first():
        answers["first"] = first.push(clients[0], first.outbox[1:])
        first_done.set()

    def push_second():
        assert first_inside.wait(10)
        answers["second"] = second.push(clients[1], second.outbox[1:])

    def read_between():
        try:
            assert first_done.wait(20) and second_inside.wait(20)
            answers["between"] = reader.pull(clients[2], cookie=known["cookie"])
        finally:
            pulled.set()

    run_threads(app, push_first, push_second, read_between)
    versions = [answers[name].json["version"] for name in ("first", "second")]
    assert all(answers[name].status_code == 200 for name in ("first", "second"))
    assert versions == [known["cookie"] + 1, known["cookie"] + 2]
    assert fresh(ArtisanProfile, s.artisan_id).version == known["cookie"] + 2
    between = answers["between"].json
    assert between["cookie"] == versions[0]
    apply_patch(state, between["patch"])
    after = reader.pull(clients[2], cookie=between["cookie"]).json
    assert after["cookie"] == versions[1]
    apply_patch(state, after["patch"])
    whole = apply_patch({}, reader.pull(clients[2]).json["patch"])
    assert state == whole
    assert len([key for key in whole if key.startswith("sale/")]) == 8
    assert server_summary(s.artisan_id).sales == 8


@only_on("postgresql")
def test_two_voids_of_one_sale_at_once_void_it_once_even_without_the_push_locks(
        app, make, monkeypatch):
    """The database itself writes a sale's void once: two phones voiding one sale in two
    workers, both having read it as not voided, give one void and one refusal, and the items
    go back to the stock once. (The artisan's lock is taken away to show it.)"""
    s = shop(make)
    db.session.commit()
    seller = Phone()
    seller.add("stall.open", {"stall_id": s.stall_id, "cash_float_cents": 0,
                              "stock": [{"product_id": s.products[0], "quantity": 5}]})
    sale = seller.sale(s, items=[(0, 2)])
    client = app.test_client()
    login(client, s.user)
    assert seller.push(client).status_code == 200

    def unlocked_profile(session, artisan_id):
        return session.get(ArtisanProfile, artisan_id)

    monkeypatch.setattr(locking, "lock_profile", unlocked_profile)
    both_read = threading.Barrier(2, timeout=10)
    real_sale = PushContext.sale

    def sale_then_wait(ctx, sale_id):
        found = real_sale(ctx, sale_id)
        both_read.wait()  # each push has seen the sale as not voided
        return found

    monkeypatch.setattr(PushContext, "sale", sale_then_wait)
    phones = [Phone(), Phone()]
    answers = []

    def voider(phone):
        def push():
            each = app.test_client()
            login(each, s.user)
            phone.void(sale["id"])
            response = phone.push(each)
            answers.append(response.json["results"][0])
        return push

    run_threads(app, *(voider(phone) for phone in phones))
    statuses = sorted(answer["status"] for answer in answers)
    assert statuses == ["applied", "rejected"], answers
    assert "already cancelled" in next(a["reason"] for a in answers if a["status"] == "rejected")
    db.session.expire_all()
    assert stock_level(s.stall_id, s.products[0]) == 5
    voids = db.session.execute(select(func.count()).select_from(StockMovement).where(
        StockMovement.kind == MovementKind.VOID)).scalar_one()
    assert voids == 1
    assert server_summary(s.artisan_id).sales == 0
