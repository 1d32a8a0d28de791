"""The pre-test: a few of the quiz's questions, asked before the first lesson and never graded against the
learner. Its answers only feed the knowledge-gain figures (academy/coverage/learning.py); callers commit.
"""

from __future__ import annotations

from datetime import datetime

from academy.coverage import learning
from academy.curriculum.model import Course, Question
from academy.quizzes import grading


def questions(course: Course) -> list[Question]:
    """Return the pre-test's questions, in quiz order; empty when the course declares none."""
    if course.quiz is None or not course.pretest:
        return []
    return [q for q in course.quiz.questions if q.id in set(course.pretest)]


def offered(user, course: Course) -> bool:
    """Tell whether the learner should be offered the pre-test: declared and not taken yet."""
    return bool(questions(course)) and not learning.has_taken(user.id, course.slug, learning.PRE)


def submit(user, course: Course, answers: dict[str, list[str]], *, now: datetime | None = None):
    """Record the pre-test; raise grading.InvalidAnswers for answers that are not the questions' options.

    Unanswered questions count as not known (a learner may say "I don't know" by leaving one blank).
    """
    asked = questions(course)
    given = {qid: chosen for qid, chosen in answers.items() if chosen}
    grading.validate(asked, given)
    results = [(q, frozenset(given.get(q.id, ())) == q.correct_ids) for q in asked]
    return learning.record(user, course, learning.PRE, results, now=now)
