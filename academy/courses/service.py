"""Self-paced learning rules: enrolment, progress, completion. Services flush; callers commit."""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable
from datetime import UTC, datetime

from flask import url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import IntegrityError

from academy.courses.catalog import curriculum
from academy.courses.language import course_text
from academy.courses.models import CourseCompletion, CourseVersion, Enrolment, LessonProgress
from academy.courses.progress import CourseProgress, load_progress
from academy.curriculum.model import Course, Lesson
from academy.database import utcnow
from academy.extensions import db

log = logging.getLogger(__name__)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

__all__ = ["CourseProgress", "PrerequisitesUnmet", "check_completion", "enrol", "learning_summary",
           "load_progress", "mark_lesson_complete", "missing_prerequisites", "record_visit", "sync_catalog",
           "visit_moves"]


class PrerequisitesUnmet(Exception):
    """The course needs other courses completed first."""

    def __init__(self, missing: list[Course]):
        self.missing = missing
        super().__init__("complete first: " + ", ".join(c.slug for c in missing))


def sync_catalog() -> int:
    """Record every loaded course version in the database; return how many courses are loaded."""
    cur = curriculum()
    known = {(row.slug, row.version) for row in db.session.execute(select(CourseVersion.slug, CourseVersion.version))}
    for course in cur.courses.values():
        if (course.slug, course.version) not in known:
            db.session.add(CourseVersion(slug=course.slug, version=course.version, title=course.title,
                                         sector=course.sector))
            log.info("course %s version %s recorded", course.slug, course.version)
    db.session.flush()  # the caller commits
    return len(cur.courses)


def missing_prerequisites(user, course: Course) -> list[Course]:
    """Return the prerequisite courses the user has not completed, in the course's order."""
    if not course.prerequisites:
        return []
    done = set(db.session.scalars(select(CourseCompletion.course_slug).where(
        CourseCompletion.user_id == user.id, CourseCompletion.course_slug.in_(course.prerequisites))))
    courses = curriculum().courses
    return [courses[slug] for slug in course.prerequisites if slug not in done and slug in courses]


def get_enrolment(user, course_slug: str) -> Enrolment | None:
    return db.session.scalar(select(Enrolment).where(Enrolment.user_id == user.id,
                                                     Enrolment.course_slug == course_slug))


def enrol(user, course: Course, *, now: datetime | None = None) -> Enrolment:
    """Enrol the user (idempotent); raise PrerequisitesUnmet when other courses must come first."""
    enrolment = get_enrolment(user, course.slug)
    if enrolment is not None:
        return enrolment
    missing = missing_prerequisites(user, course)
    if missing:
        raise PrerequisitesUnmet(missing)
    enrolment = Enrolment(user_id=user.id, course_slug=course.slug, version=course.version,
                          enrolled_at=now or utcnow())
    if not _insert(enrolment):  # a parallel request enrolled first
        return get_enrolment(user, course.slug)
    log.info("user %s enrolled in %s", user.id, course.slug)
    return enrolment


def _insert(row) -> bool:
    """Add a row guarded by a unique constraint; return False if it already existed."""
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        return False
    return True


def visit_moves(enrolment, course: Course, lesson: Lesson) -> bool:
    """Tell whether reading this lesson moves the enrolment's "continue where you left off" (a write)."""
    return enrolment.last_lesson_slug != lesson.slug or enrolment.version != course.version


def record_visit(enrolment, course: Course, lesson: Lesson, *, now: datetime | None = None) -> bool:
    """Remember the lesson for "continue where you left off"; write (and return True) only when it moved.

    Takes an Enrolment or the EnrolmentState of loaded progress; both are brought up to date. The UPDATE runs in
    the ORM session; the caller commits.
    """
    if not visit_moves(enrolment, course, lesson):
        return False
    values = {"last_lesson_slug": lesson.slug, "version": course.version, "last_seen_at": now or utcnow()}
    db.session.execute(_visit_statement(), {"enrolment_id": enrolment.id, **values})
    for key, value in values.items():
        setattr(enrolment, key, value)
    return True


@functools.cache
def _visit_statement():
    """The UPDATE behind record_visit, built once (building it cost each lesson a reader moves to 150 µs)."""
    return update(Enrolment).where(Enrolment.id == bindparam("enrolment_id")).values(
        last_lesson_slug=bindparam("last_lesson_slug"), version=bindparam("version"),
        last_seen_at=bindparam("last_seen_at"))


def mark_lesson_complete(user, course: Course, lesson: Lesson, *, now: datetime | None = None) -> bool:
    """Record the lesson as complete (keyed by slug, so it survives new versions); return True if new."""
    exists = db.session.scalar(select(LessonProgress.id).where(
        LessonProgress.user_id == user.id, LessonProgress.course_slug == course.slug,
        LessonProgress.lesson_slug == lesson.slug))
    if exists is not None:
        return False
    row = LessonProgress(user_id=user.id, course_slug=course.slug, lesson_slug=lesson.slug,
                         version=course.version, completed_at=now or utcnow())
    return _insert(row)


def check_completion(user, course: Course, *, attended: bool = False, via: str = "self-paced",
                     session=None, now: datetime | None = None) -> CourseCompletion | None:
    """Record a completion and issue the certificate when the course's rule is newly met; else None."""
    now = now or utcnow()
    progress = load_progress(user, [course], now=now)[course.slug]
    if progress.complete or not _rule_met(user, course, progress, attended):
        return None
    completion = CourseCompletion(user_id=user.id, course_slug=course.slug, version=course.version, via=via,
                                  completed_at=now)
    db.session.add(completion)
    db.session.flush()
    from academy.certificates.service import issue_certificate

    issue_certificate(user, course, via=via, session=session, now=now)
    log.info("user %s completed %s version %s via %s", user.id, course.slug, course.version, via)
    return completion


def _rule_met(user, course: Course, progress: CourseProgress, attended: bool) -> bool:
    for part in course.completion:
        if part == "lessons" and not progress.lessons_done:
            return False
        if part == "quiz" and course.quiz is not None and not progress.quiz_passed:
            return False
        if part == "attendance" and not (attended or _attended_closed_session(user, course, progress.since)):
            return False
    return True


def _attended_closed_session(user, course: Course, since: datetime | None) -> bool:
    from academy.sessions.models import Attendance, TrainingSession

    query = select(Attendance.id).join(TrainingSession).where(
        Attendance.user_id == user.id, TrainingSession.course_slug == course.slug,
        TrainingSession.status == "closed")
    if since is not None:
        query = query.where(TrainingSession.closed_at > since)
    return db.session.scalar(query.limit(1)) is not None


def learning_overview(user, *, now: datetime | None = None
                      ) -> tuple[list[CourseProgress], list[CourseProgress]]:
    """Return (in progress, completed) for the courses the user has started, most recent first."""
    courses = list(curriculum().courses.values())
    progress = [p for p in load_progress(user, courses, now=now).values() if p.started]
    progress.sort(key=lambda p: p.last_activity or EPOCH, reverse=True)
    return [p for p in progress if not p.complete], [p for p in progress if p.complete]


def next_step(progress: CourseProgress) -> tuple[str, str]:
    """Return the URL and label of the user's next step in a course."""
    course, kind = progress.course, progress.next_step
    if kind == "lesson":
        lesson = progress.next_lesson
        title = lesson.translations.get(str(get_locale()), lesson).title
        label = _("Continue: %(lesson)s", lesson=title) if progress.done or progress.last_lesson else \
            _("Start the first lesson: %(lesson)s", lesson=title)
        return url_for("courses.lesson", slug=course.slug, lesson=lesson.slug), label
    if kind == "quiz":
        return url_for("quizzes.start", slug=course.slug), _("Take the quiz")
    return url_for("courses.course", slug=course.slug), _("See the course")


def learning_summary(user) -> dict:
    """What the home page shows under 'Continue learning'."""
    current, _completed = learning_overview(user)
    items = []
    for progress in current:
        missing = missing_prerequisites(user, progress.course)
        if missing:  # never offer a step the user will be refused: send them to the prerequisite instead
            next_url = url_for("courses.course", slug=missing[0].slug)
            next_label = _("First complete: %(course)s", course=course_text(missing[0]).title)
        else:
            next_url, next_label = next_step(progress)
        items.append({"course": progress.course, "done": progress.done, "total": progress.total,
                      "percent": progress.percent, "next_url": next_url, "next_label": next_label})
    return {"current": items}


def progress_for(user, courses: Iterable[Course]) -> dict[str, CourseProgress]:
    """Progress for each course; anonymous visitors get empty progress without touching the database."""
    courses = list(courses)
    if user is None or not getattr(user, "is_authenticated", False):
        return {c.slug: CourseProgress(c) for c in courses}
    return load_progress(user, courses)
