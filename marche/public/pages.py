"""The visitor's pages: an artisan's stall page (the QR target), a market page, the ♥ button."""

import uuid

from flask import abort, current_app, redirect, render_template, url_for
from flask_babel import gettext as _

from .. import qr
from ..extensions import db, limiter
from ..models import Market, Product, Stall
from ..stall.agenda import market_today, today_stalls, upcoming_stalls
from . import counters
from .showcase import active_products, describe, is_owner, is_visible, story_parts


def unavailable():
    """Answer 404 with a page that says so kindly, on the light public layout (no cookie)."""
    page = render_template("public/unavailable.html",
                           message=_("This page is not available."))
    return current_app.make_response((page, 404))


def plausible(slug: str) -> bool:
    """Tell whether a slug from an address may be looked up (PostgreSQL refuses NUL bytes)."""
    return 0 < len(slug) <= 80 and slug.isprintable()


def find_stall(slug: str) -> Stall | None:
    if not plausible(slug):
        return None
    return db.session.execute(db.select(Stall).where(Stall.slug == slug)).scalar_one_or_none()


def stall_page(slug: str):
    """Show an artisan's public page: who they are, what they make, where to find them."""
    stall = find_stall(slug)
    if stall is None:
        return unavailable()
    profile = stall.artisan
    owner = is_owner(profile)
    if not is_visible(profile) and not owner:
        return unavailable()
    if not owner:
        # A count per stall and day, nothing about the visitor.
        counters.count_scan(stall.id, market_today(stall.market))
    products = active_products(profile)
    lead, rest = story_parts(profile.story)
    return render_template(
        "public/stall.html", stall=stall, profile=profile, products=products,
        likes=counters.likes_by_product([p.id for p in products]),
        story_lead=lead, story_rest=rest, today=today_stalls(profile.user_id),
        upcoming=upcoming_stalls(profile.user_id), description=describe(profile),
        page_url=qr.absolute_url("public.stall_page", slug=stall.slug), preview=owner,
        image_url=(qr.absolute_url("media", key=profile.photo_key, size="medium")
                   if profile.photo_key else None))


def _like_limit() -> str:
    return current_app.config["LIKE_RATE_LIMIT"]


@limiter.limit(_like_limit)
def like(slug: str, product_id: uuid.UUID):
    """Add a visitor's heart to a product, then go back to the page."""
    stall = find_stall(slug)
    product = db.session.get(Product, product_id)
    if (stall is None or product is None or not product.active
            or product.artisan_id != stall.artisan_id or not is_visible(stall.artisan)):
        abort(404)
    counters.count_like(product.id, market_today(stall.market))
    # 303: the browser comes back with a GET, and a reload does not send the heart again.
    return redirect(url_for("public.stall_page", slug=slug, _anchor=f"p-{product.id}"), 303)


def market_page(slug: str):
    """Show a market's stalls in stall-number order, each linking to its artisan's page."""
    market = None
    if plausible(slug):
        market = db.session.execute(
            db.select(Market).where(Market.slug == slug)).scalar_one_or_none()
    if market is None:
        return unavailable()
    stalls = [stall for stall in market.stalls if is_visible(stall.artisan)]
    return render_template("public/market.html", market=market, stalls=stalls,
                           page_url=qr.absolute_url("public.market_page", slug=market.slug))
