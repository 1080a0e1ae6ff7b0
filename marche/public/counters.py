"""Anonymous counts per day (QR scans, hearts): one row per thing and day, no IP, no cookie."""

import datetime as dt

from sqlalchemy.dialects import postgresql, sqlite

from ..extensions import db
from ..models import ProductLike, QrScan

_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def _add_one(model, key_column: str, key, day: dt.date) -> None:
    """Add one to the day's count in one statement: two visitors at once never lose a count."""
    insert = _INSERTS[db.session.get_bind().dialect.name]
    statement = insert(model).values({key_column: key, "day": day, "count": 1})
    statement = statement.on_conflict_do_update(
        index_elements=[key_column, "day"], set_={"count": model.count + 1})
    db.session.execute(statement)
    db.session.commit()


def count_scan(stall_id, day: dt.date) -> None:
    _add_one(QrScan, "stall_id", stall_id, day)


def count_like(product_id, day: dt.date) -> None:
    _add_one(ProductLike, "product_id", product_id, day)


def likes_by_product(product_ids) -> dict:
    """Return every heart a product ever got, by product id."""
    if not product_ids:
        return {}
    rows = db.session.execute(
        db.select(ProductLike.product_id, db.func.sum(ProductLike.count))
        .where(ProductLike.product_id.in_(list(product_ids)))
        .group_by(ProductLike.product_id))
    return {product_id: int(total) for product_id, total in rows}
