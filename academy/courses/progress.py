"""A user's standing in courses, read in a handful of queries however many courses are shown."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from academy.courses.models import CourseCompletion, Enrolment, LessonProgress
from academy.curriculum.model import Course, Lesson
from academy.database import utcnow
from academy.extensions import db


@dataclass
class CourseProgress:
    """What one user has done in one course (lessons by slug, on any version)."""

    course: Course
    enrolment: Enrolment | None = None
    done_lessons: frozenset[str] = frozenset()
    quiz_passed: bool = False
    completion: CourseCompletion | None = None  # the latest
    certificate: object | None = None  # the latest Certificate, if any
    since: datetime | None = None  # when the latest certificate expired: a renewal counts only later work
    course_order: int = 0
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
        """The first unfinished lesson from where the user left off, wrapping round; None when all are done."""
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
    """Return each course's progress for the user, keyed by slug, in five queries."""
    courses = list(courses)
    slugs = [c.slug for c in courses]
    result = {c.slug: CourseProgress(c, course_order=-i) for i, c in enumerate(courses)}
    _add_enrolments(user.id, slugs, result)
    _add_lessons(user.id, slugs, result)
    _add_renewals(user.id, slugs, result, now or utcnow())
    _add_completions(user.id, slugs, result)
    _add_attempts(user.id, slugs, result)
    return result


def _add_enrolments(user_id: int, slugs: list[str], result: dict[str, CourseProgress]) -> None:
    query = select(Enrolment).where(Enrolment.user_id == user_id, Enrolment.course_slug.in_(slugs))
    for enrolment in db.session.scalars(query):
        result[enrolment.course_slug].enrolment = enrolment


def _add_lessons(user_id: int, slugs: list[str], result: dict[str, CourseProgress]) -> None:
    done: dict[str, set[str]] = defaultdict(set)
    query = select(LessonProgress.course_slug, LessonProgress.lesson_slug).where(
        LessonProgress.user_id == user_id, LessonProgress.course_slug.in_(slugs))
    for course_slug, lesson_slug in db.session.execute(query):
        done[course_slug].add(lesson_slug)
    for slug, lessons in done.items():
        result[slug].done_lessons = frozenset(lessons)


def _add_renewals(user_id: int, slugs: list[str], result: dict[str, CourseProgress], now: datetime) -> None:
    """Attach the latest certificate; note when it expired so a renewal needs new work."""
    from academy.certificates.models import Certificate

    query = select(Certificate).where(Certificate.user_id == user_id, Certificate.course_slug.in_(slugs)
                                      ).order_by(Certificate.issued_at, Certificate.id)
    for certificate in db.session.scalars(query):
        result[certificate.course_slug].certificate = certificate
    for progress in result.values():
        certificate = progress.certificate
        if certificate is not None and certificate.status(now) == "expired":
            progress.since = certificate.expires_at


def _add_completions(user_id: int, slugs: list[str], result: dict[str, CourseProgress]) -> None:
    query = select(CourseCompletion).where(CourseCompletion.user_id == user_id,
                                           CourseCompletion.course_slug.in_(slugs)
                                           ).order_by(CourseCompletion.completed_at, CourseCompletion.id)
    for completion in db.session.scalars(query):
        progress = result[completion.course_slug]
        progress.completion = completion
        if progress.since is not None and completion.completed_at > progress.since:
            progress.since = None  # already renewed


def _add_attempts(user_id: int, slugs: list[str], result: dict[str, CourseProgress]) -> None:
    from academy.quizzes.models import QuizAttempt

    query = select(QuizAttempt.course_slug, QuizAttempt.submitted_at).where(
        QuizAttempt.user_id == user_id, QuizAttempt.course_slug.in_(slugs), QuizAttempt.passed.is_(True))
    for course_slug, submitted_at in db.session.execute(query):
        progress = result[course_slug]
        if progress.since is None or submitted_at > progress.since:
            progress.quiz_passed = True
