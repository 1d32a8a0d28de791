"""Checking in: scanning, typed codes, tickets surviving sign-in and registration, duplicates, windows."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from email import message_from_bytes
from email.policy import default
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from academy.accounts.models import User
from academy.database import utcnow
from academy.extensions import db
from academy.sessions import codes
from academy.sessions.models import Attendance
from tests.accounts_fixtures import deliver, register
from tests.conftest import PASSWORD
from tests.sessions_fixtures import (  # noqa: F401  (fixtures)
    app_config_fixture,
    current_token,
    forget_user,
    make_session_fixture,
    scan,
    sessions_curricula_fixture,
    ticket_path,
)

NEWCOMER = {"name": "Ana Newcomer", "email": "Ana@Example.org", "sector": "law-enforcement/police",
            "organisation": "Riverside PD"}


def attendances(session) -> list[Attendance]:
    db.session.expire_all()
    return list(db.session.scalars(select(Attendance).where(Attendance.session_id == session.id)))


def text(response) -> str:
    return response.get_data(as_text=True)


def test_signed_in_attendee_checks_in_with_one_tap(client, login, make_session):
    user = login("trainee")
    session = make_session()
    confirm = ticket_path(scan(client, session))
    page = text(client.get(confirm))
    assert "Check me in" in page and user.name in page
    response = client.post(confirm)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/checkin/done/{session.id}")
    done = text(client.get(response.headers["Location"]))
    assert "You are checked in." in done and session.title in done
    [attendance] = attendances(session)
    assert (attendance.user_id, attendance.method, attendance.over_capacity) == (user.id, "qr", False)


def test_the_code_is_verified_before_anything_else(client, login, make_session):
    login("trainee")
    session = make_session()
    response = client.get(f"/checkin/{session.id}/not-the-code-at-all-xxxxxx")
    assert response.status_code == 400
    assert "This code has changed" in text(response)
    cookie = client.get_cookie("session")
    assert cookie is None or "checkin_ticket" not in cookie.value
    assert client.get(f"/checkin/999999/{current_token(session)[0]}").status_code == 400


def test_an_old_code_is_refused_after_two_steps_but_accepted_within_grace(client, login, make_session):
    login("trainee")
    session = make_session()
    # Start early in a time step: a step that changes between taking the codes and scanning them would make the
    # previous step's code two steps old (this failed once on a loaded CI machine).
    left = codes.seconds_left(utcnow().timestamp())
    if left < 10:
        time.sleep(left + 0.05)
    now = utcnow()
    previous = current_token(session, now - timedelta(seconds=15))[0]
    stale = current_token(session, now - timedelta(seconds=31))[0]
    assert scan(client, session, stale).status_code == 400
    assert scan(client, session, previous).status_code == 302


def test_a_short_code_in_the_qr_address_counts_as_typed(client, login, make_session):
    user = login("trainee")
    session = make_session()
    confirm = ticket_path(scan(client, session, current_token(session)[1]))
    client.post(confirm)
    assert [(a.user_id, a.method) for a in attendances(session)] == [(user.id, "code")]


def test_newcomer_registers_on_the_short_form_and_is_checked_in(client, app, make_session):
    session = make_session()
    confirm = ticket_path(scan(client, session))
    page = text(client.get(confirm))
    assert "I have an account: sign in" in page and 'name="password"' not in page
    response = client.post(confirm, data=NEWCOMER)
    assert response.status_code == 200 and "check your email" in text(response)
    user = db.session.scalar(select(User).where(User.email == "ana@example.org"))
    assert (user.name, user.sector, user.subrole, user.organisation, user.role) == (
        "Ana Newcomer", "law-enforcement", "police", "Riverside PD", "trainee")
    assert user.password_hash is None
    assert [a.user_id for a in attendances(session)] == [user.id]
    assert "Welcome back, Ana Newcomer" not in text(client.get("/"))  # the door signs no browser in
    from academy.mail import outbox

    assert outbox.send_due().sent == 1  # queued by the check-in; `academy mail send` writes it to the outbox
    deliver(app)  # what `academy mail send` does
    newest = max(Path(app.instance_path, "outbox").glob("*.eml"))
    mail = message_from_bytes(newest.read_bytes(), policy=default)
    body = mail.get_body(preferencelist=("plain",)).get_content()
    assert mail["To"] == "ana@example.org" and "set a password" in body
    link = re.search(r"https://academy\.test(/reset/\S+)", body).group(1)
    assert "New password" in text(client.get(link))


def test_newcomer_form_errors_are_shown_next_to_the_field(client, make_session, make_user):
    make_user(email="taken@example.org")
    session = make_session()
    confirm = ticket_path(scan(client, session))
    response = client.post(confirm, data={**NEWCOMER, "email": "not an email"})
    assert re.search(r'id="email-err">Enter a valid email address', text(response))
    response = client.post(confirm, data={**NEWCOMER, "sector": ""})
    assert re.search(r'id="sector-err">Choose your sector', text(response))
    assert attendances(session) == []


def test_ticket_survives_signing_in(client, make_session, make_user):
    user = make_user("trainee")
    session = make_session()
    confirm = ticket_path(scan(client, session))
    login_link = re.search(r'href="(/login\?next=[^"]+)"', text(client.get(confirm))).group(1)
    response = client.post(login_link.replace("&amp;", "&"), data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == confirm
    client.post(confirm)
    assert [a.user_id for a in attendances(session)] == [user.id]


def test_ticket_survives_full_registration_with_next(client, make_session):
    session = make_session()
    confirm = ticket_path(scan(client, session))
    response = register(client, {**NEWCOMER, "community": "", "password": "long enough pw",
                                 "confirm": "long enough pw"}, next_url=confirm)
    assert response.headers["Location"] == confirm
    assert "Check me in" in text(client.get(confirm))
    client.post(confirm)
    assert len(attendances(session)) == 1


def test_ticket_outlives_the_code_by_minutes(client, login, make_session, monkeypatch):
    user = login("trainee")
    session = make_session()
    confirm = ticket_path(scan(client, session))
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 4 * 60)  # the code rotated 16 times since the scan
    assert "Check me in" in text(client.get(confirm))
    client.post(confirm)
    assert [a.user_id for a in attendances(session)] == [user.id]


def test_ticket_expires_after_ten_minutes(client, login, make_session, monkeypatch):
    login("trainee")
    session = make_session()
    confirm = ticket_path(scan(client, session))
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 11 * 60)
    expired = client.post(confirm)
    assert expired.status_code == 400 and "This check-in has expired" in text(expired)
    assert attendances(session) == []


def test_a_forwarded_ticket_does_not_work_in_another_browser(app, client, login, make_session):
    login("trainee")
    session = make_session()
    confirm = ticket_path(scan(client, session))
    other = app.test_client()
    forget_user()
    response = other.get(confirm)
    assert response.status_code == 400 and "expired" in text(response)


def test_the_same_person_twice_is_one_attendance(client, login, make_session):
    login("trainee")
    session = make_session()
    client.post(ticket_path(scan(client, session)))
    response = client.post(ticket_path(scan(client, session)), follow_redirects=True)
    assert "You are already checked in." in text(response)
    assert len(attendances(session)) == 1


def test_the_database_refuses_a_second_attendance_row(make_session, make_user):
    user = make_user()
    session = make_session()
    db.session.add_all([Attendance(session_id=session.id, user_id=user.id, method="qr"),
                        Attendance(session_id=session.id, user_id=user.id, method="code")])
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize(("starts_in", "hours", "message"), [
    (timedelta(hours=-3), 2, "This session has ended, so check-in is closed."),
    (timedelta(minutes=31), 2, "Check-in opens 30 minutes before the session starts."),
])
def test_check_in_outside_the_window_is_refused_clearly(client, login, make_session, starts_in, hours,
                                                        message):
    login("trainee")
    session = make_session(starts_in=starts_in, hours=hours)
    response = scan(client, session)
    assert response.status_code == 409 and message in text(response)
    assert attendances(session) == []


def test_check_in_opens_30_minutes_early(client, login, make_session):
    login("trainee")
    session = make_session(starts_in=timedelta(minutes=29))
    client.post(ticket_path(scan(client, session)))
    assert len(attendances(session)) == 1


def test_a_ticket_taken_before_the_end_is_refused_after_it(client, login, make_session):
    login("trainee")
    session = make_session()
    confirm = ticket_path(scan(client, session))
    session.ends_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    response = client.post(confirm)
    assert response.status_code == 409 and "This session has ended" in text(response)
    assert attendances(session) == []


@pytest.mark.parametrize(("status", "message"), [("cancelled", "This session was cancelled."),
                                                 ("closed", "Attendance for this session is closed.")])
def test_cancelled_and_closed_sessions_refuse_check_in(client, login, make_session, status, message):
    login("trainee")
    session = make_session(status=status)
    assert message in text(scan(client, session))


def test_above_capacity_is_accepted_but_flagged(app, client, login, make_session, make_user):
    session = make_session(capacity=1)
    first, second = make_user(), make_user()
    for user in (first, second):
        browser = app.test_client()
        forget_user()
        browser.post("/login", data={"email": user.email, "password": PASSWORD})
        browser.post(ticket_path(scan(browser, session)))
    flags = {a.user_id: a.over_capacity for a in attendances(session)}
    assert flags == {first.id: False, second.id: True}


def test_typed_code_finds_its_session(client, login, make_session):
    user = login("trainee")
    make_session(title="Another room")
    session = make_session()
    short = current_token(session)[1]
    response = client.post("/checkin", data={"code": f"{short[:3].lower()} {short[3:]}"})
    client.post(ticket_path(response))
    assert [(a.user_id, a.method) for a in attendances(session)] == [(user.id, "code")]


@pytest.mark.parametrize(("case", "message"), [("wrong", "That code is not right, or it has changed."),
                                               ("ended", "This session has ended")])
def test_typed_code_problems_are_shown_next_to_the_field(client, login, make_session, case, message):
    login("trainee")
    session = make_session(starts_in=timedelta(hours=-3) if case == "ended" else timedelta(minutes=-5))
    code = current_token(session)[1] if case == "ended" else "ZZZZZZ"
    if case == "wrong" and codes.verify(session.secret, session.id, code, time.time()):
        code = "YYYYYY"
    response = client.post("/checkin", data={"code": code})
    assert response.status_code == 200
    assert re.search(rf'id="code-err">{re.escape(message)}', text(response))


def test_typed_page_offers_to_continue_a_pending_check_in(client, make_session):
    session = make_session(title="Evening briefing")
    confirm = ticket_path(scan(client, session))
    page = text(client.get("/checkin"))
    assert "Evening briefing" in page and f'href="{confirm}"' in page


def test_my_sessions_lists_upcoming_and_attended(client, login, make_session, make_community):
    town = make_community("riverside")
    login("trainee", community=town)
    attended = make_session(title="Attended one")
    make_session(title="Next month", starts_in=timedelta(days=30), community=town)
    make_session(title="Elsewhere", starts_in=timedelta(days=30), community=make_community("elsewhere"))
    client.post(ticket_path(scan(client, attended)))
    page = text(client.get("/my/sessions"))
    assert "Attended one" in page and "Next month" in page and "Elsewhere" not in page
    assert db.session.scalar(select(func.count(Attendance.id))) == 1


def test_my_sessions_needs_sign_in(client):
    response = client.get("/my/sessions")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
