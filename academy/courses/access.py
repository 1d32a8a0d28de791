"""Load-then-authorize helpers shared by the course and quiz views."""

from __future__ import annotations

from flask import abort, make_response, render_template
from flask_babel import get_locale

from academy.courses import service
from academy.courses.catalog import curriculum
from academy.curriculum.model import Course, Lesson


def course_or_404(slug: str) -> Course:
    course = curriculum().courses.get(slug)
    if course is None:
        abort(404)
    return course


def lesson_or_404(course: Course, slug: str) -> Lesson:
    lesson = course.lesson(slug)
    if lesson is None:
        abort(404)
    return lesson


def translated(lesson: Lesson) -> Lesson:
    """Return the lesson in the interface language when it has been translated, else the original."""
    locale = get_locale()
    return lesson.translations.get(str(locale), lesson) if locale else lesson


def prerequisites_unmet(course: Course, missing: list[Course]):
    """Stop the request with a 403 page that says which courses to complete first."""
    page = render_template("courses/prerequisites.html", course=course, missing=missing)
    abort(make_response(page, 403))


def ensure_enrolled(user, course: Course, enrolment=None):
    """Return the user's enrolment, enrolling them now if the prerequisites allow; else stop with 403."""
    if enrolment is not None:
        return enrolment
    try:
        return service.enrol(user, course)
    except service.PrerequisitesUnmet as exc:
        prerequisites_unmet(course, exc.missing)
        raise  # unreachable: abort raises
