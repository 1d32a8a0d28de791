"""The signed-in home page's 'Continue learning' panel."""

from __future__ import annotations

from academy.courses.catalog import get_course
from academy.courses.models import Enrolment
from academy.extensions import db


def test_a_started_course_with_an_unmet_prerequisite_points_to_the_prerequisite(client, login):
    user = login("trainee")
    policing = get_course("policing")
    db.session.add(Enrolment(user_id=user.id, course_slug="policing", version=policing.version))
    db.session.commit()
    page = client.get("/").get_data(as_text=True)
    assert "First complete: Test basics" in page
    assert 'href="/courses/basics"' in page
    assert "/courses/policing/quiz" not in page
