"""The migrations build the schema the models describe, on SQLite and PostgreSQL."""

import os
import subprocess
import sys
from pathlib import Path

import flask_migrate
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData

from marche.extensions import db


def _drop_everything():
    metadata = MetaData()
    metadata.reflect(db.engine)
    metadata.drop_all(db.engine)


def test_upgrade_builds_exactly_the_models_schema(app):
    with app.app_context():
        _drop_everything()
        try:
            flask_migrate.upgrade()
            with db.engine.connect() as connection:
                context = MigrationContext.configure(connection, opts={"compare_type": True})
                differences = compare_metadata(context, db.metadata)
            assert differences == []
        finally:
            _drop_everything()
            db.create_all()


def test_flask_db_upgrade_works_as_the_contract_writes_it(tmp_path):
    """``flask db upgrade``, typed as is in the project's folder, builds a fresh database."""
    database = tmp_path / "fresh.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "MARCHE_SECRET_KEY": "x"}
    env.pop("FLASK_APP", None)
    flask = Path(sys.executable).with_name("flask")
    result = subprocess.run([str(flask), "db", "upgrade"], cwd=Path(__file__).parents[1],
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    from sqlalchemy import create_engine, inspect

    engine = create_engine(f"sqlite:///{database}")
    try:
        assert set(db.metadata.tables) <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
