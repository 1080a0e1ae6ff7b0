"""Why a mutation was refused: message ids stored as they are, translated only on display.

The database keeps the English message id (``SyncOp.reason``) so that the artisan and the
coach each read it in their own language, whenever they look.
"""

from flask_babel import gettext


def _l(message: str) -> str:
    """Mark a message id for the catalogue (extracted like ``lazy_gettext``), keep it English.

    Named ``_l`` because that is the keyword the catalogue tools look for; unlike
    ``lazy_gettext`` it translates nothing, so what is stored is always the message id.
    """
    return message


UNKNOWN_TYPE = _l("This kind of change is not known by the server.")
BAD_VALUES = _l("Some values of this change are not right.")
UNKNOWN_STALL = _l("This stall does not exist or is not yours.")
UNKNOWN_PRODUCT = _l("A product of this change does not exist or is not yours.")
UNKNOWN_SALE = _l("This sale is not yours.")
TOTALS = _l("The amounts of this sale do not add up.")
ALREADY_VOIDED = _l("This sale was already cancelled.")
SALE_REFUSED = _l("The sale this cancels was refused.")
ALREADY_OPEN = _l("This stall was already opened.")
NEW_PRODUCT_FIELDS = _l("A new product needs a name and a price.")
ID_TAKEN = _l("This change uses an id that is already taken.")
NOT_STORED = _l("The server could not store this change.")

ALL = (UNKNOWN_TYPE, BAD_VALUES, UNKNOWN_STALL, UNKNOWN_PRODUCT, UNKNOWN_SALE, TOTALS,
       ALREADY_VOIDED, SALE_REFUSED, ALREADY_OPEN, NEW_PRODUCT_FIELDS, ID_TAKEN, NOT_STORED)


class Rejected(Exception):
    """Raised by an applier: this mutation can never succeed; store it refused, go on."""

    def __init__(self, reason: str, detail: dict | None = None):
        super().__init__(reason)
        self.reason = reason
        self.detail = detail


def display(reason: str | None) -> str:
    """Return a stored reason in the reader's language."""
    return gettext(reason) if reason else ""
