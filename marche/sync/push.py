"""``POST /sync/push``: store each of a phone's mutations exactly once, in one transaction.

For each mutation, in order (design/sync.md): a ``seq`` already passed is a duplicate (if it
names the mutation stored under that number, or one stored anyway; a number reused for another
mutation stops the batch with 409 ``client_reset``: the phone counts from an older copy of
itself, and re-sends under a new client id); a ``seq`` beyond the next one stops the batch
(409, the phone re-sends from ``last_seq``); anything else is applied, or stored as rejected
with its reason (an id the server already holds, sent again under a new number, is answered as
it stands: ``duplicate``, ``waiting``, or ``rejected`` with its reason). Either way
``last_seq`` moves on, so a bad mutation never blocks the ones behind it. A passing fault
(database busy, lock timeout, serialization failure) rolls everything back and answers 503:
nothing moved, the phone retries.

The batch's rows are written together at the end. If the database refuses them (an id the phone
made that someone else's row already has, a value out of a column's range, a text it cannot
encode), the whole push is done again one mutation at a time, each in a savepoint, so that only
the culprit is refused: no mutation, whatever it holds, can answer 500 and block the phone's
outbox (the same batch would come back for ever).
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
from ..schemas import clean
from . import apply_sales, clock_skew_limit, locking, reasons
from .context import Op, PushContext, uuid_or_none
from .mutations import TYPES
from .reasons import Rejected
from .schemas import plausible, push_request_schema


def refused_by_database(error: Exception) -> bool:
    """Say whether the database (or its driver) refused the values written, for good.

    An id already taken, a value out of a column's range (``IntegrityError``, ``DataError``), a
    text the driver cannot encode (a lone surrogate: ``UnicodeError`` as the driver raises it,
    or ``StatementError`` when SQLAlchemy wraps what failed while binding a value). Never a
    passing fault, nor a fault of the server (its other ``DBAPIError``).
    """
    if isinstance(error, exc.IntegrityError | exc.DataError):
        return True
    if isinstance(error, exc.DBAPIError):
        return False
    return isinstance(error, exc.StatementError | UnicodeError | OverflowError)


class Busy(ServiceUnavailable):
    """A passing fault: nothing was stored; try again in a moment."""

    def __init__(self):
        super().__init__(retry_after=1)


def push(artisan_id: int, body, user_agent: str = "") -> tuple[int, dict]:
    """Apply a push for the artisan; return the HTTP status (200 or 409) and the answer.

    The push is its own transaction: whatever the session holds uncommitted is rolled back
    first. Raises ``ValidationError`` (422), ``Forbidden`` (a client of another artisan) or
    ``Busy`` (503).
    """
    data = push_request_schema.load(body)  # no seq or id: nothing can be done (422)
    now = utcnow()
    skew = None
    if data["sent_at"] is not None:
        skew = int(max(min((now - data["sent_at"]).total_seconds(), 2**31 - 1), -(2**31 - 1)))
    limit = clock_skew_limit()
    envelope = {"sent_at": data["sent_at"], "clock_skew_seconds": skew,
                "app_version": (data["app_version"] or "")[:40]}
    flagged = skew is not None and abs(skew) > limit
    try:
        with locking.writing(db.session):
            try:
                return _push(artisan_id, data, envelope, flagged, user_agent, now, False)
            except Exception as error:
                if not refused_by_database(error):
                    raise
                db.session.rollback()
                return _push(artisan_id, data, envelope, flagged, user_agent, now, True)
    except exc.SQLAlchemyError as error:
        db.session.rollback()
        if locking.is_passing_fault(error):
            current_app.logger.warning("sync push: passing fault, answered 503: %s", error)
            raise Busy() from error
        raise


def _push(artisan_id, data, envelope, flagged, user_agent, now, careful) -> tuple[int, dict]:
    locking.begin_write(db.session)
    device = locking.lock_device(db.session, data["client_id"], artisan_id)
    if device.artisan_id != artisan_id:
        db.session.rollback()
        raise Forbidden()
    profile = locking.lock_profile(db.session, artisan_id)
    ctx = PushContext(artisan_id=artisan_id, device=device, version=profile.version + 1,
                      now=now)
    envelope = {**envelope, "device_id": device.id, "artisan_id": artisan_id,
                "received_at": now, "flagged": flagged}
    results, stop = _run(ctx, data["mutations"], envelope, careful)
    ctx.write()
    if ctx.changed:
        profile.version = ctx.version
    device.last_push_at = now
    device.clock_skew_seconds = envelope["clock_skew_seconds"]
    device.app_version = envelope["app_version"]
    device.user_agent = clean(user_agent, multiline=False)[:300]
    answer = {"last_seq": device.last_seq, "version": profile.version, "results": results}
    if stop == "reused":
        answer["client_reset"] = True
    db.session.commit()
    return (409 if stop else 200), answer


def _run(ctx: PushContext, mutations: list[dict], envelope: dict,
         careful: bool) -> tuple[list[dict], str | None]:
    """Apply the batch; return the results and why it stopped early ("gap", "reused") if so."""
    device = ctx.device
    # Who already owns each id: a mutation stored under another seq (or client) is not redone;
    # the artisan's own are answered as they stand (``fates``).
    owners, fates = {}, {}
    if mutations:
        for op_id, artisan_id, status, reason in db.session.execute(
                select(SyncOp.id, SyncOp.artisan_id, SyncOp.status, SyncOp.reason).where(
                    SyncOp.id.in_([m["id"] for m in mutations]))):
            owners[op_id] = artisan_id
            if artisan_id == ctx.artisan_id:
                fates[op_id] = _fate(op_id, status, reason)
    # What this client's past numbers hold, to tell a retry from a number used twice.
    held: dict[int, set] = {}
    past = [m["seq"] for m in mutations if m["seq"] <= device.last_seq]
    if past:
        for op_id, seq, detail in db.session.execute(
                select(SyncOp.id, SyncOp.seq, SyncOp.reason_detail).where(
                    SyncOp.device_id == device.id, SyncOp.seq.in_(past))):
            kept_as = uuid_or_none((detail or {}).get("mutation_id"))
            held[seq] = {op_id, kept_as}
    results = []
    for mutation in mutations:
        seq = mutation["seq"]
        if seq <= device.last_seq:
            if (mutation["id"] in held.get(seq, ())
                    or owners.get(mutation["id"]) == ctx.artisan_id):
                results.append({"id": str(mutation["id"]), "status": "duplicate"})
                continue
            # A number this client already used for another mutation: the phone counts from
            # an older copy of itself. Never "duplicate" (the sale would be lost): stop.
            return results, "reused"
        if seq > device.last_seq + 1:
            return results, "gap"
        owner = owners.get(mutation["id"])
        if owner == ctx.artisan_id:
            # Sent again under a new number: said as it stands (a refusal stays a refusal).
            result = fates.get(mutation["id"]) or _fate(mutation["id"], MutationStatus.APPLIED)
        elif owner is not None:
            result = _reject(ctx, mutation, envelope, reasons.ID_TAKEN,
                             {"mutation_id": str(mutation["id"])}, new_id=True)
        elif careful:
            result = _apply_carefully(ctx, mutation, envelope)
        else:
            result = _apply(ctx, mutation, envelope)
        owners[mutation["id"]] = ctx.artisan_id
        kept = result["status"] if result["status"] in ("rejected", "waiting") else "applied"
        fates[mutation["id"]] = _fate(mutation["id"], MutationStatus(kept), result.get("reason"))
        held[seq] = {mutation["id"]}
        results.append(result)
        device.last_seq = seq
    return results, None


def _fate(mutation_id, status: MutationStatus, reason: str | None = None) -> dict:
    """The answer for a mutation the server already holds, as it stands now."""
    if status == MutationStatus.REJECTED:
        return {"id": str(mutation_id), "status": "rejected", "reason": reason,
                "message": gettext(reason) if reason else ""}
    if status == MutationStatus.WAITING:
        return {"id": str(mutation_id), "status": "waiting"}
    return {"id": str(mutation_id), "status": "duplicate"}


def _new_op(mutation: dict, envelope: dict, status: MutationStatus) -> Op:
    return Op(id=mutation["id"], seq=mutation["seq"], type=mutation["type"][:40],
              payload=_storable(mutation["payload"]), occurred_at=mutation["occurred_at"],
              status=status,
              clock_flagged=envelope["flagged"] or not plausible(mutation["occurred_at"]),
              envelope={key: envelope[key] for key in (
                  "device_id", "artisan_id", "sent_at", "received_at", "clock_skew_seconds",
                  "app_version")})


def _apply(ctx: PushContext, mutation: dict, envelope: dict) -> dict:
    kind = TYPES.get(mutation["type"])
    if kind is None:
        return _reject(ctx, mutation, envelope, reasons.UNKNOWN_TYPE,
                       {"type": mutation["type"][:80]})
    try:
        payload = kind.schema.load(mutation["payload"])
    except ValidationError as error:
        return _reject(ctx, mutation, envelope, reasons.BAD_VALUES, {"fields": error.messages})
    op = _new_op(mutation, envelope, MutationStatus.APPLIED)
    try:
        # Appliers check everything before they write anything: a refusal leaves no trace.
        flags = kind.apply(ctx, op, payload)
    except Rejected as rejection:
        return _reject(ctx, mutation, envelope, rejection.reason, rejection.detail)
    ctx.add_op(op)
    ctx.changed = True
    flags = {flag for flag in flags if flag != "waiting"}
    if op.clock_flagged:
        flags.add("clock")
    result = {"id": str(op.id),
              "status": "waiting" if op.status == MutationStatus.WAITING else "applied"}
    if flags:
        result["flags"] = sorted(flags)
    return result


def _apply_carefully(ctx: PushContext, mutation: dict, envelope: dict) -> dict:
    """Apply and write one mutation in a savepoint; what the database refuses is rejected.

    The refusal is written in a savepoint too; if even that is refused, a bare refusal is kept
    under an id of ours, without the payload. The mutation ends up stored either way, so that
    ``last_seq`` moves on past it.
    """
    result, refused = _written(ctx, lambda: _apply(ctx, mutation, envelope))
    if refused is None:
        return result
    current_app.logger.warning("sync push: mutation %s refused by the database: %r",
                               mutation["id"], refused)
    reason = (reasons.ID_TAKEN if isinstance(refused, exc.IntegrityError)
              else reasons.NOT_STORED)
    detail = {"error": type(getattr(refused, "orig", None) or refused).__name__}
    result, again = _written(ctx, lambda: _reject(ctx, mutation, envelope, reason, detail))
    if again is None:
        return result
    result, again = _written(ctx, lambda: _reject(ctx, mutation, envelope, reason, detail,
                                                  new_id=True, keep_payload=False))
    if again is not None:
        raise again  # this row holds only cleaned values: not the mutation's fault
    return result


def _written(ctx: PushContext, make_rows) -> tuple[dict | None, Exception | None]:
    """Call ``make_rows`` and write what it collected, in a savepoint.

    Return its result, or (None, the error) when the database refused the rows: then the
    savepoint is rolled back and nothing of them is left.
    """
    savepoint = db.session.begin_nested()
    try:
        result = make_rows()
        ctx.write()
    except Exception as error:
        if not refused_by_database(error):
            raise
        savepoint.rollback()
        ctx.forget()
        return None, error
    savepoint.commit()
    return result, None


def _reject(ctx: PushContext, mutation: dict, envelope: dict, reason: str,
            detail: dict | None, new_id: bool = False, keep_payload: bool = True) -> dict:
    """Keep the refused mutation with its reason, for the artisan and the coach to see."""
    op = _new_op(mutation, envelope, MutationStatus.REJECTED)
    op.reason = reason
    op.reason_detail = _storable(detail)
    if new_id:
        # The phone's id is taken by someone else's row: keep this one under an id of ours.
        op.id = uuid.uuid4()
        op.reason_detail = {**(op.reason_detail or {}), "mutation_id": str(mutation["id"])}
    if not keep_payload:
        op.payload = {"unreadable": True}
    payload = mutation["payload"] if isinstance(mutation["payload"], dict) else {}
    stall = ctx.stall(uuid_or_none(payload.get("stall_id")))
    op.stall_id = stall.id if stall is not None else None
    if mutation["type"] == "sale.record":
        apply_sales.refuse_waiting_voids(ctx, mutation["id"])
    ctx.add_op(op)
    ctx.changed = True
    return {"id": str(mutation["id"]), "status": "rejected", "reason": reason,
            "message": gettext(reason)}


def _storable(value):
    """Return ``value`` as JSON the database takes (no NaN, no odd types), or a marker."""
    try:
        return json.loads(json.dumps(value, allow_nan=False, default=str))
    except (TypeError, ValueError):
        return {"unreadable": True}
