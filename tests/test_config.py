"""What an operator sets reaches the app: DATABASE_URL, MARCHE_* variables, the instance key."""

import pytest

from marche import config, create_app


@pytest.mark.parametrize("given, used", [
    (None, "sqlite:///{instance}/marche.sqlite3"),
    ("", "sqlite:///{instance}/marche.sqlite3"),
    ("postgres://u@db/marche", "postgresql+psycopg://u@db/marche"),      # as hosts hand it out
    ("postgresql://u@db/marche", "postgresql+psycopg://u@db/marche"),
    ("postgresql+psycopg://u@db/marche", "postgresql+psycopg://u@db/marche"),
    ("sqlite:////srv/marche.db", "sqlite:////srv/marche.db"),
])
def test_the_database_is_the_one_database_url_names(monkeypatch, tmp_path, given, used):
    if given is None:
        monkeypatch.delenv("DATABASE_URL", raising=False)
    else:
        monkeypatch.setenv("DATABASE_URL", given)
    assert config.database_url(str(tmp_path)) == used.format(instance=tmp_path)


def test_marche_variables_configure_the_app(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'm.sqlite3'}")
    monkeypatch.setenv("MARCHE_SECRET_KEY", "from-the-environment")
    monkeypatch.setenv("MARCHE_PUBLIC_URL", "https://marche.example.org")
    monkeypatch.setenv("MARCHE_PROXIES", "1")
    monkeypatch.setenv("MARCHE_LOGIN_RATE_LIMIT", "3 per minute")
    app = create_app()
    assert app.config["SECRET_KEY"] == "from-the-environment"
    assert app.config["PUBLIC_URL"] == "https://marche.example.org"
    assert app.config["PROXIES"] == 1  # JSON-decoded, as from_prefixed_env does
    assert app.config["LOGIN_RATE_LIMIT"] == "3 per minute"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'm.sqlite3'}"
    assert app.config["SESSION_COOKIE_SECURE"] is True  # an https site sends cookies over https
    # Forwarded headers of one proxy are trusted.
    seen = {}

    @app.get("/_seen")
    def _seen():
        from flask import request
        seen["address"], seen["scheme"] = request.remote_addr, request.scheme
        return ""

    app.test_client().get("/_seen", environ_base={"REMOTE_ADDR": "10.0.0.1"},
                          headers={"X-Forwarded-For": "198.51.100.7",
                                   "X-Forwarded-Proto": "https"})
    assert seen == {"address": "198.51.100.7", "scheme": "https"}


def test_without_a_key_one_is_made_once_and_kept(tmp_path):
    first = config.instance_secret(str(tmp_path))
    assert len(first) == 64
    assert config.instance_secret(str(tmp_path)) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0  # readable by its owner only


def test_workers_starting_together_share_one_key(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(8) as pool:
        keys = set(pool.map(lambda _: config.instance_secret(str(tmp_path)), range(16)))
    assert len(keys) == 1
