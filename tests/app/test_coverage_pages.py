"""Coverage pages: who sees which community, the dashboard's content, targets, comparison and CSV."""

import csv
import io

import pytest

from academy.coverage.models import Target
from academy.extensions import db
from tests.coverage_fixtures import at, cert_fixture, person_fixture, town_fixture  # noqa: F401 (fixtures)


@pytest.fixture
def filled(town, person, cert):
    """Town A: 2 police (one in person), 1 judge, 1 lapsed; town B: 5 police."""
    a, b = town["a"], town["b"]
    cert(person(a), issued=at(2026, 2, 1), community=a, via="in-person")
    cert(person(a), issued=at(2026, 3, 1), community=a)
    cert(person(a), issued=at(2025, 3, 1), community=a, subrole="judge")
    cert(person(a), issued=at(2024, 3, 1), community=a, expires=at(2026, 3, 1))
    for _ in range(5):
        cert(person(b), issued=at(2026, 2, 1), community=b)
    return town


def text(response) -> str:
    return response.get_data(as_text=True)


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/coverage")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ["trainee", "trainer"])
@pytest.mark.parametrize(
    "path",
    [
        "/coverage",
        "/coverage/export.csv?community=town-a",
        "/coverage/compare",
        "/coverage/targets?community=town-a",
    ],
)
def test_other_roles_are_refused(login, client, town, role, path):
    login(role)
    assert client.get(path).status_code == 403


def test_coordinator_sees_their_community_with_figures_and_definitions(login, filled, client):
    login("coordinator", coordinates=[filled["a"]])
    page = text(client.get("/coverage?community=town-a&period=2026H1"))
    assert "<h1>Coverage: Town A</h1>" in page
    assert (
        "Police, prosecutors, judges and first responders trained: police 2, prosecutors 0 (none yet), "
        "judges 1, first responders 0 (none yet)." in page
    )
    assert "January to June 2026" in page
    assert "How these figures are counted" in page and "expires exactly at that moment" in page
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="coverage-chart"' in page and '<title id="bars-t">' in page
    assert 'style="' not in page  # the CSP forbids inline styles
    assert "Download CSV for the report" in page and "Set targets" in page
    assert "Compare communities" not in page


def test_coordinator_defaults_to_their_first_community(login, filled, client):
    login("coordinator", coordinates=[filled["b"]])
    assert "<h1>Coverage: Town B</h1>" in text(client.get("/coverage"))


@pytest.mark.parametrize(
    "path",
    [
        "/coverage?community=town-b",
        "/coverage/export.csv?community=town-b",
        "/coverage/targets?community=town-b",
    ],
)
def test_coordinator_of_town_a_cannot_read_town_b(login, filled, client, path):
    login("coordinator", coordinates=[filled["a"]])
    response = client.get(path)
    assert response.status_code == 403
    assert "Town B" not in text(response)


def test_unknown_community_is_404(login, filled, client):
    login("auditor")
    assert client.get("/coverage?community=atlantis").status_code == 404


def test_coordinator_without_community_sees_an_explanation(login, client):
    login("coordinator")
    response = client.get("/coverage")
    assert response.status_code == 200 and "You do not coordinate a community yet" in text(response)


def test_a_bad_period_is_shown_next_to_the_field(login, filled, client):
    login("auditor")
    page = text(client.get("/coverage?community=town-a&period=2026H3"))
    assert 'aria-invalid="true"' in page and "like 2026H1" in page


@pytest.mark.parametrize("role", ["auditor", "admin"])
def test_auditors_and_admins_see_every_community_and_compare(login, filled, client, role):
    login(role)
    assert "<h1>Coverage: Town B</h1>" in text(client.get("/coverage?community=town-b&period=2026H1"))
    db.session.add(
        Target(community_id=filled["a"].id, sector="law-enforcement", subrole="", period="2026H1", headcount=6)
    )
    db.session.commit()
    page = text(client.get("/coverage/compare?period=2026H1"))
    assert "<h1>Compare communities</h1>" in page and "Town A" in page and "Town B" in page
    assert '<strong>3</strong><br><span class="small muted nowrap">of 6 · 50%</span>' in page


def test_coordinators_do_not_get_the_comparison(login, filled, client):
    login("coordinator", coordinates=[filled["a"], filled["b"]])
    assert client.get("/coverage/compare").status_code == 403


def test_csv_export_for_the_report(login, filled, client):
    login("coordinator", coordinates=[filled["a"]])
    response = client.get("/coverage/export.csv?community=town-a&period=2026H1")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert 'filename="coverage-town-a-2026H1.csv"' in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(text(response))))
    police = next(r for r in rows if r["subrole"] == "police")
    few = "fewer than 5"  # counts of 1 to 4 people never leave as numbers (test_coverage_suppression.py)
    assert (police["trained"], police["in_person"], police["self_paced"]) == (few, few, few)
    sector = next(r for r in rows if r["sector"] == "law-enforcement" and r["subrole"] == "")
    assert (sector["trained"], sector["lapsed"], sector["newly_trained"]) == (few, few, few)
    assert rows[-1]["sector"] == "any" and rows[-1]["trained"] == few
    prosecutor = next(r for r in rows if r["subrole"] == "prosecutor")
    assert prosecutor["trained"] == "0"


def test_csv_refuses_a_bad_period(login, filled, client):
    login("auditor")
    assert client.get("/coverage/export.csv?community=town-a&period=soon").status_code == 400


def test_coordinator_sets_targets_and_the_dashboard_uses_them(login, filled, client):
    login("coordinator", coordinates=[filled["a"]])
    url = "/coverage/targets?community=town-a&period=2026H1"
    assert "<h1>Targets: Town A</h1>" in text(client.get(url))
    response = client.post(
        url, data={"t__law-enforcement__": "6", "t__law-enforcement__police": "4", "t__consumers__": ""}
    )
    assert response.status_code == 302
    saved = {(t.sector, t.subrole): t.headcount for t in db.session.query(Target).all()}
    assert saved == {("law-enforcement", ""): 6, ("law-enforcement", "police"): 4}
    page = text(client.get("/coverage?community=town-a&period=2026H1"))
    assert "1 of 1 sector targets met" not in page and "0 of 1 sector targets met." in page
    assert ">50%<" in page
    client.post(url, data={"t__law-enforcement__": "", "t__law-enforcement__police": "4"})
    assert db.session.query(Target).count() == 1


def test_targets_are_offered_from_the_previous_period(login, filled, client):
    login("coordinator", coordinates=[filled["a"]])
    client.post("/coverage/targets?community=town-a&period=2026H1", data={"t__law-enforcement__": "6"})
    page = text(client.get("/coverage/targets?community=town-a&period=2026H2"))
    assert "the boxes show the targets of 2026H1" in page and 'value="6"' in page
    assert db.session.query(Target).count() == 1


@pytest.mark.parametrize("value", ["-1", "abc", "2000000", "1.5"])
def test_bad_targets_are_shown_next_to_their_field(login, filled, client, value):
    login("coordinator", coordinates=[filled["a"]])
    response = client.post("/coverage/targets?community=town-a&period=2026H1", data={"t__law-enforcement__": value})
    assert response.status_code == 200
    page = text(response)
    assert 'id="t__law-enforcement__-err"' in page
    assert db.session.query(Target).count() == 0


def test_auditors_cannot_set_targets(login, filled, client):
    login("auditor")
    assert (
        client.post("/coverage/targets?community=town-a&period=2026H1", data={"t__law-enforcement__": "6"}).status_code
        == 403
    )


def test_admins_set_any_community_targets(login, filled, client):
    login("admin")
    response = client.post("/coverage/targets?community=town-b&period=2026H2", data={"t__consumers__": "100"})
    assert response.status_code == 302
    assert db.session.query(Target).one().community_id == filled["b"].id


def test_home_panel_for_coordinators(login, filled, client):
    login("coordinator", coordinates=[filled["a"]])
    page = text(client.get("/"))
    assert "Coverage this half-year" in page and "Town A" in page and "Town B" not in page
