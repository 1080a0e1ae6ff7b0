"""What visitors leave behind, counted per day: QR scans and hearts (no IP, no cookie)."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import Date, ForeignKey, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class QrScan(db.Model):
    """How many times a stall's QR code was scanned on a day: a count, no IP, no cookie."""

    __tablename__ = "qr_scans"
    __table_args__ = (UniqueConstraint("stall_id", "day", name="uq_qr_scans_stall_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    stall_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stalls.id", ondelete="CASCADE"))
    day: Mapped[dt.date] = mapped_column(Date)
    count: Mapped[int] = mapped_column(Integer, default=0)


class ProductLike(db.Model):
    """Visitors' hearts for a product, counted per day: no IP, no cookie."""

    __tablename__ = "product_likes"
    __table_args__ = (UniqueConstraint("product_id", "day", name="uq_product_likes_product_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    day: Mapped[dt.date] = mapped_column(Date)
    count: Mapped[int] = mapped_column(Integer, default=0)
