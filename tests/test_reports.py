"""reports: the one place where totals are computed, the same for rows and for the phone's JSON."""

import uuid

from marche import reports
from marche.models import Payment, PaymentMethod, Sale, SaleLine

BOWL, VASE = str(uuid.uuid4()), str(uuid.uuid4())


def sale(lines, payments, discount=0, voided=False):
    total = sum(quantity * price for _, _, quantity, price in lines) - discount
    return {"voided": voided, "discount_cents": discount, "total_cents": total,
            "lines": [{"product_id": pid, "label": label, "quantity": quantity,
                       "unit_price_cents": price} for pid, label, quantity, price in lines],
            "payments": [{"method": method, "amount_cents": amount}
                         for method, amount in payments]}


DAY = [
    sale([(BOWL, "Bol", 2, 1800)], [("cash", 3600)]),
    sale([(VASE, "Vase", 1, 2500), (None, "Free amount", 1, 500)], [("card", 2000),
                                                                     ("cash", 800)], discount=200),
    sale([(BOWL, "Bol", 1, 1800)], [("transfer", 1800)], voided=True),
    sale([(BOWL, "Bol", 1, 1800)], [("other", 1800)]),
]


def test_takings_leave_voided_sales_out():
    assert reports.takings_cents(DAY) == 3600 + 2800 + 1800


def test_takings_by_payment_method_name_every_method():
    assert reports.by_payment_method(DAY) == {"cash": 4400, "card": 2000, "transfer": 0,
                                              "other": 1800}


def test_items_sold_per_product_and_free_amount_best_first():
    assert reports.items_sold(DAY) == [
        reports.ItemSold(product_id=BOWL, label="Bol", quantity=3, amount_cents=5400),
        reports.ItemSold(product_id=VASE, label="Vase", quantity=1, amount_cents=2500),
        reports.ItemSold(product_id=None, label="Free amount", quantity=1, amount_cents=500),
    ]


def test_summary_of_a_day():
    summary = reports.summarize(DAY)
    assert (summary.takings_cents, summary.sales, summary.items, summary.voided,
            summary.discount_cents) == (8200, 3, 5, 1, 200)
    assert sum(summary.by_method.values()) == summary.takings_cents


def test_no_sales_is_all_zero():
    summary = reports.summarize([])
    assert summary == reports.Summary()
    assert summary.by_method == {"cash": 0, "card": 0, "transfer": 0, "other": 0}


def test_model_rows_and_json_give_the_same_summary():
    rows = []
    for data in DAY:
        row = Sale(id=uuid.uuid4(), voided=data["voided"], discount_cents=data["discount_cents"],
                   total_cents=data["total_cents"])
        row.lines = [SaleLine(id=uuid.uuid4(), label=line["label"], quantity=line["quantity"],
                              unit_price_cents=line["unit_price_cents"],
                              product_id=uuid.UUID(line["product_id"]) if line["product_id"]
                              else None) for line in data["lines"]]
        row.payments = [Payment(id=uuid.uuid4(), method=PaymentMethod(p["method"]),
                                amount_cents=p["amount_cents"]) for p in data["payments"]]
        rows.append(row)
    assert reports.summarize(rows) == reports.summarize(DAY)


def _names(node) -> set[str]:
    """The names an expression reads: variables, attributes and constant subscript keys."""
    import ast

    found = set()
    for part in ast.walk(node):
        if isinstance(part, ast.Name):
            found.add(part.id)
        elif isinstance(part, ast.Attribute):
            found.add(part.attr)
        elif isinstance(part, ast.Constant) and isinstance(part.value, str):
            found.add(part.value)
    return found


def test_no_module_but_reports_computes_a_line_total():
    """quantity × unit price is computed in reports only: every screen shows the same figures."""
    import ast
    import pathlib

    package = pathlib.Path(reports.__file__).parent
    offenders = []
    for path in sorted(package.rglob("*.py")):
        if path.name == "reports.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
                sides = [_names(node.left), _names(node.right)]
                if any("quantity" in a and "unit_price_cents" in b
                       for a, b in (sides, sides[::-1])):
                    offenders.append(f"{path.relative_to(package.parent)}:{node.lineno}")
    assert offenders == []
