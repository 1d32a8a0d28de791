"""The roster: marking and unmarking by hand, walk-ins, CSV and PDF exports, paper sheets typed back in."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess

import pytest
from sqlalchemy import select

from academy.certificates.models import AuditEvent
from academy.extensions import db
from academy.sessions import roster, service
from academy.sessions.models import Attendance
from tests.sessions_fixtures import (  # noqa: F401  (fixtures)
    app_config_fixture,
    make_person_fixture,
    make_session_fixture,
    sessions_curricula_fixture,
)


def text(response) -> str:
    return response.get_data(as_text=True)


def names(session) -> list[str]:
    db.session.expire_all()
    rows = db.session.scalars(select(Attendance).where(Attendance.session_id == session.id))
    return sorted(a.name for a in rows)


@pytest.fixture
def mine(login, make_session):
    """A running session taught by the signed-in trainer."""
    trainer = login("trainer")
    return make_session(trainers=[trainer], capacity=2)


def test_roster_lists_attendees_with_how_they_came_and_flags(client, mine, make_person):
    maria = make_person("Maria Lopez")
    service.check_in(mine, maria, method="qr")
    service.check_in(mine, make_person("Bob Stone"), method="code")
    service.check_in(mine, make_person("Cy Over"), method="qr")
    service.add_walk_in(mine, "Wanda Walker", mine.trainers[0])
    db.session.commit()
    page = text(client.get(f"/sessions/{mine.id}"))
    for expected in ("Maria Lopez", "Scanned QR", "Typed code", "Walk-in: no account, no certificate",
                     "2 over capacity", "<strong id=\"roster-count\">4 checked in</strong>"):
        assert expected in page
    assert maria.email not in page
    filtered = text(client.get(f"/sessions/{mine.id}?q=mari"))
    assert "Maria Lopez" in filtered and "Bob Stone" not in filtered


def test_mark_an_account_holder_found_by_name(client, mine, make_person):
    maria = make_person("Maria Lopez")
    make_person("Mario Other")
    page = text(client.get(f"/sessions/{mine.id}?find=maria"))
    assert "Maria Lopez" in page and "Mario Other" not in page and maria.email not in page
    response = client.post(f"/sessions/{mine.id}/mark", data={"user_id": maria.id, "reason": "Phone died"})
    assert response.status_code == 302
    [attendance] = db.session.scalars(select(Attendance)).all()
    assert (attendance.user_id, attendance.method, attendance.reason) == (maria.id, "manual", "Phone died")
    assert attendance.marked_by_id == mine.trainers[0].id
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "attendance.marked"))
    assert event.detail["user_id"] == maria.id and event.detail["reason"] == "Phone died"
    assert "Maria Lopez" not in text(client.get(f"/sessions/{mine.id}?find=maria")).split("add-h")[1]
    again = client.post(f"/sessions/{mine.id}/mark", data={"user_id": maria.id}, follow_redirects=True)
    assert "Maria Lopez was already checked in." in text(again)
    assert len(names(mine)) == 1


def test_mark_without_a_chosen_person_explains(client, mine):
    response = client.post(f"/sessions/{mine.id}/mark", data={"user_id": "abc"})
    assert response.status_code == 400 and "Choose someone from the search results." in text(response)


def test_walk_in_by_name_and_duplicates_refused(client, mine, make_person):
    response = client.post(f"/sessions/{mine.id}/walk-in", data={"name": "  Wanda   Walker ", "reason": ""})
    assert response.status_code == 302
    assert names(mine) == ["Wanda Walker"]
    again = client.post(f"/sessions/{mine.id}/walk-in", data={"name": "wanda walker"})
    assert again.status_code == 409 and "already on the roster" in text(again)
    empty = client.post(f"/sessions/{mine.id}/walk-in", data={"name": ""})
    assert 'id="name-err">Enter the person' in text(empty)
    assert names(mine) == ["Wanda Walker"]


def test_unmark_needs_a_reason_and_is_audited(client, mine, make_person):
    maria = make_person("Maria Lopez")
    attendance = service.check_in(mine, maria, method="qr").attendance
    db.session.commit()
    url = f"/sessions/{mine.id}/attendance/{attendance.id}/remove"
    response = client.post(url, data={"reason": " "})
    assert response.status_code == 400
    assert f'id="reason-{attendance.id}-err">Say why.' in text(response)
    assert names(mine) == ["Maria Lopez"]
    client.post(url, data={"reason": "Checked in from home"})
    assert names(mine) == []
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "attendance.removed"))
    assert event.detail["user_id"] == maria.id and event.detail["reason"] == "Checked in from home"
    assert event.subject_type == "training_session" and event.subject_id == str(mine.id)


def test_unmark_an_attendance_of_another_session_is_404(client, mine, make_session, make_person):
    other = make_session()
    attendance = service.check_in(other, make_person(), method="qr").attendance
    db.session.commit()
    response = client.post(f"/sessions/{mine.id}/attendance/{attendance.id}/remove", data={"reason": "x"})
    assert response.status_code == 404


def test_csv_export_has_no_emails_and_defuses_formulas(client, mine, make_person):
    service.check_in(mine, make_person("Maria Lopez"), method="qr")
    service.add_walk_in(mine, "=HYPERLINK(1)", mine.trainers[0], "Signed the paper sheet")
    db.session.commit()
    response = client.get(f"/sessions/{mine.id}/roster.csv")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(text(response))))
    assert [r["name"] for r in rows] == ["'=HYPERLINK(1)", "Maria Lopez"]
    assert (rows[1]["account"], rows[1]["sector"], rows[1]["method"]) == ("yes", "law-enforcement", "qr")
    assert rows[0]["account"] == "no" and rows[0]["reason"] == "Signed the paper sheet"
    assert "@" not in text(response)


def test_pdf_sign_in_sheet(client, mine):
    mine.capacity, mine.title, mine.place = 60, "Briefing for Zoë's team", "Salle Émile, Riverside"
    db.session.commit()
    response = client.get(f"/sessions/{mine.id}/sign-in-sheet.pdf")
    assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF")
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.skip("pdftotext (poppler-utils) is needed to read the PDF back")
    out = subprocess.run([pdftotext, "-layout", "-", "-"], input=response.data,  # noqa: S603  (our own PDF)
                         capture_output=True, check=True)
    sheet = out.stdout.decode()
    assert "Sign-in sheet: Briefing for Zoë's team" in sheet and "Salle Émile, Riverside" in sheet
    assert f"Session number {mine.id}" in sheet and "Email, if you have an account" in sheet
    assert "60" in sheet and "Page 3 of 3" in sheet  # 60 numbered rows over three pages


def test_paper_sheet_typed_back_in(client, mine, make_person):
    maria = make_person("Maria Lopez", email="maria@example.org")
    service.add_walk_in(mine, "Already Here", mine.trainers[0])
    db.session.commit()
    typed = "Maria L., MARIA@example.org\n\nWanda Walker\nalready here\n Tom  Tab\tno-email\n"
    response = client.post(f"/sessions/{mine.id}/paper", data={"names": typed}, follow_redirects=True)
    assert "3 added from the paper sheet (1 matched an account by email); 1 already on the roster." in text(
        response)
    rows = {a.name: a for a in db.session.scalars(select(Attendance).where(Attendance.session_id == mine.id))}
    assert rows["Maria Lopez"].user_id == maria.id and rows["Maria Lopez"].method == "paper"
    assert rows["Wanda Walker"].user_id is None and rows["Wanda Walker"].method == "paper"
    assert "Tom Tab no-email" in rows


def test_paper_name_alone_never_picks_an_account(client, mine, make_person):
    make_person("Maria Lopez")
    client.post(f"/sessions/{mine.id}/paper", data={"names": "Maria Lopez"})
    [attendance] = db.session.scalars(select(Attendance)).all()
    assert attendance.user_id is None and attendance.walk_in_name == "Maria Lopez"


def test_paper_csv_upload(client, mine, make_person):
    maria = make_person(email="maria@example.org")
    data = "Email,Name\nmaria@example.org,Maria Lopez\n,Wanda Walker\n".encode("utf-8-sig")
    response = client.post(f"/sessions/{mine.id}/paper", data={"file": (io.BytesIO(data), "sheet.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    users = {a.user_id for a in db.session.scalars(select(Attendance))}
    assert users == {maria.id, None}


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"names": "x\n" * 501}, "names", "type at most 500"),
    ({"names": "x" * 100_001}, "names", "That is too long"),
    ({"names": "  \n "}, "names", "Type at least one name"),
    ({"file": (io.BytesIO(b"a,b\n" * 30_000), "big.csv")}, "file", "That file is too big"),
    ({"file": (io.BytesIO(b"\x89PNG\r\n\x1a\n\x00\x00"), "photo.csv")}, "file", "That file is not plain text"),
    ({"file": (io.BytesIO(b"\xff\xfe\x00ba"), "bad.csv")}, "file", "save it as CSV and try again"),
])
def test_paper_refuses_oversize_and_unreadable_input(client, mine, data, field, message):
    response = client.post(f"/sessions/{mine.id}/paper", data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert f'id="{field}-err">' in text(response) and message in text(response)
    assert names(mine) == []


@pytest.mark.parametrize("data", [
    "name,email\rZoë Müller,zoe@example.org\rAndré\r".encode("cp1252"),  # Excel for Mac, Windows-1252
    "name,email\r\nZoë Müller,zoe@example.org\r\nAndré\r\n".encode("utf-16"),  # "Unicode text"
    b"name,email\nZo\xc3\xab M\xc3\xbcller,zoe@example.org\x00\nAndr\xc3\xa9\n",  # a stray NUL byte
])
def test_paper_csv_of_any_spreadsheet_is_read(client, mine, data):
    response = client.post(f"/sessions/{mine.id}/paper", data={"file": (io.BytesIO(data), "sheet.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    assert sorted(names(mine)) == ["André", "Zoë Müller"]


@pytest.mark.parametrize(("locale", "data", "message"), [
    ("es", {"names": "Ana Ruiz\nBo bo@x@example.org"},
     "Línea 2: «bo@x@example.org» no es una sola dirección de correo electrónico."),
    ("fr", {"names": "x\n" * 501}, "Cela fait plus de 500 lignes ; saisissez-en au plus 500 à la fois."),
    ("es", {"file": (io.BytesIO(b"a,b\n" * 30_000), "big.csv")},
     "Ese archivo es demasiado grande: como máximo 100 KB."),
    ("fr", {"file": (io.BytesIO(b"name\n" + b"Ana\n" * 501), "sheet.csv")},
     "Ce fichier compte 501 lignes ; importez-en au plus 500 à la fois."),
    ("es", {"file": (io.BytesIO(b"\x89PNG\r\n\x1a\n\x00"), "photo.csv")}, "Ese archivo no es texto sin formato"),
])
def test_paper_sheet_problems_are_told_in_the_trainers_language(client, mine, locale, data, message):
    trainer = mine.trainers[0]
    trainer.locale = locale
    db.session.commit()
    response = client.post(f"/sessions/{mine.id}/paper", data=data, content_type="multipart/form-data")
    field = "file" if "file" in data else "names"
    assert response.status_code == 400
    page = text(response)
    assert f'id="{field}-err">' in page and message in page
    assert names(mine) == []


def test_parse_text_splits_names_and_emails():
    lines = roster.parse_text("Ana Díaz <ana@example.org>\nBo; bo@example.org\nCy")
    assert [(p.name, p.email) for p in lines] == [("Ana Díaz", "ana@example.org"), ("Bo", "bo@example.org"),
                                                 ("Cy", None)]
