"""Fixtures: one app per test, on SQLite always and on PostgreSQL when it is configured.

``MARCHE_TEST_DATABASE_URL`` names a PostgreSQL server (``.ci/run`` sets it). Each test run
works in a schema of its own there, so two runs on one machine never see each other's rows.
"""

import os
import uuid
from urllib.parse import quote

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text

from marche import create_app
from marche.extensions import db

from .factories import Factory

PG_URL = os.environ.get("MARCHE_TEST_DATABASE_URL", "")
DATABASES = ["sqlite"] + (["postgresql"] if PG_URL else [])
PG_SCHEMA = f"marche_test_{uuid.uuid4().hex[:10]}"


def _pg_url_with_schema(options: str = "") -> str:
    separator = "&" if "?" in PG_URL else "?"
    extra = "".join(f"%20-c{quote(option, safe='/')}" for option in options.split())
    return f"{PG_URL}{separator}options=-csearch_path%3D{PG_SCHEMA}{extra}"


@pytest.fixture(scope="session")
def pg_schema():
    """Create this run's PostgreSQL schema, and drop it at the end."""
    engine = create_engine(PG_URL)
    with engine.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {PG_SCHEMA}"))
    yield PG_SCHEMA
    with engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA {PG_SCHEMA} CASCADE"))
    engine.dispose()


def app_config(database: str, tmp_path, request, pg_options: str = "") -> dict:
    if database == "postgresql":
        request.getfixturevalue("pg_schema")
        url = _pg_url_with_schema(pg_options)
    else:
        url = f"sqlite:///{tmp_path / 'marche.sqlite3'}"
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": False,
        # Fast hashing in tests only (one iteration); production keeps scrypt.
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1",
        "MEDIA_FOLDER": str(tmp_path / "media"),
        "RATELIMIT_STORAGE_URI": "memory://",
        "PUBLIC_URL": "https://marche.example.org",
    }


@pytest.fixture(params=DATABASES)
def database(request) -> str:
    return request.param


def only_on(engine: str):
    """Run a test on one engine only (a behaviour of that engine's own), not skip it elsewhere.

    Without ``MARCHE_TEST_DATABASE_URL`` a PostgreSQL-only test says it did not run.
    """
    param = engine if engine in DATABASES else pytest.param(engine, marks=pytest.mark.skip(
        reason="no PostgreSQL configured (MARCHE_TEST_DATABASE_URL)"))
    return pytest.mark.parametrize("database", [param], indirect=True)


@pytest.fixture
def pg_options() -> str:
    """PostgreSQL settings of the app's sessions, as a server may have them ("timezone=…");
    a test parametrizes it to run against such a server."""
    return ""


@pytest.fixture
def app(database, tmp_path, request, pg_options):
    app = create_app(app_config(database, tmp_path, request, pg_options))
    app.test_client_class = OwnContextClient
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        if database == "postgresql":
            db.drop_all()
        db.engine.dispose()


class OwnContextClient(FlaskClient):
    """A test client whose every request runs in an app context of its own, as in production.

    The ``make`` fixture keeps an app context open for the whole test; a request would reuse
    it, and with it ``g``, where Flask-Login keeps the user it loaded, and the test's database
    session. A log-out or a session that ends would then go unnoticed by the next request.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Asks for English, so tests read the message ids they assert on; French stays the
        # default for a browser that asks for nothing (tests/test_app.py).
        self.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make(app):
    """Build rows for a test: ``make.coach()``, ``make.artisan()``, ``make.market()``…"""
    with app.app_context():
        yield Factory()


class AuthActions:
    def __init__(self, client):
        self.client = client

    def coach(self, email="coach@example.org", password="demo-coach"):
        return self.client.post("/auth/login", data={"email": email, "password": password})

    def artisan(self, login="awa", pin="2468"):
        return self.client.post("/api/v1/session", json={"login": login, "pin": pin})

    def logout(self):
        return self.client.delete("/api/v1/session")


@pytest.fixture
def auth(client):
    return AuthActions(client)
