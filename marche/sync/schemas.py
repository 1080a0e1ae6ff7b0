"""The bodies of ``/api/v1/sync/push`` and ``/sync/pull``, in and out (design/sync.md).

Only what identifies a mutation (``seq``, ``id``, ``type``) is checked here: a body without it
cannot be processed at all (422). Everything else of a mutation is checked by its type's
payload schema (``payloads.py``), so that one bad mutation is rejected alone and never blocks
the mutations behind it. Fields a newer app adds are ignored, never refused.
"""

import datetime as dt

from marshmallow import EXCLUDE, Schema, fields, validate

from ..schemas import Text
from .payloads import (
    ProductUpsertSchema,
    SaleRecordSchema,
    SaleVoidSchema,
    StallCloseSchema,
    StallOpenSchema,
    StockAdjustSchema,
)
from .reasons import _l

MAX_MUTATIONS = 500
MAX_SEQ = 2**31 - 1


class Lenient(Schema):
    class Meta:
        unknown = EXCLUDE


# No market day is held outside these years: a phone time outside them is a clock fault.
PLAUSIBLE_YEARS = (2000, 2100)


def plausible(moment: dt.datetime | None) -> bool:
    """Say whether a phone time can be true (a missing one says nothing about the clock)."""
    return moment is None or PLAUSIBLE_YEARS[0] <= moment.year <= PLAUSIBLE_YEARS[1]


class PhoneTime(fields.String):
    """A time read from the phone's clock: ISO 8601; anything unreadable becomes ``None``.

    The phone's clock is a hint, never trusted (time orders nothing): a garbled time must not
    keep a sale off the server. A readable time is kept as sent, whatever its year; one that
    cannot be true (not ``plausible``: a clock reset to 1970, or in year 9999) flags the
    mutation as sent from a phone with its clock off.
    """

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or len(value) > 64:
            return None
        try:
            moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.UTC)
        try:
            return moment.astimezone(dt.UTC)
        except (OverflowError, ValueError):
            return None

    def _serialize(self, value, attr, obj, **kwargs):
        return value.isoformat() if value else None


class Cookie(fields.Integer):
    """The pull cookie: a whole number the server gave; anything else is an unknown cookie."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 2**62:
            return None
        return value

    def _serialize(self, value, attr, obj, **kwargs):
        return value


class MutationSchema(Lenient):
    seq = fields.Integer(strict=True, required=True, validate=validate.Range(
        min=1, max=MAX_SEQ, error=_l("This number is out of range.")),
        metadata={"description": "Counts up by exactly 1 per client, from 1."})
    id = fields.UUID(required=True, metadata={"description": "Made on the phone; a sale's id."})
    # Cleaned, never refused: an odd type is rejected alone (unknown), it never blocks the batch.
    type = Text(required=True, clean=True, multiline=False, strip=False, metadata={
        "description": "One of the mutation types; an unknown type is rejected, not refused.",
        "example": "sale.record"})
    occurred_at = PhoneTime(load_default=None, metadata={
        "description": "When it happened, by the phone's clock (kept, never trusted)."})
    payload = fields.Raw(load_default=dict, allow_none=True, metadata={
        "description": "The type's payload: see the `*Payload` schemas."})


class PushRequestSchema(Lenient):
    client_id = fields.UUID(required=True, metadata={
        "description": "One browser profile of one artisan on one phone."})
    sent_at = PhoneTime(load_default=None, metadata={
        "description": "The phone's clock when sending: the server records the skew."})
    app_version = Text(load_default="", allow_none=True, clean=True, multiline=False,
                       metadata={"description": "Kept as information, cleaned, never refused.",
                                 "example": "1.4.0"})
    mutations = fields.List(fields.Nested(MutationSchema), required=True,
                            validate=validate.Length(max=MAX_MUTATIONS, error=_l(
                                "Send at most 500 changes at a time.")))


class ResultSchema(Schema):
    id = fields.UUID(required=True)
    status = fields.String(required=True, validate=validate.OneOf(
        ["applied", "duplicate", "rejected", "waiting"]), metadata={
        "description": "`waiting`: a void stored before its sale, applied when the sale comes. "
                       "A mutation the server holds already, sent again under a new `seq`, is "
                       "answered as it stands: `duplicate`, `waiting`, or `rejected` with its "
                       "reason."})
    reason = fields.String(metadata={"description": "Why it was rejected (a message id)."})
    message = fields.String(metadata={"description": "The reason in the user's language."})
    flags = fields.List(fields.String(), metadata={
        "description": "`late` (stall closed), `below_zero` (stock), `clock` (phone clock off)."})


class PushAnswerSchema(Schema):
    last_seq = fields.Integer(required=True, metadata={
        "description": "Every mutation of this client up to here is on the server."})
    version = fields.Integer(required=True, metadata={"description": "The artisan's version."})
    results = fields.List(fields.Nested(ResultSchema), required=True)


class GapAnswerSchema(PushAnswerSchema):
    error = fields.String(required=True)
    code = fields.Integer(required=True, metadata={"example": 409})
    client_reset = fields.Boolean(metadata={
        "description": "A `seq` at or below `last_seq` came with another mutation: this phone "
                       "counts from an older copy of itself. Take a new `client_id` and send "
                       "the unconfirmed mutations numbered from 1 (ids unchanged)."})


class PullRequestSchema(Lenient):
    client_id = fields.UUID(required=True)
    cookie = Cookie(load_default=None, metadata={
        "description": "The `cookie` of the last pull; null, unknown or future → whole state."})
    last_seq = fields.Integer(strict=True, load_default=None, allow_none=True,
                              validate=validate.Range(min=0, max=MAX_SEQ), metadata={
        "description": "Optional: the highest seq the phone holds as confirmed. A server "
                       "behind it was restored from a backup: the answer is the whole state."})


class PatchOpSchema(Schema):
    op = fields.String(required=True, validate=validate.OneOf(["clear", "put", "del"]))
    key = fields.String(metadata={"example": "sale/5b1f…",
                                  "description": "product/<id>, stall/<id>, sale/<id>, "
                                                 "stock/<stall_id>/<product_id>, rejected/<id>"})
    value = fields.Dict(metadata={"description": "The row, for `put`."})


class PullAnswerSchema(Schema):
    cookie = fields.Integer(required=True)
    last_seq = fields.Integer(required=True)
    patch = fields.List(fields.Nested(PatchOpSchema), required=True)


PAYLOADS = {
    "StallOpenPayload": StallOpenSchema,
    "SaleRecordPayload": SaleRecordSchema,
    "SaleVoidPayload": SaleVoidSchema,
    "StockAdjustPayload": StockAdjustSchema,
    "ProductUpsertPayload": ProductUpsertSchema,
    "StallClosePayload": StallCloseSchema,
}

push_request_schema = PushRequestSchema()
pull_request_schema = PullRequestSchema()
