"""The installable app: the service worker at ``/sw.js``, the manifest, the offline page.

Static files are served with a version in their URL (``?v=<hash of the file>``), so the service
worker can keep them for good; the service worker itself is never cached by the browser
(``Cache-Control: no-cache``) and carries the app version, so a deploy is noticed at once.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

from flask import current_app, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from . import asset_dir
from .i18n import text_direction

# What the till needs offline, besides its page: the sheet, the scripts, the icons.
STATIC_GLOBS = ("marche.css", "js/*.js", "icons/*.png", "icons/icon.svg")
SW_PLACEHOLDER = "/*{{SW_CONFIG}}*/{}"
THEME = "#1d4d3a"
BACKGROUND = "#fbf8f2"


@lru_cache(maxsize=512)
def _file_hash(path: str, mtime_ns: int) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


def file_hash(filename: str) -> str:
    """Return a short hash of a static file's bytes (recomputed when the file changes)."""
    path = Path(current_app.static_folder) / filename
    try:
        return _file_hash(str(path), path.stat().st_mtime_ns)
    except OSError:
        return "0"


def asset_url(filename: str) -> str:
    """Return the URL of a static file with its content hash: cacheable for good."""
    return url_for("static", filename=filename, v=file_hash(filename))


def static_assets() -> list[str]:
    """Return the static files the service worker precaches, relative to ``static/``."""
    root = Path(current_app.static_folder)
    found = {str(path.relative_to(root)) for pattern in STATIC_GLOBS for path in root.glob(pattern)
             if path.is_file()}
    return sorted(found)


def script_modules() -> dict[str, str]:
    """Return the import map of the page scripts: plain URL → URL with the file's hash."""
    return {url_for("static", filename=name): asset_url(name)
            for name in static_assets() if name.endswith(".js")}


def sw_version() -> str:
    """Return the version the service worker announces: the app's, and its files' hash."""
    digest = hashlib.sha256()
    for name in static_assets():
        digest.update(f"{name}:{file_hash(name)};".encode())
    digest.update(_sw_source().encode())
    return f"{current_app.config['APP_VERSION']}-{digest.hexdigest()[:8]}"


def app_version() -> str:
    """Return the version every push names, the page's and the service worker's alike."""
    return sw_version()


def _sw_source() -> str:
    return (Path(asset_dir("sw")) / "sw.js").read_text(encoding="utf-8")


def sw_config() -> dict:
    """Return what the service worker is told: its version and what to keep offline."""
    return {
        "version": str(sw_version()),
        "app_version": app_version(),
        "static": [asset_url(name) for name in static_assets()],
        # The artisan's pages: forgotten at log-out, kept again at the next page while logged in.
        "pages": [url_for("stall.till")],
        # Nothing personal: kept with the static files, so it outlives a log-out.
        "offline": url_for("offline"),
        "outbox_rules": asset_url("js/outbox_rules.js"),
        "cached_prefixes": [url_for("stall.today")],
        "media_prefix": url_for("media", key="k", size="thumb").rsplit("/", 2)[0] + "/",
        "static_prefix": url_for("static", filename=""),
        "htmx": {"url": current_app.config["HTMX_URL"],
                 "integrity": current_app.config["HTMX_SRI"]},
        "push_url": url_for("api.sync_push"),
        "session_url": url_for("api.current_session"),
    }


def service_worker():
    """Serve the service worker with its version and file list written in."""
    source = _sw_source().replace(SW_PLACEHOLDER, json.dumps(sw_config()), 1)
    response = current_app.response_class(source, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response


def manifest():
    """Serve the web app manifest: name, icons, colours, and the till as the start page."""
    icon = "icons/icon-{}.png"
    body = {
        "name": "Marché",
        "short_name": "Marché",
        "description": _("Your market-day sales, even with no network."),
        "lang": str(get_locale()),
        "dir": text_direction(),
        "start_url": url_for("stall.till"),
        "scope": "/",
        "id": url_for("stall.till"),
        "display": "standalone",
        "orientation": "portrait",
        "theme_color": THEME,
        "background_color": BACKGROUND,
        "icons": [
            {"src": asset_url(icon.format(192)), "sizes": "192x192", "type": "image/png",
             "purpose": "any"},
            {"src": asset_url(icon.format(512)), "sizes": "512x512", "type": "image/png",
             "purpose": "any"},
            {"src": asset_url(icon.format("maskable-512")), "sizes": "512x512",
             "type": "image/png", "purpose": "maskable"},
            {"src": asset_url("icons/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
        ],
    }
    response = current_app.response_class(json.dumps(body, ensure_ascii=False),
                                          mimetype="application/manifest+json")
    response.headers["Cache-Control"] = "no-cache"
    return response


def offline():
    """Say the page is not on this phone yet, and point to the till, which works offline."""
    return render_template("stall/till_offline.html")


def init_app(app) -> None:
    """Add the routes and the ``asset_url`` template helper."""
    app.add_url_rule("/sw.js", "service_worker", service_worker)
    app.add_url_rule("/manifest.webmanifest", "manifest", manifest)
    app.add_url_rule("/offline", "offline", offline)
    app.jinja_env.globals["asset_url"] = asset_url
    app.jinja_env.globals["script_modules"] = script_modules
