"""The sync server (design/sync.md): push and pull, so that a sale recorded on a phone is never
lost and never counted twice.

- ``push.push``: store a phone's mutations exactly once (``mutations.py`` lists the types,
  ``apply_*.py`` apply them, ``locking.py`` holds the transaction);
- ``pull.pull``: the artisan's state, whole or as a patch since the phone's cookie;
- ``health.market_health``: what the coach sees of the phones at a market.
"""

from flask import current_app

# A phone clock further off than this (seconds) is flagged; MARCHE_SYNC_CLOCK_SKEW_FLAG_SECONDS.
DEFAULT_CLOCK_SKEW_FLAG_SECONDS = 15 * 60


def clock_skew_limit() -> int:
    """Return how far (seconds) a phone's clock may be off before it is flagged."""
    return int(current_app.config.get("SYNC_CLOCK_SKEW_FLAG_SECONDS",
                                      DEFAULT_CLOCK_SKEW_FLAG_SECONDS))
