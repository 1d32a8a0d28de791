"""Quiz attempts: who may start one, the shuffled layout, submitting, grading; callers commit."""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update

from academy.courses import service as courses
from academy.coverage import learning
from academy.curriculum.model import Course, Question
from academy.database import utcnow
from academy.extensions import db
from academy.i18n import N_
from academy.quizzes import grading
from academy.quizzes.models import QuizAttempt

log = logging.getLogger(__name__)

_random = random.SystemRandom()
LAYOUT_TRIES = 10  # reshuffle this often to make a retake look different from the attempt before


class QuizError(Exception):
    """An attempt cannot be started or submitted; the message is fit to show."""


@dataclass
class QuizStatus:
    """Where the user stands with a course's quiz."""

    course: Course
    attempts: list[QuizAttempt]  # submitted, in this certification cycle, oldest first
    open_attempt: QuizAttempt | None
    passed_attempt: QuizAttempt | None
    cooldown_until: datetime | None
    now: datetime

    @property
    def used(self) -> int:
        return len(self.attempts)

    @property
    def left(self) -> int | None:
        """Attempts left, or None when unlimited."""
        limit = self.course.max_attempts
        return None if not limit else max(0, limit - self.used)

    @property
    def cooldown_remaining(self) -> timedelta | None:
        if self.cooldown_until is None or self.cooldown_until <= self.now:
            return None
        return self.cooldown_until - self.now

    @property
    def reveals_answers(self) -> bool:
        """Whether a failed attempt's result may show the right answers: only once no retake can use them."""
        return self.passed_attempt is not None or self.left == 0

    @property
    def blocked_reason(self) -> str | None:
        """Why a new attempt cannot start now, or None."""
        if self.passed_attempt is not None:
            return "passed"
        if self.left == 0:
            return "no-attempts"
        if self.cooldown_remaining is not None:
            return "cooldown"
        return None


def quiz_status(user, course: Course, *, now: datetime | None = None) -> QuizStatus:
    """Load the user's attempts at the course's quiz since their last certificate expired."""
    now = now or utcnow()
    since = courses.load_progress(user, [course], now=now)[course.slug].since
    query = select(QuizAttempt).where(QuizAttempt.user_id == user.id, QuizAttempt.course_slug == course.slug)
    if since is not None:
        query = query.where(QuizAttempt.started_at > since)
    rows = list(db.session.scalars(query.order_by(QuizAttempt.started_at, QuizAttempt.id)))
    submitted = [a for a in rows if a.submitted_at is not None]
    open_attempts = [a for a in rows if a.submitted_at is None and a.version == course.version]
    open_attempt = open_attempts[-1] if open_attempts else None
    passed = next((a for a in submitted if a.passed), None)
    failed = [a for a in submitted if not a.passed]
    cooldown = None
    if failed and course.cooldown_minutes:
        cooldown = failed[-1].submitted_at + timedelta(minutes=course.cooldown_minutes)
    return QuizStatus(course, submitted, open_attempt, passed, cooldown, now)


def draw_questions(questions: tuple[Question, ...], count: int, asked_before: set[str],
                   rng: random.Random) -> tuple[Question, ...]:
    """Draw `count` questions (0: all), taking those the learner was not asked last time first."""
    if not count or count >= len(questions):
        return questions
    fresh = [q for q in questions if q.id not in asked_before]
    seen = [q for q in questions if q.id in asked_before]
    rng.shuffle(fresh)
    rng.shuffle(seen)
    return tuple((fresh + seen)[:count])


def shuffled_layout(questions: tuple[Question, ...], rng: random.Random) -> list[list]:
    """Return [[question_id, [option_id, ...]], ...] with questions and options in a random order."""
    layout = [[q.id, [o.id for o in q.options]] for q in questions]
    rng.shuffle(layout)
    for _question_id, option_ids in layout:
        rng.shuffle(option_ids)
    return layout


def start_attempt(user, course: Course, *, now: datetime | None = None,
                  rng: random.Random | None = None) -> QuizAttempt:
    """Return the open attempt or start one with its own shuffled layout; raise QuizError if not allowed."""
    if course.quiz is None:
        raise QuizError(N_("This course has no quiz."))
    status = quiz_status(user, course, now=now)
    if status.open_attempt is not None:
        return status.open_attempt
    reason = status.blocked_reason
    if reason is not None:
        raise QuizError({"passed": N_("You have already passed this quiz."),
                         "no-attempts": N_("You have used all your attempts at this quiz."),
                         "cooldown": N_("Please wait before trying the quiz again.")}[reason])
    rng = rng or _random
    previous = status.attempts[-1].layout if status.attempts else None
    asked_before = {question_id for question_id, _options in previous or ()}
    questions = draw_questions(course.quiz.questions, course.questions_per_attempt, asked_before, rng)
    layout = shuffled_layout(questions, rng)
    for _ in range(LAYOUT_TRIES):
        if layout != previous:
            break
        layout = shuffled_layout(questions, rng)
    attempt = QuizAttempt(user_id=user.id, course_slug=course.slug, version=course.version, layout=layout,
                          started_at=status.now)
    db.session.add(attempt)
    db.session.flush()
    log.info("user %s started quiz attempt %s on %s", user.id, attempt.id, course.slug)
    return attempt


def attempt_questions(attempt: QuizAttempt, course: Course) -> list[tuple[Question, list]]:
    """Return the attempt's questions in its order, each with its options in the order shown."""
    if course.quiz is None or attempt.version != course.version:
        raise QuizError(N_("This quiz has changed since the attempt began. Please start a new attempt."))
    questions = {q.id: q for q in course.quiz.questions}
    result = []
    for question_id, option_ids in attempt.layout:
        question = questions[question_id]
        options = {o.id: o for o in question.options}
        result.append((question, [options[oid] for oid in option_ids]))
    return result


def submit_attempt(user, course: Course, attempt: QuizAttempt, answers: dict[str, list[str]], *,
                   now: datetime | None = None) -> grading.Result:
    """Grade and record the answers once; raise grading.InvalidAnswers or QuizError and record nothing."""
    if attempt.submitted_at is not None:
        raise QuizError(N_("This attempt has already been submitted."))
    questions = [q for q, _options in attempt_questions(attempt, course)]
    result = grading.grade(questions, answers, course.pass_mark)
    # A conditional update, so two racing submissions of one attempt cannot both be recorded.
    done = db.session.execute(
        update(QuizAttempt).where(QuizAttempt.id == attempt.id, QuizAttempt.submitted_at.is_(None)).values(
            answers={qid: list(chosen) for qid, chosen in answers.items()}, score=result.score_percent,
            passed=result.passed, submitted_at=now or utcnow()).execution_options(synchronize_session=False))
    if done.rowcount != 1:
        raise QuizError(N_("This attempt has already been submitted."))
    db.session.refresh(attempt)
    if not learning.has_taken(user.id, course.slug, learning.POST):  # the first attempt is the post-test
        marks = {r.question_id: r.correct for r in result.per_question}
        learning.record(user, course, learning.POST, [(q, marks[q.id]) for q in questions], now=attempt.submitted_at)
    log.info("user %s submitted quiz attempt %s on %s: %s%%", user.id, attempt.id, course.slug,
             result.score_percent)
    if result.passed:
        courses.check_completion(user, course, now=attempt.submitted_at)
    return result


def result_of(attempt: QuizAttempt, course: Course) -> grading.Result:
    """Grade a submitted attempt again, for showing its result."""
    questions = [q for q, _options in attempt_questions(attempt, course)]
    return grading.grade(questions, attempt.answers or {}, course.pass_mark)
