"""The feedback form: one response per person per session or course, from anyone who attended (any role); the
record that someone answered is kept apart from the anonymous answers."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from academy.courses.catalog import curriculum
from academy.coverage import periods, report
from academy.coverage.models import Feedback, FeedbackGiven
from academy.database import utcnow
from academy.extensions import db
from academy.sessions.models import Attendance, TrainingSession
from tests.coverage_fixtures import at, cert_fixture, person_fixture, town_fixture  # noqa: F401 (fixtures)

ANSWERS = {"relevance": "4", "confidence_before": "2", "confidence_after": "4", "will_do": "Call the hotline"}
ALREADY = "Thank you: we already have your feedback."


def _session(community, attendees=()):
    session = TrainingSession(course_slug="basics", title="Basics in the hall", starts_at=at(2026, 3, 1, 9),
                              ends_at=at(2026, 3, 1, 11), place="Hall", community_id=community.id, status="closed")
    db.session.add(session)
    db.session.flush()
    for user in attendees:
        db.session.add(Attendance(session_id=session.id, user_id=user.id, method="qr"))
    db.session.commit()
    return session


def _feedback_answer(community) -> str:
    from flask import current_app

    courses = {slug: c.sector for slug, c in curriculum().courses.items()}
    with current_app.test_request_context():
        built = report.build(community, periods.containing(utcnow()), curriculum().sectors.values(), courses)
    return {x.question: x.answer for x in built.answers}["What did people think of the training?"]


def test_one_attendee_cannot_answer_five_times(login, client, town):
    a = town["a"]
    user = login("trainee", community=a)
    session = _session(a, [user])
    first = client.post(f"/feedback/session/{session.id}", data=ANSWERS)
    assert first.status_code == 302
    for _ in range(4):
        again = client.post(f"/feedback/session/{session.id}", data=ANSWERS)
        assert again.status_code == 200 and ALREADY in again.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Feedback)) == 1
    assert _feedback_answer(a) == "Fewer than 5 feedback forms this half-year: not shown."
    page = client.get(f"/feedback/session/{session.id}").get_data(as_text=True)
    assert ALREADY in page and 'name="relevance"' not in page  # no form to fill in again


@pytest.mark.parametrize("role", ["trainer", "coordinator", "auditor", "admin"])
def test_any_attendee_may_answer_whatever_their_role(login, client, town, role):
    a = town["a"]
    user = login(role, community=a, coordinates=[a] if role == "coordinator" else ())
    session = _session(a, [user])
    page = client.get(f"/feedback/session/{session.id}")
    assert page.status_code == 200 and 'name="relevance"' in page.get_data(as_text=True)
    assert client.post(f"/feedback/session/{session.id}", data=ANSWERS).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Feedback)) == 1


def test_someone_who_did_not_attend_is_refused(login, client, town, make_user):
    a = town["a"]
    session = _session(a, [make_user("trainee", community=a)])
    login("coordinator", community=a, coordinates=[a])
    assert client.post(f"/feedback/session/{session.id}", data=ANSWERS).status_code == 403


def test_each_session_and_course_is_answered_once(login, client, town, cert):
    a = town["a"]
    user = login("trainee", community=a)
    first, second = _session(a, [user]), _session(a, [user])
    assert client.post(f"/feedback/session/{first.id}", data=ANSWERS).status_code == 302
    assert client.post(f"/feedback/session/{second.id}", data=ANSWERS).status_code == 302  # another session
    cert(user, issued=at(2026, 2, 1), community=a, course="basics")
    assert client.post("/feedback/course/basics", data=ANSWERS).status_code == 302
    again = client.post("/feedback/course/basics", data=ANSWERS)
    assert again.status_code == 200 and ALREADY in again.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Feedback)) == 3
    assert set(db.session.execute(select(FeedbackGiven.kind, FeedbackGiven.subject))) == {
        ("session", str(first.id)), ("session", str(second.id)), ("course", "basics")}


def test_the_record_of_who_answered_says_nothing_of_what_they_answered(login, client, town):
    a = town["a"]
    user = login("trainee", community=a)
    session = _session(a, [user])
    client.post(f"/feedback/session/{session.id}", data=ANSWERS)
    assert set(FeedbackGiven.__table__.columns.keys()) == {"user_id", "kind", "subject"}  # no answer, no time
    answer = db.session.scalars(select(Feedback)).one()
    assert answer.user_id is None  # anonymous: the box to add a name was not ticked


def test_a_second_answer_at_the_same_moment_is_not_recorded(app, town, make_user):
    """Two tabs posting together both pass the view's check; the unique key keeps the second one out."""
    from academy.coverage import feedback

    a = town["a"]
    user = make_user("trainee", community=a)
    session = _session(a, [user])
    values = {"community_id": a.id, "course_slug": "basics", "session_id": session.id, "relevance": 4,
              "confidence_before": 2, "confidence_after": 4, "will_do": "", "comment": "", "given_by": user.id}
    assert feedback.submit(**values) is not None
    assert feedback.submit(**values) is None
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Feedback)) == 1
    assert feedback.given(user.id, course_slug="basics", session_id=session.id)
