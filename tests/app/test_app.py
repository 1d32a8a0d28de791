"""The app factory, configuration, database set-up and health check."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from academy import create_app
from academy.cli import cli
from academy.extensions import db


def test_healthz_touches_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_refuses_the_default_secret_outside_debug_and_testing(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="default SECRET_KEY"):
        create_app({"INSTANCE_PATH": str(tmp_path)})


@pytest.mark.parametrize("args", [["--help"], ["reminders", "run"]])
def test_the_cli_says_how_to_set_a_secret_instead_of_a_traceback(tmp_path, monkeypatch, args):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("ACADEMY_INSTANCE_PATH", str(tmp_path))
    result = CliRunner().invoke(cli, args)
    assert "Refusing to start with the default SECRET_KEY: run `academy init`" in result.output
    assert "Traceback" not in result.output


def test_config_order_defaults_then_instance_file_then_environment(tmp_path, monkeypatch):
    (tmp_path / "config.py").write_text("SECRET_KEY = 'from-file'\nACADEMY_PUBLIC_URL = 'https://file.example/'\n")
    monkeypatch.setenv("ACADEMY_PUBLIC_URL", "https://env.example/")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["SECRET_KEY"] == "from-file"
    assert app.config["ACADEMY_PUBLIC_URL"] == "https://env.example"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/academy.sqlite3"


def test_instance_path_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("ACADEMY_INSTANCE_PATH", str(tmp_path / "inst"))
    app = create_app({"TESTING": True})
    assert app.instance_path == str(tmp_path / "inst")


def test_sqlite_runs_with_foreign_keys_and_wal(tmp_path):
    app = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path)})
    with app.app_context():
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        db.engine.dispose()


def test_security_headers(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "We could not find that page" in response.get_data(as_text=True)


def test_unknown_api_path_is_json(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert "error" in response.get_json()


def test_the_favicon_is_served_where_browsers_ask_for_it(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.data[:4] == b"\x00\x00\x01\x00"  # an ICO file's header
    assert "max-age" in response.headers["Cache-Control"]


@pytest.mark.parametrize("path", ["/", "/courses", "/resources", "/login", "/verify"])
@pytest.mark.parametrize("app_config", [{"ACADEMY_QUICK_EXIT_URL": "https://neutral.example/weather"}])
def test_every_page_offers_a_quick_exit_to_the_configured_site(client, path):
    page = client.get(path).get_data(as_text=True)
    assert 'href="https://neutral.example/weather"' in page and "data-quick-exit" in page and "Quick exit" in page
