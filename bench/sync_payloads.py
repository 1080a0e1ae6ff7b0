"""Sync payload sizes for a typical market day: what a phone sends and gets, raw and gzipped.

A day: 20 products, the stall opened with stock, 60 sales (1 to 3 lines, cash, card, some
split), 2 voids, 3 restocks, a price changed, the close. The phone pushes after each sale and
pulls after each push (the design), then a phone that stayed offline all day sends it all at
once. Run: ``python bench/sync_payloads.py`` (a throwaway SQLite database).
"""

import datetime as dt
import gzip
import json
import random
import sys
import tempfile
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from marche import create_app  # noqa: E402
from marche.extensions import db  # noqa: E402
from marche.models import ArtisanProfile, Cohort, Market, Product, Role, Stall, User  # noqa: E402
from marche.security import hash_secret  # noqa: E402

SALES, PRODUCTS = 60, 20


def setup(app):
    with app.app_context():
        db.create_all()
        cohort = Cohort(name="FAB")
        user = User(role=Role.ARTISAN, name="Awa", login="awa", pin_hash=hash_secret("2468"))
        user.profile = ArtisanProfile(slug="awa", display_name="Awa Diallo", cohort=cohort)
        market = Market(cohort=cohort, slug="guilands", name="Marché des Guilands",
                        place="Cour Carrée", date=dt.date.today())
        stall = Stall(market=market, artisan=user.profile, number=7, slug="awa7")
        products = [Product(artisan=user.profile, name=f"Bol raku n°{n}",
                            price_cents=800 + 150 * n, cost_cents=300) for n in range(PRODUCTS)]
        db.session.add_all([user, market, stall, *products])
        db.session.commit()
        return str(stall.id), [(str(p.id), p.name, p.price_cents) for p in products]


def day(stall_id, products, rng):
    """Yield the day's mutations as the till makes them: (type, payload)."""
    yield "stall.open", {"stall_id": stall_id, "cash_float_cents": 5000, "stock": [
        {"product_id": pid, "quantity": rng.randint(2, 8)} for pid, _, _ in products]}
    for n in range(SALES):
        lines = [{"line_id": str(uuid.uuid4()), "product_id": pid, "label": name,
                  "quantity": rng.randint(1, 2), "unit_price_cents": price}
                 for pid, name, price in rng.sample(products, rng.choice([1, 1, 1, 2, 3]))]
        total = sum(line["quantity"] * line["unit_price_cents"] for line in lines)
        if rng.random() < 0.05:
            payments = [("cash", total // 2), ("card", total - total // 2)]
        else:
            payments = [(rng.choice(["cash", "cash", "card"]), total)]
        sale = {"stall_id": stall_id, "lines": lines, "discount_cents": 0, "payments": [
            {"payment_id": str(uuid.uuid4()), "method": m, "amount_cents": a}
            for m, a in payments]}
        yield "sale.record", sale
        if n in (20, 45):
            yield "sale.void", {"sale_id": "LAST", "reason": "erreur"}
        if n in (15, 30, 50):
            yield "stock.adjust", {"stall_id": stall_id, "product_id": products[n % 5][0],
                                   "kind": "restock", "quantity": 3}
        if n == 40:
            yield "product.upsert", {"product_id": products[0][0], "base_version": 1,
                                     "price_cents": 700}
    yield "stall.close", {"stall_id": stall_id, "cash_counted_cents": 123400, "note": ""}


def outbox(stall_id, products, rng) -> list[dict]:
    """Return the day's mutations with their seq and id, as the phone's outbox holds them."""
    mutations, last_sale = [], None
    for seq, (kind, payload) in enumerate(day(stall_id, products, rng), start=1):
        mutation_id = str(uuid.uuid4())
        if kind == "sale.void":
            payload = {**payload, "sale_id": last_sale}
        if kind == "sale.record":
            last_sale = mutation_id
        mutations.append({"seq": seq, "id": mutation_id, "type": kind,
                          "occurred_at": dt.datetime.now(dt.UTC).isoformat(),
                          "payload": payload})
    return mutations


def size(data) -> tuple[int, int]:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return len(raw), len(gzip.compress(raw))


def main():
    folder = tempfile.mkdtemp()
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite3",
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1",
                      "RATELIMIT_STORAGE_URI": "memory://",
                      "PUBLIC_URL": "https://marche.example.org"})
    stall_id, products = setup(app)
    mutations = outbox(stall_id, products, random.Random(2026))
    def body(client_id, batch):
        return {"client_id": client_id, "sent_at": dt.datetime.now(dt.UTC).isoformat(),
                "app_version": "1.4.0", "mutations": batch}

    client = app.test_client()
    assert client.post("/api/v1/session", json={"login": "awa", "pin": "2468"}).status_code == 200
    phone = str(uuid.uuid4())
    first_pull = client.post("/api/v1/sync/pull", json={"client_id": phone}).json
    cookie = first_pull["cookie"]
    sent, answered, patches, sale_push, sale_patch = [0, 0], [0, 0], [0, 0], None, None
    for mutation in mutations:  # online: a push after each change, then a pull
        request = body(phone, [mutation])
        answer = client.post("/api/v1/sync/push", json=request).json
        pulled = client.post("/api/v1/sync/pull", json={"client_id": phone, "cookie": cookie}).json
        cookie = pulled["cookie"]
        for total, data in ((sent, request), (answered, answer), (patches, pulled)):
            raw, zipped = size(data)
            total[0] += raw
            total[1] += zipped
        if mutation["type"] == "sale.record" and sale_push is None and mutation["seq"] > 5:
            sale_push, sale_patch = size(request), size(pulled)
    offline = str(uuid.uuid4())  # a second phone with the whole day in its outbox
    backlog = body(offline, [{**m, "seq": n} for n, m in enumerate(
        (m for m in outbox(stall_id, products, random.Random(7)) if m["type"] == "sale.record"),
        start=1)])
    backlog_answer = client.post("/api/v1/sync/push", json=backlog).json
    assert backlog_answer["last_seq"] == SALES
    full_after_close = client.post("/api/v1/sync/pull", json={"client_id": phone}).json
    with app.app_context():
        stall = db.session.get(Stall, uuid.UUID(stall_id))
        stall.status = stall.status.OPEN  # as it stood before the close, for the midday view
        db.session.commit()
    midday_state = client.post("/api/v1/sync/pull", json={"client_id": phone}).json

    rows = [
        ("one sale pushed (request)", sale_push),
        ("its patch (pull answer)", sale_patch),
        (f"day online: {len(mutations)} pushes (requests)", tuple(sent)),
        (f"day online: {len(mutations)} push answers", tuple(answered)),
        (f"day online: {len(mutations)} pull answers", tuple(patches)),
        ("first pull, empty day (whole state)", size(first_pull)),
        (f"whole state, open stall, {2 * SALES} sales", size(midday_state)),
        ("whole state after the close (sales leave)", size(full_after_close)),
        (f"offline phone: {SALES} sales in one push", size(backlog)),
        ("its answer", size(backlog_answer)),
    ]
    print(f"{'payload':52} {'bytes':>9} {'gzip':>8} {'ratio':>6}")
    for label, (raw, zipped) in rows:
        print(f"{label:52} {raw:9,d} {zipped:8,d} {raw / zipped:6.1f}")
    online = sent[0] + answered[0] + patches[0]
    print(f"day online, all sync traffic: {online / 1024:.0f} KiB raw, "
          f"{(sent[1] + answered[1] + patches[1]) / 1024:.0f} KiB gzipped; "
          f"per sale {online / SALES / 1024:.1f} KiB raw")


if __name__ == "__main__":
    main()
