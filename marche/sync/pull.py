"""``POST /sync/pull``: the artisan's state, whole or as a patch since the phone's cookie.

The cookie is the artisan's version: every push that changes something increases it and stamps
the rows it changed, in the same transaction. A pull reads the version and the rows in one
snapshot, so "rows stamped after the cookie" is exactly what the phone has not seen yet.
A missing, unknown or future cookie (a server restored from a backup), or a phone holding as
confirmed more than the server has of it, gets ``clear`` and the whole state.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from flask import current_app
from sqlalchemy import exc, func, select
from sqlalchemy.orm import joinedload, selectinload
from werkzeug.exceptions import Forbidden

from ..extensions import db
from ..models import (
    ArtisanProfile,
    Device,
    MutationStatus,
    Product,
    ProductConflict,
    Sale,
    Stall,
    StallStatus,
    StockMovement,
    SyncOp,
    utcnow,
)
from . import locking, values
from .push import Busy
from .schemas import pull_request_schema

# A phone pulls often; its "last seen" is written at most this often.
PULL_NOTE_EVERY = dt.timedelta(seconds=30)


def pull(artisan_id: int, body) -> dict:
    """Return ``{cookie, last_seq, patch}`` for the artisan's client named in ``body``."""
    data = pull_request_schema.load(body)
    cookie = data["cookie"]
    try:
        locking.begin_snapshot(db.session)
        device = db.session.get(Device, data["client_id"])
        if device is not None and device.artisan_id != artisan_id:
            db.session.rollback()
            raise Forbidden()
        last_seq = device.last_seq if device is not None else 0
        noted = device.last_pull_at if device is not None else None
        version, full_state_version = db.session.execute(
            select(ArtisanProfile.version, ArtisanProfile.full_state_version)
            .where(ArtisanProfile.user_id == artisan_id)).one()
        restored = data["last_seq"] is not None and data["last_seq"] > last_seq
        if (cookie is None or cookie <= 0 or cookie > version or restored
                or cookie < full_state_version):
            patch = [{"op": "clear"}, *everything(artisan_id)]
        else:
            patch = since(artisan_id, cookie)
        db.session.rollback()
    except exc.SQLAlchemyError as error:
        db.session.rollback()
        if locking.is_passing_fault(error):
            raise Busy() from error
        raise
    now = utcnow()
    if noted is None or now - noted > PULL_NOTE_EVERY:
        _note_pull(artisan_id, data["client_id"], now)
    return {"cookie": version, "last_seq": last_seq, "patch": patch}


def _put(key: str, value: dict) -> dict:
    return {"op": "put", "key": key, "value": value}


def _del(key: str) -> dict:
    return {"op": "del", "key": key}


def _products(artisan_id: int, since_version: int | None = None) -> list[dict]:
    statement = select(Product).where(Product.artisan_id == artisan_id)
    if since_version is not None:
        statement = statement.where(Product.version > since_version)
    products = list(db.session.execute(statement.order_by(Product.name)).scalars())
    conflicts = defaultdict(list)
    if products:
        for conflict in db.session.execute(select(ProductConflict).where(
                ProductConflict.product_id.in_([p.id for p in products]),
                ProductConflict.resolved_at.is_(None)).order_by(ProductConflict.id)).scalars():
            conflicts[conflict.product_id].append(conflict)
    return [_put(values.product_key(p.id), values.product_value(p, conflicts[p.id]))
            for p in products]


def _stalls(artisan_id: int) -> list[Stall]:
    return list(db.session.execute(
        select(Stall).options(joinedload(Stall.market)).where(Stall.artisan_id == artisan_id)
    ).scalars())


def _sales(stall_ids, since_version: int | None = None) -> list[dict]:
    if not stall_ids:
        return []
    statement = (select(Sale).options(selectinload(Sale.lines), selectinload(Sale.payments))
                 .where(Sale.stall_id.in_(stall_ids)))
    if since_version is not None:
        statement = statement.where(Sale.version > since_version)
    sales = db.session.execute(statement.order_by(Sale.occurred_at, Sale.id)).scalars()
    return [_put(values.sale_key(s.id), values.sale_value(s)) for s in sales]


def _stock(stall_ids, since_version: int | None = None) -> list[dict]:
    if not stall_ids:
        return []
    statement = (select(StockMovement.stall_id, StockMovement.product_id,
                        func.sum(StockMovement.quantity))
                 .where(StockMovement.stall_id.in_(stall_ids))
                 .group_by(StockMovement.stall_id, StockMovement.product_id))
    if since_version is not None:
        # Only the levels a recent movement changed; each is summed over all its movements.
        statement = statement.having(func.max(StockMovement.version) > since_version)
    return [_put(values.stock_key(stall_id, product_id),
                 values.stock_value(stall_id, product_id, int(quantity)))
            for stall_id, product_id, quantity in db.session.execute(statement)]


def _rejected(artisan_id: int, since_version: int | None = None) -> list[dict]:
    statement = select(SyncOp).where(SyncOp.artisan_id == artisan_id,
                                     SyncOp.status == MutationStatus.REJECTED)
    if since_version is not None:
        statement = statement.where(SyncOp.version > since_version)
    ops = db.session.execute(statement.order_by(SyncOp.received_at, SyncOp.seq)).scalars()
    return [_put(values.rejected_key(op.id), values.rejected_value(op)) for op in ops]


def everything(artisan_id: int) -> list[dict]:
    """Every row the phone holds: stalls, products, and the sales and stock of stalls not closed."""
    stalls = _stalls(artisan_id)
    live = [s.id for s in stalls if s.status != StallStatus.CLOSED]
    return [*(_put(values.stall_key(s.id), values.stall_value(s)) for s in stalls),
            *_products(artisan_id), *_sales(live), *_stock(live), *_rejected(artisan_id)]


def since(artisan_id: int, cookie: int) -> list[dict]:
    """The rows changed after ``cookie``; a stall that closed takes its sales and stock away."""
    stalls = _stalls(artisan_id)
    changed = [s for s in stalls if s.version > cookie]
    closed = [s.id for s in changed if s.status == StallStatus.CLOSED]
    reopened = [s.id for s in changed if s.status != StallStatus.CLOSED]
    steady = [s.id for s in stalls if s.version <= cookie and s.status != StallStatus.CLOSED]
    gone = []
    if closed:
        gone += [_del(values.sale_key(sale_id)) for sale_id in db.session.execute(
            select(Sale.id).where(Sale.stall_id.in_(closed))).scalars()]
        gone += [_del(values.stock_key(stall_id, product_id))
                 for stall_id, product_id in db.session.execute(
                     select(StockMovement.stall_id, StockMovement.product_id).distinct()
                     .where(StockMovement.stall_id.in_(closed)))]
    return [*(_put(values.stall_key(s.id), values.stall_value(s)) for s in changed), *gone,
            *_products(artisan_id, cookie), *_sales(reopened), *_sales(steady, cookie),
            *_stock(reopened), *_stock(steady, cookie), *_rejected(artisan_id, cookie)]


def _note_pull(artisan_id: int, client_id, now: dt.datetime) -> None:
    """Record when this phone last pulled (the coach sees it); skipped if the row is busy.

    A pull never waits on a push (the phone's own push may hold the row for seconds): every
    lock is asked for without waiting, and a refusal only skips the note.
    """
    try:
        with locking.writing(db.session, wait=False):
            locking.begin_write(db.session, wait=False)
            device = locking.lock_device(db.session, client_id, artisan_id, wait=False)
            if device.artisan_id == artisan_id:
                device.last_pull_at = now
            db.session.commit()
    except exc.SQLAlchemyError as error:
        db.session.rollback()
        current_app.logger.info("sync pull: last pull time not written: %s", error)
