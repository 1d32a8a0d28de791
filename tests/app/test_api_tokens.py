"""Personal API tokens: created and shown once, stored as a hash, refused once revoked, only on /api/."""

import hashlib
import re

import pytest

from academy.accounts import tokens
from academy.accounts.models import ApiToken
from academy.extensions import db
from tests.coverage_fixtures import at, cert_fixture, fresh_get, person_fixture, town_fixture  # noqa: F401 (fixtures)

API = "/api/v1/coverage?community=town-a&period=2026H1"


def create(client, name="Report script") -> str:
    """Create a token through the profile form and return it as shown on the page."""
    response = client.post("/account/tokens/new", data={"name": name})
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.headers["Cache-Control"] == "no-store"
    found = re.search(r'id="new-token" readonly value="(acd_[A-Za-z0-9_-]+)"', response.get_data(as_text=True))
    assert found
    return found.group(1)


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize("role", ["coordinator", "auditor", "admin"])
def test_the_profile_offers_tokens_to_coordinators_auditors_and_admins(login, client, role):
    login(role)
    assert "API tokens" in client.get("/account").get_data(as_text=True)


@pytest.mark.parametrize("role", ["trainee", "trainer"])
def test_other_roles_neither_see_nor_create_tokens(login, client, role):
    login(role)
    assert "API tokens" not in client.get("/account").get_data(as_text=True)
    assert client.post("/account/tokens/new", data={"name": "x"}).status_code == 403
    assert db.session.query(ApiToken).count() == 0


def test_a_token_is_shown_once_and_only_its_hash_is_stored(login, client):
    user = login("coordinator")
    token = create(client)
    record = db.session.query(ApiToken).one()
    assert record.user_id == user.id and record.name == "Report script"
    assert record.token_hash == hashlib.sha256(token.encode()).hexdigest()
    profile = client.get("/account").get_data(as_text=True)
    assert "Report script" in profile and token not in profile and "never used" in profile


def test_a_token_needs_a_name(login, client):
    login("coordinator")
    response = client.post("/account/tokens/new", data={"name": "  "})
    assert response.status_code == 200
    assert 'id="name-err"' in response.get_data(as_text=True)
    assert db.session.query(ApiToken).count() == 0


def test_a_token_reads_the_api_and_records_its_use(login, client, town, cert, person, app):
    login("coordinator", coordinates=[town["a"]])
    cert(person(town["a"]), issued=at(2026, 2, 1), community=town["a"])
    token = create(client)
    client.post("/logout")
    response = fresh_get(app, API, headers=bearer(token))
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["sectors"][0]["fewer_than_5"][0] == "trained"  # 1 person: null, flagged
    db.session.expire_all()
    assert db.session.query(ApiToken).one().last_used_at is not None
    assert "Set-Cookie" not in response.headers  # a token never opens a browser session


def test_a_revoked_token_is_refused(login, client, town, app):
    login("coordinator", coordinates=[town["a"]])
    token = create(client)
    record = db.session.query(ApiToken).one()
    response = client.post(f"/account/tokens/{record.id}/revoke")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.query(ApiToken).one().revoked_at is not None
    response = fresh_get(app, API, headers=bearer(token))
    assert response.status_code == 401
    assert response.get_json() == {"error": "The API token is not valid, or has been revoked."}
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("header", ["Bearer acd_not-a-real-token", "Bearer ", "Basic dXNlcjpwYXNz", "acd_x"])
def test_bad_credentials_are_401_json(app, town, header):
    response = fresh_get(app, API, headers={"Authorization": header})
    assert response.status_code == 401 and "error" in response.get_json()


def test_no_credentials_is_401_json(app, town):
    response = fresh_get(app, API)
    assert response.status_code == 401 and "Bearer" in response.get_json()["error"]


def test_a_token_does_not_sign_in_to_web_pages(login, client, town, app):
    login("coordinator", coordinates=[town["a"]])
    token = create(client)
    response = fresh_get(app, "/coverage?community=town-a", headers=bearer(token))
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_token_of_a_demoted_or_deleted_account_is_refused(login, client, town, app):
    user = login("coordinator", coordinates=[town["a"]])
    token = create(client)
    user.role = "trainee"
    db.session.commit()
    assert fresh_get(app, API, headers=bearer(token)).status_code == 401
    user.role = "coordinator"
    user.deleted_at = at(2026, 1, 1)
    db.session.commit()
    assert fresh_get(app, API, headers=bearer(token)).status_code == 401


def test_one_cannot_revoke_someone_elses_token(login, client, make_user, app):
    owner = make_user("auditor")
    record, _ = tokens.create_token(owner, "theirs")
    db.session.commit()
    login("auditor")
    assert client.post(f"/account/tokens/{record.id}/revoke").status_code == 404
    db.session.expire_all()
    assert db.session.get(ApiToken, record.id).revoked_at is None


def test_last_used_is_written_at_most_once_a_minute(make_user, app):
    from datetime import timedelta

    user = make_user("auditor")
    _, token = tokens.create_token(user, "script")
    db.session.commit()
    first = at(2026, 5, 1, 12)
    assert tokens.user_for_token(token, now=first).id == user.id
    tokens.user_for_token(token, now=first + timedelta(seconds=30))
    record = db.session.query(ApiToken).one()
    assert record.last_used_at == first
    tokens.user_for_token(token, now=first + timedelta(minutes=2))
    assert record.last_used_at == first + timedelta(minutes=2)
