"""Check-in POSTs are rate-limited: per person, and per address for the typed code and registrations."""

from __future__ import annotations

import pytest

from tests.sessions_fixtures import (  # noqa: F401  (fixtures)
    make_session_fixture,
    scan,
    sessions_curricula_fixture,
    ticket_path,
)


@pytest.fixture
def app_config(sessions_curricula):
    return {"ACADEMY_CURRICULA": str(sessions_curricula), "RATELIMIT_ENABLED": True}


def test_guessing_typed_codes_is_slowed_down(client):
    client.get("/checkin")
    answers = [client.post("/checkin", data={"code": "ZZZZZZ"}).status_code for _ in range(11)]
    assert answers[:10] == [200] * 10 and answers[10] == 429


def test_a_crowd_behind_one_address_can_still_check_in(app, make_session):
    """The typed-code limit is per phone (once it opened the form): a crowd on one Wi-Fi is not blocked."""
    session = make_session()
    for _ in range(10):
        browser = app.test_client()
        assert browser.get("/checkin").status_code == 200
        assert browser.post("/checkin", data={"code": "ZZZZZZ"}).status_code == 200
        assert browser.post("/checkin", data={"code": "ZZZZZZ"}).status_code == 200
    assert scan(app.test_client(), session).status_code == 302


def test_tapping_check_in_is_limited_per_person(client, login, make_session):
    login("trainee")
    session = make_session()
    confirm = ticket_path(scan(client, session))
    answers = [client.post(confirm).status_code for _ in range(21)]
    assert answers[:20] == [302] * 20 and answers[20] == 429
