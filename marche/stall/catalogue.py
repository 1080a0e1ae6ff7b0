"""My products: the catalogue as tiles, and the add / edit form (archive, never delete)."""

import uuid

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..i18n import euros_input
from ..models import Product, Role
from ..schemas import load_form
from ..security import role_required
from ..sync.versions import stamp
from ..web import render
from .access import my_profile, own_product
from .forms import archive_schema, product_schema
from .photo_field import forget_replaced, take_photo

# The fields a form edit may change, as (form field, model attribute).
_FIELDS = (("name", "name"), ("price", "price_cents"), ("cost", "cost_cents"),
           ("category", "category"), ("active", "active"))


def _categories() -> list[str]:
    return list(db.session.execute(
        db.select(Product.category).distinct()
        .where(Product.artisan_id == current_user.id, Product.category != "")
        .order_by(Product.category)
    ).scalars())


def _form_page(product: Product | None, values: dict, errors: dict, status: int = 200,
               photo_key: str | None = None):
    current = product.photo_key if product else None
    return render("stall/product_form.html", product=product, values=values, errors=errors,
                  categories=_categories(), photo_key=photo_key or current,
                  current_photo_key=current, status=status)


def _values_of(product: Product) -> dict:
    return {"name": product.name, "price": euros_input(product.price_cents),
            "cost": euros_input(product.cost_cents), "category": product.category,
            "active": product.active}


def _submit(product: Product | None):
    """Validate the posted form and save it; re-show it with the messages when it is wrong."""
    data, errors = load_form(product_schema, request.form)
    photo_key = take_photo(errors)
    if errors:
        # A good photo is kept (as a hidden key) so a slow phone does not send it twice.
        return _form_page(product, request.form.to_dict(), errors, status=422,
                          photo_key=photo_key)
    is_new = product is None
    if is_new:
        product = Product(artisan_id=current_user.id, edit_version=1)
        db.session.add(product)
        changed = True
    else:
        changed = any(getattr(product, attr) != data[name] for name, attr in _FIELDS)
    for name, attr in _FIELDS:
        setattr(product, attr, data[name])
    replaced = None
    if photo_key and photo_key != product.photo_key:
        replaced, product.photo_key = product.photo_key, photo_key
        changed = True
    if changed:
        if not is_new:
            # A phone that edited an older edit_version will be told of the conflict.
            product.edit_version += 1
        stamp(current_user.id, product)
        db.session.commit()
        forget_replaced(replaced)
        flash(_("Saved ✓"), "success")
    return redirect(url_for("stall.products"))


@role_required(Role.ARTISAN)
def products():
    """Show my products as tiles, those on sale first."""
    my_profile()
    items = db.session.execute(
        db.select(Product).where(Product.artisan_id == current_user.id)
        .order_by(Product.active.desc(), Product.name)
    ).scalars().all()
    return render("stall/products.html", products=items)


@role_required(Role.ARTISAN)
def product_new():
    """Show the form to add a product, and add it."""
    my_profile()
    if request.method == "POST":
        return _submit(None)
    return _form_page(None, {"active": True}, {})


@role_required(Role.ARTISAN)
def product_edit(product_id: uuid.UUID):
    """Show the form to change one of my products, and save it."""
    product = own_product(product_id)
    if request.method == "POST":
        return _submit(product)
    return _form_page(product, _values_of(product), {})


@role_required(Role.ARTISAN)
def product_archive(product_id: uuid.UUID):
    """Take one of my products off sale, or put it back on sale."""
    product = own_product(product_id)
    data, errors = load_form(archive_schema, request.form)
    if errors:
        flash(_("Nothing was changed: try again."), "error")
        return redirect(url_for("stall.product_edit", product_id=product.id))
    active = data["active"]
    if product.active != active:
        product.active = active
        product.edit_version += 1
        stamp(current_user.id, product)
        db.session.commit()
    flash(_("Put back on sale ✓") if active else _("Archived ✓"), "success")
    return redirect(url_for("stall.products"))
