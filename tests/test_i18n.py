"""Money as each language writes it (Babel), from integer cents."""

import pytest
from flask_babel import force_locale

from marche.i18n import money

NBSP = "\xa0"


@pytest.mark.parametrize("locale, cents, whole, shown", [
    ("fr", 1250, False, f"12,50{NBSP}€"),
    ("fr", 123450, False, f"1\u202f234,50{NBSP}€"),
    ("en", 1250, False, "€12.50"),
    ("fr", 5000, True, f"50{NBSP}€"),      # a round amount on a small button
    ("en", 5000, True, "€50"),
    ("fr", 5050, True, f"50,50{NBSP}€"),   # never rounds away real cents
    ("fr", None, False, ""),
])
def test_money_is_written_the_way_the_language_writes_it(app, locale, cents, whole, shown):
    with app.test_request_context(), force_locale(locale):
        assert money(cents, whole=whole) == shown
