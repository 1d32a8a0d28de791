"""The bi-annual report writes its shares the way the reader's language does: "50 %" in Spanish and French."""

from __future__ import annotations

import pytest
from flask_babel import force_locale, get_translations

from academy.courses.catalog import curriculum, get_course
from academy.coverage import learning, periods, report
from academy.coverage.indicators import Words
from academy.extensions import db
from tests.coverage_fixtures import at, person_fixture, town_fixture  # noqa: F401 (fixtures)
from tests.evidence_fixtures import app_config_fixture  # noqa: F401 (fixture)

NBSP = "\u00a0"


@pytest.mark.parametrize(("locale", "expected"), [("en", "87.5%"), ("es", f"87,5{NBSP}%"), ("fr", f"87,5{NBSP}%")])
def test_percent_follows_the_language(app, locale, expected):
    with app.test_request_context(), force_locale(locale):
        assert report.percent(87.5) == expected
        assert report.percent(None) == "—"


@pytest.mark.parametrize(("locale", "before", "after"), [("en", "50%", "100%"), ("es", f"50{NBSP}%", f"100{NBSP}%"),
                                                         ("fr", f"50{NBSP}%", f"100{NBSP}%")])
def test_the_reports_learning_answer_in_spanish_and_french(app, town, person, locale, before, after):
    course = get_course("basics")
    a = town["a"]
    pretest = [q for q in course.quiz.questions if q.id in course.pretest]
    for _ in range(5):
        p = person(a, sector="law-enforcement")
        learning.record(p, course, "pre", zip(pretest, [True, False], strict=True), now=at(2026, 2, 1))
        learning.record(p, course, "post", zip(course.quiz.questions, [True] * 3, strict=True), now=at(2026, 3, 1))
    db.session.commit()
    courses = {slug: c.sector for slug, c in curriculum().courses.items()}
    with app.test_request_context(), force_locale(locale):
        built = report.build(a, periods.parse("2026H1"), curriculum().sectors.values(), courses,
                             Words(get_translations()))
        answers = [x.answer for x in built.answers]
    [gain] = [x for x in answers if before in x and after in x]
    assert f"{before}%" not in gain and "50%" not in gain.replace(before, "")
