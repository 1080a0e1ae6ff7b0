"""Demo market days, recorded the way a phone records them: mutations pushed through sync.

Going through the sync protocol keeps the demo honest: its sales, stock movements and
totals are made by the same code as a real phone's.
"""

import datetime as dt
import random
import uuid
from zoneinfo import ZoneInfo

from . import reports
from .models import ArtisanProfile, Market, PaymentMethod, Product, Stall, utcnow

_DEMO_NAMESPACE = uuid.UUID("6f1d2d1e-7d8a-4c9e-9a51-2f7b6a3c0d11")
_METHODS = [PaymentMethod.CASH] * 12 + [PaymentMethod.CARD] * 7 + [PaymentMethod.TRANSFER]


def phone_id(login: str) -> uuid.UUID:
    """The client id of a demo artisan's phone: the same at every run, known to be the demo's."""
    return uuid.uuid5(_DEMO_NAMESPACE, f"phone-{login}")


class Phone:
    """One demo phone per artisan: its client id and its next ``seq``."""

    def __init__(self, login: str):
        self.client_id = phone_id(login)
        self.seq = 0
        self.mutations: list[dict] = []

    def add(self, kind: str, occurred_at: dt.datetime, payload: dict) -> str:
        self.seq += 1
        mutation_id = str(uuid.uuid4())
        self.mutations.append({"seq": self.seq, "id": mutation_id, "type": kind,
                               "occurred_at": occurred_at.isoformat(), "payload": payload})
        return mutation_id


def _moment(market: Market, minutes: int) -> dt.datetime:
    opens = dt.datetime.combine(market.date, market.opens_at or dt.time(10),
                                tzinfo=ZoneInfo(market.timezone))
    return opens + dt.timedelta(minutes=minutes)


def _sale(rng: random.Random, products: list[Product], stall: Stall) -> dict:
    lines = []
    for product in rng.sample(products, k=rng.choice([1, 1, 1, 2, 2, 3])):
        lines.append({"line_id": str(uuid.uuid4()), "product_id": str(product.id),
                      "label": product.name, "quantity": rng.choice([1, 1, 1, 2]),
                      "unit_price_cents": product.price_cents})
    total = reports.sale_total_cents(lines)
    discount = 100 * (total // 1000) if total >= 3000 and rng.random() < 0.15 else 0
    return {"stall_id": str(stall.id), "lines": lines, "discount_cents": discount,
            "payments": [{"payment_id": str(uuid.uuid4()), "method": rng.choice(_METHODS).value,
                          "amount_cents": total - discount}]}


def _sale_minutes(rng: random.Random, count: int, market: Market,
                  until: dt.datetime | None) -> list[int]:
    """Minutes after the opening of ``count`` sales, 8 to 40 apart, none later than ``until``."""
    minutes, at = [], 0
    for _ in range(count):
        at += rng.randint(8, 40)
        minutes.append(at)
    if until is not None and minutes:
        room = int((until - _moment(market, 0)).total_seconds() // 60) - 1
        if minutes[-1] > room:  # a morning that has only just begun: squeeze the sales in
            minutes = [max(1, at * max(room, 1) // minutes[-1]) for at in minutes]
    return minutes


def day_mutations(phone: Phone, stall: Stall, products: list[Product], market: Market,
                  count: int, close: bool, rng: random.Random,
                  until: dt.datetime | None = None) -> list[dict]:
    """Return the mutations of one artisan's market day: open, sales, a void, maybe close."""
    start = len(phone.mutations)
    stock = [{"product_id": str(p.id), "quantity": rng.randint(6, 14)} for p in products]
    float_cents = rng.choice([3000, 4000, 5000])
    phone.add("stall.open", _moment(market, -20),
              {"stall_id": str(stall.id), "cash_float_cents": float_cents, "stock": stock})
    minutes = 0
    sales = []
    for minutes in _sale_minutes(rng, count, market, until):
        payload = _sale(rng, products, stall)
        phone.add("sale.record", _moment(market, minutes), payload)
        sales.append({**payload, "id": phone.mutations[-1]["id"], "voided": False})
    if close and sales and rng.random() < 0.5:
        # A wrong tap, cancelled a minute later: history keeps both.
        phone.add("sale.void", _moment(market, minutes + 1),
                  {"sale_id": sales[-1]["id"], "reason": "error"})
        sales[-1]["voided"] = True
    if close:
        cash_in = reports.by_payment_method(sales)[PaymentMethod.CASH.value]
        counted = float_cents + cash_in - rng.choice([0, 0, 0, 200])
        phone.add("stall.close", _moment(market, 8 * 60 + 10),
                  {"stall_id": str(stall.id), "cash_counted_cents": counted, "note": ""})
    return phone.mutations[start:]


def record_day(profile: ArtisanProfile, phone: Phone, stall: Stall, products: list[Product],
               market: Market, count: int, close: bool, rng: random.Random,
               until: dt.datetime | None = None) -> None:
    """Push one artisan's market day through the sync protocol, as their phone would."""
    from .sync.push import push

    mutations = day_mutations(phone, stall, products, market, count, close, rng, until)
    # Sent "now": the demo's server clock and phone clock agree, so no clock is flagged.
    status, answer = push(profile.user_id, {
        "client_id": str(phone.client_id), "sent_at": utcnow().isoformat(),
        "app_version": "demo", "mutations": mutations})
    refused = [r for r in answer["results"] if r["status"] != "applied"]
    if status != 200 or refused:
        raise RuntimeError(f"the demo's own mutations were not all applied: {refused}")
