"""The one place where totals are computed: pure functions from sales to summaries.

The artisan's day close, the coach's dashboards, the exports and the sync tests all call these,
so every screen shows the same figures. A sale is anything with the attributes (or keys) of a
``Sale``: ``voided``, ``total_cents``, ``discount_cents``, ``lines`` (``product_id``, ``label``,
``quantity``, ``unit_price_cents``) and ``payments`` (``method``, ``amount_cents``) — model rows
and the phone's JSON alike. Voided sales are left out of every total; ``voided`` counts them.
Money is integer cents.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

METHODS = ("cash", "card", "transfer", "other")


def _get(row, name: str, default=None):
    if isinstance(row, dict):
        return row.get(name, default)
    return getattr(row, name, default)


def _method(payment) -> str:
    method = _get(payment, "method")
    return str(getattr(method, "value", method))


@dataclass(frozen=True)
class ItemSold:
    """One product (or one free-amount label) over the sales: how many, for how much."""

    product_id: str | None
    label: str
    quantity: int
    amount_cents: int  # quantity × unit price, before any sale discount


@dataclass(frozen=True)
class Summary:
    takings_cents: int = 0
    sales: int = 0
    items: int = 0
    discount_cents: int = 0
    voided: int = 0
    by_method: dict[str, int] = field(default_factory=lambda: dict.fromkeys(METHODS, 0))
    items_sold: tuple[ItemSold, ...] = ()


def line_total_cents(line) -> int:
    """Return what one line of a sale comes to: quantity × unit price."""
    return _get(line, "quantity", 0) * _get(line, "unit_price_cents", 0)


def sale_total_cents(lines: Iterable, discount_cents: int = 0) -> int:
    """Return what a sale comes to: its lines, less its discount."""
    return sum(line_total_cents(line) for line in lines) - (discount_cents or 0)


def paid_cents(payments: Iterable) -> int:
    """Return what the payments of one sale add up to."""
    return sum(_get(payment, "amount_cents", 0) for payment in payments)


def live(sales: Iterable) -> list:
    """Return the sales that count: all but the voided ones."""
    return [sale for sale in sales if not _get(sale, "voided", False)]


def takings_cents(sales: Iterable) -> int:
    """Return what came in: the sum of the totals of the live sales."""
    return sum(_get(sale, "total_cents", 0) for sale in live(sales))


def by_payment_method(sales: Iterable) -> dict[str, int]:
    """Return the takings of the live sales split by payment method (every method present)."""
    totals = dict.fromkeys(METHODS, 0)
    for sale in live(sales):
        for payment in _get(sale, "payments", ()) or ():
            method = _method(payment)
            totals[method] = totals.get(method, 0) + _get(payment, "amount_cents", 0)
    return totals


def items_sold(sales: Iterable) -> list[ItemSold]:
    """Return what sold, per product (free amounts per label), the best-selling amount first."""
    quantities: dict[tuple, list] = {}
    for sale in live(sales):
        for line in _get(sale, "lines", ()) or ():
            product_id = _get(line, "product_id")
            key = ("product", str(product_id)) if product_id else ("label", _get(line, "label"))
            entry = quantities.setdefault(key, [_get(line, "label", ""), 0, 0])
            entry[1] += _get(line, "quantity", 0)
            entry[2] += line_total_cents(line)
    items = [ItemSold(product_id=key[1] if key[0] == "product" else None, label=label,
                      quantity=quantity, amount_cents=amount)
             for key, (label, quantity, amount) in quantities.items()]
    return sorted(items, key=lambda item: (-item.amount_cents, -item.quantity, item.label))


def summarize(sales: Iterable) -> Summary:
    """Return every total of these sales at once."""
    sales = list(sales)
    counted = live(sales)
    sold = items_sold(counted)
    return Summary(
        takings_cents=takings_cents(counted),
        sales=len(counted),
        items=sum(item.quantity for item in sold),
        discount_cents=sum(_get(sale, "discount_cents", 0) or 0 for sale in counted),
        voided=len(sales) - len(counted),
        by_method=by_payment_method(counted),
        items_sold=tuple(sold),
    )
