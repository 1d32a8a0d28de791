"""Courses against curricula the tests change: new versions keep progress, sector order, translations."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask_babel import refresh
from sqlalchemy import select

from academy.courses.models import LessonProgress
from academy.extensions import db
from tests.conftest import AuthActions, make_app
from tests.courses_fixtures import copy_curricula

CONSUMER_COURSE = """---
slug: shopping
title: Test shopping
sector: consumers
summary: The consumers test course.
audience: Shoppers.
validity_months: 12
prerequisites: [basics]
completion: [lessons]
sources:
  - The test suite
---

For shoppers.
"""

CONSUMER_LESSON = """---
title: Labels
minutes: 3
sources: [The test suite]
---

## Labels

A label is a claim, not a proof.
"""

SPANISH_LESSON = """---
title: La primera lección
---

## Consentimiento

El consentimiento no cuenta cuando se usó un medio prohibido.
"""


@pytest.fixture
def folder(tmp_path) -> Path:
    folder = copy_curricula(tmp_path / "curricula")
    (folder / "shopping").mkdir()
    (folder / "shopping" / "course.md").write_text(CONSUMER_COURSE)
    (folder / "shopping" / "01-labels.md").write_text(CONSUMER_LESSON)
    (folder / "basics" / "01-first.es.md").write_text(SPANISH_LESSON)
    return folder


@pytest.fixture
def app_config(folder):
    return {"ACADEMY_CURRICULA": str(folder)}


def test_the_users_sector_comes_right_after_the_foundation(client, login):
    html = client.get("/courses").get_data(as_text=True)
    assert html.index("Foundation") < html.index("Law enforcement") < html.index("Consumers")
    login("trainee", sector="consumers", subrole=None)
    html = client.get("/courses").get_data(as_text=True)
    assert html.index("Foundation") < html.index("Consumers") < html.index("Law enforcement")
    assert "Your sector" in html[html.index("Consumers"):html.index("Law enforcement")]


def test_a_translated_lesson_is_shown_in_the_users_language(client, login):
    user = login("trainee")
    assert "The first lesson</h1>" in client.get("/courses/basics/lessons/first").get_data(as_text=True)
    user.locale = "es"
    db.session.commit()
    refresh()  # the tests' shared app context caches the locale of the first request
    html = client.get("/courses/basics/lessons/first").get_data(as_text=True)
    assert '<h1 lang="es">La primera lección</h1>' in html
    assert "El consentimiento no cuenta" in html
    assert "The second lesson</h1>" in client.get("/courses/basics/lessons/second").get_data(as_text=True)


def test_reloading_a_changed_curriculum_keeps_progress(app, client, login, _database, tmp_path, folder):
    user = login("trainee")
    client.post("/courses/basics/lessons/first/complete")
    old_version = app.extensions["academy.catalog"].get().courses["basics"].version

    changed = copy_curricula(tmp_path / "changed")
    lesson = changed / "basics" / "01-first.md"
    lesson.write_text(lesson.read_text().replace("Consent is irrelevant", "Consent never matters"))
    new_app = make_app(_database, tmp_path / "second", ACADEMY_CURRICULA=str(changed))
    with new_app.app_context():
        new_course = new_app.extensions["academy.catalog"].get().courses["basics"]
        assert new_course.version != old_version
        new_client = new_app.test_client()
        assert AuthActions(new_client).login(user.email).status_code == 302
        html = new_client.get("/courses/basics").get_data(as_text=True)
        assert "1 of 3 steps done" in html and "(completed)" in html
        lesson_html = new_client.get("/courses/basics/lessons/first").get_data(as_text=True)
        assert "Consent never matters" in lesson_html and "You have completed this lesson." in lesson_html
        new_client.post("/courses/basics/lessons/second/complete")
        versions = dict(db.session.execute(select(LessonProgress.lesson_slug, LessonProgress.version)).all())
        assert versions == {"first": old_version, "second": new_course.version}
        db.session.remove()
