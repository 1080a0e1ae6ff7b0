"""The sync server (design/sync.md): push and pull, so that a sale recorded on a phone is never
lost and never counted twice.

- ``push.push``: store a phone's mutations exactly once (``mutations.py`` lists the types,
  ``apply_*.py`` apply them, ``locking.py`` holds the transaction);
- ``pull.pull``: the artisan's state, whole or as a patch since the phone's cookie;
- ``health.market_health``: what the coach sees of the phones at a market.
"""
