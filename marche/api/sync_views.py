"""The phone's sync routes, ``POST /api/v1/sync/push`` and ``/sync/pull`` (design/sync.md).

``register(bp)`` adds them to the API blueprint; ``SYNC_DOCS`` documents them in the OpenAPI
document. The work itself is in ``marche/sync``.
"""

from flask import jsonify, request
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import Forbidden, Unauthorized

from ..sync import pull, push
from ..sync.payloads import PaymentSchema, SaleLineSchema, StockLineSchema
from ..sync.schemas import (
    PAYLOADS,
    GapAnswerSchema,
    MutationSchema,
    PatchOpSchema,
    PullAnswerSchema,
    PullRequestSchema,
    PushAnswerSchema,
    PushRequestSchema,
    ResultSchema,
)
from .openapi import Registration, error_responses, json_body, json_response


def _artisan_id() -> int:
    if not current_user.is_authenticated:
        raise Unauthorized()
    if not current_user.is_artisan or current_user.profile is None:
        raise Forbidden()
    return current_user.id


def sync_push():
    """Store the phone's mutations, each exactly once, and say how far the server got."""
    status, answer = push.push(_artisan_id(), request.get_json(), request.user_agent.string)
    if status == 409 and answer.get("client_reset"):
        answer = {"error": _("This phone numbers its changes behind the server. Start a new "
                             "client and send them again."), "code": 409, **answer}
    elif status == 409:
        answer = {"error": _("Some changes are missing. Send them again from last_seq."),
                  "code": 409, **answer}
    return jsonify(answer), status


def sync_pull():
    """Send the artisan's state: whole, or what changed since the phone's cookie."""
    return jsonify(pull.pull(_artisan_id(), request.get_json()))


def register(bp) -> None:
    """Add the sync routes to the API blueprint (JSON only, session cookie)."""
    bp.add_url_rule("/sync/push", "sync_push", sync_push, methods=["POST"])
    bp.add_url_rule("/sync/pull", "sync_pull", sync_pull, methods=["POST"])


_PUSH_TEXT = (
    "Each mutation, in `seq` order: a `seq` at or below the client's `last_seq` is a duplicate "
    "(skipped); the next `seq` is applied, or stored as rejected with its reason (`last_seq` "
    "moves on either way); a `seq` beyond the next stops the batch with 409. All in one "
    "transaction. At most 500 mutations. Mutation types and payloads: `StallOpenPayload` "
    "(`stall.open`), `SaleRecordPayload` (`sale.record`, the sale's id is the mutation's), "
    "`SaleVoidPayload` (`sale.void`), `StockAdjustPayload` (`stock.adjust`), "
    "`ProductUpsertPayload` (`product.upsert`), `StallClosePayload` (`stall.close`).")
_PULL_TEXT = (
    "`cookie` is the artisan's version: every push that changes something increases it. The "
    "patch holds the rows changed since the cookie; a missing, unknown or future cookie gets "
    "`clear` then the whole state. Keys: `product/<id>`, `stall/<id>`, `sale/<id>` (sales of "
    "stalls not closed), `stock/<stall_id>/<product_id>`, `rejected/<id>`.")

SYNC_DOCS = [
    Registration(
        schemas={"SyncMutation": MutationSchema, "PushRequest": PushRequestSchema,
                 "PushResult": ResultSchema, "PushAnswer": PushAnswerSchema,
                 "PushGap": GapAnswerSchema, "StockLinePayload": StockLineSchema,
                 "SaleLinePayload": SaleLineSchema, "PaymentPayload": PaymentSchema,
                 **PAYLOADS},
        path="/sync/push",
        operations={"post": {
            "summary": "Send the phone's mutations.", "description": _PUSH_TEXT,
            "operationId": "syncPush", "security": [{"session": []}],
            "requestBody": json_body(PushRequestSchema),
            "responses": {
                "200": json_response("What became of each mutation.", PushAnswerSchema),
                "409": json_response(
                    "A `seq` is missing: send again from `last_seq` + 1. With `client_reset`, "
                    "a `seq` already used for another mutation: take a new `client_id` and "
                    "number the unconfirmed mutations again from 1 (same ids).",
                    GapAnswerSchema),
                **error_responses(400, 401, 403, 415, 422, 503,
                                  e403="The client belongs to another artisan, or this is "
                                       "not an artisan's session."),
            },
        }},
    ),
    Registration(
        schemas={"PullRequest": PullRequestSchema, "PullAnswer": PullAnswerSchema,
                 "SyncPatchOp": PatchOpSchema},
        path="/sync/pull",
        operations={"post": {
            "summary": "Get the artisan's state, or what changed since the cookie.",
            "description": _PULL_TEXT, "operationId": "syncPull",
            "security": [{"session": []}],
            "requestBody": json_body(PullRequestSchema),
            "responses": {
                "200": json_response("The patch to apply, and the new cookie.",
                                     PullAnswerSchema),
                **error_responses(400, 401, 403, 415, 422, 503),
            },
        }},
    ),
]
