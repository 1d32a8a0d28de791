"""The self-paced path: catalogue, course page, enrolment, lessons, progress, completion and My learning."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from academy.certificates.models import Certificate
from academy.courses import service
from academy.courses.models import CourseCompletion, Enrolment, LessonProgress
from academy.extensions import db
from tests.courses_fixtures import attempts, complete_course, course, read_lessons, trainee_fixture  # noqa: F401


def text(response) -> str:
    return response.get_data(as_text=True)


def enrolment(user, slug="basics"):
    query = select(Enrolment).where(Enrolment.user_id == user.id, Enrolment.course_slug == slug)
    return db.session.scalar(query)


# --- catalogue and course page ------------------------------------------------------------------------------

def test_catalogue_for_visitors_groups_by_sector_with_the_foundation_first(client):
    html = text(client.get("/courses"))
    assert html.index("Foundation") < html.index("Law enforcement and justice")
    assert "Start here" in html
    assert "Test basics" in html and "Test policing" in html
    assert "The shared test course." in html
    assert "2 lessons" in html and "10 min" in html
    assert re.search(r"After: <a href=\"/courses/basics\">Test basics</a>", html)
    assert "In progress" not in html and "<progress" not in html


def test_catalogue_shows_the_signed_in_users_progress(client, trainee):
    client.get("/courses/basics/lessons/first")
    client.post("/courses/basics/lessons/first/complete")
    html = text(client.get("/courses"))
    assert "In progress" in html
    assert 'value="33"' in html  # 1 of 3 steps: two lessons and the quiz
    assert "1 of 3 steps done" in html


def test_course_page_for_visitors(client):
    html = text(client.get("/courses/basics"))
    assert "<h1>Test basics</h1>" in html
    assert "An introduction to the <strong>basics</strong>" in html
    assert "Test users." in html
    assert "The first lesson" in html and "The second lesson" in html
    assert "pass mark 60%" in html
    assert "Create an account to start" in html
    assert "Enrol" not in html


@pytest.mark.parametrize("url", [
    "/courses/nope", "/courses/nope/lessons/first", "/courses/basics/lessons/nope", "/courses/nope/quiz",
])
def test_unknown_course_or_lesson_is_404(client, trainee, url):
    assert client.get(url).status_code == 404


def test_lessons_after_the_first_and_my_learning_need_sign_in(client):
    for url in ("/courses/basics/lessons/second", "/learning", "/courses/basics/quiz"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.location
    assert client.post("/courses/basics/enrol").status_code == 302


def test_a_visitor_reads_the_first_lesson_as_a_preview_and_nothing_is_recorded(client):
    from academy.courses.models import Enrolment

    response = client.get("/courses/basics/lessons/first")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "reading the first lesson as a preview" in page and "Create a free account" in page
    assert "Mark complete" not in page  # nothing to record for a visitor
    assert "/register?next=/courses/basics/lessons/first" in page
    assert db.session.scalars(select(Enrolment)).all() == []


def test_enrol_button_enrols_and_opens_the_first_lesson(client, trainee):
    html = text(client.get("/courses/basics"))
    assert 'action="/courses/basics/enrol"' in html
    response = client.post("/courses/basics/enrol")
    assert response.status_code == 302 and response.location.endswith("/courses/basics/lessons/first")
    row = enrolment(trainee)
    assert row is not None and row.version == course("basics").version
    assert client.post("/courses/basics/enrol").status_code == 302  # twice is harmless
    assert len(db.session.scalars(select(Enrolment)).all()) == 1


def test_enrol_and_mark_complete_are_post_only(client, trainee):
    assert client.get("/courses/basics/enrol").status_code == 405
    assert client.get("/courses/basics/lessons/first/complete").status_code == 405
    assert db.session.scalar(select(LessonProgress)) is None


def test_unmet_prerequisites_are_shown_and_block_enrolment(client, trainee):
    html = text(client.get("/courses/policing"))
    assert "Complete these courses first" in html
    assert 'href="/courses/basics">Test basics</a>' in html
    assert "not yet" in html
    assert 'action="/courses/policing/enrol"' not in html
    responses = (client.post("/courses/policing/enrol"), client.get("/courses/policing/lessons/interviews"),
                 client.get("/courses/policing/quiz"), client.post("/courses/policing/quiz"))
    for response in responses:
        assert response.status_code == 403
        assert "Test basics" in text(response)
    assert enrolment(trainee, "policing") is None


def test_met_prerequisites_open_the_next_course(client, trainee):
    complete_course(client, "basics")
    html = text(client.get("/courses/policing"))
    assert "Complete these courses first" not in html
    assert "done</span>" in html
    assert client.post("/courses/policing/enrol").status_code == 302
    html = text(client.get("/courses/policing/lessons/interviews"))
    assert "For police" in html  # the lesson's sub-role label


# --- lessons ----------------------------------------------------------------------------------------------

def test_lesson_page_shows_content_sources_resources_and_navigation(client, trainee):
    response = client.get("/courses/basics/lessons/first")
    html = text(response)
    assert response.status_code == 200
    assert '<h2 id="consent">Consent</h2>' in html  # pre-rendered Markdown, not escaped
    assert 'class="callout callout-do"' in html
    assert "Lesson 1 of 2" in html
    assert "Sources" in html and "The test suite" in html
    assert "Services mentioned in this lesson" in html
    assert "National Human Trafficking Hotline" in html and "1-888-373-7888" in html
    assert 'href="/resources#us-nhth"' in html
    assert 'rel="next" href="/courses/basics/lessons/second"' in html
    assert 'rel="prev"' not in html
    assert 'action="/courses/basics/lessons/first/complete"' in html
    assert "<progress" in html


def test_first_lesson_visit_enrols_and_remembers_the_lesson(client, trainee):
    client.get("/courses/basics/lessons/second")
    row = enrolment(trainee)
    assert row.last_lesson_slug == "second" and row.version == course("basics").version
    html = text(client.get("/courses/basics"))
    assert "Continue where you left off: The second lesson" in html


def test_mark_complete_records_progress_and_goes_to_the_next_step(client, trainee):
    response = client.post("/courses/basics/lessons/first/complete")
    assert response.status_code == 302 and response.location.endswith("/courses/basics/lessons/second")
    row = db.session.scalar(select(LessonProgress))
    assert (row.lesson_slug, row.version) == ("first", course("basics").version)
    html = text(client.get("/courses/basics/lessons/first"))
    assert "You have completed this lesson." in html and "Mark complete" not in html
    html = text(client.get("/courses/basics"))
    assert "(completed)" in html and "1 of 3 steps done" in html
    response = client.post("/courses/basics/lessons/second/complete")
    assert response.location.endswith("/courses/basics/quiz")  # the last lesson leads to the quiz
    assert client.post("/courses/basics/lessons/second/complete").status_code == 302  # twice is harmless
    assert len(db.session.scalars(select(LessonProgress)).all()) == 2


def test_continue_goes_to_the_first_unfinished_lesson_from_where_the_user_left_off(client, trainee):
    client.post("/courses/basics/lessons/second/complete")
    client.get("/courses/basics/lessons/second")
    html = text(client.get("/"))
    assert "Test basics" in html and "1 of 3 steps" in html
    assert 'href="/courses/basics/lessons/first"' in html and "Continue: The first lesson" in html


# --- completion -------------------------------------------------------------------------------------------

def test_completing_lessons_and_quiz_records_the_completion_with_version_and_a_certificate(client, trainee):
    read_lessons(client, "basics")
    assert db.session.scalar(select(CourseCompletion)) is None  # the quiz is still to pass
    complete_course(client, "basics")
    done = db.session.scalars(select(CourseCompletion)).all()
    assert len(done) == 1
    assert (done[0].version, done[0].via) == (course("basics").version, "self-paced")
    assert done[0].user_id == trainee.id
    certificate = db.session.scalar(select(Certificate))
    assert certificate.course_slug == "basics" and certificate.user_id == trainee.id
    html = text(client.get("/courses/basics"))
    assert "Course complete" in html and done[0].completed_at.strftime("%-d %B %Y") in html
    assert f'href="/certificates/{certificate.code}"' in html
    assert service.check_completion(trainee, course("basics")) is None  # already complete: nothing new


def test_my_learning_lists_courses_in_progress_and_completed(client, trainee):
    assert "Nothing in progress" in text(client.get("/learning"))
    client.get("/courses/basics/lessons/first")
    html = text(client.get("/learning"))
    assert "Test basics" in html and "0 of 3 steps done" in html and "Continue: The first lesson" in html
    complete_course(client, "basics")
    html = text(client.get("/learning"))
    assert "Nothing in progress" in html
    completed = html[html.index("Completed"):]
    assert "Test basics" in completed and "Course complete" in completed
    assert "View the certificate" in completed


def test_attendance_rule_needs_a_closed_session_or_attended(app, make_user, monkeypatch):
    from dataclasses import replace

    from academy.database import utcnow
    from academy.sessions.models import Attendance, TrainingSession

    user = make_user("trainee")
    workshop = replace(course("basics"), completion=("attendance",))
    assert service.check_completion(user, workshop) is None
    session = TrainingSession(course_slug="basics", title="Workshop", starts_at=utcnow(), ends_at=utcnow(),
                              place="Hall", status="scheduled")
    db.session.add(session)
    db.session.flush()
    db.session.add(Attendance(session_id=session.id, user_id=user.id, method="manual"))
    db.session.flush()
    assert service.check_completion(user, workshop) is None  # not closed yet
    session.status, session.closed_at = "closed", utcnow()
    completion = service.check_completion(user, workshop, via="in-person")
    assert completion is not None and completion.via == "in-person"
    other = make_user("trainee")
    assert service.check_completion(other, workshop, attended=True, via="in-person") is not None


def test_an_expired_certificate_asks_for_a_renewal_and_a_new_pass_renews_it(client, trainee):
    from datetime import timedelta

    from academy.database import utcnow

    complete_course(client, "basics")
    years = timedelta(days=3 * 365)  # everything happened three years ago; the certificate expired a year ago
    for row in db.session.scalars(select(CourseCompletion)):
        row.completed_at -= years
    for row in attempts(trainee):
        row.started_at, row.submitted_at = row.started_at - years, row.submitted_at - years
    certificate = db.session.scalar(select(Certificate))
    certificate.issued_at -= years
    certificate.expires_at = utcnow() - timedelta(days=365)
    db.session.commit()
    html = text(client.get("/courses/basics"))
    assert "Renewal due" in text(client.get("/courses")) and "Take the quiz again to renew" in html
    assert service.check_completion(trainee, course("basics")) is None  # the old pass does not count
    from tests.courses_fixtures import correct_answers, start_attempt, submit

    attempt_id = start_attempt(client, "basics")
    submit(client, "basics", attempt_id, correct_answers("basics"))
    assert len(db.session.scalars(select(CourseCompletion)).all()) == 2
    assert "Course complete" in text(client.get("/courses/basics"))




def test_my_learning_and_home_cope_with_progress_that_has_no_enrolment(client, trainee):
    client.get("/courses/basics/lessons/first")
    db.session.add(LessonProgress(user_id=trainee.id, course_slug="policing", lesson_slug="interviews",
                                  version="older0000000"))  # e.g. kept from before an enrolment was removed
    db.session.commit()
    html = text(client.get("/learning"))
    assert html.index("Test basics") < html.index("Test policing")  # the latest activity first
    assert client.get("/").status_code == 200


def test_a_lesson_with_a_content_note_says_so_before_the_lesson(client, trainee):
    noted = client.get("/courses/basics/lessons/second").get_data(as_text=True)
    note = "Describes how people are moved and controlled, including threats against family."
    assert "Content note" in noted and note in noted
    assert noted.index(note) < noted.index('class="lesson-body"')  # read before the lesson, not after
    plain = client.get("/courses/basics/lessons/first").get_data(as_text=True)
    assert "Content note" not in plain
