"""A user's standing in courses, read in a handful of queries however many courses are shown."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import String, bindparam, case, literal_column, null, select, type_coerce, union_all

from academy.courses.models import CourseCompletion, Enrolment, LessonProgress
from academy.curriculum.model import Course, Lesson
from academy.database import UTCDateTime, utcnow
from academy.extensions import db


@dataclass
class EnrolmentState:
    id: int
    last_lesson_slug: str | None
    version: str
    enrolled_at: datetime
    last_seen_at: datetime | None

    @classmethod
    def of(cls, enrolment: Enrolment) -> EnrolmentState:
        return cls(enrolment.id, enrolment.last_lesson_slug, enrolment.version, enrolment.enrolled_at,
                   enrolment.last_seen_at)


@dataclass(frozen=True)
class CompletionState:
    id: int
    via: str
    version: str
    completed_at: datetime

    @property
    def key(self) -> tuple:
        return (self.completed_at, self.id)


@dataclass(frozen=True)
class CertificateState:
    """What the course pages need of the latest certificate; status() as in certificates.models."""

    id: int
    code: str
    superseded: bool
    expires_at: datetime | None
    revoked_at: datetime | None
    issued_at: datetime

    @property
    def key(self) -> tuple:
        return (self.issued_at, self.id)

    def status(self, now: datetime) -> str:
        if self.revoked_at is not None:
            return "revoked"
        if self.superseded:
            return "superseded"
        if self.expires_at is not None and self.expires_at <= now:
            return "expired"
        return "valid"


@dataclass
class CourseProgress:
    """What one user has done in one course (lessons by slug, on any version)."""

    course: Course
    enrolment: EnrolmentState | None = None
    done_lessons: frozenset[str] = frozenset()
    quiz_passed: bool = False
    completion: CompletionState | None = None  # the latest
    certificate: CertificateState | None = None  # the latest, if any
    since: datetime | None = None  # when the latest certificate expired: a renewal counts only later work
    missing: list = field(default_factory=list)  # prerequisites not yet complete (filled by views)

    @property
    def needs_quiz(self) -> bool:
        return "quiz" in self.course.completion and self.course.quiz is not None

    @property
    def needs_attendance(self) -> bool:
        return "attendance" in self.course.completion

    @property
    def lessons_done(self) -> bool:
        return all(lesson.slug in self.done_lessons for lesson in self.course.lessons)

    @property
    def lesson_count(self) -> int:
        return sum(lesson.slug in self.done_lessons for lesson in self.course.lessons)

    @property
    def total(self) -> int:
        return len(self.course.lessons) + int(self.needs_quiz)

    @property
    def done(self) -> int:
        return self.lesson_count + int(self.needs_quiz and self.quiz_passed)

    @property
    def renewal_due(self) -> bool:
        return self.since is not None

    @property
    def complete(self) -> bool:
        return self.completion is not None and not self.renewal_due

    @property
    def percent(self) -> int:
        if self.complete:
            return 100
        return self.done * 100 // self.total if self.total else 0

    @property
    def started(self) -> bool:
        return self.enrolment is not None or self.completion is not None or bool(self.done_lessons)

    @property
    def last_lesson(self) -> Lesson | None:
        slug = self.enrolment.last_lesson_slug if self.enrolment else None
        return self.course.lesson(slug) if slug else None

    @property
    def last_activity(self) -> datetime | None:
        if self.enrolment is None:
            return self.completion.completed_at if self.completion else None
        return self.enrolment.last_seen_at or self.enrolment.enrolled_at

    @property
    def next_lesson(self) -> Lesson | None:
        """The first unfinished lesson from where the user left off, wrapping round; None if all are done."""
        lessons = list(self.course.lessons)
        start = lessons.index(self.last_lesson) if self.last_lesson in lessons else 0
        for lesson in lessons[start:] + lessons[:start]:
            if lesson.slug not in self.done_lessons:
                return lesson
        return None

    @property
    def next_step(self) -> str:
        """lesson, quiz, attendance or done."""
        if self.complete:
            return "done"
        if self.next_lesson is not None:
            return "lesson"
        if self.needs_quiz and not self.quiz_passed:
            return "quiz"
        if self.needs_attendance:
            return "attendance"
        return "done"


def load_progress(user, courses: Iterable[Course], *, now: datetime | None = None) -> dict[str, CourseProgress]:
    """Return each course's progress for the user, keyed by slug, in one query (lessons must be quick)."""
    courses = list(courses)
    db.session.flush()  # the statement runs on the session's connection, past the ORM and its autoflush
    connection = db.session.connection()
    if len(courses) == 1:  # one course (a lesson, a quiz): a plain `=` keeps the SQL text cached, unlike `IN`
        params = {"user_id": user.id, "slug": courses[0].slug}
        rows = connection.execute(_progress_statement(single=True), params).all()
    else:
        params = {"user_id": user.id, "slugs": [c.slug for c in courses]}
        rows = connection.execute(_progress_statement(single=False), params).all()
    return _progress_from_rows(courses, rows, now or utcnow())


def _progress_from_rows(courses: list[Course], rows, now: datetime) -> dict[str, CourseProgress]:
    result = {c.slug: CourseProgress(c) for c in courses}
    done: dict[str, set[str]] = defaultdict(set)
    passed: dict[str, list[datetime]] = defaultdict(list)
    for kind, slug, s1, s2, t1, t2, t3, n in rows:
        progress = result[slug]
        if kind == "l":
            done[slug].add(s1)
        elif kind == "e":
            progress.enrolment = EnrolmentState(n, s1, s2, t1, t2)
        elif kind == "q":
            passed[slug].append(t1)
        elif kind == "c" and (progress.completion is None or (t1, n) > progress.completion.key):
            progress.completion = CompletionState(n, s1, s2, t1)
        elif kind == "x" and (progress.certificate is None or (t3, n) > progress.certificate.key):
            progress.certificate = CertificateState(n, s1, s2 == "superseded", t1, t2, t3)
    for slug, progress in result.items():
        progress.done_lessons = frozenset(done[slug])
        _settle(progress, passed[slug], now)
    return result


def _settle(progress: CourseProgress, passed_at: list[datetime], now: datetime) -> None:
    """After an expired certificate only later work counts, until a new completion renews it."""
    certificate, completion = progress.certificate, progress.completion
    if certificate is not None and certificate.status(now) == "expired":
        progress.since = certificate.expires_at
        if completion is not None and completion.completed_at > certificate.expires_at:
            progress.since = None  # already renewed
    progress.quiz_passed = any(progress.since is None or at > progress.since for at in passed_at)


@functools.cache
def _progress_statement(*, single: bool):
    """One UNION ALL over enrolments, lessons, passed attempts, completions and certificates, built once."""
    return union_all(*_progress_parts(single=single))


def _kind(kind: str):
    """A row's kind, written into the SQL (a bound parameter per part cost every query a little)."""
    return literal_column(f"'{kind}'", String).label("kind")


def _progress_parts(*, single: bool) -> list:
    from academy.certificates.models import Certificate
    from academy.quizzes.models import QuizAttempt

    user_id = bindparam("user_id")
    slug, slugs = bindparam("slug"), bindparam("slugs", expanding=True)
    text_null, time_null, int_null = null(), type_coerce(null(), UTCDateTime), null()

    def part(kind: str, model, *columns, where=()):
        return select(_kind(kind), model.course_slug, *columns).where(
            model.user_id == user_id, model.course_slug == slug if single else model.course_slug.in_(slugs), *where)

    superseded = case((Certificate.superseded_by_id.is_not(None), "superseded"), else_=None)
    return [
        part("x", Certificate, Certificate.code, superseded, Certificate.expires_at, Certificate.revoked_at,
             Certificate.issued_at, Certificate.id),
        part("e", Enrolment, Enrolment.last_lesson_slug, Enrolment.version, Enrolment.enrolled_at,
             Enrolment.last_seen_at, time_null, Enrolment.id),
        part("l", LessonProgress, LessonProgress.lesson_slug, text_null, time_null, time_null, time_null,
             int_null),
        part("q", QuizAttempt, text_null, text_null, QuizAttempt.submitted_at, time_null, time_null, int_null,
             where=(QuizAttempt.passed.is_(True),)),
        part("c", CourseCompletion, CourseCompletion.via, CourseCompletion.version,
             CourseCompletion.completed_at, time_null, time_null, CourseCompletion.id),
    ]
