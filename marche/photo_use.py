"""Which stored photos rows still name, and the clean-up of those no row names.

A photo is kept on disk as soon as it is checked, before its form is saved: a form refused for
another field keeps it for the retry. A retry that never comes leaves a photo no row names;
``prune`` removes those once they are old enough that no retry can still be on its way.
"""

import datetime as dt

from sqlalchemy import inspect

from . import photos
from .extensions import db
from .models import ArtisanProfile, Product

# Every column that names a photo; a new one goes here, and every rule below follows.
PHOTO_COLUMNS = (Product.photo_key, ArtisanProfile.photo_key)


def is_named(key: str) -> bool:
    """Tell whether any row still names this photo."""
    return any(db.session.execute(db.select(column).where(column == key)).first()
               for column in PHOTO_COLUMNS)


def named_keys() -> set[str]:
    """Return every photo key a row names (none for a table not built yet)."""
    tables = set(inspect(db.engine).get_table_names())
    keys = set()
    for column in PHOTO_COLUMNS:
        if column.table.name in tables:
            keys |= set(db.session.execute(db.select(column)).scalars())
    return keys - {None}


def prune(older_than: dt.timedelta) -> list[str]:
    """Delete the stored photos no row names that were made more than ``older_than`` ago;
    return their keys."""
    named = named_keys()
    cutoff = dt.datetime.now(dt.UTC) - older_than
    gone = [key for key, made in photos.stored() if key not in named and made < cutoff]
    for key in gone:
        photos.delete(key)
    return gone
