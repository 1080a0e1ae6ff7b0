"""The artisan's version (the pull cookie), for every screen that changes what a phone holds.

A push stamps its rows itself. Any other change to a row the phones hold (a coach moving a
stall, an artisan editing a product on the catalogue page) must stamp it too, in the same
transaction, or the phones' next patch will not carry it::

    stall.number = 7
    stamp(stall.artisan_id, stall)
    db.session.commit()
"""

from sqlalchemy import update

from ..extensions import db
from ..models import ArtisanProfile


def next_version(artisan_id: int) -> int:
    """Increase the artisan's version in one statement (it locks the row) and return it."""
    return db.session.execute(
        update(ArtisanProfile).where(ArtisanProfile.user_id == artisan_id)
        .values(version=ArtisanProfile.version + 1).returning(ArtisanProfile.version)
    ).scalar_one()


def require_full_state(artisan_id: int) -> int:
    """Make every phone of the artisan take the whole state at its next pull.

    For what a patch cannot say, such as a stall that no longer exists.
    """
    version = next_version(artisan_id)
    db.session.execute(update(ArtisanProfile).where(ArtisanProfile.user_id == artisan_id)
                       .values(full_state_version=version))
    return version


def stamp(artisan_id: int, *rows) -> int:
    """Give ``rows`` (stalls, products, sales…) a new version of their artisan; return it."""
    version = next_version(artisan_id)
    for row in rows:
        row.version = version
    return version
