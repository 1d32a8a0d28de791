"""Fixtures for the report tests: the app's test curricula with a pre-test and indicator tags added."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

APP_CURRICULA = Path(__file__).parent / "data" / "app-curricula"


@pytest.fixture(name="app_config")
def app_config_fixture(tmp_path_factory) -> dict:
    """basics declares `pretest: [1, 3]`; question 1 is tagged identifies-trafficking, 3 knows-hotline."""
    root = tmp_path_factory.mktemp("curricula") / "curricula"
    shutil.copytree(APP_CURRICULA, root)
    (root / "indicators.yml").write_text(
        "- id: identifies-trafficking\n  label: Identifies trafficking\n"
        "- id: knows-hotline\n  label: Knows the hotline\n"
    )
    course = root / "basics" / "course.md"
    course.write_text(course.read_text().replace("pass_mark: 60\n", "pass_mark: 60\npretest: [1, 3]\n"))
    quiz = root / "basics" / "quiz.md"
    text = quiz.read_text()
    text = text.replace("charge?\n", "charge?\n\nindicator: identifies-trafficking\n", 1)
    text = text.replace("a border.\n", "a border.\n\nindicator: knows-hotline\n", 1)
    quiz.write_text(text)
    es = root / "basics" / "quiz.es.md"
    if es.exists():
        es.unlink()  # its translated_from would name the old quiz
    return {"ACADEMY_CURRICULA": str(root)}
