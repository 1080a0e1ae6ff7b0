"""The data model: people, markets, the catalogue, sales and the sync log.

Rules the schema keeps (design/architecture.md, design/sync.md):
- money is an integer number of cents (``*_cents``);
- times are stored in UTC; a market has a time zone that decides "which day";
- everything a phone can create has a UUID primary key made on the phone, and a unique
  constraint on it, so a retried push can never insert it twice;
- stock is never a stored number: it is the sum of ``StockMovement`` rows;
- a sale keeps the label and unit price of each line as sold, and is voided, never deleted;
- every row a push changes is stamped with the artisan's ``version`` (the pull cookie).
"""

from .columns import (
    ActivityNature,
    MovementKind,
    MutationStatus,
    PaymentMethod,
    Role,
    StallStatus,
    UTCDateTime,
    utcnow,
)
from .markets import Market, Product, Stall
from .people import ArtisanProfile, Cohort, User, cohort_coaches
from .sales import Payment, Sale, SaleLine, StockMovement
from .sync import Device, ProductConflict, SyncOp
from .visitors import ProductLike, QrScan

__all__ = [
    "ActivityNature", "ArtisanProfile", "Cohort", "Device", "Market", "MovementKind",
    "MutationStatus", "Payment", "PaymentMethod", "Product", "ProductConflict", "ProductLike",
    "QrScan", "Role", "Sale", "SaleLine", "Stall", "StallStatus", "StockMovement", "SyncOp",
    "UTCDateTime", "User", "cohort_coaches", "utcnow",
]
