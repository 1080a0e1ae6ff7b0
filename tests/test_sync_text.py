"""Text a phone sends that no database can store: that one change is refused, never a 500.

A 500 would leave ``last_seq`` where it was, and the phone would send the same batch for ever:
its outbox would be blocked for good. JSON can carry a lone UTF-16 surrogate (``"\\ud83c"``,
half an emoji cut by a careless truncation) that no UTF-8 encoder takes, and a NUL that
PostgreSQL refuses.
"""

import uuid

import pytest
from marshmallow import fields

from marche.extensions import db
from marche.models import Device, MutationStatus, Product, Sale, Stall, StallStatus, SyncOp
from marche.sync import mutations, payloads, reasons

from .sync_helpers import Phone, fresh, login, new_id, ops_of, server_summary, shop

HALF_EMOJI = "Bol \U0001F3FA"[:4] + "\ud83c"
BAD_TEXTS = {"surrogate": HALF_EMOJI, "lone low surrogate": "\udfff", "nul": "Bol\x00 bleu",
             "escape": "\x1b[31m", "C1": "Bol\x85"}


def statuses(response):
    return [result["status"] for result in response.json["results"]]


def _sale_with_label(s, text):
    return {"stall_id": s.stall_id, "lines": [
        {"line_id": new_id(), "product_id": None, "label": text, "quantity": 1,
         "unit_price_cents": 500}],
        "payments": [{"payment_id": new_id(), "method": "cash", "amount_cents": 500}]}


# (mutation type, text field): the payload carrying ``text`` in that field.
TEXT_FIELDS = {
    ("sale.record", "label"): lambda s, sale_id, text: _sale_with_label(s, text),
    ("product.upsert", "name"): lambda s, sale_id, text: {
        "product_id": new_id(), "name": text, "price_cents": 1200},
    ("product.upsert", "category"): lambda s, sale_id, text: {
        "product_id": new_id(), "name": "Bol", "price_cents": 1200, "category": text},
    ("sale.void", "reason"): lambda s, sale_id, text: {"sale_id": sale_id, "reason": text},
    ("stall.close", "note"): lambda s, sale_id, text: {
        "stall_id": s.stall_id, "cash_counted_cents": 0, "note": text},
}


def _day_with_a_sale(client, make):
    """An artisan whose phone already pushed one sale (the one a void may cancel)."""
    s = shop(make)
    login(client, s.user)
    phone = Phone()
    first = phone.sale(s)
    assert phone.push(client).json["last_seq"] == 1
    return s, phone, first["id"]


def _push_bad_between_good(client, s, phone, mutation_type, payload):
    before = len(phone.outbox)
    phone.sale(s)
    bad = phone.add(mutation_type, payload)
    phone.sale(s)
    response = phone.push(client, phone.outbox[before:])
    assert response.status_code == 200, response.get_data(as_text=True)
    return response, bad


def _assert_stored_and_not_blocking(client, s, phone, response, bad, reason):
    assert statuses(response) == ["applied", "rejected", "applied"]
    assert response.json["results"][1]["reason"] == reason
    assert response.json["last_seq"] == len(phone.outbox)
    assert server_summary(s.artisan_id).sales == 3
    (kept,) = ops_of(s.artisan_id, MutationStatus.REJECTED)
    assert (kept.id, kept.reason) == (fresh(SyncOp, bad["id"]).id, reason)
    # The phone sends the same batch again (its answer was lost): nothing is done twice.
    again = phone.push(client, phone.outbox[1:])
    assert again.status_code == 200
    assert statuses(again) == ["duplicate"] * 3
    assert again.json["last_seq"] == len(phone.outbox)
    assert server_summary(s.artisan_id).sales == 3
    # The phone still gets its state, the refused change in it.
    pulled = phone.pull(client)
    assert pulled.status_code == 200
    assert f"rejected/{bad['id']}" in {op.get("key") for op in pulled.json["patch"]}


@pytest.mark.parametrize("text", BAD_TEXTS.values(), ids=BAD_TEXTS.keys())
@pytest.mark.parametrize("kind", TEXT_FIELDS, ids=["/".join(kind) for kind in TEXT_FIELDS])
def test_unprintable_text_rejects_that_change_and_the_next_sale_goes_through(
        client, make, kind, text):
    s, phone, first_sale = _day_with_a_sale(client, make)
    payload = TEXT_FIELDS[kind](s, first_sale, text)
    response, bad = _push_bad_between_good(client, s, phone, kind[0], payload)
    _assert_stored_and_not_blocking(client, s, phone, response, bad, reasons.BAD_VALUES)
    assert "Remove the special characters." in str(fresh(SyncOp, bad["id"]).reason_detail)
    assert not fresh(Sale, first_sale).voided
    assert fresh(Stall, s.stall_id).status != StallStatus.CLOSED
    assert db.session.execute(db.select(db.func.count(Product.id)).where(
        Product.artisan_id == s.artisan_id)).scalar_one() == len(s.products)


def test_tabs_and_line_breaks_are_kept_in_a_phone_text(client, make):
    s, phone, _first = _day_with_a_sale(client, make)
    response, _bad = _push_bad_between_good(
        client, s, phone, "stall.close",
        {"stall_id": s.stall_id, "note": "Pluie\r\nfin à 15h\t(tôt)"})
    assert statuses(response) == ["applied"] * 3
    assert fresh(Stall, s.stall_id).close_note == "Pluie\r\nfin à 15h\t(tôt)"


class _LaxLine(payloads.SaleLineSchema):
    label = fields.String(required=True)


class _LaxSale(payloads.SaleRecordSchema):
    lines = fields.List(fields.Nested(_LaxLine), required=True)


class _LaxProduct(payloads.ProductUpsertSchema):
    name = fields.String()
    category = fields.String()


class _LaxVoid(payloads.SaleVoidSchema):
    reason = fields.String(load_default="")


class _LaxClose(payloads.StallCloseSchema):
    note = fields.String(load_default="")


LAX = {"sale.record": _LaxSale, "product.upsert": _LaxProduct, "sale.void": _LaxVoid,
       "stall.close": _LaxClose}


# A void's reason is cleaned when the void applies (it may have waited since before text was
# checked): the database never sees it raw, so it is tested on its own below.
STORED_RAW = [kind for kind in TEXT_FIELDS if kind != ("sale.void", "reason")]


@pytest.mark.parametrize("kind", STORED_RAW, ids=["/".join(kind) for kind in STORED_RAW])
def test_text_the_database_refuses_rejects_that_change_alone(client, make, monkeypatch, kind):
    """Should a check ever let such a text through, the database's refusal still rejects only
    that change (in a savepoint), and the push goes on."""
    s, phone, first_sale = _day_with_a_sale(client, make)
    real = mutations.TYPES[kind[0]]
    monkeypatch.setitem(mutations.TYPES, kind[0], real._replace(schema=LAX[kind[0]]()))
    payload = TEXT_FIELDS[kind](s, first_sale, HALF_EMOJI)
    response, bad = _push_bad_between_good(client, s, phone, kind[0], payload)
    _assert_stored_and_not_blocking(client, s, phone, response, bad, reasons.NOT_STORED)
    assert not fresh(Sale, first_sale).voided
    assert fresh(Stall, s.stall_id).status != StallStatus.CLOSED


def test_an_unchecked_void_reason_is_cleaned_and_the_void_applies(client, make, monkeypatch):
    s, phone, first_sale = _day_with_a_sale(client, make)
    real = mutations.TYPES["sale.void"]
    monkeypatch.setitem(mutations.TYPES, "sale.void", real._replace(schema=_LaxVoid()))
    phone.void(first_sale, reason="erreur " + HALF_EMOJI)
    response = phone.push(client)
    assert response.status_code == 200
    assert fresh(Sale, first_sale).voided
    assert fresh(Sale, first_sale).void_reason == "erreur Bol \ufffd"


@pytest.mark.parametrize("app_version, kept", [
    ("1.4\x00", "1.4"), ("1.4\ud800", "1.4\ufffd"), ("\x00" * 50, ""), (None, ""),
])
def test_an_unprintable_app_version_is_cleaned_never_a_server_error(client, make, app_version,
                                                                    kept):
    s = shop(make)
    login(client, s.user)
    phone = Phone(app_version=app_version)
    phone.sale(s)
    response = phone.push(client)
    assert response.status_code == 200
    assert statuses(response) == ["applied"]
    device = db.session.get(Device, uuid.UUID(phone.client_id))
    assert device.app_version == kept
    assert fresh(SyncOp, phone.outbox[0]["id"]).app_version == kept


@pytest.mark.parametrize("mutation_type, kept", [
    ("\ud800", "\ufffd"), ("zz\x00\udfff", "zz\ufffd"), ("", ""), ("x" * 500, "x" * 40),
    ("\x00", ""),
])
def test_an_odd_type_is_rejected_alone_and_kept_cleaned(client, make, mutation_type, kept):
    s = shop(make)
    login(client, s.user)
    phone = Phone()
    odd = phone.add(mutation_type, {"note": "\ud800"})
    phone.sale(s)
    response = phone.push(client)
    assert response.status_code == 200
    assert statuses(response) == ["rejected", "applied"]
    assert response.json["results"][0]["reason"] == reasons.UNKNOWN_TYPE
    assert response.json["last_seq"] == 2
    assert fresh(SyncOp, odd["id"]).type == kept
    again = phone.push(client)
    assert statuses(again) == ["duplicate", "duplicate"]


def test_a_control_character_in_the_type_is_dropped(client, make):
    s = shop(make)
    login(client, s.user)
    phone = Phone()
    sale = phone.sale(s)
    sale["type"] = "sale.rec\x00ord"
    response = phone.push(client)
    assert statuses(response) == ["applied"]
    assert fresh(SyncOp, sale["id"]).type == "sale.record"
