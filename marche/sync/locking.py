"""Transactions of the sync: one locked write per push, one consistent snapshot per pull.

SQLite: pysqlite starts its transactions late (at the first write), so a push says
``BEGIN IMMEDIATE`` itself: it holds the database's write lock from its first read, and two
workers' pushes run one after the other. A pull says ``BEGIN``: its reads share one snapshot
(WAL). PostgreSQL: a push locks the client's ``Device`` row, then the artisan's profile
(``SELECT … FOR NO KEY UPDATE``: the rows that reference them can still be inserted), so pushes of
one artisan run one after the other; a pull reads in one ``REPEATABLE READ`` transaction.
"""

import contextlib
import threading
import uuid

from sqlalchemy import exc, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ..models import ArtisanProfile, Device, utcnow

# How long a push waits for another push's lock before answering 503 (PostgreSQL; SQLite
# waits its busy_timeout, set in extensions.py).
LOCK_TIMEOUT = "5s"
# A write that must not wait (a pull noting its time) takes row locks with NOWAIT; this bounds
# the one wait NOWAIT cannot refuse: inserting a client row another push is inserting too.
NO_WAIT_LOCK_TIMEOUT = "10ms"
# SQLite has one writer at a time; its busy handler polls with growing sleeps, so threads of
# one process queue on a mutex instead (fair and prompt). Other processes still wait on
# SQLite's busy_timeout.
MUTEX_TIMEOUT = 10
_mutexes: dict[str, threading.Lock] = {}
_mutexes_lock = threading.Lock()


def dialect(session: Session) -> str:
    return session.get_bind().dialect.name


@contextlib.contextmanager
def writing(session: Session, wait: bool = True):
    """Hold this process's SQLite write mutex around a write transaction (no-op elsewhere).

    A push waits at most ``MUTEX_TIMEOUT`` seconds, then fails like a busy database (503);
    with ``wait=False`` a mutex already held fails at once.
    """
    bind = session.get_bind()
    if bind.dialect.name != "sqlite":
        yield
        return
    with _mutexes_lock:
        mutex = _mutexes.setdefault(str(bind.url), threading.Lock())
    # Give the pooled connection back while waiting: a waiter holding one could starve the
    # holder of the mutex of a connection.
    session.rollback()
    acquired = mutex.acquire(timeout=MUTEX_TIMEOUT) if wait else mutex.acquire(blocking=False)
    if not acquired:
        raise exc.OperationalError("BEGIN IMMEDIATE", {}, TimeoutError("write mutex busy"))
    try:
        yield
    finally:
        session.rollback()  # nothing stays open past the mutex (a no-op after a commit)
        mutex.release()


def begin_write(session: Session, wait: bool = True) -> None:
    """Start the push's transaction, holding the write lock on SQLite from the first statement.

    With ``wait=False``, a database another transaction is writing (SQLite) fails at once
    instead of waiting its busy timeout, and lock waits on PostgreSQL are cut short.
    """
    session.rollback()  # whatever the request read before (the logged-in user) is let go
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        if wait:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
            return
        busy_timeout = int(connection.exec_driver_sql("PRAGMA busy_timeout").scalar())
        connection.exec_driver_sql("PRAGMA busy_timeout = 0")
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        finally:
            connection.exec_driver_sql(f"PRAGMA busy_timeout = {busy_timeout}")
    elif connection.dialect.name == "postgresql":
        timeout = LOCK_TIMEOUT if wait else NO_WAIT_LOCK_TIMEOUT
        connection.exec_driver_sql(f"SET LOCAL lock_timeout = '{timeout}'")


def begin_snapshot(session: Session) -> None:
    """Start a read-only transaction whose reads all see one moment of the database."""
    session.rollback()
    if dialect(session) == "postgresql":
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    else:
        session.connection().exec_driver_sql("BEGIN")


def lock_device(session: Session, client_id: uuid.UUID, artisan_id: int,
                wait: bool = True) -> Device:
    """Return the client's row, created if new (race-safe), locked until the commit.

    The row may belong to another artisan: the caller checks ``artisan_id``. With
    ``wait=False`` a row another transaction holds is not waited for (``NOWAIT``): the
    database's "lock not available", an ``OperationalError``, comes at once.
    """
    table = Device.__table__
    locked = (select(Device).where(Device.id == client_id)
              .with_for_update(key_share=True, nowait=not wait)
              .execution_options(populate_existing=True))
    if not wait:
        # Look first: inserting over a row a push is updating would wait for that push.
        device = session.execute(locked).scalar_one_or_none()
        if device is not None:
            return device
    insert = postgresql.insert if dialect(session) == "postgresql" else sqlite.insert
    now = utcnow()
    session.execute(insert(table).values(
        id=client_id, artisan_id=artisan_id, last_seq=0, app_version="", user_agent="",
        created_at=now).on_conflict_do_nothing(index_elements=[table.c.id]))
    return session.execute(locked).scalar_one()


def lock_profile(session: Session, artisan_id: int) -> ArtisanProfile:
    """Return the artisan's profile (the version counter), locked until the commit."""
    return session.execute(
        select(ArtisanProfile).where(ArtisanProfile.user_id == artisan_id)
        .with_for_update(key_share=True).execution_options(populate_existing=True)
    ).scalar_one()


def is_passing_fault(error: Exception) -> bool:
    """Say whether trying again later may succeed: busy, locked, serialization, deadlock, gone.

    All of these are ``OperationalError`` on both engines (and a pool timeout); the phone keeps
    its mutations and tries again, so nothing is lost by answering 503.
    """
    return isinstance(error, exc.OperationalError | exc.TimeoutError | exc.InterfaceError)
