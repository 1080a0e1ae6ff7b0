"""The migrations build the schema the models describe, on SQLite and PostgreSQL."""

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
