"""Request plumbing under attack: secure cookies and HSTS over HTTPS, proxy headers, oversized uploads."""

from __future__ import annotations

import io
import logging

import pytest
from sqlalchemy.exc import IntegrityError

from academy.accounts.models import User
from academy.extensions import db
from tests.conftest import make_app
from tests.hardening_fixtures import sign_in_as, world_fixture  # noqa: F401  (fixture)

BIG = 3 * 1024 * 1024  # over MAX_CONTENT_LENGTH (2 MB)


def _session_cookie(response) -> str:
    return next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))


def test_cookies_are_secure_httponly_and_samesite_over_https(client, make_user):
    """The test app's public URL is https://academy.test."""
    user = make_user("trainee")
    response = client.post("/login", data={"email": user.email, "password": "correct horse battery",
                                            "remember": "y"})
    cookies = response.headers.getlist("Set-Cookie")
    assert cookies and all("Secure" in c and "HttpOnly" in c and "SameSite=Lax" in c for c in cookies)
    assert any(c.startswith("remember_token=") for c in cookies)
    assert client.get("/").headers["Strict-Transport-Security"].startswith("max-age=")


@pytest.mark.parametrize("app_config", [{"ACADEMY_PUBLIC_URL": "http://127.0.0.1:5000"}])
def test_plain_http_development_keeps_cookies_usable(client, make_user):
    user = make_user("trainee")
    response = client.post("/login", data={"email": user.email, "password": "correct horse battery"})
    assert "Secure" not in _session_cookie(response)
    assert "Strict-Transport-Security" not in client.get("/").headers


def _sign_in_attempts(client, addresses: list[str]) -> list[int]:
    """One failed sign-in per address, each to another account (so only the per-address limit can refuse)."""
    return [client.post("/login", data={"email": f"x{n}-{address}@example.org", "password": "wrong"},
                        headers={"X-Forwarded-For": address, "X-Forwarded-Proto": "https"}).status_code
            for n, address in enumerate(addresses)]


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True, "ACADEMY_SIGNIN_ADDRESS_LIMIT": "10 per minute"}])
def test_forwarded_headers_are_ignored_unless_configured(client):
    """Without ACADEMY_PROXY_FIX, a made-up X-Forwarded-For cannot dodge the sign-in limit."""
    statuses = _sign_in_attempts(client, [f"198.51.100.{i}" for i in range(11)])
    assert statuses[-1] == 429


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True, "ACADEMY_PROXY_FIX": 1,
                                         "ACADEMY_SIGNIN_ADDRESS_LIMIT": "10 per minute",
                                         "ACADEMY_PUBLIC_URL": "http://academy.test"}])
def test_behind_a_trusted_proxy_the_client_address_and_scheme_come_from_it(client):
    assert _sign_in_attempts(client, ["203.0.113.7"] * 11)[-1] == 429
    assert _sign_in_attempts(client, ["203.0.113.8"]) == [200]  # another person behind the same proxy
    secure = client.get("/", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" in secure.headers  # request.is_secure, from the proxy's header


def test_an_oversized_paper_sheet_is_refused_with_a_clear_message(client, world):
    sign_in_as(client, world, "trainer")
    response = client.post(f"/sessions/{world.args['session_id']}/paper",
                           data={"names": "x" * BIG}, content_type="application/x-www-form-urlencoded")
    page = response.get_data(as_text=True)
    assert response.status_code == 413 and "too large" in page and "2 MB" in page


def test_an_oversized_api_request_is_refused_in_json(client):
    body = b'{"codes": ["' + b"A" * BIG + b'"]}'
    response = client.post("/api/v1/certificates/verify", data=body, content_type="application/json")
    assert response.status_code == 413 and "2 MB" in response.get_json()["error"]


@pytest.fixture
def log_output(tmp_path):
    """A log handler added before the app is made, like basicConfig's; yield what it wrote."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logging.getLogger().addHandler(handler)
    make_app("sqlite://", tmp_path)  # installs the email filter on the handlers present
    try:
        yield stream
    finally:
        logging.getLogger().removeHandler(handler)


def test_database_errors_reach_the_log_without_emails_or_values(app, make_user, log_output):
    """SQL parameters are hidden, and PostgreSQL's "Key (email)=(...)" detail is masked by the log filter."""
    make_user("trainee", email="private.person@example.org")
    db.session.add(User(email="private.person@example.org", name="Secret Name"))
    with pytest.raises(IntegrityError) as caught:
        db.session.flush()
    db.session.rollback()
    app.logger.error("saving failed for %s", "other.person@example.org", exc_info=caught.value)
    written = log_output.getvalue()
    assert "saving failed for <email>" in written and "IntegrityError" in written
    assert "private.person" not in written and "other.person" not in written and "Secret Name" not in written


@pytest.mark.parametrize(("method", "path", "kwargs"), [
    ("post", "/login", {"data": {"email": "a\x00@example.org", "password": "x"}}),
    ("get", "/api/v1/coverage", {"query_string": {"community": "river\x00side"}}),
    ("post", "/api/v1/certificates/verify", {"json": {"codes": ["7KQ2\x00"]}}),
    ("get", "/verify/7KQ2%00M9XD", {}),
])
def test_nul_characters_are_refused_before_they_reach_the_database(client, method, path, kwargs):
    """PostgreSQL cannot store or compare NUL: refused with a 400 (JSON under /api/), never a 500."""
    response = getattr(client, method)(path, **kwargs)
    assert response.status_code == 400
    if path.startswith("/api/"):
        assert "NUL" in response.get_json()["error"]


def test_a_paper_sheet_with_nul_bytes_never_crashes(client, world):
    sign_in_as(client, world, "trainer")
    sheet = io.BytesIO(b"name,email\nBob\x00by Tables,\nAda Lovelace,\n")
    response = client.post(f"/sessions/{world.args['session_id']}/paper",
                           data={"file": (sheet, "sheet.csv")}, content_type="multipart/form-data")
    # the NUL byte (PostgreSQL can store none) is dropped by the one upload reader, and the sheet is read
    assert response.status_code == 302
    from academy.sessions.models import Attendance

    names = sorted(a.walk_in_name for a in db.session.scalars(
        db.select(Attendance).where(Attendance.session_id == world.args["session_id"])) if a.walk_in_name)
    assert {"Bobby Tables", "Ada Lovelace"} <= set(names)
