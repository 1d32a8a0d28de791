"""What the trainer sees of each person's self-paced work on the session's course (no scores)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from academy.courses.models import LessonProgress
from academy.extensions import db
from academy.quizzes.models import QuizAttempt


@dataclass(frozen=True)
class SelfPaced:
    lessons_done: int
    lessons: int
    quiz_passed: bool
    has_quiz: bool


def self_paced(course, user_ids: list[int]) -> dict[int, SelfPaced]:
    """Each person's lessons done (of the course's current lessons) and whether they passed its quiz; 2 queries."""
    ids = sorted({i for i in user_ids if i is not None})
    if course is None or not ids:
        return {}
    slugs = [lesson.slug for lesson in course.lessons]
    done = dict(db.session.execute(
        select(LessonProgress.user_id, func.count(LessonProgress.id))
        .where(LessonProgress.course_slug == course.slug, LessonProgress.user_id.in_(ids),
               LessonProgress.lesson_slug.in_(slugs))
        .group_by(LessonProgress.user_id)).all())
    passed = set(db.session.scalars(select(QuizAttempt.user_id).where(
        QuizAttempt.course_slug == course.slug, QuizAttempt.user_id.in_(ids), QuizAttempt.passed.is_(True))))
    return {i: SelfPaced(done.get(i, 0), len(slugs), i in passed, course.quiz is not None) for i in ids}
