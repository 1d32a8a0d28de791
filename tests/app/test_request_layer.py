"""The request layer, plain Flask: sign-outs that end sessions, forms that expire kindly, private pages uncached."""

from __future__ import annotations

import re
import time

import pytest
from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from tests.conftest import PASSWORD
from tests.hardening_fixtures import sign_in_as, walk, world_fixture  # noqa: F401  (fixture)


def _token(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def _signed_in(client) -> bool:
    return client.get("/account").status_code == 200


def test_sign_out_everywhere_ends_every_browsers_sign_in(app, make_user):
    user = make_user("trainee")
    phone, laptop = app.test_client(), app.test_client()
    phone.post("/login", data={"email": user.email, "password": PASSWORD, "remember": "y"})
    laptop.post("/login", data={"email": user.email, "password": PASSWORD})
    page = laptop.get("/account").get_data(as_text=True)
    assert "Sign out everywhere" in page and 'action="/account/sign-out-everywhere"' in page
    answer = laptop.post("/account/sign-out-everywhere")
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/login")
    assert "signed out on every device" in laptop.get("/login").get_data(as_text=True)
    assert not _signed_in(laptop)
    assert not _signed_in(phone)
    phone.delete_cookie("session")  # the phone's remember cookie alone opens nothing either
    assert not _signed_in(phone)


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True, "WTF_CSRF_TIME_LIMIT": 1}])
def test_a_form_open_too_long_is_offered_again_with_the_answers_kept(app, client):
    form = client.get("/reset").get_data(as_text=True)
    time.sleep(2.1)  # the token's time limit (one second here, six hours by default) passes
    answer = client.post("/reset", data={"csrf_token": _token(form), "email": "ana@example.org"},
                         headers={"Referer": "http://localhost/reset"})
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400 and "The page was open too long" in page
    assert 'value="ana@example.org"' in page and "Submit again" in page
    assert answer.headers["Cache-Control"] == "private, no-store"
    again = client.post("/reset", data={"csrf_token": _token(page), "email": "ana@example.org"})
    assert again.status_code == 302  # the kept answers, sent again with a fresh token, are accepted


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_a_password_is_never_written_back_into_the_page(client, make_user):
    user = make_user("trainee")
    answer = client.post("/login", data={"csrf_token": "stale", "email": user.email, "password": PASSWORD})
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400 and "The page was open too long" in page
    assert PASSWORD not in page and "Go back, reload the page" in page


def test_the_default_token_lasts_hours_not_forever(app):
    assert 3 * 3600 <= app.config["WTF_CSRF_TIME_LIMIT"] <= 24 * 3600


@pytest.mark.parametrize("role", ["trainee", "trainer", "coordinator", "auditor", "admin"])
def test_every_page_seen_signed_in_is_kept_out_of_caches(role, app, client, world):
    sign_in_as(client, world, role)
    cached = []
    for rule, route, path in walk(app, world, "GET"):
        if route.get is None or route.get[role] != 200 or rule.endpoint == "static":
            continue
        response = client.get(path)
        if response.status_code == 200 and "no-store" not in response.headers.get("Cache-Control", ""):
            cached.append(path)
    assert not cached, f"pages shown to a {role} without Cache-Control: no-store: {cached}"


def test_static_files_stay_cacheable_when_signed_in(app, client, world):
    """The style sheet and script are the same for everyone: a signed-in browser may keep them."""
    sign_in_as(client, world, "trainee")
    response = client.get("/static/academy.css")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")


def test_public_pages_stay_cacheable_for_visitors(app, client, world):
    """Every public HTML page, and the one-code look-up, may be kept by a browser (some revalidate each time)."""
    checked, uncacheable = 0, []
    for rule, route, path in walk(app, world, "GET"):
        if route.get is None or route.get["anonymous"] != 200:
            continue
        if rule.rule.startswith("/api/") and rule.endpoint != "certificates_api.certificate":
            continue  # JSON documents choose for themselves (signed credentials are never stored)
        response = client.get(path)
        checked += 1
        if "no-store" in response.headers.get("Cache-Control", ""):
            uncacheable.append(path)
    assert checked > 10 and not uncacheable, uncacheable


def test_no_wsgi_layer_but_proxyfix(app):
    assert app.wsgi_app.__func__ is Flask.wsgi_app


@pytest.mark.parametrize("app_config", [{"ACADEMY_PROXY_FIX": 1}])
def test_proxyfix_is_the_only_layer_when_asked_for(app):
    assert isinstance(app.wsgi_app, ProxyFix) and app.wsgi_app.app.__func__ is Flask.wsgi_app


def test_the_verify_page_answers_304_while_nothing_on_it_changed(client, world):
    path = next(path for rule, _route, path in walk(client.application, world, "GET")
                if rule.endpoint == "certificates.verify")
    first = client.get(path)
    assert first.status_code == 200 and first.headers["ETag"]
    again = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and not again.data


def _bare_app(tmp_path, **config):
    from academy import create_app

    return create_app({"TESTING": True, "SECRET_KEY": "x", "INSTANCE_PATH": str(tmp_path / "instance"),
                       "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'db.sqlite3'}",
                       "ACADEMY_LAZY_CURRICULUM": True, **config})


def test_academy_run_makes_qr_codes_carry_the_address_it_serves(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("ACADEMY_PUBLIC_URL", raising=False)
    monkeypatch.setenv("ACADEMY_SERVED_URL", "http://127.0.0.1:5077")  # what `academy run --port 5077` sets
    assert _bare_app(tmp_path).config["ACADEMY_PUBLIC_URL"] == "http://127.0.0.1:5077"
    assert "QR codes carry http://127.0.0.1:5077" in capsys.readouterr().err
    configured = _bare_app(tmp_path, ACADEMY_PUBLIC_URL="https://academy.example")
    assert configured.config["ACADEMY_PUBLIC_URL"] == "https://academy.example"
    assert "QR codes carry https://academy.example (as configured)" in capsys.readouterr().err


def test_without_academy_run_the_public_url_defaults_to_port_5000(tmp_path, monkeypatch):
    monkeypatch.delenv("ACADEMY_PUBLIC_URL", raising=False)
    monkeypatch.delenv("ACADEMY_SERVED_URL", raising=False)
    assert _bare_app(tmp_path).config["ACADEMY_PUBLIC_URL"] == "http://127.0.0.1:5000"


def test_the_run_command_knows_the_address_from_host_and_port():
    from academy.cli import served_url

    assert served_url("127.0.0.1", 5077) == "http://127.0.0.1:5077"
    assert served_url("::1", 8000) == "http://[::1]:8000"
