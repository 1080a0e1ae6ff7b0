"""Browser fixtures: the app served on 127.0.0.1 with the demo season, Debian's Chromium.

The htmx CDN is unreachable here: every page is routed to the same file fetched from the npm
registry (``npm pack htmx.org@<version>``), after checking that its SHA-384 is the one the
templates pin in their ``integrity`` attribute.
"""

import base64
import hashlib
import re
import subprocess
import tarfile
import threading
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright
from werkzeug.serving import make_server

from marche import create_app
from marche.extensions import db

from ..conftest import app_config

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]
PHONE = {"width": 360, "height": 740}
SHOTS = Path(__file__).resolve().parents[2] / "screenshots"
# CI runs four browsers on two cores: a screen that waits for the server's first answer can
# take more than Playwright's default 5 s to show. Checks that bound a time give their own.
expect.set_options(timeout=15_000)


def pytest_collection_modifyitems(items):
    for item in items:
        if "browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def htmx_file(tmp_path_factory) -> tuple[str, bytes]:
    """Fetch the pinned htmx from the npm registry; return its CDN URL and its bytes."""
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    url, sri = app.config["HTMX_URL"], app.config["HTMX_SRI"]
    version = re.search(r"htmx\.org@([\w.\-]+)/", url).group(1)
    folder = tmp_path_factory.mktemp("htmx")
    subprocess.run(["npm", "pack", f"htmx.org@{version}", "--silent"], cwd=folder, check=True,
                   capture_output=True, timeout=120)
    tarball = next(folder.glob("htmx.org-*.tgz"))
    with tarfile.open(tarball) as archive:
        body = archive.extractfile("package/dist/htmx.min.js").read()
    digest = "sha384-" + base64.b64encode(hashlib.sha384(body).digest()).decode()
    assert digest == sri, "the SRI hash pinned in the config is not htmx's"
    return url, body


@pytest.fixture(scope="session")
def playwright_instance():
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance):
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


def _closing(app):
    """The app, with each answer read whole and closed before it is sent.

    werkzeug's development server skips closing an answer when the browser hung up during it
    (its clean-up fails on the closed socket first): a photo's file would stay open, and be
    reported in whichever test the garbage collector runs. The answers here are small.
    """
    def wsgi(environ, start_response):
        answer = app(environ, start_response)
        try:
            return [b"".join(answer)]
        finally:
            if hasattr(answer, "close"):
                answer.close()
    return wsgi


class LiveServer:
    def __init__(self, app):
        self.app = app
        self.start(port=0)
        self.url = f"http://127.0.0.1:{self.server.server_port}"

    def start(self, port: int) -> None:
        """Serve on ``port`` (0: a free one), in a thread of its own started by ``run``."""
        self.server = make_server("127.0.0.1", port, _closing(self.app), threaded=True)
        # Requests still being answered are waited for at ``stop``: a test's tables are dropped
        # only once no request of it holds a lock on them (else PostgreSQL finds a deadlock).
        self.server.daemon_threads = False
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def run(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    def __enter__(self):
        self.run()
        return self

    def __exit__(self, *exc):
        self.stop()


@pytest.fixture
def live_app(database, tmp_path, request):
    """The app with the demo season loaded, on SQLite or PostgreSQL."""
    config = app_config(database, tmp_path, request)
    config["WTF_CSRF_ENABLED"] = True
    config["PUBLIC_URL"] = ""
    app = create_app(config)
    with app.app_context():
        from marche import demo

        db.create_all()
        demo.load()
    yield app
    with app.app_context():
        db.session.remove()
        if database == "postgresql":
            db.drop_all()
        db.engine.dispose()


@pytest.fixture
def live_server(live_app):
    with LiveServer(live_app) as server:
        yield server


@pytest.fixture
def context(browser, htmx_file, live_server):
    """A fresh phone-sized browser profile, with htmx served as the CDN would."""
    url, body = htmx_file
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, locale="fr-FR",
                                  base_url=live_server.url)
    context.route(url, lambda route: route.fulfill(
        status=200, body=body, headers={"Content-Type": "application/javascript",
                                        "Access-Control-Allow-Origin": "*"}))
    yield context
    context.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    assert not errors, f"JavaScript errors on the page: {errors}"


def coach_logs_in(page) -> None:
    """The demo coach logs in (in the language the browser already chose) and lands home."""
    page.goto("/auth/login")
    page.fill("#f-email", "coach@example.org")
    page.fill("#f-password", "demo-coach")
    with page.expect_navigation():
        page.press("#f-password", "Enter")
    expect(page).to_have_url(re.compile(r"/coach/$"))


def screenshot(page, name: str) -> None:
    """Keep a picture of what a user sees, for people to look at (not asserted on)."""
    SHOTS.mkdir(exist_ok=True)
    pictures_loaded(page)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def pictures_loaded(page) -> None:
    """Load every picture of the page, the lazy ones below the fold too (a whole-page picture
    would show their empty frames), and wait for them."""
    page.evaluate("""() => Promise.all([...document.images].map((image) => {
        image.loading = "eager";
        return image.complete ? null : new Promise((done) => {
          image.addEventListener("load", done, {once: true});
          image.addEventListener("error", done, {once: true});
        });
    }))""")
