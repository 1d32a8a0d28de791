"""GET /api/v1/coverage: figures as JSON, scoped like the pages, with JSON errors for bad requests."""

import pytest

from academy.accounts import tokens
from academy.extensions import db
from tests.coverage_fixtures import at, cert_fixture, fresh_get, person_fixture, town_fixture  # noqa: F401 (fixtures)


@pytest.fixture
def token_for(make_user):
    """Return a function making a user of a role (coordinating some communities) and a token for them."""

    def _token(role, coordinates=()):
        user = make_user(role, coordinates=coordinates)
        _, token = tokens.create_token(user, "test")
        db.session.commit()
        return {"Authorization": f"Bearer {token}"}

    return _token


@pytest.fixture
def filled(town, person, cert):
    a = town["a"]
    cert(person(a), issued=at(2026, 2, 1), community=a, via="in-person")
    cert(person(a, subrole="judge"), issued=at(2025, 9, 1), community=a, subrole="judge")
    cert(person(town["b"]), issued=at(2026, 2, 1), community=town["b"])
    return town


def test_coverage_as_json(app, filled, token_for):
    headers = token_for("coordinator", [filled["a"]])
    response = fresh_get(app, "/api/v1/coverage?community=town-a&period=2026H2", headers=headers)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    body = response.get_json()
    assert body["community"] == {"slug": "town-a", "name": "Town A"}
    assert (body["period"], body["period_start"], body["period_end"]) == (
        "2026H2",
        "2026-07-01T00:00:00+00:00",
        "2027-01-01T00:00:00+00:00",
    )
    le = body["sectors"][0]
    assert le["sector"] == "law-enforcement" and le["label"] == "Law enforcement and justice"
    # 2 trained: counts of 1 to 4 people leave as null, named in fewer_than_5 (test_coverage_suppression.py)
    assert (le["trained"], le["newly_trained"], le["lapsed"], le["in_person"], le["self_paced"]) == (
        None,
        0,
        0,
        None,
        None,
    )
    assert le["fewer_than_5"] == ["trained", "in_person", "self_paced"]
    assert [t["trained"] for t in le["trend"]] == [0, None, None, None]
    assert {s["subrole"]: s["trained"] for s in le["subroles"]} == {"police": None, "prosecutor": 0, "judge": None}
    assert le["projection"] == {"status": "no-target", "period": None, "pace_per_period": None}
    assert body["any_sector"]["trained"] is None
    assert "foundation" not in {s["sector"] for s in body["sectors"]}


def test_the_coordinator_of_town_a_cannot_read_town_b(app, filled, token_for):
    headers = token_for("coordinator", [filled["a"]])
    response = fresh_get(app, "/api/v1/coverage?community=town-b&period=2026H2", headers=headers)
    assert response.status_code == 403 and "error" in response.get_json()


@pytest.mark.parametrize("role", ["auditor", "admin"])
def test_auditors_and_admins_read_every_community(app, filled, token_for, role):
    response = fresh_get(app, "/api/v1/coverage?community=town-b", headers=token_for(role))
    assert response.status_code == 200 and response.get_json()["community"]["slug"] == "town-b"


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("", 400),
        ("?community=", 400),
        ("?community=town-a&period=2026H3", 400),
        ("?community=town-a&period=x", 400),
        ("?community=nowhere", 404),
        ("?community=town-a&period=1800H1", 400),
    ],
)
def test_bad_parameters_get_json_errors(app, filled, token_for, query, status):
    response = fresh_get(app, "/api/v1/coverage" + query, headers=token_for("auditor"))
    assert response.status_code == status
    assert isinstance(response.get_json()["error"], str)


def test_a_signed_in_session_works_too(login, client, filled):
    login("coordinator", coordinates=[filled["a"]])
    assert client.get("/api/v1/coverage?community=town-a").status_code == 200
    assert client.get("/api/v1/coverage?community=town-b").status_code == 403


def test_a_signed_in_trainee_is_refused(login, client, filled):
    login("trainee")
    response = client.get("/api/v1/coverage?community=town-a")
    assert response.status_code == 403 and "error" in response.get_json()
