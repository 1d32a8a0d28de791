"""Rate limits on sign-in, password reset, registration, verification and check-in; shared through Redis."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from werkzeug.security import generate_password_hash

from academy.extensions import db
from tests.conftest import PASSWORD, ROOT
from tests.sessions_fixtures import forget_user

REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
REDIS_URI = f"redis://{REDIS_HOST}:{REDIS_PORT}/15"


@pytest.fixture
def app_config():
    return {"RATELIMIT_ENABLED": True, "ACADEMY_VERIFY_RATE_LIMIT": "3 per minute",
            "ACADEMY_API_RATE_LIMIT": "3 per minute", "ACADEMY_CHECKIN_GUESS_LIMIT": "10 per minute"}


def _exhaust(client, method: str, path: str, allowed: int, **kwargs) -> list[int]:
    """Send one request more than allowed; return the statuses."""
    send = client.post if method == "POST" else client.get
    return [send(path, **kwargs).status_code for _ in range(allowed + 1)]


FORMS = [
    # name, path, form data, requests allowed per window
    ("sign-in", "/login", {"email": "nobody@example.org", "password": "wrong password"}, 5),
    ("password reset", "/reset", {"email": "nobody@example.org"}, 5),
    ("registration", "/register", {"email": "not-an-email"}, 10),
    ("check-in code", "/checkin", {"code": "ZZZZZZ"}, 10),
]


@pytest.mark.parametrize(("name", "path", "data", "allowed"), FORMS, ids=[f[0] for f in FORMS])
def test_forms_are_limited_with_a_friendly_page(client, name, path, data, allowed):
    client.get(path)  # open the form first, as a browser does (check-in keys its limit on this browser)
    statuses = _exhaust(client, "POST", path, allowed, data=data)
    assert 429 not in statuses[:-1] and statuses[-1] == 429, statuses
    response = client.post(path, data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 429 and "Too many attempts" in page and "<h1>" in page
    assert "Please wait a minute" in page
    assert int(response.headers["Retry-After"]) > 0


def test_a_reset_link_is_limited(app, client, make_user):
    from academy.accounts import service

    token = service.make_reset_token(make_user(), app.config["SECRET_KEY"])
    statuses = _exhaust(client, "POST", f"/reset/{token}", 10, data={"password": "short"})
    assert statuses[-1] == 429, statuses


def test_the_verification_page_is_limited(client):
    statuses = _exhaust(client, "GET", "/verify/7KQ2-M9XD-4HPT-6WJC-R", 3)
    assert statuses == [404, 404, 404, 429]
    assert "Too many attempts" in client.get("/verify/anything").get_data(as_text=True)


def test_the_bulk_api_answers_429_in_json(client):
    statuses = _exhaust(client, "POST", "/api/v1/certificates/verify", 3, json={"codes": ["7KQ2"]})
    assert statuses == [200, 200, 200, 429]
    response = client.post("/api/v1/certificates/verify", json={"codes": []})
    assert response.status_code == 429 and response.is_json and "error" in response.get_json()
    assert int(response.headers["Retry-After"]) > 0


def test_a_room_behind_one_address_signs_in_and_a_guesser_does_not(app, make_user):
    """200 trainees on one Wi-Fi address all get in; a guesser is stopped on one account from any address."""
    from academy.accounts.models import User

    quick = generate_password_hash("room password 1", method="pbkdf2:sha256:1000")  # hashing 200 the usual way
    db.session.add_all([User(email=f"room{n}@example.org", name=f"Room {n}", role="trainee", password_hash=quick)
                        for n in range(200)])
    db.session.commit()
    started = time.monotonic()
    statuses = []
    for n in range(200):
        browser = app.test_client()
        statuses.append(browser.post("/login", data={"email": f"room{n}@example.org",
                                                     "password": "room password 1"}).status_code)
        forget_user()
    assert statuses == [302] * 200 and time.monotonic() - started < 180

    target = make_user(email="target@example.org")
    guesses = [app.test_client().post("/login", data={"email": "Target@example.org ", "password": f"guess {n}"},
                                      environ_base={"REMOTE_ADDR": f"198.51.100.{n}"}).status_code
               for n in range(7)]
    assert guesses[:5] == [200] * 5 and guesses[5:] == [429, 429], guesses  # new addresses did not help
    right = app.test_client().post("/login", data={"email": target.email, "password": PASSWORD})
    assert right.status_code == 429  # even the right password waits until the account's minute is over


def test_the_address_limit_holds_and_other_addresses_are_not_affected(app):
    app.config["ACADEMY_SIGNIN_ADDRESS_LIMIT"] = "3 per minute"
    client = app.test_client()
    statuses = [client.post("/login", data={"email": f"p{n}@example.org", "password": "x"}).status_code
                for n in range(4)]
    assert statuses == [200, 200, 200, 429]
    other = client.post("/login", data={"email": "p9@example.org", "password": "x"},
                        environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert other.status_code == 200


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True, "RATELIMIT_DEFAULT": "2 per minute"}])
def test_the_configured_default_limit_applies_to_undecorated_pages(client):
    assert [client.get("/courses").status_code for _ in range(3)] == [200, 200, 429]


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True, "RATELIMIT_APPLICATION": "3 per minute"}])
def test_the_configured_application_limit_counts_every_page_together(client):
    assert [client.get(path).status_code for path in ("/courses", "/resources", "/", "/courses")] == [
        200, 200, 200, 429]


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True, "RATELIMIT_DEFAULT": "1 per minute"}])
def test_an_exempt_view_ignores_the_default_limit(app, client):
    from academy.extensions import limiter

    @app.get("/test-exempt")
    @limiter.exempt
    def exempt_page():
        return "ok"

    assert {client.get("/test-exempt").status_code for _ in range(3)} == {200}
    assert [client.get("/courses").status_code for _ in range(2)] == [200, 429]


# --- shared counts: two app instances (here: two processes) behind one Redis --------------------------------


def _redis_up() -> bool:
    try:
        with socket.create_connection((REDIS_HOST, REDIS_PORT), timeout=0.5):
            return True
    except OSError:
        return False


SECOND_INSTANCE = """
import sys
from pathlib import Path
from tests.conftest import make_app
url, tmp, storage, prefix = sys.argv[1:5]
app = make_app(url, Path(tmp), RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=storage,
               RATELIMIT_KEY_PREFIX=prefix)
with app.app_context():
    form = {"email": "nobody@example.org", "password": "wrong password"}
    response = app.test_client().post("/login", data=form)
    print(response.status_code)
"""


def _second_instance(app, tmp_path: Path, storage: str, prefix: str) -> int:
    """Create another app in a new process, send one sign-in there, and return its status."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-c", SECOND_INSTANCE, app.config["SQLALCHEMY_DATABASE_URI"],
               str(tmp_path / "second"), storage, prefix]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True,  # noqa: S603  (our own script)
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return int(done.stdout.strip().splitlines()[-1])


@pytest.fixture
def redis_prefix():
    """A key prefix of our own in Redis database 15, deleted afterwards."""
    if not _redis_up():
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but no Redis at {REDIS_HOST}:{REDIS_PORT}")
        pytest.skip(f"no Redis at {REDIS_HOST}:{REDIS_PORT} (start redis-server to run this test)")
    import redis

    prefix = f"academy-test-{uuid.uuid4().hex}"
    yield prefix
    connection = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=15)
    for key in connection.scan_iter(f"*{prefix}*"):
        connection.delete(key)
    connection.close()


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": REDIS_URI}])
def test_two_instances_share_counts_through_redis(app, client, tmp_path, redis_prefix, monkeypatch):
    from academy.extensions import limiter

    monkeypatch.setattr(limiter, "_key_prefix", redis_prefix)
    statuses = _exhaust(client, "POST", "/login", 4, data={"email": "nobody@example.org", "password": "x"})
    assert 429 not in statuses  # five failed sign-ins to one account here: the limit is reached, not passed
    assert _second_instance(app, tmp_path, REDIS_URI, redis_prefix) == 429
    # the same second instance with its own memory counts lets the sign-in through: the 429 came from Redis
    assert _second_instance(app, tmp_path, "memory://", redis_prefix) == 200


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True,
                                         "ACADEMY_CHECKIN_CODE_RATE_LIMIT": "3 per minute"}])
def test_short_codes_in_the_scan_address_are_limited_but_qr_tokens_are_not(client):
    """Six characters could be guessed by trying them all; a room of QR scans behind one address must pass."""
    statuses = _exhaust(client, "GET", "/checkin/1/ABCDEF", 3)
    assert statuses == [400, 400, 400, 429]
    token = "x" * 24  # the shape of a QR token (wrong, so refused, but never limited)
    assert {client.get(f"/checkin/1/{token}").status_code for _ in range(6)} == {400}


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True, "ACADEMY_COVERAGE_API_RATE_LIMIT": "2 per minute"}])
def test_the_coverage_api_is_limited_per_account_in_json(app, make_user, make_community):
    from academy.accounts import tokens
    from academy.extensions import db

    town = make_community("town-a", "Town A")
    headers = []
    for _ in range(2):
        _, token = tokens.create_token(make_user("coordinator", coordinates=[town]), "script")
        headers.append({"Authorization": f"Bearer {token}"})
    db.session.commit()
    client = app.test_client()
    url = "/api/v1/coverage?community=town-a&period=2026H2"
    statuses = [client.get(url, headers=headers[0]).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    refused = client.get(url, headers=headers[0])
    assert refused.is_json and "error" in refused.get_json() and int(refused.headers["Retry-After"]) > 0
    # A colleague's token, from the same address, still has its own allowance.
    assert client.get(url, headers=headers[1]).status_code == 200
