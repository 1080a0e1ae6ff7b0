"""The words the phone's scripts show, translated on the server and written into the page.

The scripts hold no sentence of their own: every stall page carries this dictionary as JSON.
Placeholders are ``%(name)s``. A word that changes with a number comes as one string per
plural category of the language (``Intl.PluralRules`` names: one, few, many, other…).
"""

from __future__ import annotations

from babel import Locale
from flask_babel import get_locale, get_translations
from flask_babel import gettext as _


def _examples() -> dict[str, int]:
    """Return one number for each plural category of the current language."""
    rule = Locale.parse(str(get_locale())).plural_form
    found: dict[str, int] = {}
    for number in [*range(0, 200), 1000, 1000000]:
        found.setdefault(rule(number), number)
    return found


def _plurals() -> dict[str, dict[str, str]]:
    t = get_translations()
    examples = _examples().items()
    return {
        "items": {c: t.ngettext("%(num)s item", "%(num)s items", n) for c, n in examples},
        "left": {c: t.ngettext("%(num)s left", "%(num)s left", n) for c, n in examples},
        "left_few": {c: t.ngettext("only %(num)s left", "only %(num)s left", n)
                     for c, n in examples},
        "waiting": {c: t.ngettext("%(num)s change waiting to be sent",
                                  "%(num)s changes waiting to be sent", n)
                    for c, n in examples},
        # The sales waiting, which the artisan counts; other changes beside them, apart.
        "sales_waiting": {c: t.ngettext("%(num)s sale waiting to be sent",
                                        "%(num)s sales waiting to be sent", n)
                          for c, n in examples},
        "others_waiting": {c: t.ngettext("+ %(num)s other change", "+ %(num)s other changes", n)
                           for c, n in examples},
        "sales": {c: t.ngettext("%(num)s sale", "%(num)s sales", n) for c, n in examples},
    }


def phone_strings() -> dict:
    """Return every message the phone's scripts may show, in the reader's language."""
    return {
        **_plurals(),
        "recorded": _("Recorded ✓"),
        "voided_done": _("Sale cancelled ✓"),
        "saved": _("Saved ✓"),
        "record_failed": _("Not recorded: this phone refused to save. Try again."),
        "sold_out": _("Sold out"),
        "tap_product": _("Tap a product to sell it"),
        "free_amount": _("Free amount"),
        "change_to_give": _("Change to give: %(amount)s"),
        "say_change": _("Give back %(amount)s"),
        "missing": _("Missing: %(amount)s"),
        "discount": _("Discount: %(amount)s"),
        "all_sent": _("Everything is sent ✓"),
        "last_sync": _("Last sent at %(time)s"),
        "never_synced": _("Nothing sent yet"),
        "offline": _("No network: your sales stay safe on this phone."),
        "sync_error": _("The server did not answer. Trying again soon."),
        "sync_login": _("Log in again to send your sales."),
        "syncing": _("Sending…"),
        "updating": _("Updating…"),
        "pending": _("Not sent yet"),
        "voided": _("Cancelled"),
        "late": _("After closing"),
        "cash": _("Cash"),
        "card": _("Card"),
        "transfer": _("Transfer"),
        "other": _("Other"),
        "reason_error": _("Mistake"),
        "reason_return": _("Returned"),
        "reason_other": _("Other reason"),
        "diff_exact": _("Exact ✓ The cash is right."),
        "diff_more": _("%(amount)s more than expected"),
        "diff_less": _("%(amount)s missing"),
        "per_hour": _("%(amount)s per hour"),
        "enter_amount": _("Type an amount first."),
        "discount_too_big": _("The discount is more than the total."),
        "enter_name": _("Write a name."),
        "type_sale": _("Sale"),
        "type_void": _("Cancelled sale"),
        "type_stock": _("Stock"),
        "type_product": _("Product"),
        "type_open": _("Opening"),
        "type_close": _("Closing"),
        "type_unknown": _("Change"),
        "storage_yes": _("Yes: this phone keeps your sales safely."),
        "storage_no": _("Not sure: the phone may clear its storage. Install the app to keep "
                        "your sales safely."),
        "storage_unknown": _("This browser does not say."),
        "installed": _("Marché is installed on this phone ✓"),
        "where": _("%(market)s · stall %(number)s"),
        "expected_detail": _("Start: %(float)s · Cash sales: %(cash)s"),
        "earned_detail": _("Takings %(takings)s − materials %(materials)s − stall fee %(fee)s"),
    }
