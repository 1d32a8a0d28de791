"""The bi-annual report: suppression, events and meetings, checklist history, feedback, local services, PDF."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date

import pytest

from academy.courses.catalog import curriculum
from academy.coverage import activity, periods, report
from academy.coverage.models import ChecklistAnswer
from academy.database import utcnow
from academy.extensions import db
from academy.resources.models import LocalResource
from academy.sessions.models import Attendance, TrainingSession
from tests.coverage_fixtures import at, cert_fixture, person_fixture, town_fixture  # noqa: F401 (fixtures)

H1 = periods.parse("2026H1")


def _report(community, period=H1):
    """Build the report as a request would (the kinds' and questions' words are translated strings)."""
    from flask import current_app

    courses = {slug: c.sector for slug, c in curriculum().courses.items()}
    with current_app.test_request_context():
        return report.build(community, period, curriculum().sectors.values(), courses)


@pytest.mark.parametrize(("people", "expected"), [(4, "fewer than 5"), (5, 5)])
def test_counts_under_five_leave_as_fewer_than_5(login, client, town, person, cert, people, expected):
    a = town["a"]
    for _ in range(people):
        cert(person(a), issued=at(2026, 2, 1), community=a)
    login("coordinator", coordinates=[a])
    data = client.get("/api/v1/coverage/report?community=town-a&period=2026H1").get_json()
    police = next(r for r in data["trained"] if r["sector"] == "law-enforcement")
    assert police["trained"] == expected and data["trained_any_sector"] == expected
    csv_text = client.get("/coverage/report.csv?community=town-a&period=2026H1").get_data(as_text=True)
    assert f"trained,Law enforcement and justice,{expected}" in csv_text
    page = client.get("/coverage/report?community=town-a&period=2026H1").get_data(as_text=True)
    assert ("fewer than 5 people trained" in page) == (people == 4)
    assert ("Law enforcement and justice: fewer than 5 trained" in page) == (people == 4)  # the chart's words


def _meeting(community, attendees, kind="stakeholder-meeting"):
    session = TrainingSession(course_slug="basics", title="Meeting", starts_at=at(2026, 3, 1, 9),
                              ends_at=at(2026, 3, 1, 11), place="Hall", community_id=community.id,
                              status="closed", kind=kind)
    db.session.add(session)
    db.session.flush()
    for user in attendees:
        db.session.add(Attendance(session_id=session.id, user_id=user.id, method="qr"))
    db.session.add(Attendance(session_id=session.id, walk_in_name="A walk-in", method="manual"))
    db.session.commit()
    return session


def test_a_meeting_of_two_sectors_counts_one_of_one_sector_does_not(app, town, person):
    a = town["a"]
    _meeting(a, [person(a, sector="law-enforcement"), person(a, sector="health", subrole=None)])
    _meeting(a, [person(a, sector="schools", subrole=None), person(a, sector="schools", subrole=None)])
    _meeting(a, [person(a, sector="media", subrole=None), person(a, sector="health", subrole=None)],
             kind="workshop")
    assert activity.meetings(a.id, H1) == activity.Meetings(held=2, cross_sector=1)
    kinds = activity.by_kind(a.id, H1)
    assert kinds["stakeholder-meeting"].events == 2 and kinds["workshop"].events == 1
    words = {x.question: x.answer for x in _report(a).answers}
    assert words["How many community stakeholder meetings take place between two or more stakeholders?"].startswith(
        "1 of 2 stakeholder meetings")
    assert "workshop 1" in words["How many community engagement events (awareness/outreach, workshops, listening "
                                 "groups, campaigns) have been hosted?"]


def test_checklist_keeps_its_history(login, client, town):
    coordinator = login("coordinator", coordinates=[town["a"]])
    url = "/coverage/checklist?community=town-a&period=2026H1"
    client.post(url, data={"question": "research-discovery", "answer": "no", "note": "Not started"})
    client.post(url, data={"question": "research-discovery", "answer": "yes", "note": "Mapped in March",
                           "evidence_url": "https://example.org/map"})
    bad = client.post(url, data={"question": "research-discovery", "answer": "yes", "evidence_url": "not a link"})
    assert bad.status_code == 200 and "Give a full address" in bad.get_data(as_text=True)
    rows = db.session.scalars(db.select(ChecklistAnswer).order_by(ChecklistAnswer.id)).all()
    assert [(r.answer, r.note, r.answered_by_id) for r in rows] == [
        ("no", "Not started", coordinator.id), ("yes", "Mapped in March", coordinator.id)]
    page = client.get(url).get_data(as_text=True)
    assert "History" in page and "Not started" in page
    answers = {x.question: x.answer for x in _report(town["a"]).answers}
    assert answers["Have the coalition's members undertaken the research and discovery process?"] == (
        "Yes. Mapped in March")


def test_other_coordinators_cannot_answer_a_checklist(login, client, town):
    login("coordinator", coordinates=[town["b"]])
    response = client.post("/coverage/checklist?community=town-a&period=2026H1",
                           data={"question": "research-discovery", "answer": "yes"})
    assert response.status_code == 403


def test_feedback_is_shown_only_from_five_responses(login, client, town, make_user):
    a = town["a"]
    session = _meeting(a, [], kind="training")
    for n in range(5):
        user = make_user("trainee", community=a)
        db.session.add(Attendance(session_id=session.id, user_id=user.id, method="qr"))
        db.session.commit()
        client.post("/logout")
        client.post("/login", data={"email": user.email, "password": "correct horse battery"})
        response = client.post(f"/feedback/session/{session.id}", data={
            "relevance": "4", "confidence_before": "2", "confidence_after": "4", "will_do": f"Plan {n}"})
        assert response.status_code == 302, response.get_data(as_text=True)[:300]
        now = periods.containing(utcnow())  # forms are counted in the half-year they were sent
        answer = {x.question: x.answer for x in _report(a, now).answers}["What did people think of the training?"]
        if n < 4:
            assert answer == "Fewer than 5 feedback forms this half-year: not shown."
    assert answer.startswith("5 responses: relevance 4.0 of 5; confidence to act 2.0 before and 4.0 after")


def test_local_services_answer_the_recovery_question_and_show_on_the_resource_page(login, client, town):
    a = town["a"]
    login("coordinator", coordinates=[a], community=a)
    for name, languages in (("Safe House", "English, Spanish"), ("Open Door", "English")):
        response = client.post("/resources/local?community=town-a", data={
            "name": name, "category": "shelter", "languages": languages, "verified_on": "2026-01-10"})
        assert response.status_code == 302
    old = LocalResource(community_id=a.id, name="Old Clinic", category="medical", verified_on=date(2020, 1, 1))
    db.session.add(old)
    db.session.commit()
    question = "Have resources been identified for the recovery of victims, in a language victims understand?"
    answer = {x.question: x.answer for x in _report(a).answers}[question]
    assert answer.startswith("shelter and housing: 2 services, in English and Spanish; counselling: none yet")
    assert "legal aid: none yet" in answer
    manage = client.get("/resources/local").get_data(as_text=True)
    assert "1 entry has not been checked for 12 months" in manage and "Old Clinic" in manage
    page = client.get("/resources").get_data(as_text=True)
    assert "In Town A" in page and "Safe House" in page


def test_report_pdf_renders_pages_with_charts(login, client, town, person, cert, tmp_path):
    a = town["a"]
    for _ in range(6):
        cert(person(a), issued=at(2026, 2, 1), community=a)
    cert(person(a, sector="schools", subrole=None), issued=at(2026, 2, 1), community=a, sector="schools",
         subrole=None)
    login("coordinator", coordinates=[a])
    response = client.get("/coverage/report.pdf?community=town-a&period=2026H1")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(response.data)
    pdftotext, pdftoppm = shutil.which("pdftotext"), shutil.which("pdftoppm")
    if pdftotext is None or pdftoppm is None:
        pytest.skip("pdftotext and pdftoppm (poppler-utils) are not installed")
    text = subprocess.run([pdftotext, str(pdf), "-"], capture_output=True, text=True,  # noqa: S603  (our own PDF)
                          check=True).stdout
    assert "Bi-annual report: Town A" in text and "Method" in text
    assert "fewer than 5" in text  # the one schools person
    subprocess.run([pdftoppm, "-r", "50", "-png", str(pdf), str(tmp_path / "page")], check=True)  # noqa: S603
    assert len(list(tmp_path.glob("page-*.png"))) >= 2


def test_compare_two_periods_on_one_page(login, client, town):
    login("coordinator", coordinates=[town["a"], town["b"]])
    page = client.get("/coverage/report?community=town-a&period=2026H1&with_community=town-b").get_data(as_text=True)
    assert "Town A, 2026H1" in page and "Town B, 2026H1" in page
    page = client.get("/coverage/report?community=town-a&period=2026H1&with_period=2025H2").get_data(as_text=True)
    assert "Town A, 2025H2" in page


def test_compare_refuses_a_community_not_theirs(login, client, town):
    login("coordinator", coordinates=[town["a"]])
    assert client.get("/coverage/report?community=town-a&with_community=town-b").status_code == 403


def test_report_pdf_speaks_the_readers_language(login, client, town, person, cert, tmp_path):
    a = town["a"]
    for _ in range(6):
        cert(person(a), issued=at(2026, 2, 1), community=a)
    user = login("coordinator", coordinates=[a])
    user.locale = "es"
    db.session.commit()
    response = client.get("/coverage/report.pdf?community=town-a&period=2026H1")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(response.data)
    text = subprocess.run([pdftotext, "-raw", str(pdf), "-"], capture_output=True, text=True,  # noqa: S603
                          check=True).stdout
    text = " ".join(text.split())
    for spanish in ("Informe semestral: Town A, 2026H1", "De enero a junio de 2026",
                    "Las preguntas del programa semilla, respondidas", "Personas formadas por sector, frente a la meta",
                    "Tendencia y proyección", "Eventos por tipo", "La lista de verificación de la coordinación",
                    "Sin responder todavía.", "Método", "Formada: tiene un certificado", "página 1"):
        assert spanish in text, spanish
    for english in ("bi-annual report", "The seeds' questions", "People trained per sector", "Trend and projection",
                    "Events by kind", "The coordinator's checklist", "Not answered yet", "Method", "page 1",
                    "January to June"):
        assert english not in text, english
