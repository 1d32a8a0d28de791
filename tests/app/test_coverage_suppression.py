"""No count of 1 to 4 people leaves the coalition: the coverage CSV says "fewer than 5", the API gives null and
names the field in `fewer_than_5`; 0 and 5 or more are shown as they are."""

from __future__ import annotations

import csv
import io

import pytest

from academy.coverage.models import Target
from academy.extensions import db
from tests.coverage_fixtures import at, cert_fixture, person_fixture, town_fixture  # noqa: F401 (fixtures)


@pytest.fixture
def police(town, person, cert):
    """Return a function giving Town A n police officers trained in 2026H1 (one of them in person), target 20."""
    def _police(n: int):
        a = town["a"]
        for i in range(n):
            cert(person(a), issued=at(2026, 2, 1), community=a, via="in-person" if i == 0 else "self-paced")
        db.session.add(Target(community_id=a.id, sector="law-enforcement", subrole="", period="2026H1", headcount=20))
        db.session.commit()
        return a

    return _police


def _csv(client) -> list[dict]:
    response = client.get("/coverage/export.csv?community=town-a&period=2026H1")
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_csv_says_fewer_than_5_for_counts_of_1_to_4(login, client, police):
    login("coordinator", coordinates=[police(4)])
    rows = _csv(client)
    sector = next(r for r in rows if r["sector"] == "law-enforcement" and r["subrole"] == "")
    assert (sector["trained"], sector["newly_trained"], sector["in_person"], sector["self_paced"]) == (
        "fewer than 5", "fewer than 5", "fewer than 5", "fewer than 5")
    assert sector["lapsed"] == "0" and sector["target"] == "20"
    assert sector["coverage_percent"] == ""  # 20% of 20 would give the 4 back
    total = rows[-1]
    assert total["sector"] == "any" and total["trained"] == "fewer than 5"
    assert not any(cell in {"1", "2", "3", "4"} for r in rows for k, cell in r.items()
                   if k in {"trained", "newly_trained", "lapsed", "in_person", "self_paced", "attendance"})


def test_csv_shows_counts_from_5(login, client, police):
    login("coordinator", coordinates=[police(5)])
    sector = next(r for r in _csv(client) if r["sector"] == "law-enforcement" and r["subrole"] == "")
    assert (sector["trained"], sector["self_paced"], sector["coverage_percent"]) == ("5", "fewer than 5", "25")


def test_api_gives_null_and_names_the_hidden_counts(login, client, police):
    login("coordinator", coordinates=[police(4)])
    body = client.get("/api/v1/coverage?community=town-a&period=2026H1").get_json()
    le = body["sectors"][0]
    assert le["sector"] == "law-enforcement"
    assert (le["trained"], le["newly_trained"], le["in_person"], le["self_paced"], le["lapsed"]) == (
        None, None, None, None, 0)
    assert set(le["fewer_than_5"]) == {"trained", "newly_trained", "in_person", "self_paced"}
    assert le["coverage_percent"] is None and le["projection"]["pace_per_period"] is None
    assert le["target"] == 20
    assert le["trend"][-1] == {"period": "2026H1", "trained": None, "fewer_than_5": ["trained"]}
    assert le["trend"][0]["trained"] == 0 and le["trend"][0]["fewer_than_5"] == []
    police_row = next(s for s in le["subroles"] if s["subrole"] == "police")
    assert police_row["trained"] is None and "trained" in police_row["fewer_than_5"]
    assert body["any_sector"]["trained"] is None and body["any_sector"]["fewer_than_5"]


def test_api_shows_counts_from_5(login, client, police):
    login("coordinator", coordinates=[police(5)])
    le = client.get("/api/v1/coverage?community=town-a&period=2026H1").get_json()["sectors"][0]
    assert (le["trained"], le["in_person"], le["self_paced"], le["coverage_percent"]) == (5, None, None, 25)
    assert le["fewer_than_5"] == ["in_person", "self_paced"]  # 1 in person, 4 self-paced


def test_the_api_description_documents_the_suppression(client):
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    assert "fewer than 5" in schemas["Coverage"]["description"]
    row = schemas["CoverageRow"]
    assert row["properties"]["trained"]["type"] == ["integer", "null"]
    assert "null when 1 to 4" in row["properties"]["trained"]["description"]
    assert "fewer_than_5" in row["required"]
