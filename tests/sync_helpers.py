"""Builders for the sync tests: a phone with its outbox, mutations as the till makes them,
and what the server holds afterwards."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from dataclasses import dataclass, field

from sqlalchemy import func, select

from marche import reports
from marche.extensions import db
from marche.models import Sale, StockMovement, SyncOp

PIN = "2468"
_logins = itertools.count(1)


def login(client, user, pin: str = PIN):
    """Log the test client in as this artisan, the way the phone does."""
    response = client.post("/api/v1/session", json={"login": user.login, "pin": pin})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response


def session_cookie(app, user) -> str:
    """Return a session cookie value for ``user``, for HTTP clients outside the test client."""
    serializer = app.session_interface.get_signing_serializer(app)
    return serializer.dumps({"_user_id": user.get_id(), "_fresh": True})


def now_iso(offset: dt.timedelta = dt.timedelta(0)) -> str:
    return (dt.datetime.now(dt.UTC) + offset).isoformat()


def new_id() -> str:
    return str(uuid.uuid4())


@dataclass
class Shop:
    """An artisan with a stall on today's market and a few products."""

    user: object
    stall_id: str
    products: list  # product ids (str)
    prices: dict  # product id -> price in cents
    stall: object = None

    @property
    def artisan_id(self) -> int:
        return self.user.id


def shop(make, login_name: str | None = None, cohort=None, market=None, products=3,
         price_cents=1800) -> Shop:
    login_name = login_name or f"artisan{next(_logins)}"
    cohort = cohort or make.cohort()
    user = make.artisan(login=login_name, cohort=cohort)
    market = market or make.market(cohort)
    stall = make.stall(market, user)
    made = [make.product(user, name=f"Item {n}", price_cents=price_cents + 100 * n)
            for n in range(products)]
    return Shop(user=user, stall_id=str(stall.id), products=[str(p.id) for p in made],
                prices={str(p.id): p.price_cents for p in made}, stall=stall)


@dataclass
class Phone:
    """One client: its id, its seq counter and everything it ever recorded (the outbox)."""

    client_id: str = field(default_factory=new_id)
    seq: int = 0
    outbox: list = field(default_factory=list)
    sent_at_offset: dt.timedelta = dt.timedelta(0)
    app_version: str = "1.4.0"

    def add(self, type_: str, payload: dict, mutation_id: str | None = None,
            occurred_at: str | None = None) -> dict:
        self.seq += 1
        mutation = {"seq": self.seq, "id": mutation_id or new_id(), "type": type_,
                    "occurred_at": occurred_at or now_iso(self.sent_at_offset),
                    "payload": payload}
        self.outbox.append(mutation)
        return mutation

    def sale(self, shop: Shop, items=None, method="cash", discount_cents=0, free=None,
             split=None, stall_id=None) -> dict:
        """Record a sale of ``items`` [(product index, quantity)] (and a free amount)."""
        items = items if items is not None else [(0, 1)]
        lines = [{"line_id": new_id(), "product_id": shop.products[index], "label": f"Item {index}",
                  "quantity": quantity, "unit_price_cents": shop.prices[shop.products[index]]}
                 for index, quantity in items]
        if free is not None:
            lines.append({"line_id": new_id(), "product_id": None, "label": "Free amount",
                          "quantity": 1, "unit_price_cents": free})
        total = sum(line["quantity"] * line["unit_price_cents"] for line in lines) - discount_cents
        if split:
            payments = [{"payment_id": new_id(), "method": m, "amount_cents": a} for m, a in split]
        else:
            payments = [{"payment_id": new_id(), "method": method, "amount_cents": total}]
        return self.add("sale.record", {"stall_id": stall_id or shop.stall_id, "lines": lines,
                                        "discount_cents": discount_cents, "payments": payments})

    def void(self, sale_id: str, reason="erreur") -> dict:
        return self.add("sale.void", {"sale_id": sale_id, "reason": reason})

    def body(self, mutations) -> dict:
        return {"client_id": self.client_id, "sent_at": now_iso(self.sent_at_offset),
                "app_version": self.app_version, "mutations": list(mutations)}

    def push(self, client, mutations=None):
        return client.post("/api/v1/sync/push", json=self.body(
            self.outbox if mutations is None else mutations))

    def pull(self, client, cookie=None, **extra):
        return client.post("/api/v1/sync/pull",
                           json={"client_id": self.client_id, "cookie": cookie, **extra})


def sales_of(artisan_id: int) -> list[Sale]:
    return list(db.session.execute(select(Sale).where(Sale.artisan_id == artisan_id)).scalars())


def server_summary(artisan_id: int) -> reports.Summary:
    db.session.expire_all()
    return reports.summarize(sales_of(artisan_id))


def stock_level(stall_id, product_id) -> int:
    return int(db.session.execute(select(func.coalesce(func.sum(StockMovement.quantity), 0)).where(
        StockMovement.stall_id == uuid.UUID(str(stall_id)),
        StockMovement.product_id == uuid.UUID(str(product_id)))).scalar_one())


def ops_of(artisan_id: int, status=None) -> list[SyncOp]:
    statement = select(SyncOp).where(SyncOp.artisan_id == artisan_id)
    if status is not None:
        statement = statement.where(SyncOp.status == status)
    return list(db.session.execute(statement.order_by(SyncOp.received_at, SyncOp.seq)).scalars())


def apply_patch(state: dict, patch: list) -> dict:
    """Apply a pull's patch to a phone's copy of the state, as the till does."""
    for op in patch:
        if op["op"] == "clear":
            state.clear()
        elif op["op"] == "put":
            state[op["key"]] = op["value"]
        elif op["op"] == "del":
            state.pop(op["key"], None)
    return state



def fresh(model, row_id):
    """Read a row as the database has it now (requests run in sessions of their own)."""
    db.session.expire_all()
    return db.session.get(model, uuid.UUID(str(row_id)) if not isinstance(row_id, int) else row_id)
