"""What the logged-in artisan may reach: their own profile and their own products only."""

import uuid

from flask import abort
from flask_login import current_user

from ..extensions import db
from ..models import ArtisanProfile, Product


def my_profile() -> ArtisanProfile:
    """Return the logged-in artisan's profile (an account the coach left without one: 404)."""
    profile = current_user.profile
    if profile is None:
        abort(404)
    return profile


def own_product(product_id: uuid.UUID) -> Product:
    """Return one of the logged-in artisan's products; anyone else's is "not found"."""
    product = db.session.get(Product, product_id)
    if product is None or product.artisan_id != current_user.id:
        abort(404)
    return product
