"""The shipped curricula: valid, all nine tracks listed, and every track completable end to end."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from academy.certificates.models import Certificate
from academy.courses.catalog import curriculum
from academy.curriculum import check_curriculum
from academy.extensions import db
from tests.conftest import REAL_CURRICULA


@pytest.fixture
def app_config():
    return {"ACADEMY_CURRICULA": str(REAL_CURRICULA)}


def test_the_shipped_curricula_pass_the_checker_with_no_warnings():
    # On the day they were last revised: from a year after a resource's verified_on, the checker rightly warns
    # that it is due for a check, and a fresh clone's tests must not fail on that day.
    assert [str(p) for p in check_curriculum(str(REAL_CURRICULA), today=dt.date(2026, 12, 6))] == []
    assert [str(p) for p in check_curriculum(str(REAL_CURRICULA)) if p.severity == "error"] == []


def test_the_catalogue_lists_the_foundation_and_all_eight_sector_tracks(client):
    page = client.get("/courses").get_data(as_text=True)
    courses = curriculum().courses
    assert set(courses) == {"foundation", "law-enforcement", "schools", "business", "faith-ngo", "health",
                            "media", "consumers", "legislators", "coalition-leaders"}
    for course in courses.values():
        assert course.title in page.replace("&#39;", "'").replace("&amp;", "&")
        assert len(course.lessons) >= (5 if course.slug == "foundation" else 4)
        assert len(course.quiz.questions) >= (12 if course.slug == "foundation" else 10)


def _complete(client, course) -> None:
    for lesson in course.lessons:
        page = client.get(f"/courses/{course.slug}/lessons/{lesson.slug}")
        assert page.status_code == 200, (course.slug, lesson.slug)
        assert lesson.html[:60] in page.get_data(as_text=True)
        assert client.post(f"/courses/{course.slug}/lessons/{lesson.slug}/complete").status_code == 302
    start = client.post(f"/courses/{course.slug}/quiz")
    assert start.status_code == 302, course.slug
    attempt_url = start.headers["Location"]
    form = client.get(attempt_url).get_data(as_text=True)
    for question in course.quiz.questions:
        assert f'name="q-{question.id}"' in form
    answers = {f"q-{q.id}": sorted(q.correct_ids) for q in course.quiz.questions}
    result = client.post(attempt_url, data=answers, follow_redirects=True).get_data(as_text=True)
    assert re.search(r"\b100\s*%", result), course.slug


def test_every_track_can_be_read_and_passed_with_the_marked_answers(client, login):
    user = login("trainee", sector="law-enforcement", subrole="police")
    courses = curriculum().courses
    for course in courses.values():  # the foundation comes first: it is every track's prerequisite
        _complete(client, course)
    issued = db.session.scalars(select(Certificate.course_slug).where(Certificate.user_id == user.id)).all()
    assert sorted(issued) == sorted(courses)


WHERE_TO_TURN = {"knows-hotline", "knows-local-resources"}


@pytest.mark.parametrize("slug", ["foundation", "law-enforcement", "schools", "business", "faith-ngo", "health",
                                  "coalition-leaders",
                                  "media", "consumers", "legislators"])
def test_every_track_asks_where_to_turn_in_a_us_and_a_canadian_place(app, slug):
    quiz = curriculum().courses[slug].quiz
    tagged = [q for q in quiz.questions if WHERE_TO_TURN & set(q.indicators)]
    assert len(tagged) >= 2, slug
    prompts = " ".join(q.prompt_html + q.context_html for q in tagged)
    canadian = ("British Columbia", "Manitoba", "Saskatchewan", "Nova Scotia", "Alberta")
    us = ("Ohio", "Texas", "Arizona", "Georgia", "Colorado", "California", "Nebraska", "Florida", "Pennsylvania")
    assert any(place in prompts for place in canadian), slug
    assert any(place in prompts for place in us), slug


def test_the_us_hotline_entry_names_its_current_operator(app):
    hotline = curriculum().resources["us-nhth"]
    assert "Compass Connections" in hotline.description
    assert "Operated by Polaris" not in hotline.description
