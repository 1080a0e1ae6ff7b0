"""What the coach sees of the phones at a market: stall by stall, what sync refused or flagged.

Per stall: the mutations refused (with their reasons, translated on display), the sales that
arrived after the stall was closed, the mutations sent from a phone whose clock was far off, and
each of the artisan's phones with the time it last synced.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..models import Device, Market, MutationStatus, Sale, Stall, SyncOp
from . import clock_skew_limit
from .reasons import display


@dataclass
class StallHealth:
    stall: Stall
    rejected: list[SyncOp] = field(default_factory=list)
    late_sales: list[Sale] = field(default_factory=list)
    flagged: list[SyncOp] = field(default_factory=list)
    devices: list[Device] = field(default_factory=list)
    other_rejected: list[SyncOp] = field(default_factory=list)  # not tied to any stall

    @property
    def worst_skew(self) -> int | None:
        """How far off the worst phone clock was when sending; None if none was (the changes
        were flagged for a time they carry that cannot be true)."""
        limit = clock_skew_limit()
        skews = [op.clock_skew_seconds for op in self.flagged
                 if op.clock_skew_seconds is not None and abs(op.clock_skew_seconds) > limit]
        return max(skews, key=abs) if skews else None

    @property
    def alerts(self) -> int:
        return len(self.rejected) + len(self.late_sales) + len(self.flagged) + len(
            self.other_rejected) + sum(1 for device in self.devices if clock_off(device))


def clock_off(device: Device) -> bool:
    limit = clock_skew_limit()
    return device.clock_skew_seconds is not None and abs(device.clock_skew_seconds) > limit


def last_sync(device: Device):
    """Return the last time this phone pushed or pulled (None if never)."""
    times = [t for t in (device.last_push_at, device.last_pull_at) if t is not None]
    return max(times) if times else None


def reason_text(op: SyncOp) -> str:
    """The reason of a refused mutation, in the reader's language."""
    return display(op.reason)


def skew_text(seconds: int | None) -> str:
    """How far off a phone's clock is, in words: "3 h ahead", "2 days behind"."""
    if seconds is None:
        return ""
    # The skew is server time minus phone time: positive means the phone is behind.
    size = abs(seconds)
    if size >= 2 * 86400:
        amount = _("%(count)d days", count=round(size / 86400))
    elif size >= 2 * 3600:
        amount = _("%(count)d h", count=round(size / 3600))
    else:
        amount = _("%(count)d min", count=round(size / 60))
    if seconds > 0:
        return _("%(amount)s behind", amount=amount)
    return _("%(amount)s ahead", amount=amount)


def market_health(market: Market) -> list[StallHealth]:
    """Return one ``StallHealth`` per stall of the market, by stall number."""
    rows = {stall.id: StallHealth(stall=stall) for stall in market.stalls}
    if not rows:
        return []
    ids = list(rows)
    for op in db.session.execute(select(SyncOp).where(SyncOp.stall_id.in_(ids)).where(
            (SyncOp.status == MutationStatus.REJECTED) | SyncOp.clock_flagged.is_(True))
            .order_by(SyncOp.received_at, SyncOp.seq)).scalars():
        if op.status == MutationStatus.REJECTED:
            rows[op.stall_id].rejected.append(op)
        if op.clock_flagged:
            rows[op.stall_id].flagged.append(op)
    for sale in db.session.execute(select(Sale).where(
            Sale.stall_id.in_(ids), Sale.late.is_(True)).order_by(Sale.received_at)).scalars():
        rows[sale.stall_id].late_sales.append(sale)
    by_artisan: dict[int, StallHealth] = {row.stall.artisan_id: row for row in rows.values()}
    for device in db.session.execute(select(Device).where(
            Device.artisan_id.in_(list(by_artisan))).order_by(Device.created_at)).scalars():
        by_artisan[device.artisan_id].devices.append(device)
    for op in db.session.execute(select(SyncOp).where(
            SyncOp.artisan_id.in_(list(by_artisan)), SyncOp.stall_id.is_(None),
            SyncOp.status == MutationStatus.REJECTED).order_by(SyncOp.received_at)).scalars():
        by_artisan[op.artisan_id].other_rejected.append(op)
    return sorted(rows.values(), key=lambda row: row.stall.number)


def short_id(value: uuid.UUID) -> str:
    """The first characters of a phone's id: enough to tell two phones apart on screen."""
    return str(value)[:8]


def page_context(market: Market) -> dict:
    """Everything the coach's sync page of a market shows, with its display helpers."""
    return {"market": market, "stalls": market_health(market), "nav": "markets",
            "last_sync": last_sync, "short_id": short_id, "clock_off": clock_off,
            "skew_text": skew_text, "reason_text": reason_text}
