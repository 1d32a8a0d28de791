"""Closing a session: attendance is frozen and the course's completion rule issues the certificates."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from academy.certificates.models import AuditEvent, Certificate
from academy.courses import service as courses
from academy.courses.catalog import get_course
from academy.courses.models import LessonProgress
from academy.database import utcnow
from academy.extensions import db
from academy.quizzes.models import QuizAttempt
from academy.sessions import service
from tests.sessions_fixtures import (  # noqa: F401  (fixtures)
    app_config_fixture,
    current_token,
    make_person_fixture,
    make_session_fixture,
    sessions_curricula_fixture,
)


def text(response) -> str:
    return response.get_data(as_text=True)


def pass_quiz(user, slug: str) -> None:
    course = get_course(slug)
    db.session.add(QuizAttempt(user_id=user.id, course_slug=slug, version=course.version, layout=[],
                               submitted_at=utcnow() - timedelta(minutes=5), answers={}, score=100,
                               passed=True))
    db.session.commit()


def certificates(user) -> list[Certificate]:
    db.session.expire_all()
    return list(db.session.scalars(select(Certificate).where(Certificate.user_id == user.id)))


@pytest.fixture
def trainer(login):
    return login("trainer")


def close(client, session):
    return client.post(f"/sessions/{session.id}/close", follow_redirects=True)


def test_blended_course_attended_and_quiz_passed_gets_the_certificate(client, trainer, make_session,
                                                                      make_person):
    session = make_session(trainers=[trainer], course_slug="blended")
    passed, pending = make_person("Passed Already"), make_person("Quiz Later")
    pass_quiz(passed, "blended")
    for user in (passed, pending):
        service.check_in(session, user, method="qr")
    service.add_walk_in(session, "Wanda Walker", trainer)
    db.session.commit()
    page = text(close(client, session))
    assert ("The session is closed. 1 attendee completed the course and holds its certificate; 1 has not "
            "met its completion rule yet; 1 walk-in without an account gets no certificate.") in page
    [certificate] = certificates(passed)
    assert (certificate.course_slug, certificate.earned_via) == ("blended", "in-person")
    assert certificates(pending) == []
    assert "Certificate issued" in page and "No certificate yet" in page
    assert "Walk-in: no account, no certificate" in page
    # Passing the quiz later completes the course: the closed session's attendance counts.
    pass_quiz(pending, "blended")
    assert courses.check_completion(pending, get_course("blended")) is not None
    assert len(certificates(pending)) == 1


def test_attendance_only_course_certifies_every_account_holder(client, trainer, make_session, make_person):
    session = make_session(trainers=[trainer], course_slug="workshop")
    people = [make_person() for _ in range(3)]
    for user in people:
        service.check_in(session, user, method="qr")
    db.session.commit()
    close(client, session)
    assert all(len(certificates(user)) == 1 for user in people)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "session.closed"))
    assert event.detail == {"attendees": 3, "completed": 3, "waiting": 0, "walk_ins": 0}


def test_self_paced_course_taught_in_a_room_counts_as_its_lessons(client, trainer, make_session, make_person):
    session = make_session(trainers=[trainer], course_slug="basics")
    with_quiz, without = make_person(), make_person()
    pass_quiz(with_quiz, "basics")
    for user in (with_quiz, without):
        service.check_in(session, user, method="qr")
    db.session.commit()
    close(client, session)
    lessons = db.session.scalars(select(LessonProgress.lesson_slug)
                                 .where(LessonProgress.user_id == without.id))
    assert sorted(lessons) == ["first", "second"]
    assert len(certificates(with_quiz)) == 1 and certificates(without) == []


def test_session_requiring_the_quiz_holds_back_certificates(client, trainer, make_session, make_person):
    session = make_session(trainers=[trainer], course_slug="lecture", require_quiz=True)
    passed, not_yet = make_person(), make_person()
    pass_quiz(passed, "lecture")
    for user in (passed, not_yet):
        service.check_in(session, user, method="qr")
    db.session.commit()
    close(client, session)
    assert len(certificates(passed)) == 1 and certificates(not_yet) == []


def test_close_page_explains_what_will_happen(client, trainer, make_session):
    session = make_session(trainers=[trainer], course_slug="basics")
    page = text(client.get(f"/sessions/{session.id}/close"))
    assert "Attending stands for the lessons of" in page and "They must also pass the course quiz" in page
    assert "Walk-ins without an account are counted, but get no certificate." in page


def test_closing_freezes_the_roster(client, trainer, make_session, make_person):
    session = make_session(trainers=[trainer], course_slug="workshop")
    attendance = service.check_in(session, make_person(), method="qr").attendance
    db.session.commit()
    close(client, session)
    db.session.expire_all()
    assert session.status == "closed" and session.closed_at is not None
    assert "Attendance for this session is closed." in text(
        client.get(f"/checkin/{session.id}/{current_token(session)[0]}"))
    walk = client.post(f"/sessions/{session.id}/walk-in", data={"name": "Late Person"})
    assert walk.status_code == 409 and "attendance is frozen" in text(walk)
    remove = client.post(f"/sessions/{session.id}/attendance/{attendance.id}/remove", data={"reason": "x"})
    assert remove.status_code == 400 and "attendance is frozen" in text(remove)
    paper = client.post(f"/sessions/{session.id}/paper", data={"names": "Paper Person"})
    assert paper.status_code == 400 and "attendance is frozen" in text(paper)
    mark = client.post(f"/sessions/{session.id}/mark", data={"user_id": make_person().id})
    assert mark.status_code == 409
    assert len(session.attendances) == 1
    again = close(client, session)
    assert "This session is already closed." in text(again)
    assert len(certificates(attendance.user)) == 1
    page = text(client.get(f"/sessions/{session.id}"))
    assert "Show check-in" not in page and "Export roster (CSV)" in page


def test_closing_does_not_reissue_to_someone_already_certified(client, trainer, make_session, make_person):
    user = make_person()
    first = make_session(trainers=[trainer], course_slug="workshop")
    service.check_in(first, user, method="qr")
    db.session.commit()
    close(client, first)
    second = make_session(trainers=[trainer], course_slug="workshop")
    service.check_in(second, user, method="qr")
    db.session.commit()
    page = text(close(client, second))
    assert "1 attendee completed the course" in page
    assert len(certificates(user)) == 1


def test_a_session_cannot_be_closed_before_it_starts(client, trainer, make_session):
    session = make_session(trainers=[trainer], starts_in=timedelta(days=2))
    assert "has not started yet" in text(client.get(f"/sessions/{session.id}/close"))
    response = close(client, session)
    assert "This session has not started yet" in text(response)
    db.session.expire_all()
    assert session.status == "scheduled"
