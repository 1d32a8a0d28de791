"""Shared fixtures: the app on SQLite (or TEST_DATABASE_URL), a client, a CLI runner, users and sign-in."""

from __future__ import annotations

import functools
import os
from pathlib import Path

import pytest
from flask import g
from sqlalchemy import create_engine, make_url, text

import academy.courses.catalog as catalog_module
from academy import create_app
from academy.extensions import db, limiter

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
APP_CURRICULA = HERE / "data" / "app-curricula"
REAL_CURRICULA = ROOT / "curricula"
PASSWORD = "correct horse battery"

# Loading and rendering a curriculum is pure and deterministic: do it once per folder per test run.
catalog_module.load_curriculum = functools.lru_cache(maxsize=8)(catalog_module.load_curriculum)


def database_url(tmp_path_factory) -> str:
    """SQLite in a temporary folder, or TEST_DATABASE_URL; under pytest-xdist, one PostgreSQL database per worker."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite3")
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker is None:
        return url
    given = make_url(url)
    name = f"{given.database}_{worker}"
    admin = create_engine(given, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            if connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}) is None:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return given.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def _database(tmp_path_factory):
    """Create the schema once per run (tests only; the app itself uses migrations)."""
    url = database_url(tmp_path_factory)
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": url,
                      "INSTANCE_PATH": str(tmp_path_factory.mktemp("instance")),
                      "ACADEMY_CURRICULA": str(APP_CURRICULA)})
    with app.app_context():
        import academy.models  # noqa: F401

        db.drop_all()
        _drop_alembic_version()
        db.create_all()
        db.engine.dispose()
    yield url
    with app.app_context():
        db.drop_all()
        db.engine.dispose()


def _drop_alembic_version() -> None:
    with db.engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))


def _wipe() -> None:
    """Delete every row (Core DELETE, so the audit log's ORM guard does not apply)."""
    db.session.remove()
    with db.engine.begin() as conn:
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())


# Every app a test builds, so its connection pool can be closed when the test ends: a served app's pool (up to
# 15 connections) otherwise lingers until garbage collection, and PostgreSQL refuses clients past 100.
_built_apps: list = []


@pytest.fixture(autouse=True)
def _close_pools():
    yield
    while _built_apps:
        built = _built_apps.pop()
        with built.app_context():
            db.session.remove()
            db.engine.dispose()


def make_app(database_url: str, tmp_path: Path, **overrides):
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "ACADEMY_CURRICULA": str(APP_CURRICULA),
        "ACADEMY_PUBLIC_URL": "https://academy.test",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "SERVER_NAME": None,
    }
    config.update(overrides)
    # One Limiter serves every app a test run creates, and it keeps the default and application limits of the
    # first app that configured them: start each app with none, so RATELIMIT_DEFAULT/APPLICATION are its own.
    limiter.limit_manager.set_default_limits([])
    limiter.limit_manager.set_application_limits([])
    app = create_app(config)
    _built_apps.append(app)

    @app.teardown_request
    def _forget_user(exc):
        # Tests keep one app context open, so `g` outlives a request; production gets a fresh `g` each time.
        g.pop("_login_user", None)
        g.pop("csrf_token", None)  # Flask-WTF keeps the signed token in g too

    return app


@pytest.fixture
def app_config() -> dict:
    """Override in a test module to change the app's configuration."""
    return {}


@pytest.fixture
def app(_database, tmp_path, app_config):
    app = make_app(_database, tmp_path, **app_config)
    with app.app_context():
        _wipe()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_user(app):
    """Return a function that creates a user (committed) and returns it."""
    from academy.accounts import service

    counter = {"n": 0}

    def _make(role: str = "trainee", *, email: str | None = None, name: str | None = None,
              sector: str | None = "law-enforcement", subrole: str | None = "police", community=None,
              coordinates=(), password: str = PASSWORD):
        counter["n"] += 1
        user = service.create_user(
            email=email or f"{role}{counter['n']}@example.org", name=name or f"{role.title()} Person{counter['n']}",
            password=password, role=role, sector=sector, subrole=subrole,
            community_id=community.id if community is not None else None)
        for c in coordinates:
            user.coordinated_communities.append(c)
        db.session.commit()
        return user

    return _make


@pytest.fixture
def make_community(app):
    from academy.accounts import service

    def _make(slug: str = "riverside", name: str | None = None, jurisdiction: str = "us"):
        community = service.get_or_create_community(slug, name, jurisdiction)
        db.session.commit()
        return community

    return _make


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, user_or_email, password: str = PASSWORD, follow: bool = False):
        email = getattr(user_or_email, "email", user_or_email)
        return self._client.post("/login", data={"email": email, "password": password},
                                 follow_redirects=follow)

    def logout(self):
        return self._client.post("/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def login(client, make_user):
    """Create a user of a role, sign them in, and return the user."""

    def _login(role: str = "trainee", **kwargs):
        user = make_user(role, **kwargs)
        response = AuthActions(client).login(user)
        assert response.status_code == 302, response.data[:500]
        return user

    return _login
