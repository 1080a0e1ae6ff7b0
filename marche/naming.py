"""Names the coach does not have to invent: logins, profile and market slugs, stall slugs."""

import datetime as dt
import re
import secrets
import unicodedata

from .extensions import db
from .models import ArtisanProfile, Market, Stall, User

LOGIN_PATTERN = r"^[a-z0-9][a-z0-9-]{0,30}[a-z0-9]$"
# No 0/o, 1/l/i: a stall slug may be read aloud or typed from a poster.
_SLUG_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def slugify(text: str, max_length: int = 50) -> str:
    """Return ``text`` as lower-case ASCII words joined by dashes (accents dropped)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].strip("-")


def _taken(column, value: str) -> bool:
    return db.session.execute(
        db.select(column).where(column == value).limit(1)).first() is not None


def _first_free(column, candidates: list[str], fallback: str, max_length: int) -> str:
    for candidate in candidates:
        if len(candidate) >= 2 and not _taken(column, candidate):
            return candidate
    number = 2
    while True:
        suffix = f"-{number}"
        candidate = fallback[:max_length - len(suffix)].strip("-") + suffix
        if not _taken(column, candidate):
            return candidate
        number += 1


def suggest_login(name: str) -> str:
    """Suggest a free login from a name: ``awa``, then ``awa-d``, ``awa-diallo``, ``awa-2``."""
    words = slugify(name, 200).split("-")
    words = [word for word in words if word] or ["artisan"]
    first = words[0][:32]
    candidates = [first]
    if len(words) > 1:
        candidates += [f"{first}-{words[-1][0]}"[:32], "-".join(words)[:32].strip("-")]
    return _first_free(User.login, candidates, first, 32)


def profile_slug(login: str) -> str:
    return _first_free(ArtisanProfile.slug, [login], login, 64)


def market_slug(name: str, date: dt.date) -> str:
    base = f"{slugify(name, 60) or 'marche'}-{date.isoformat()}"
    return _first_free(Market.slug, [base], base, 80)


def stall_slug() -> str:
    """Return a short random slug for a stall's public page (about 50 bits: unguessable)."""
    while True:
        slug = "".join(secrets.choice(_SLUG_ALPHABET) for _ in range(10))
        if not _taken(Stall.slug, slug):
            return slug
