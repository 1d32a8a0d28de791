"""What people learned: the pre-test page, the first quiz attempt as post-test, knowledge gain and indicator
shares from known answers."""

from __future__ import annotations

import pytest

from academy.courses.catalog import get_course
from academy.coverage import learning, periods
from academy.coverage.models import Assessment
from academy.extensions import db
from tests.coverage_fixtures import at, person_fixture, town_fixture  # noqa: F401 (fixtures)
from tests.evidence_fixtures import app_config_fixture  # noqa: F401 (fixture)

H1 = periods.parse("2026H1")


def test_curriculum_reads_the_pretest_and_indicator_tags(app):
    course = get_course("basics")
    assert course.pretest == ("q1", "q3")
    assert [q.indicators for q in course.quiz.questions] == [("identifies-trafficking",), (), ("knows-hotline",)]


def test_pretest_page_records_answers_once_and_never_grades(login, client, make_community):
    user = login("trainee", community=make_community("town-a", "Town A"))
    page = client.get("/courses/basics/pretest").get_data(as_text=True)
    assert "never graded" in page and "Question 1 of 2" in page and "Question 2 of 2" in page
    response = client.post("/courses/basics/pretest", data={"q-q1": "q1-b"})  # q3 left blank: not known
    assert response.status_code == 303 and "/courses/basics/" in response.headers["Location"]
    row = db.session.scalars(db.select(Assessment)).one()
    assert (row.user_id, row.stage, row.asked, row.correct) == (user.id, "pre", 2, 1)
    assert {(i.indicator, i.asked, i.correct) for i in row.indicators} == {
        ("identifies-trafficking", 1, 1),
        ("knows-hotline", 1, 0),
    }
    again = client.get("/courses/basics/pretest")
    assert again.status_code == 302 and db.session.scalar(db.select(db.func.count(Assessment.id))) == 1


def test_pretest_refuses_options_of_other_questions(login, client):
    login("trainee")
    assert client.post("/courses/basics/pretest", data={"q-q1": "q3-a"}).status_code == 400


def _take(person, course, stage: str, right: list[bool], when):
    questions = course.quiz.questions if stage == "post" else [q for q in course.quiz.questions if q.id in
                                                                 course.pretest]
    return learning.record(person, course, stage, zip(questions, right, strict=True), now=when)


def test_gain_from_known_answers(app, town, person):
    """Five people: 1 of 2 right before (50%), 3 of 3 after (100%): +50 points; a sixth without a pre-test and
    a seventh whose quiz falls in another half-year do not count."""
    course = get_course("basics")
    a = town["a"]
    for _ in range(5):
        p = person(a, sector="law-enforcement")
        _take(p, course, "pre", [True, False], at(2026, 2, 1))
        _take(p, course, "post", [True, True, True], at(2026, 3, 1))
    _take(person(a), course, "post", [False, False, False], at(2026, 3, 1))
    late = person(a)
    _take(late, course, "pre", [False, False], at(2026, 5, 1))
    _take(late, course, "post", [True, True, True], at(2026, 8, 1))
    db.session.commit()
    found = learning.gains(a.id, H1)
    gain = found[("basics", "law-enforcement")]
    assert gain.learners == 5
    assert gain.pre == pytest.approx(50.0) and gain.post == pytest.approx(100.0) and gain.gain == pytest.approx(50.0)
    shares = learning.indicator_shares(a.id, H1)
    assert shares[("knows-hotline", "pre")].percent == 0.0  # q3 wrong before for all five
    assert shares[("knows-hotline", "post")].correct == 5 and shares[("knows-hotline", "post")].asked == 6


def test_first_quiz_attempt_is_the_post_test(login, client):
    user = login("trainee")
    client.post("/courses/basics/enrol")
    client.post("/courses/basics/lessons/first/complete")
    start = client.post("/courses/basics/quiz")
    assert start.status_code == 302
    attempt_url = start.headers["Location"]
    answers = {"q-q1": "q1-b", "q-q2": ["q2-a", "q2-b"], "q-q3": "q3-a"}
    client.post(attempt_url, data=answers)
    rows = db.session.scalars(db.select(Assessment).where(Assessment.user_id == user.id)).all()
    assert [(r.stage, r.asked, r.correct) for r in rows] == [("post", 3, 2)]
