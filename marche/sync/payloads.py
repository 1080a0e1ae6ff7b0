"""The payload of each mutation type (design/sync.md, "Mutation types"), as marshmallow schemas.

A payload these schemas refuse is a mutation that can never succeed: it is stored as rejected
with the field messages, and the mutations behind it go on. Fields a newer app adds are ignored,
never refused. Error messages are English message ids, translated when they are shown.
"""

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

from .. import reports
from ..models import PaymentMethod
from ..schemas import Text
from .reasons import _l

MAX_CENTS = 10_000_000  # 100 000 € for one price, payment or cash count
MAX_QUANTITY = 100_000
MAX_SALE_CENTS = 1_000_000_000  # keeps every total inside a 32-bit column


def _text(max_length: int, required: bool = False, **kwargs) -> Text:
    """A text (``Text``: a control character or a lone surrogate is refused), kept as sent;
    ``required=False`` loads a missing value as "" unless told otherwise."""
    length = validate.Length(min=1 if required else 0, max=max_length,
                             error=_l("This text is empty or too long."))
    if not required:
        kwargs.setdefault("load_default", "")
    return Text(strip=False, required=required, validate=length, **kwargs)


def _optional_text(max_length: int, minimum: int = 1) -> Text:
    """A text that may be left out (then nothing changes)."""
    return Text(strip=False, validate=validate.Length(
        min=minimum, max=max_length, error=_l("This text is empty or too long.")))


def _count(minimum: int, maximum: int, **kwargs) -> fields.Integer:
    return fields.Integer(strict=True, validate=validate.Range(
        min=minimum, max=maximum, error=_l("This number is out of range.")),
        **kwargs)


def _cents(**kwargs) -> fields.Integer:
    return _count(0, MAX_CENTS, **kwargs)


class Payload(Schema):
    class Meta:
        unknown = EXCLUDE


class StockLineSchema(Payload):
    product_id = fields.UUID(required=True)
    quantity = _count(0, MAX_QUANTITY, required=True)


class StallOpenSchema(Payload):
    """``stall.open``: the cash float and the opening stock."""

    stall_id = fields.UUID(required=True)
    cash_float_cents = _cents(load_default=0)
    stock = fields.List(fields.Nested(StockLineSchema), load_default=list,
                        validate=validate.Length(max=1000))


class SaleLineSchema(Payload):
    line_id = fields.UUID(required=True)
    product_id = fields.UUID(load_default=None, allow_none=True,
                             metadata={"description": "null for a free amount."})
    label = _text(80, required=True)
    quantity = _count(1, MAX_QUANTITY, required=True)
    unit_price_cents = _cents(required=True)


class PaymentSchema(Payload):
    payment_id = fields.UUID(required=True)
    method = fields.String(required=True, validate=validate.OneOf([m.value for m in PaymentMethod]))
    amount_cents = _cents(required=True)


class SaleRecordSchema(Payload):
    """``sale.record``: lines, a discount, split payments; the sale's id is the mutation's."""

    stall_id = fields.UUID(required=True)
    lines = fields.List(fields.Nested(SaleLineSchema), required=True,
                        validate=validate.Length(min=1, max=200))
    discount_cents = _cents(load_default=0)
    payments = fields.List(fields.Nested(PaymentSchema), load_default=list,
                           validate=validate.Length(max=20))
    total_cents = _count(0, MAX_SALE_CENTS, load_default=None, allow_none=True,
                         metadata={"description": "Optional: checked when given."})

    @validates_schema
    def _ids_and_size(self, data, **kwargs):
        lines, payments = data.get("lines", []), data.get("payments", [])
        if len({line["line_id"] for line in lines}) != len(lines):
            raise ValidationError(_l("Two lines have the same id."), "lines")
        if len({payment["payment_id"] for payment in payments}) != len(payments):
            raise ValidationError(_l("Two payments have the same id."), "payments")
        if reports.sale_total_cents(lines) > MAX_SALE_CENTS:
            raise ValidationError(_l("This sale is too big."), "lines")


class SaleVoidSchema(Payload):
    """``sale.void``: cancel a sale once; it is kept, marked voided."""

    sale_id = fields.UUID(required=True)
    reason = _text(200)


class StockAdjustSchema(Payload):
    """``stock.adjust``: a restock (+), a loss (−) or a count relative to what was shown."""

    stall_id = fields.UUID(required=True)
    product_id = fields.UUID(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(["restock", "loss", "count"]))
    quantity = _count(0, MAX_QUANTITY, required=True)
    shown = _count(-MAX_QUANTITY * 10, MAX_QUANTITY * 10, load_default=None, allow_none=True,
                   metadata={"description": "For a count: the quantity the phone displayed."})

    @validates_schema
    def _kind_fields(self, data, **kwargs):
        if data.get("kind") == "count" and data.get("shown") is None:
            raise ValidationError(_l("Say what quantity the phone showed."), "shown")
        if data.get("kind") in ("restock", "loss") and data.get("quantity") == 0:
            raise ValidationError(_l("This number is out of range."), "quantity")


class ProductUpsertSchema(Payload):
    """``product.upsert``: a new product, or an edit based on the product's ``version``."""

    product_id = fields.UUID(required=True)
    base_version = _count(0, 2**31 - 1, load_default=None, allow_none=True)
    # A field left out is left as it is; ``cost_cents: null`` forgets the cost.
    name = _optional_text(80)
    price_cents = _cents()
    cost_cents = _cents(allow_none=True)
    active = fields.Boolean()
    category = _optional_text(60, minimum=0)

    @validates_schema
    def _name_not_blank(self, data, **kwargs):
        if "name" in data and not data["name"].strip():
            raise ValidationError(_l("This text is empty or too long."), "name")


class StallCloseSchema(Payload):
    """``stall.close``: the day's close with the cash counted."""

    stall_id = fields.UUID(required=True)
    cash_counted_cents = _cents(load_default=None, allow_none=True)
    note = _text(500)
