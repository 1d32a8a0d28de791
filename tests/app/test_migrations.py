"""Migrations build the models' schema exactly, on an empty SQLite and an empty PostgreSQL database.

`flask db check` in test form: upgrade to head, then Alembic's autogenerate comparison must find nothing.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

import academy
from academy.extensions import db
from tests.conftest import make_app

MIGRATIONS = Path(academy.__file__).resolve().parent / "migrations"


def _require_migrations(directory: Path = MIGRATIONS) -> None:
    if any((directory / "versions").glob("*.py")):
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but {directory}/versions holds no migration")
    pytest.skip(f"no migration in {directory}/versions yet (the lead generates the initial one)")


def schema_differences(url: str, tmp_path: Path, directory: Path = MIGRATIONS) -> list:
    """Upgrade the database at url to head and return Alembic's differences from the models."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from flask_migrate import upgrade

    app = make_app(url, tmp_path)
    with app.app_context():
        import academy.models  # noqa: F401

        try:
            upgrade(directory=str(directory))
            options = app.extensions["migrate"].configure_args
            with db.engine.connect() as connection:
                context = MigrationContext.configure(connection, opts={"compare_type": True, **options})
                differences = compare_metadata(context, db.metadata)
                version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        finally:
            db.session.remove()
            db.engine.dispose()
    assert version, "upgrade did not record a version"
    return differences


def test_upgrade_builds_the_models_schema_on_sqlite(tmp_path):
    _require_migrations()
    assert schema_differences(f"sqlite:///{tmp_path / 'empty.sqlite3'}", tmp_path) == []


@pytest.fixture
def empty_postgres():
    """A fresh PostgreSQL database next to TEST_DATABASE_URL's, dropped afterwards."""
    base = os.environ.get("TEST_DATABASE_URL", "")
    if not base.startswith("postgresql"):
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but TEST_DATABASE_URL is not a PostgreSQL URL")
        pytest.skip("set TEST_DATABASE_URL to a PostgreSQL URL to test migrations on PostgreSQL")
    name = f"academy_migrations_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_upgrade_builds_the_models_schema_on_postgresql(empty_postgres, tmp_path):
    _require_migrations()
    assert schema_differences(empty_postgres, tmp_path) == []


def test_upgrading_twice_changes_nothing(tmp_path):
    """`academy init` runs upgrade on every deploy: a second run on an up-to-date database is a no-op."""
    _require_migrations()
    url = f"sqlite:///{tmp_path / 'twice.sqlite3'}"
    assert schema_differences(url, tmp_path) == []
    assert schema_differences(url, tmp_path) == []
