"""Fault injection: 20 phones replay random slices of their outboxes through a network that
answers 503, resets connections, cuts requests and loses answers after the commit, to a server
that itself fails some pushes in the middle of their transaction (503 after a rollback).

At the end every sale is on the server exactly once, every stock level equals what the phones'
history says (and the sum of its movements), and every voided sale is voided exactly once.
``MARCHE_SYNC_FAULT_MUTATIONS`` sets the size (default: 10,000 mutations in all).
"""

import os
import random
import threading
import time
import uuid
from collections import Counter, defaultdict

from sqlalchemy import func, select

from marche import reports
from marche.extensions import db
from marche.models import Device, MovementKind, MutationStatus, Sale, StockMovement, SyncOp
from marche.sync import push

from .sync_faults import FaultyProxy, ServerFaults, http_post, login_cookie, serve
from .sync_helpers import PIN, Phone, apply_patch, fresh, shop

MUTATIONS = int(os.environ.get("MARCHE_SYNC_FAULT_MUTATIONS", "10000"))
ARTISANS, PHONES_EACH = 5, 4
OPENING = 60


class Model:
    """What the phones did, hence what the server must end up holding."""

    def __init__(self):
        self.good_sales: dict[str, dict] = {}  # sale id -> sale as the till made it
        self.voided: set[str] = set()
        self.stock: Counter = Counter()  # (stall_id, product_id) -> expected level
        self.bad = 0
        self.second_voids = 0


def make_outboxes(shops, rng: random.Random, model: Model) -> list[tuple]:
    per_phone = MUTATIONS // (ARTISANS * PHONES_EACH)
    phones = []
    for s in shops:
        sales_of_artisan: list[str] = []
        for index in range(PHONES_EACH):
            phone = Phone()
            if index == 0:
                phone.add("stall.open", {"stall_id": s.stall_id, "cash_float_cents": 3000,
                                         "stock": [{"product_id": p, "quantity": OPENING}
                                                   for p in s.products]})
                for product in s.products:
                    model.stock[(s.stall_id, product)] += OPENING
            while len(phone.outbox) < per_phone:
                _one(phone, s, rng, model, sales_of_artisan)
            phones.append((s, phone))
    return phones


def _one(phone, s, rng, model, sales_of_artisan) -> None:
    roll = rng.random()
    if roll < 0.03:  # a sale whose payments do not add up: rejected, never counted
        phone.sale(s, split=[("cash", 1)])
        model.bad += 1
    elif roll < 0.11 and sales_of_artisan:  # a void, maybe of another phone's sale
        target = rng.choice(sales_of_artisan)
        if target in model.voided:
            model.second_voids += 1
        model.voided.add(target)
        phone.void(target, reason=rng.choice(["erreur", "retour", "autre"]))
    elif roll < 0.15:
        product = rng.choice(s.products)
        quantity = rng.randint(1, 5)
        phone.add("stock.adjust", {"stall_id": s.stall_id, "product_id": product,
                                   "kind": "restock", "quantity": quantity})
        model.stock[(s.stall_id, product)] += quantity
    elif roll < 0.153 and (own := [m for m in phone.outbox if m["id"] in model.good_sales]):
        # A till that re-queued one of its sales under a new id: the line ids are taken, so
        # the copy is refused, and the server does that batch again one mutation at a time.
        phone.add("sale.record", rng.choice(own)["payload"])
        model.bad += 1
    else:
        items = [(rng.randrange(len(s.products)), rng.randint(1, 3))
                 for _ in range(rng.randint(1, 3))]
        total = sum(q * s.prices[s.products[i]] for i, q in items)
        discount = rng.choice([0, 0, 0, 100])
        cash = rng.randint(0, total - discount)
        split = [("cash", cash), ("card", total - discount - cash)]
        sale = phone.sale(s, items=items, discount_cents=discount, split=split)
        model.good_sales[sale["id"]] = sale
        sales_of_artisan.append(sale["id"])
        for index, quantity in items:
            model.stock[(s.stall_id, s.products[index])] -= quantity


class Figures:
    def __init__(self):
        self.lock = threading.Lock()
        self.counts: Counter = Counter()

    def add(self, **amounts) -> None:
        with self.lock:
            self.counts.update(amounts)


def drive(proxy_port: int, phone: Phone, cookie: str, rng: random.Random, figures: Figures):
    """Push the outbox to the end like a stubborn phone: replays, skips, retries."""
    confirmed, requests, cookie_value = 0, 0, None
    while confirmed < len(phone.outbox):
        requests += 1
        assert requests < 5000, "this phone never got through"
        roll = rng.random()
        if roll < 0.2:  # replay some confirmed mutations with the new ones
            start = rng.randint(max(0, confirmed - 40), confirmed)
        elif roll < 0.25:  # a phone that lost track: skips ahead
            start = min(confirmed + rng.randint(1, 5), len(phone.outbox) - 1)
        else:
            start = confirmed
        batch = phone.outbox[start:start + rng.randint(1, 80)]
        figures.add(requests=1, mutations_sent=len(batch))
        answer = http_post(proxy_port, "/api/v1/sync/push", phone.body(batch), cookie)
        if answer is None or answer[0] in (502, 503, 400):
            if answer is None:
                failure = "network"
            elif answer[0] == 503:  # the proxy's 503 is empty; the server's says so in JSON
                failure = "503_server" if answer[1].get("code") == 503 else "503_proxy"
            else:
                failure = str(answer[0])
            figures.add(retries=1, **{"failed_" + failure: 1})
            time.sleep(rng.uniform(0, 0.003))
            continue
        status, body = answer
        assert status in (200, 409), (status, body)
        if status == 409:
            figures.add(gaps_409=1)
        figures.add(duplicates_absorbed=sum(r["status"] == "duplicate" for r in body["results"]))
        confirmed = body["last_seq"]
        if rng.random() < 0.1:
            pulled = http_post(proxy_port, "/api/v1/sync/pull",
                               {"client_id": phone.client_id, "cookie": cookie_value}, cookie)
            if pulled is not None and pulled[0] == 200:
                cookie_value = pulled[1]["cookie"]
                figures.add(pulls=1)


def count_careful_pushes(monkeypatch) -> Counter:
    """Count the pushes the server does again one mutation at a time (``careful``)."""
    counts: Counter = Counter()
    real = push._push

    def counted(*args):
        counts["careful"] += bool(args[-1])
        return real(*args)

    monkeypatch.setattr(push, "_push", counted)
    return counts


def test_every_sale_once_through_a_faulty_network(app, make, capsys, monkeypatch):
    rng = random.Random(int(os.environ.get("MARCHE_SYNC_FAULT_SEED", "20260614")))
    cohort = make.cohort()
    market = make.market(cohort)
    shops = [shop(make, login_name=f"fault{n}", cohort=cohort, market=market, products=5)
             for n in range(ARTISANS)]
    db.session.commit()
    model = Model()
    phones = make_outboxes(shops, rng, model)
    figures = Figures()
    server_faults = ServerFaults(seed=rng.randint(0, 10**6))
    server_faults.install(monkeypatch)
    careful = count_careful_pushes(monkeypatch)
    started = time.monotonic()
    with serve(app) as port, FaultyProxy(port, seed=rng.randint(0, 10**6)) as proxy:
        cookies = {s.user.login: login_cookie(port, s.user.login, PIN) for s in shops}
        failures: list[BaseException] = []

        def run(s, phone, seed):
            try:
                drive(proxy.port, phone, cookies[s.user.login], random.Random(seed), figures)
            except BaseException as error:  # reported below, in the test's thread
                failures.append(error)

        threads = [threading.Thread(target=run, args=(s, phone, rng.random()))
                   for s, phone in phones]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(300)
        assert not failures, failures[0]
        final_states = {s.user.login: http_post(port, "/api/v1/sync/pull", {
            "client_id": str(uuid.uuid4()), "cookie": None}, cookies[s.user.login])
            for s in shops}
        fates = dict(proxy.fates)
    elapsed = time.monotonic() - started
    db.session.expire_all()
    counts = figures.counts
    # Every kind of fault happened, or this test proves nothing about it.
    assert proxy.dropped_after_commit > 0  # committed, the answer lost
    assert fates.get("reset", 0) > 0 and fates.get("cut", 0) > 0
    assert counts["failed_503_proxy"] > 0
    assert server_faults.injected > 0 and counts["failed_503_server"] > 0
    assert counts["gaps_409"] > 0 and counts["duplicates_absorbed"] > 0
    assert careful["careful"] > 0

    # Every phone's mutations are confirmed.
    for _s, phone in phones:
        device = fresh(Device, phone.client_id)
        assert device.last_seq == len(phone.outbox)
    artisan_ids = [s.artisan_id for s in shops]
    sales = db.session.execute(select(Sale).where(Sale.artisan_id.in_(artisan_ids))).scalars().all()
    # Every good sale is on the server, exactly once, and nothing else is.
    assert sorted(str(sale.id) for sale in sales) == sorted(model.good_sales)
    # Every voided sale is voided exactly once: one applied void each, none left waiting.
    assert {str(sale.id) for sale in sales if sale.voided} == model.voided
    applied_voids = db.session.execute(select(func.count(SyncOp.id)).where(
        SyncOp.type == "sale.void", SyncOp.status == MutationStatus.APPLIED)).scalar_one()
    assert applied_voids == len(model.voided)
    void_movements = db.session.execute(select(func.count(func.distinct(
        StockMovement.mutation_id))).where(StockMovement.kind == MovementKind.VOID)).scalar_one()
    assert void_movements == len(model.voided)
    assert db.session.execute(select(func.count(SyncOp.id)).where(
        SyncOp.status == MutationStatus.WAITING)).scalar_one() == 0
    rejected = db.session.execute(select(func.count(SyncOp.id)).where(
        SyncOp.status == MutationStatus.REJECTED)).scalar_one()
    assert rejected == model.bad + model.second_voids
    # Every stock level is what the phones' history says, summed from its movements:
    # a voided sale gives its items back.
    for sale_id in model.voided:
        for line in model.good_sales[sale_id]["payload"]["lines"]:
            model.stock[(model.good_sales[sale_id]["payload"]["stall_id"], line["product_id"])] \
                += line["quantity"]
    levels = dict(((str(stall), str(product)), int(level)) for stall, product, level in
                  db.session.execute(select(StockMovement.stall_id, StockMovement.product_id,
                                            func.sum(StockMovement.quantity))
                                     .group_by(StockMovement.stall_id, StockMovement.product_id)))
    assert levels == {key: level for key, level in model.stock.items()}
    for s in shops:
        status, body = final_states[s.user.login]
        state = apply_patch({}, body["patch"])
        pulled = {(v["stall_id"], v["product_id"]): v["quantity"]
                  for k, v in state.items() if k.startswith("stock/")}
        assert pulled == {k: v for k, v in model.stock.items() if k[0] == s.stall_id}
    # The totals the screens show equal the totals of the distinct live sales.
    expected_sales = defaultdict(list)
    for sale_id, sale in model.good_sales.items():
        artisan = next(s.artisan_id for s in shops if s.stall_id == sale["payload"]["stall_id"])
        expected_sales[artisan].append({**sale["payload"], "voided": sale_id in model.voided,
                                        "total_cents": sum(p["amount_cents"] for p in
                                                           sale["payload"]["payments"])})
    for artisan in artisan_ids:
        server = reports.summarize(s for s in sales if s.artisan_id == artisan)
        assert server == reports.summarize(expected_sales[artisan])

    with capsys.disabled():
        print(f"\nfault injection on {db.engine.dialect.name}: {len(phones)} phones, "
              f"{sum(len(p.outbox) for _, p in phones)} mutations recorded, "
              f"{counts['mutations_sent']} sent in {counts['requests']} requests, "
              f"{counts['retries']} retries (network {counts['failed_network']}, "
              f"503 from the proxy {counts['failed_503_proxy']}, "
              f"503 from the server {counts['failed_503_server']}, "
              f"400 {counts['failed_400']}), "
              f"{counts['duplicates_absorbed']} duplicates absorbed, {counts['gaps_409']} 409s, "
              f"{counts['pulls']} pulls; proxy fates {fates}, "
              f"{proxy.dropped_after_commit} push answers dropped after the commit; "
              f"{server_faults.injected} server faults injected mid-push, "
              f"{careful['careful']} pushes done one mutation at a time; "
              f"{len(sales)} sales on the server ({len(model.voided)} voided), "
              f"{rejected} rejected; {elapsed:.1f} s")
