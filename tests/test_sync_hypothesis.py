"""Property: whatever the order of pushes, replays, gaps and voids from two phones, the server's
totals (computed by ``reports``) equal the totals of the distinct live sales it has received."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from marche import reports

from .sync_helpers import Phone, login, server_summary, shop

PHONES = 2


@st.composite
def histories(draw):
    """What two phones recorded offline (sales, some bad, voids of any earlier sale), and an
    arbitrary schedule of pushes: (phone, first mutation, how many)."""
    events = []
    for index in range(draw(st.integers(1, 8))):
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


@settings(max_examples=25, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(history=histories())
def test_any_interleaving_leaves_the_totals_of_the_distinct_live_sales(client, make, history):
    events, schedule = history
    s = shop(make)
    login(client, s.user)
    phones, sales = record(events, s)
    confirmed = [0] * PHONES
    for phone_index, start, length in schedule:
        outbox = phones[phone_index].outbox
        if not outbox:
            continue
        start %= len(outbox)
        response = phones[phone_index].push(client, outbox[start:start + length])
        assert response.status_code in (200, 409)
        confirmed[phone_index] = response.json["last_seq"]
        assert server_summary(s.artisan_id) == expected_summary(phones, confirmed, sales)
    for index, phone in enumerate(phones):  # in the end every phone gets through
        if phone.outbox:
            response = phone.push(client, phone.outbox[confirmed[index]:])
            assert response.status_code == 200
            confirmed[index] = response.json["last_seq"]
    assert confirmed == [len(phone.outbox) for phone in phones]
    assert server_summary(s.artisan_id) == expected_summary(phones, confirmed, sales)
