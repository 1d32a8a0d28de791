"""Quizzes through the app: attempts, hidden answers, grading, limits, cooldown and ownership."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from sqlalchemy import select

from academy.courses.models import CourseCompletion
from academy.extensions import db
from academy.quizzes import service
from tests.courses_fixtures import (  # noqa: F401
    attempts,
    complete_course,
    correct_answers,
    course,
    read_lessons,
    start_attempt,
    submit,
    trainee_fixture,
    wrong_answers,
)


def text(response) -> str:
    return response.get_data(as_text=True)


def age(attempt, minutes: int) -> None:
    """Pretend an attempt was started and submitted some minutes earlier."""
    attempt.started_at -= timedelta(minutes=minutes)
    if attempt.submitted_at:
        attempt.submitted_at -= timedelta(minutes=minutes)
    db.session.commit()


def test_start_page_shows_the_rules(client, trainee):
    html = text(client.get("/courses/basics/quiz"))
    assert "Basics quiz" in html
    assert "Pass mark <strong>60%</strong>" in html
    assert "<strong>2</strong> of 2 attempts left" in html
    assert "Wait <strong>10 min</strong> after a failed attempt" in html
    assert "Start the quiz" in html


def test_starting_is_post_only_and_makes_a_shuffled_layout(client, trainee):
    assert client.get("/courses/basics/quiz/1").status_code == 404  # no attempt yet
    attempt_id = start_attempt(client, "basics")
    [attempt] = attempts(trainee)
    assert attempt.id == attempt_id and attempt.version == course("basics").version
    assert attempt.submitted_at is None
    quiz = course("basics").quiz
    assert sorted(qid for qid, _ in attempt.layout) == sorted(q.id for q in quiz.questions)
    for qid, option_ids in attempt.layout:
        question = next(q for q in quiz.questions if q.id == qid)
        assert sorted(option_ids) == sorted(o.id for o in question.options)
    assert start_attempt(client, "basics") == attempt_id  # the open attempt is resumed, not doubled


def test_the_form_never_contains_answers_or_explanations(client, trainee):
    attempt_id = start_attempt(client, "basics")
    html = text(client.get(f"/courses/basics/quiz/{attempt_id}"))
    quiz = course("basics").quiz
    for question in quiz.questions:
        assert question.prompt_html in html
        assert question.explanation_html not in html
        assert "ILO indicators" not in html and "irrelevant" not in html
        for option in question.options:
            assert f'value="{option.id}"' in html
    assert "correct" not in html.lower()
    assert "Select all that apply." in html
    assert html.count('type="checkbox"') == 3 and html.count('type="radio"') == 4


def test_passing_shows_the_result_with_explanations_and_completes_the_course(client, trainee):
    read_lessons(client, "basics")
    attempt_id = start_attempt(client, "basics")
    response = submit(client, "basics", attempt_id, correct_answers("basics"))
    assert response.status_code == 303 and response.location.endswith(f"/courses/basics/quiz/{attempt_id}")
    html = text(client.get(response.location))
    assert "You passed" in html and "<strong>100%</strong>" in html and "3 of 3 questions right" in html
    for question in course("basics").quiz.questions:
        assert question.explanation_html in html
    assert "Course complete" in html
    [attempt] = attempts(trainee)
    assert (attempt.passed, attempt.score, attempt.version) == (True, 100, course("basics").version)
    assert attempt.answers == correct_answers("basics")
    completion = db.session.scalar(select(CourseCompletion))
    assert completion.version == course("basics").version
    html = text(client.get("/courses/basics/quiz"))
    assert "You passed with 100%" in html and "Start" not in html
    assert client.post("/courses/basics/quiz").status_code == 302
    assert len(attempts(trainee)) == 1  # no attempt after a pass


def test_failing_shows_what_was_wrong_then_the_cooldown_and_the_limit(client, trainee):
    attempt_id = start_attempt(client, "basics")
    html = text(client.get(submit(client, "basics", attempt_id, wrong_answers("basics")).location))
    assert "Not passed this time" in html and "<strong>0%</strong>" in html
    assert html.count("Wrong</span>") == 3 and "Your answer" in html
    # A retake is still possible: the right answers and the explanations that give them away stay hidden.
    assert "Correct answer" not in html and "The right answers are shown once you pass" in html
    for question in course("basics").quiz.questions:
        assert question.explanation_html not in html
    assert "1 attempt left" in html and "try again in 10 minutes" in html
    html = text(client.get("/courses/basics/quiz"))
    assert "You can try again in 10 minutes" in html
    assert "<strong>1</strong> of 2 attempts left (1 used)" in html
    client.post("/courses/basics/quiz")
    assert len(attempts(trainee)) == 1  # refused during the cooldown
    age(attempts(trainee)[0], 11)
    second = start_attempt(client, "basics")
    submit(client, "basics", second, wrong_answers("basics"))
    age(attempts(trainee)[1], 11)
    html = text(client.get(f"/courses/basics/quiz/{second}"))
    assert "Correct answer" in html  # no attempt is left, so the result may teach the right answers now
    for question in course("basics").quiz.questions:
        assert question.explanation_html in html
    html = text(client.get("/courses/basics/quiz"))
    assert "You have used all 2 attempts" in html and "Start" not in html
    client.post("/courses/basics/quiz")
    assert len(attempts(trainee)) == 2
    assert db.session.scalar(select(CourseCompletion)) is None


def test_unlimited_attempts_and_no_cooldown(client, trainee):
    complete_course(client, "basics")
    assert "Unlimited attempts" in text(client.get("/courses/policing/quiz"))
    for _ in range(3):
        attempt_id = start_attempt(client, "policing")
        submit(client, "policing", attempt_id, wrong_answers("policing"))
    assert "Start another attempt" in text(client.get("/courses/policing/quiz"))


def test_an_attempt_is_submitted_only_once(client, trainee):
    attempt_id = start_attempt(client, "basics")
    submit(client, "basics", attempt_id, wrong_answers("basics"))
    response = submit(client, "basics", attempt_id, correct_answers("basics"))
    assert response.status_code == 303
    [attempt] = attempts(trainee)
    assert attempt.score == 0 and attempt.answers == wrong_answers("basics")
    with pytest.raises(service.QuizError):
        service.submit_attempt(trainee, course("basics"), attempt, correct_answers("basics"))


def test_only_the_owner_sees_an_attempt(client, auth, make_user, trainee):
    attempt_id = start_attempt(client, "basics")
    other = make_user("trainee")
    auth.logout()
    auth.login(other)
    assert client.get(f"/courses/basics/quiz/{attempt_id}").status_code == 404
    assert submit(client, "basics", attempt_id, correct_answers("basics")).status_code == 404
    assert attempts(trainee)[0].submitted_at is None
    auth.logout()
    auth.login(trainee)
    assert client.get(f"/courses/policing/quiz/{attempt_id}").status_code == 404  # another course's attempt
    assert client.get(f"/courses/basics/quiz/{attempt_id + 100}").status_code == 404


@pytest.mark.parametrize("answers", [
    {"q1": ["q1-z"]},                 # unknown option
    {"q1": ["q2-a"]},                 # an option of another question
    {"q2": ["q2-a", "q2-a"]},         # repeated
    {"q1": ["q1-a", "q1-b"]},         # two answers to a single-choice question
    {"q9": ["q9-a"]},                 # unknown question
])
def test_answers_that_do_not_fit_are_rejected_and_nothing_is_saved(client, trainee, answers):
    attempt_id = start_attempt(client, "basics")
    full = {**correct_answers("basics"), **answers}
    response = submit(client, "basics", attempt_id, full, confirm_unanswered="1")
    assert response.status_code == 400
    assert "do not belong to this quiz" in text(response)
    [attempt] = attempts(trainee)
    assert attempt.submitted_at is None and attempt.answers is None


def test_unanswered_questions_are_warned_about_then_count_wrong(client, trainee):
    attempt_id = start_attempt(client, "basics")
    response = submit(client, "basics", attempt_id, {"q1": correct_answers("basics")["q1"]})
    html = text(response)
    assert response.status_code == 200 and "2 questions not answered" in html
    assert 'value="q1-b" checked' in html and "Submit anyway" in html
    assert attempts(trainee)[0].submitted_at is None
    response = submit(client, "basics", attempt_id, {"q1": ["q1-b"]}, confirm_unanswered="1")
    assert response.status_code == 303
    attempt = attempts(trainee)[0]
    assert attempt.score == 33 and attempt.passed is False
    assert "Not answered" in text(client.get(response.location))


def test_each_attempt_is_shuffled_differently_and_still_graded_right(client, trainee):
    first = start_attempt(client, "basics")
    submit(client, "basics", first, wrong_answers("basics"))
    age(attempts(trainee)[0], 11)
    second = start_attempt(client, "basics")
    one, two = attempts(trainee)
    assert one.layout != two.layout
    assert submit(client, "basics", second, correct_answers("basics")).status_code == 303
    assert attempts(trainee)[1].passed is True


def test_shuffling_depends_only_on_the_random_source(app, make_user):
    quiz = course("basics").quiz
    layouts = {str(service.shuffled_layout(quiz.questions, random.Random(seed))) for seed in range(20)}
    assert len(layouts) > 5


def test_an_open_attempt_on_an_older_version_is_replaced(client, trainee):
    attempt_id = start_attempt(client, "basics")
    attempts(trainee)[0].version = "oldversion00"
    db.session.commit()
    response = client.get(f"/courses/basics/quiz/{attempt_id}")
    assert response.status_code == 302 and response.location.endswith("/courses/basics/quiz")
    assert start_attempt(client, "basics") != attempt_id


def test_a_retake_draws_questions_not_asked_last_time_from_a_larger_pool(app, trainee):
    import dataclasses

    pooled = dataclasses.replace(course("basics"), questions_per_attempt=2, cooldown_minutes=0, max_attempts=0)
    first = service.start_attempt(trainee, pooled, rng=random.Random(7))
    asked = {question_id for question_id, _options in first.layout}
    assert len(asked) == 2
    wrong = {qid: chosen for qid, chosen in wrong_answers("basics").items() if qid in asked}
    service.submit_attempt(trainee, pooled, first, wrong)
    db.session.commit()
    second = service.start_attempt(trainee, pooled, rng=random.Random(7))
    asked_again = {question_id for question_id, _options in second.layout}
    [never_asked] = {q.id for q in pooled.quiz.questions} - asked
    assert len(asked_again) == 2 and never_asked in asked_again
    result = service.submit_attempt(trainee, pooled, second,
                                    {qid: c for qid, c in correct_answers("basics").items() if qid in asked_again})
    assert result.passed and result.score_percent == 100  # graded on the questions drawn, not the whole pool


def test_opening_the_quiz_page_changes_nothing(client, trainee):
    """No state change on GET (issue 15): the page shows the quiz; starting an attempt (a POST) enrols."""
    from academy.courses.models import Enrolment

    assert "Start the quiz" in text(client.get("/courses/basics/quiz"))
    assert db.session.scalars(select(Enrolment)).all() == []
    start_attempt(client, "basics")
    assert [e.user_id for e in db.session.scalars(select(Enrolment))] == [trainee.id]
