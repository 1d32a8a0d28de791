"""The shipped coalition leaders track: listed in the catalogue under its own sector, completable end to end, and
counted on the coverage pages like any other sector."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from academy.certificates.models import Certificate
from academy.courses.catalog import curriculum
from academy.coverage.access import current_period
from academy.extensions import db
from tests.app.test_real_curricula import _complete
from tests.conftest import REAL_CURRICULA
from tests.coverage_fixtures import figures_fixture, row  # noqa: F401 (fixture)


@pytest.fixture
def app_config():
    return {"ACADEMY_CURRICULA": str(REAL_CURRICULA)}


def test_the_catalogue_lists_the_coalition_leaders_track_under_its_own_sector(client, login):
    login("trainee", sector="coalition-leaders", subrole="coalition-coordinator")
    page = client.get("/courses").get_data(as_text=True).replace("&#39;", "'").replace("&amp;", "&")
    course = curriculum().courses["coalition-leaders"]
    assert course.sector == "coalition-leaders" and course.prerequisites == ("foundation",)
    section = re.search(r'aria-labelledby="sector-coalition-leaders".*?</section>', page, re.S)
    assert section is not None, "no catalogue section for the coalition leaders sector"
    assert "Coalition leaders" in section.group(0) and course.title in section.group(0)
    assert "Your sector" in section.group(0)
    assert len(course.lessons) >= 5 and len(course.quiz.questions) >= 10


def test_a_coordinator_completes_the_track_and_counts_as_trained_for_coalition_leaders(
        client, login, make_community, figures):
    town = make_community("lakeside", "Lakeside", "ca-bc")
    user = login("trainee", sector="coalition-leaders", subrole="coalition-coordinator", community=town)
    courses = curriculum().courses
    _complete(client, courses["foundation"])
    _complete(client, courses["coalition-leaders"])

    issued = db.session.scalars(select(Certificate).where(Certificate.user_id == user.id)).all()
    leaders = [c for c in issued if c.course_slug == "coalition-leaders"]
    assert len(leaders) == 1
    assert (leaders[0].sector, leaders[0].subrole) == ("coalition-leaders", "coalition-coordinator")

    dashboard = figures(town, str(current_period()))
    assert row(dashboard, "coalition-leaders").counts.trained == 1
    assert row(dashboard, "coalition-leaders", "coalition-coordinator").counts.trained == 1
    assert row(dashboard, "law-enforcement").counts.trained == 0  # the foundation alone counts for no sector
