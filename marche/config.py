"""Defaults and the environment: everything an operator can set, in one place."""

import os
import secrets
import time
from pathlib import Path

LANGUAGES = {"fr": "Français", "en": "English", "ar": "العربية"}
RTL_LANGUAGES = {"ar"}


def database_url(instance_path: str) -> str:
    """Return the database URL: ``DATABASE_URL`` or a SQLite file in the instance folder."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        return "sqlite:///" + str(Path(instance_path) / "marche.sqlite3")
    # Operators paste what their host gives them; psycopg 3 is the driver we ship.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def instance_secret(instance_path: str) -> str:
    """Return a secret key kept in the instance folder, made on first use.

    A fresh install works without configuration and no secret lives in the code;
    production sets ``MARCHE_SECRET_KEY`` instead.
    """
    path = Path(instance_path) / "secret_key"
    try:
        # Made atomically: two workers starting at once must end up with the same key.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_hex(32))
    for _ in range(50):  # another worker may be writing it this very moment
        key = path.read_text().strip()
        if key:
            return key
        time.sleep(0.01)
    raise RuntimeError(f"{path} is empty: delete it, or set MARCHE_SECRET_KEY")


def defaults(instance_path: str) -> dict:
    """Return the default configuration of an install that set nothing."""
    return {
        "SQLALCHEMY_DATABASE_URI": database_url(instance_path),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "BABEL_DEFAULT_LOCALE": "fr",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Paris",
        "LANGUAGES": LANGUAGES,
        "CURRENCY": "EUR",
        "DEFAULT_TIMEZONE": "Europe/Paris",
        # Absolute base URL printed in QR codes; empty means "the request's host".
        # When it is https://…, cookies are sent over HTTPS only.
        "PUBLIC_URL": "",
        # How many reverse proxies stand in front of the app (their X-Forwarded-* are trusted).
        "PROXIES": 0,
        "MEDIA_FOLDER": str(Path(instance_path) / "media"),
        "MAX_CONTENT_LENGTH": 12 * 1024 * 1024,
        "PHOTO_MAX_BYTES": 10 * 1024 * 1024,
        "PHOTO_MAX_PIXELS": 40_000_000,
        "ENROL_TOKEN_DAYS": 7,
        "PASSWORD_HASH_METHOD": "scrypt",
        "RATELIMIT_STORAGE_URI": "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        # Redis down must not lock everyone out at a market: count in this process meanwhile.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "LOGIN_RATE_LIMIT": "10 per 5 minutes",
        # Failed tries at one account from any address (a PIN has only 10,000 values).
        "ACCOUNT_LOGIN_RATE_LIMIT": "10 per 15 minutes",
        "LIKE_RATE_LIMIT": "30 per minute",
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_DURATION": 60 * 60 * 24 * 180,
        "WTF_CSRF_TIME_LIMIT": None,
        "HTMX_URL": "https://cdn.jsdelivr.net/npm/htmx.org@2.0.11/dist/htmx.min.js",
        "HTMX_SRI": "sha384-2OatzQy1H+Zd/IIrjr1TcuDGqLXeHhbooAyJY1KdQMKnr4LZ22k31GBLdYKHmVjg",
    }
