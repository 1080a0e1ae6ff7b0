"""Property: whatever the order of pushes, replays, gaps and voids from two phones, the server's
totals (computed by ``reports``) equal the totals of the distinct live sales it has received,
and every stock level (the sum of its movements, and what a pull says) equals what the
mutations it received, in the order they arrived, add up to."""

import os
import uuid
from collections import Counter, defaultdict

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from marche import reports
from marche.extensions import db
from marche.models import StockMovement

from .sync_helpers import Phone, apply_patch, login, server_summary, shop

PHONES = 2
# About 12 s on each database; MARCHE_SYNC_HYPOTHESIS_EXAMPLES runs that many on each.
EXAMPLES = ({"sqlite": 140, "postgresql": 70} if "MARCHE_SYNC_HYPOTHESIS_EXAMPLES" not in os.environ
            else defaultdict(lambda: int(os.environ["MARCHE_SYNC_HYPOTHESIS_EXAMPLES"])))


@st.composite
def histories(draw):
    """What two phones recorded offline (sales, some bad, voids of any earlier sale), and an
    arbitrary schedule of pushes: (phone, first mutation, how many)."""
    events = []
    for index in range(draw(st.integers(1, 8))):
        stock_event = draw(st.integers(0, 9))
        if stock_event == 0:  # an opening (a second one is refused: stock is never doubled)
            events.append(("open", draw(st.integers(0, PHONES - 1)),
                           draw(st.lists(st.integers(0, 5), min_size=3, max_size=3))))
        elif stock_event <= 2:
            events.append(("adjust", draw(st.integers(0, PHONES - 1)), {
                "product": draw(st.integers(0, 2)),
                "kind": draw(st.sampled_from(["restock", "loss", "count"])),
                "quantity": draw(st.integers(1, 6)), "shown": draw(st.integers(-3, 8))}))
        events.append(("sale", draw(st.integers(0, PHONES - 1)), {
            "items": draw(st.lists(st.tuples(st.integers(0, 2), st.integers(1, 3)),
                                   min_size=1, max_size=3)),
            "method": draw(st.sampled_from(["cash", "card", "transfer", "other"])),
            "discount": draw(st.sampled_from([0, 0, 50])),
            "bad": draw(st.integers(0, 9)) == 0,
        }))
        for _ in range(draw(st.integers(0, 2))):
            events.append(("void", draw(st.integers(0, PHONES - 1)),
                           draw(st.integers(0, index))))
    schedule = draw(st.lists(st.tuples(st.integers(0, PHONES - 1), st.integers(0, 30),
                                       st.integers(1, 8)), max_size=15))
    return events, schedule


def record(events, s) -> tuple[list[Phone], dict]:
    phones = [Phone() for _ in range(PHONES)]
    sales = []  # index -> sale mutation
    for kind, phone_index, data in events:
        phone = phones[phone_index]
        if kind == "sale":
            split = [("cash", 1)] if data["bad"] else None
            sales.append(phone.sale(s, items=data["items"], method=data["method"],
                                    discount_cents=data["discount"], split=split))
        elif kind == "open":
            phone.add("stall.open", {"stall_id": s.stall_id, "stock": [
                {"product_id": product, "quantity": quantity}
                for product, quantity in zip(s.products, data, strict=True)]})
        elif kind == "adjust":
            phone.add("stock.adjust", {"stall_id": s.stall_id,
                                       "product_id": s.products[data["product"]],
                                       "kind": data["kind"], "quantity": data["quantity"],
                                       "shown": data["shown"]})
        else:
            phone.void(sales[data]["id"])
    return phones, {sale["id"]: sale for sale in sales}


def expected_summary(phones, confirmed, sales) -> reports.Summary:
    """The totals of the distinct live sales among the mutations the server confirmed."""
    delivered = [m for phone, upto in zip(phones, confirmed, strict=True)
                 for m in phone.outbox[:upto]]
    voided = {m["payload"]["sale_id"] for m in delivered if m["type"] == "sale.void"}
    live = []
    for mutation in delivered:
        if mutation["type"] != "sale.record":
            continue
        payload = mutation["payload"]
        total = sum(line["quantity"] * line["unit_price_cents"] for line in payload["lines"])
        total -= payload["discount_cents"]
        if sum(p["amount_cents"] for p in payload["payments"]) != total:
            continue  # refused by the server: never counted
        live.append({**payload, "total_cents": total, "voided": mutation["id"] in voided})
    return reports.summarize(live)


def adds_up(payload: dict) -> bool:
    total = sum(line["quantity"] * line["unit_price_cents"] for line in payload["lines"])
    return sum(p["amount_cents"] for p in payload["payments"]) == total - payload["discount_cents"]


def expected_stock(arrived: list[dict]) -> dict:
    """The stock levels the mutations add up to, taken in the order the server got them."""
    levels, opened, sold, voided = Counter(), False, {}, set()
    for mutation in arrived:
        payload, kind = mutation["payload"], mutation["type"]
        if kind == "stall.open" and not opened:
            opened = True
            for line in payload["stock"]:
                levels[(payload["stall_id"], line["product_id"])] += line["quantity"]
        elif kind == "stock.adjust":
            delta = {"restock": payload["quantity"], "loss": -payload["quantity"]}.get(
                payload["kind"], payload["quantity"] - payload["shown"])
            levels[(payload["stall_id"], payload["product_id"])] += delta
        elif kind == "sale.record" and adds_up(payload):
            sold[mutation["id"]] = payload
            for line in payload["lines"]:
                levels[(payload["stall_id"], line["product_id"])] -= line["quantity"]
        elif kind == "sale.void":
            voided.add(payload["sale_id"])
    for sale_id in voided & set(sold):  # a void gives the items back once, whenever it came
        for line in sold[sale_id]["lines"]:
            levels[(sold[sale_id]["stall_id"], line["product_id"])] += line["quantity"]
    return dict(levels)  # a Counter would take a missing level for a zero one


def stock_movements(stall_id: str) -> dict:
    """Each stock level of the stall as the sum of its movements."""
    return {(stall_id, str(product)): int(level) for product, level in db.session.execute(
        select(StockMovement.product_id, func.sum(StockMovement.quantity))
        .where(StockMovement.stall_id == uuid.UUID(stall_id))
        .group_by(StockMovement.product_id))}


def test_any_interleaving_leaves_the_totals_and_stock_of_what_arrived(client, make, database):
    # As many examples as run in about 12 s on each database (PostgreSQL is the slower).
    @settings(max_examples=EXAMPLES.get(database, 100), deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(history=histories())
    def check(history):
        one_history(client, make, history)

    check()


def one_history(client, make, history) -> None:
    events, schedule = history
    s = shop(make)
    login(client, s.user)
    phones, sales = record(events, s)
    confirmed = [0] * PHONES
    arrived = []  # the mutations in the order the server applied them

    def push(phone_index, batch, expected_statuses):
        response = phones[phone_index].push(client, batch)
        assert response.status_code in expected_statuses
        last_seq = response.json["last_seq"]
        arrived.extend(phones[phone_index].outbox[confirmed[phone_index]:last_seq])
        confirmed[phone_index] = last_seq
        assert server_summary(s.artisan_id) == expected_summary(phones, confirmed, sales)
        assert stock_movements(s.stall_id) == expected_stock(arrived)

    for phone_index, start, length in schedule:
        outbox = phones[phone_index].outbox
        if not outbox:
            continue
        start %= len(outbox)
        push(phone_index, outbox[start:start + length], (200, 409))
    for index, phone in enumerate(phones):  # in the end every phone gets through
        if phone.outbox:
            push(index, phone.outbox[confirmed[index]:], (200,))
    assert confirmed == [len(phone.outbox) for phone in phones]
    # What a phone is told: each level as the server sums it, equal to the movements.
    state = apply_patch({}, Phone().pull(client).json["patch"])
    pulled = {(v["stall_id"], v["product_id"]): v["quantity"]
              for key, v in state.items() if key.startswith("stock/")}
    assert pulled == stock_movements(s.stall_id) == expected_stock(arrived)
