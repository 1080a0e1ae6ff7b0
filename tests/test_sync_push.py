"""Push: what each mutation type does, and what the server refuses (stored, never dropped)."""

import uuid

import pytest

from marche.extensions import db
from marche.models import (
    Device,
    MovementKind,
    MutationStatus,
    Product,
    ProductConflict,
    Sale,
    Stall,
    StallStatus,
    StockMovement,
    SyncOp,
)

from .sync_helpers import (
    Phone,
    fresh,
    login,
    new_id,
    ops_of,
    server_summary,
    shop,
    stock_level,
)


def statuses(response):
    return [result["status"] for result in response.json["results"]]


def test_a_sale_is_stored_with_its_lines_payments_and_stock(client, make):
    s = shop(make)
    login(client, s.user)
    phone = Phone()
    phone.add("stall.open", {"stall_id": s.stall_id, "cash_float_cents": 5000,
                             "stock": [{"product_id": s.products[0], "quantity": 5}]})
    sale = phone.sale(s, items=[(0, 2)], free=500)
    response = phone.push(client)
    assert response.status_code == 200
    assert response.json["last_seq"] == 2
    assert statuses(response) == ["applied", "applied"]
    summary = server_summary(s.artisan_id)
    assert summary.takings_cents == 2 * s.prices[s.products[0]] + 500
    assert summary.sales == 1
    assert stock_level(s.stall_id, s.products[0]) == 3
    stored = fresh(Sale, sale["id"])
    assert [line.label for line in stored.lines] == ["Item 0", "Free amount"]
    assert stored.lines[1].product_id is None
    stall = fresh(Stall, s.stall_id)
    assert stall.status == StallStatus.OPEN and stall.cash_float_cents == 5000


def test_split_payment_and_discount_add_up(client, make):
    s = shop(make, price_cents=1000)
    login(client, s.user)
    phone = Phone()
    phone.sale(s, items=[(0, 2)], discount_cents=200, split=[("cash", 1000), ("card", 800)])
    response = phone.push(client)
    assert statuses(response) == ["applied"]
    summary = server_summary(s.artisan_id)
    assert summary.takings_cents == 1800
    assert summary.by_method["cash"] == 1000 and summary.by_method["card"] == 800


@pytest.mark.parametrize("discount, split, stated", [
    (0, [("cash", 999)], None),             # paid less than the total
    (0, [("cash", 1000), ("card", 1)], None),  # paid more
    (5000, [("cash", 0)], None),            # discount above the lines
    (0, [("cash", 1000)], 999),             # stated total differs
])
def test_totals_that_do_not_add_up_are_rejected_with_the_figures(client, make, discount, split,
                                                                   stated):
    s = shop(make, price_cents=1000)
    login(client, s.user)
    phone = Phone()
    bad = phone.sale(s, items=[(0, 1)], discount_cents=discount, split=split)
    if stated is not None:
        bad["payload"]["total_cents"] = stated
    response = phone.push(client)
    assert statuses(response) == ["rejected"]
    assert response.json["results"][0]["reason"] == "The amounts of this sale do not add up."
    op = ops_of(s.artisan_id)[0]
    assert op.status == MutationStatus.REJECTED
    assert op.reason_detail["lines_cents"] == 1000
    assert op.stall_id == uuid.UUID(s.stall_id)  # the coach sees it on the stall
    assert server_summary(s.artisan_id).sales == 0
    assert response.json["last_seq"] == 1


def test_foreign_and_unknown_stalls_and_products_are_rejected_never_written(client, make):
    mine = shop(make, login_name="awa")
    theirs = shop(make, login_name="bilal")
    login(client, mine.user)
    phone = Phone()
    phone.sale(mine, stall_id=theirs.stall_id)
    phone.sale(mine, stall_id=new_id())
    foreign_product = phone.sale(mine)
    foreign_product["payload"]["lines"][0]["product_id"] = theirs.products[0]
    phone.add("stock.adjust", {"stall_id": mine.stall_id, "product_id": theirs.products[0],
                               "kind": "restock", "quantity": 3})
    phone.add("stall.close", {"stall_id": theirs.stall_id, "cash_counted_cents": 0})
    phone.add("product.upsert", {"product_id": theirs.products[0], "base_version": 1,
                                 "price_cents": 1})
    phone.add("stall.open", {"stall_id": theirs.stall_id, "cash_float_cents": 0,
                             "stock": [{"product_id": theirs.products[0], "quantity": 9}]})
    phone.add("stall.open", {"stall_id": mine.stall_id, "cash_float_cents": 0,
                             "stock": [{"product_id": theirs.products[0], "quantity": 9}]})
    phone.add("stock.adjust", {"stall_id": theirs.stall_id, "product_id": theirs.products[0],
                               "kind": "loss", "quantity": 2})
    response = phone.push(client)
    assert statuses(response) == ["rejected"] * 9
    assert response.json["last_seq"] == 9
    assert stock_level(theirs.stall_id, theirs.products[0]) == 0
    assert fresh(Stall, mine.stall_id).status == StallStatus.UPCOMING  # not half-opened
    assert db.session.execute(db.select(db.func.count(Sale.id))).scalar_one() == 0
    assert stock_level(mine.stall_id, theirs.products[0]) == 0
    db.session.expire_all()
    assert fresh(Stall, theirs.stall_id).status == StallStatus.UPCOMING
    assert fresh(Product, theirs.products[0]).price_cents == 1800
    # Nothing of the other artisan's stall shows the refused mutations on the coach page.
    assert all(op.stall_id in (None, uuid.UUID(mine.stall_id)) for op in ops_of(mine.artisan_id))


@pytest.mark.parametrize("payload", [
    {"stall_id": "not-a-uuid", "lines": []},
    {"lines": [{"line_id": new_id(), "label": "x", "quantity": -1, "unit_price_cents": 10}]},
    {"stall_id": new_id(), "lines": [{"line_id": new_id(), "label": "x", "quantity": 1,
                                      "unit_price_cents": -5}], "payments": []},
    {"stall_id": new_id(), "lines": [{"line_id": new_id(), "label": "\x00", "quantity": 1,
                                      "unit_price_cents": 5}], "payments": []},
    {"stall_id": new_id(), "lines": [{"line_id": new_id(), "label": "x", "quantity": 10**12,
                                      "unit_price_cents": 5}], "payments": []},
    "a string", None, [1, 2, 3], {"stall_id": 12, "lines": "many"},
])
def test_garbage_payloads_are_rejected_and_the_next_sale_still_goes_through(client, make,
                                                                            payload):
    s = shop(make)
    login(client, s.user)
    phone = Phone()
    phone.add("sale.record", payload)
    phone.sale(s)
    response = phone.push(client)
    assert response.status_code == 200
    assert statuses(response) == ["rejected", "applied"]
    assert response.json["results"][0]["reason"] == "Some values of this change are not right."
    assert server_summary(s.artisan_id).sales == 1


def test_an_unknown_type_is_rejected_and_kept(client, make):
    s = shop(make)
    login(client, s.user)
    phone = Phone()
    phone.add("sale.teleport", {"anything": True})
    response = phone.push(client)
    assert statuses(response) == ["rejected"]
    op = ops_of(s.artisan_id)[0]
    assert op.type == "sale.teleport" and op.payload == {"anything": True}


def test_a_void_cancels_once_and_gives_the_stock_back(client, make):
    s = shop(make)
    login(client, s.user)
    phone = Phone()
    phone.add("stall.open", {"stall_id": s.stall_id, "stock": [
        {"product_id": s.products[0], "quantity": 4}]})
    sale = phone.sale(s, items=[(0, 1), (0, 2)])  # two lines of one product: one movement
    phone.void(sale["id"], reason="retour")
    phone.void(sale["id"])
    response = phone.push(client)
    assert statuses(response) == ["applied", "applied", "applied", "rejected"]
    assert response.json["results"][3]["reason"] == "This sale was already cancelled."
    stored = fresh(Sale, sale["id"])
    assert stored.voided and stored.void_reason == "retour"
    assert stock_level(s.stall_id, s.products[0]) == 4
    assert server_summary(s.artisan_id).takings_cents == 0
    assert server_summary(s.artisan_id).voided == 1


def test_a_void_of_another_artisans_sale_is_rejected(client, make, app):
    mine = shop(make, login_name="awa")
    theirs = shop(make, login_name="bilal")
    other_phone = Phone()
    login(client, theirs.user)
    their_sale = other_phone.sale(theirs)
    other_phone.push(client)
    second = app.test_client()
    login(second, mine.user)
    phone = Phone()
    phone.void(their_sale["id"])
    response = phone.push(second)
    assert statuses(response) == ["rejected"]
    assert not fresh(Sale, their_sale["id"]).voided


def test_stock_adjustments_restock_loss_and_count_relative_to_what_was_shown(client, make):
    s = shop(make)
    login(client, s.user)
    phone = Phone()
    product = s.products[1]
    phone.add("stall.open", {"stall_id": s.stall_id, "stock": [
        {"product_id": product, "quantity": 10}]})
    phone.add("stock.adjust", {"stall_id": s.stall_id, "product_id": product,
                               "kind": "restock", "quantity": 5})
    phone.add("stock.adjust", {"stall_id": s.stall_id, "product_id": product,
                               "kind": "loss", "quantity": 1})
    # The phone showed 14 and the artisan counted 12; meanwhile another phone sold 1.
    phone.add("stock.adjust", {"stall_id": s.stall_id, "product_id": product,
                               "kind": "count", "quantity": 12, "shown": 14})
    phone.add("stock.adjust", {"stall_id": s.stall_id, "product_id": product,
                               "kind": "count", "quantity": 12})  # no "shown": refused
    response = phone.push(client)
    assert statuses(response) == ["applied"] * 4 + ["rejected"]
    other = Phone()
    other.sale(s, items=[(1, 1)])
    other.push(client)
    assert stock_level(s.stall_id, product) == 10 + 5 - 1 - 2 - 1
    kinds = db.session.execute(db.select(StockMovement.kind, StockMovement.quantity).order_by(
        StockMovement.id)).all()
    assert [(k.value, q) for k, q in kinds] == [
        ("opening", 10), ("restock", 5), ("loss", -1), ("count", -2), ("sale", -1)]


def test_a_second_opening_of_a_stall_is_refused_so_stock_is_not_doubled(client, make):
    s = shop(make)
    login(client, s.user)
    first, second = Phone(), Phone()
    for phone in (first, second):
        phone.add("stall.open", {"stall_id": s.stall_id, "cash_float_cents": 2000, "stock": [
            {"product_id": s.products[0], "quantity": 3}]})
    assert statuses(first.push(client)) == ["applied"]
    response = second.push(client)
    assert statuses(response) == ["rejected"]
    assert response.json["results"][0]["reason"] == "This stall was already opened."
    assert stock_level(s.stall_id, s.products[0]) == 3


def test_closing_records_the_cash_and_a_later_sale_is_accepted_and_late(client, make):
    s = shop(make)
    login(client, s.user)
    phone, slow = Phone(), Phone()
    phone.add("stall.open", {"stall_id": s.stall_id, "cash_float_cents": 2000})
    phone.add("stall.close", {"stall_id": s.stall_id, "cash_counted_cents": 5600,
                              "note": "tout va bien"})
    assert statuses(phone.push(client)) == ["applied", "applied"]
    sale = slow.sale(s)  # recorded before the close, on a phone that was offline
    response = slow.push(client)
    assert statuses(response) == ["applied"]
    assert response.json["results"][0]["flags"] == ["late"]
    stall = fresh(Stall, s.stall_id)
    assert stall.status == StallStatus.CLOSED
    assert (stall.cash_counted_cents, stall.close_note) == (5600, "tout va bien")
    assert fresh(Sale, sale["id"]).late
    assert server_summary(s.artisan_id).sales == 1  # counted: the sale happened


def test_a_product_made_at_the_stall_can_be_sold_in_the_same_push(client, make):
    s = shop(make)
    login(client, s.user)
    phone = Phone()
    product_id = new_id()
    phone.add("product.upsert", {"product_id": product_id, "base_version": None,
                                 "name": "Vase bleu", "price_cents": 2500, "cost_cents": 600})
    phone.add("product.upsert", {"product_id": new_id(), "name": "Sans prix"})
    sale = phone.add("sale.record", {"stall_id": s.stall_id, "lines": [
        {"line_id": new_id(), "product_id": product_id, "label": "Vase bleu", "quantity": 1,
         "unit_price_cents": 2500}], "payments": [
        {"payment_id": new_id(), "method": "card", "amount_cents": 2500}]})
    response = phone.push(client)
    assert statuses(response) == ["applied", "rejected", "applied"]
    assert response.json["results"][1]["reason"] == "A new product needs a name and a price."
    product = fresh(Product, product_id)
    assert (product.name, product.price_cents, product.artisan_id) == (
        "Vase bleu", 2500, s.artisan_id)
    assert fresh(Sale, sale["id"]).lines[0].product_id == product.id


def test_editing_a_product_never_rewrites_a_past_sale(client, make):
    s = shop(make)
    login(client, s.user)
    phone = Phone()
    sale = phone.sale(s, items=[(0, 1)])
    phone.add("product.upsert", {"product_id": s.products[0], "base_version": 1,
                                 "name": "Renamed", "price_cents": 9900})
    assert statuses(phone.push(client)) == ["applied", "applied"]
    line = fresh(Sale, sale["id"]).lines[0]
    assert (line.label, line.unit_price_cents) == ("Item 0", 1800)
    assert server_summary(s.artisan_id).takings_cents == 1800


def test_a_stale_edit_of_an_untouched_field_is_no_conflict(client, make):
    s = shop(make)
    login(client, s.user)
    first, second = Phone(), Phone()
    first.add("product.upsert", {"product_id": s.products[0], "base_version": 1,
                                 "name": "New name"})
    second.add("product.upsert", {"product_id": s.products[0], "base_version": 1,
                                  "price_cents": 1500})
    first.push(client)
    response = second.push(client)
    assert response.json["results"][0].get("flags") is None
    product = fresh(Product, s.products[0])
    assert (product.name, product.price_cents, product.edit_version) == ("New name", 1500, 3)
    assert db.session.execute(db.select(ProductConflict)).first() is None


def test_a_void_before_its_sale_waits_and_applies_when_the_sale_arrives(client, make):
    s = shop(make)
    login(client, s.user)
    seller, canceller = Phone(), Phone()
    seller.add("stall.open", {"stall_id": s.stall_id, "stock": [
        {"product_id": s.products[0], "quantity": 2}]})
    sale = seller.sale(s)
    canceller.void(sale["id"], reason="erreur")
    response = canceller.push(client)
    assert statuses(response) == ["waiting"]
    assert response.json["last_seq"] == 1  # confirmed: the phone may forget it
    assert ops_of(s.artisan_id)[0].status == MutationStatus.WAITING
    assert statuses(seller.push(client)) == ["applied", "applied"]
    stored = fresh(Sale, sale["id"])
    assert stored.voided and stored.void_reason == "erreur"
    assert stock_level(s.stall_id, s.products[0]) == 2
    assert all(op.status == MutationStatus.APPLIED for op in ops_of(s.artisan_id))
    assert server_summary(s.artisan_id).takings_cents == 0


def test_a_void_waiting_for_a_refused_sale_is_refused_too(client, make):
    s = shop(make)
    login(client, s.user)
    seller, canceller = Phone(), Phone()
    sale = seller.sale(s, split=[("cash", 1)])  # does not add up
    canceller.void(sale["id"])
    canceller.push(client)
    seller.push(client)
    void_op = ops_of(s.artisan_id)[0]
    assert void_op.status == MutationStatus.REJECTED
    assert void_op.reason == "The sale this cancels was refused."


def test_two_voids_waiting_for_one_sale_apply_once(client, make):
    s = shop(make)
    login(client, s.user)
    seller, first, second = Phone(), Phone(), Phone()
    sale = seller.sale(s)
    first.void(sale["id"])
    second.void(sale["id"])
    first.push(client)
    second.push(client)
    seller.push(client)
    voids = [op for op in ops_of(s.artisan_id) if op.type == "sale.void"]
    assert sorted(op.status.value for op in voids) == ["applied", "rejected"]
    movements = db.session.execute(db.select(StockMovement).where(
        StockMovement.kind == MovementKind.VOID)).scalars().all()
    assert len(movements) == 1


def test_the_client_row_remembers_last_seq_skew_and_app_version(client, make):
    s = shop(make)
    login(client, s.user)
    phone = Phone(app_version="2.0.1")
    phone.sale(s)
    phone.push(client)
    device = fresh(Device, phone.client_id)
    assert (device.last_seq, device.app_version, device.artisan_id) == (1, "2.0.1", s.artisan_id)
    assert abs(device.clock_skew_seconds) < 60 and device.last_push_at is not None


def test_every_changed_row_carries_the_new_version(client, make):
    s = shop(make)
    login(client, s.user)
    phone = Phone()
    phone.add("stall.open", {"stall_id": s.stall_id, "stock": [
        {"product_id": s.products[0], "quantity": 2}]})
    phone.sale(s)
    first = phone.push(client).json["version"]
    phone.add("product.upsert", {"product_id": s.products[0], "base_version": 1,
                                 "price_cents": 100})
    second = phone.push(client, phone.outbox[-1:]).json["version"]
    assert second == first + 1
    assert {op.version for op in ops_of(s.artisan_id)} == {first, second}
    assert fresh(Stall, s.stall_id).version == first
    assert fresh(Product, s.products[0]).version == second
    assert {m.version for m in db.session.execute(db.select(StockMovement)).scalars()} == {first}
    # A push of duplicates only changes nothing, so the version stays.
    assert phone.push(client).json["version"] == second


def test_the_stored_mutation_keeps_the_phone_times_and_the_reception_time(client, make):
    s = shop(make)
    login(client, s.user)
    phone = Phone()
    phone.sale(s)["occurred_at"] = "2026-06-14T10:31:58+02:00"
    phone.push(client)
    op = db.session.execute(db.select(SyncOp)).scalar_one()
    assert op.occurred_at.isoformat() == "2026-06-14T08:31:58+00:00"
    assert op.received_at is not None and op.sent_at is not None


def test_a_void_of_a_sale_already_refused_is_refused_not_left_waiting(client, make, app):
    mine = shop(make, login_name="awa")
    theirs = shop(make, login_name="bilal")
    login(client, mine.user)
    seller, canceller = Phone(), Phone()
    # Refused for its totals, in an earlier push; in the same batch as its void.
    earlier = seller.sale(mine, split=[("cash", 1)])
    seller.push(client)
    same_batch = seller.sale(mine, split=[("cash", 1)])
    seller.void(same_batch["id"])
    # Refused because the database has its line ids already (the careful path).
    stored = seller.sale(mine)
    seller.push(client, seller.outbox[1:4])
    reused = seller.add("sale.record", stored["payload"])
    # Refused because another artisan's row has its id: kept under an id of the server's.
    their_client = app.test_client()
    login(their_client, theirs.user)
    their_phone = Phone()
    taken = their_phone.sale(theirs)
    their_phone.push(their_client)
    seller.add("sale.record", Phone().sale(mine)["payload"], mutation_id=taken["id"])
    assert statuses(seller.push(client, seller.outbox[4:])) == ["rejected", "rejected"]
    for sale in (earlier, reused, taken):
        canceller.void(sale["id"])
    response = canceller.push(client)
    assert statuses(response) == ["rejected"] * 3
    assert {r["reason"] for r in response.json["results"]} == {
        "The sale this cancels was refused."}
    voids = [op for op in ops_of(mine.artisan_id) if op.type == "sale.void"]
    assert len(voids) == 4
    assert all(op.status == MutationStatus.REJECTED for op in voids)
    assert all(op.reason == "The sale this cancels was refused." for op in voids)
    assert not fresh(Sale, taken["id"]).voided
    # A void whose sale simply has not come yet still waits.
    assert statuses(canceller.push(client, [canceller.void(new_id())])) == ["waiting"]
