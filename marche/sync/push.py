"""``POST /sync/push``: store each of a phone's mutations exactly once, in one transaction.

For each mutation, in order (design/sync.md): a ``seq`` already passed is a duplicate; a ``seq``
beyond the next one stops the batch (409, the phone re-sends from ``last_seq``); anything else
is applied, or stored as rejected with its reason. Either way ``last_seq`` moves on, so a bad
mutation never blocks the ones behind it. A passing fault (database busy, lock timeout,
serialization failure) rolls everything back and answers 503: nothing moved, the phone retries.
"""

from __future__ import annotations

import json
import uuid

from flask import current_app
from flask_babel import gettext
from marshmallow import ValidationError
from sqlalchemy import exc, select
from werkzeug.exceptions import Forbidden, ServiceUnavailable

from ..extensions import db
from ..models import MutationStatus, SyncOp, utcnow
from . import apply_sales, locking, reasons
from .context import PushContext, uuid_or_none
from .mutations import TYPES
from .reasons import Rejected
from .schemas import push_request_schema


class Busy(ServiceUnavailable):
    """A passing fault: nothing was stored; try again in a moment."""

    def __init__(self):
        super().__init__(retry_after=1)


def push(artisan_id: int, body, user_agent: str = "") -> tuple[int, dict]:
    """Apply a push for the artisan; return the HTTP status (200 or 409) and the answer."""
    data = push_request_schema.load(body)  # no seq or id: nothing can be done (422)
    now = utcnow()
    skew = None
    if data["sent_at"] is not None:
        skew = int(max(min((now - data["sent_at"]).total_seconds(), 2**31 - 1), -(2**31 - 1)))
    limit = current_app.config.get("SYNC_CLOCK_SKEW_FLAG_SECONDS", 15 * 60)
    envelope = {"sent_at": data["sent_at"], "skew": skew,
                "flagged": skew is not None and abs(skew) > limit,
                "app_version": (data["app_version"] or "")[:40]}
    try:
        locking.begin_write(db.session)
        device = locking.lock_device(db.session, data["client_id"], artisan_id)
        if device.artisan_id != artisan_id:
            db.session.rollback()
            raise Forbidden()
        profile = locking.lock_profile(db.session, artisan_id)
        ctx = PushContext(artisan_id=artisan_id, device=device, version=profile.version + 1,
                          now=now)
        results, gap = _run(ctx, data["mutations"], envelope)
        if ctx.changed:
            profile.version = ctx.version
        device.last_push_at = now
        device.clock_skew_seconds = skew
        device.app_version = envelope["app_version"]
        device.user_agent = user_agent[:300]
        answer = {"last_seq": device.last_seq, "version": profile.version, "results": results}
        db.session.commit()
    except exc.SQLAlchemyError as error:
        db.session.rollback()
        if locking.is_passing_fault(error):
            current_app.logger.warning("sync push: passing fault, answered 503: %s", error)
            raise Busy() from error
        raise
    return (409 if gap else 200), answer


def _run(ctx: PushContext, mutations: list[dict], envelope: dict) -> tuple[list[dict], bool]:
    device = ctx.device
    fresh = [m["id"] for m in mutations if m["seq"] > device.last_seq]
    # Who already owns each id: a mutation stored under another seq (or client) is not redone.
    owners = dict(db.session.execute(
        select(SyncOp.id, SyncOp.artisan_id).where(SyncOp.id.in_(fresh))).all()) if fresh else {}
    results = []
    for mutation in mutations:
        seq = mutation["seq"]
        if seq <= device.last_seq:
            results.append({"id": str(mutation["id"]), "status": "duplicate"})
            continue
        if seq > device.last_seq + 1:
            return results, True
        owner = owners.get(mutation["id"])
        if owner == ctx.artisan_id:
            result = {"id": str(mutation["id"]), "status": "duplicate"}
        elif owner is not None:
            result = _store_rejected(ctx, mutation, envelope, reasons.ID_TAKEN,
                                     {"mutation_id": str(mutation["id"])}, new_id=True)
        else:
            result = _apply(ctx, mutation, envelope)
            owners[mutation["id"]] = ctx.artisan_id
        results.append(result)
        device.last_seq = seq
    return results, False


def _new_op(ctx: PushContext, mutation: dict, envelope: dict, status: MutationStatus) -> SyncOp:
    return SyncOp(
        id=mutation["id"], device_id=ctx.device.id, artisan_id=ctx.artisan_id,
        seq=mutation["seq"], type=mutation["type"][:40], payload=_storable(mutation["payload"]),
        occurred_at=mutation["occurred_at"], sent_at=envelope["sent_at"], received_at=ctx.now,
        clock_skew_seconds=envelope["skew"], clock_flagged=envelope["flagged"],
        app_version=envelope["app_version"], status=status, version=ctx.version)


def _apply(ctx: PushContext, mutation: dict, envelope: dict) -> dict:
    kind = TYPES.get(mutation["type"])
    if kind is None:
        return _store_rejected(ctx, mutation, envelope, reasons.UNKNOWN_TYPE,
                               {"type": mutation["type"][:80]})
    try:
        payload = kind.schema.load(mutation["payload"])
    except ValidationError as error:
        return _store_rejected(ctx, mutation, envelope, reasons.BAD_VALUES,
                               {"fields": error.messages})
    op = _new_op(ctx, mutation, envelope, MutationStatus.APPLIED)
    savepoint = db.session.begin_nested()
    try:
        # Inserted first: the unit of work orders tables by relationships only, and stock
        # movements and conflicts reference this row by a bare foreign key.
        db.session.add(op)
        db.session.flush()
        flags = kind.apply(ctx, op, payload)
        db.session.flush()
    except Rejected as rejection:
        savepoint.rollback()
        ctx.forget()
        return _store_rejected(ctx, mutation, envelope, rejection.reason, rejection.detail)
    except (exc.IntegrityError, exc.DataError) as error:
        # An id the phone made is already used elsewhere, or a value the database refuses:
        # retrying cannot help, so it is refused like any bad mutation.
        savepoint.rollback()
        ctx.forget()
        reason = reasons.ID_TAKEN if isinstance(error, exc.IntegrityError) else reasons.NOT_STORED
        return _store_rejected(ctx, mutation, envelope, reason,
                               {"error": type(error.orig).__name__})
    savepoint.commit()
    ctx.changed = True
    if flags and envelope["flagged"]:
        flags = sorted({*flags, "clock"})
    elif envelope["flagged"]:
        flags = ["clock"]
    status = "waiting" if op.status == MutationStatus.WAITING else "applied"
    result = {"id": str(op.id), "status": status}
    if flags:
        result["flags"] = [flag for flag in flags if flag != "waiting"]
    return result


def _store_rejected(ctx: PushContext, mutation: dict, envelope: dict, reason: str,
                    detail: dict | None, new_id: bool = False) -> dict:
    """Keep the refused mutation with its reason, for the artisan and the coach to see."""
    op = _new_op(ctx, mutation, envelope, MutationStatus.REJECTED)
    op.reason = reason
    op.reason_detail = _storable(detail)
    if new_id:
        # The phone's id belongs to another artisan's row: keep this one under an id of ours.
        op.id = uuid.uuid4()
        op.reason_detail = {**(op.reason_detail or {}), "mutation_id": str(mutation["id"])}
    payload = mutation["payload"] if isinstance(mutation["payload"], dict) else {}
    stall = ctx.stall(uuid_or_none(payload.get("stall_id")))
    op.stall_id = stall.id if stall is not None else None
    if mutation["type"] == "sale.record":
        apply_sales.refuse_waiting_voids(ctx, mutation["id"])
    savepoint = db.session.begin_nested()
    try:
        db.session.add(op)
        db.session.flush()
        savepoint.commit()
    except (exc.IntegrityError, exc.DataError) as error:
        # Even the refusal could not be kept as sent (an id taken meanwhile, a payload the
        # database will not hold): keep it under an id of ours, without the odd payload.
        savepoint.rollback()
        ctx.forget()
        op.reason_detail = {**(op.reason_detail or {}), "mutation_id": str(mutation["id"]),
                            "error": type(error.orig).__name__}
        op.id, op.payload = uuid.uuid4(), {"unreadable": True}
        db.session.add(op)
        db.session.flush()
    ctx.changed = True
    return {"id": str(mutation["id"]), "status": "rejected", "reason": reason,
            "message": gettext(reason)}


def _storable(value):
    """Return ``value`` as JSON the database takes (no NaN, no odd types), or a marker."""
    try:
        return json.loads(json.dumps(value, allow_nan=False, default=str))
    except (TypeError, ValueError):
        return {"unreadable": True}
