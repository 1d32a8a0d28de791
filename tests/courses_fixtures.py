"""Helpers for the course and quiz tests: the test curriculum's answers, progress made quickly."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from academy.courses.catalog import curriculum
from academy.extensions import db
from academy.quizzes.models import QuizAttempt
from tests.conftest import APP_CURRICULA


def course(slug: str):
    return curriculum().courses[slug]


def correct_answers(slug: str) -> dict[str, list[str]]:
    """The marked answers of a course's quiz, read from the curriculum (never typed into a test)."""
    return {q.id: sorted(q.correct_ids) for q in course(slug).quiz.questions}


def wrong_answers(slug: str) -> dict[str, list[str]]:
    """One wrong option for every question."""
    return {q.id: [next(o.id for o in q.options if not o.correct)] for q in course(slug).quiz.questions}


def form_data(answers: dict[str, list[str]], **extra) -> dict:
    return {**{f"q-{qid}": chosen for qid, chosen in answers.items()}, **extra}


def read_lessons(client, slug: str) -> None:
    """Mark every lesson of a course complete through the app."""
    for lesson in course(slug).lessons:
        response = client.post(f"/courses/{slug}/lessons/{lesson.slug}/complete")
        assert response.status_code == 302, response.data[:300]


def start_attempt(client, slug: str) -> int:
    """Start (or resume) an attempt through the app and return its id."""
    response = client.post(f"/courses/{slug}/quiz")
    assert response.status_code == 302, response.data[:300]
    match = re.search(rf"/courses/{slug}/quiz/(\d+)$", response.location)
    assert match, response.location
    return int(match.group(1))


def submit(client, slug: str, attempt_id: int, answers: dict[str, list[str]], **extra):
    return client.post(f"/courses/{slug}/quiz/{attempt_id}", data=form_data(answers, **extra))


def complete_course(client, slug: str) -> None:
    """Read every lesson and pass the quiz through the app."""
    read_lessons(client, slug)
    attempt_id = start_attempt(client, slug)
    response = submit(client, slug, attempt_id, correct_answers(slug))
    assert response.status_code == 303


def attempts(user) -> list[QuizAttempt]:
    return list(db.session.scalars(select(QuizAttempt).where(QuizAttempt.user_id == user.id)
                                   .order_by(QuizAttempt.id)))


def copy_curricula(target: Path) -> Path:
    """Copy the test curricula to a folder a test may change."""
    shutil.copytree(APP_CURRICULA, target)
    return target


@pytest.fixture(name="trainee")
def trainee_fixture(login):
    """A signed-in trainee in law enforcement (police)."""
    return login("trainee", sector="law-enforcement", subrole="police")
