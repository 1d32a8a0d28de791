"""Closing a session: attendance is frozen and the course's completion rule is checked for every attendee.

How an attended session counts towards a course (decided here; the close page explains it to the trainer):
- A course whose rule includes "attendance" (a blended course): `check_completion(attended=True)` satisfies
  that part; the rest of the rule (say, the quiz) still applies, and passing the quiz later completes the
  course, because check_completion also looks for attendance at a closed session.
- A course whose rule has no "attendance" but has "lessons" (a self-paced course taught in a room): the
  session stands for the lessons, so every lesson is recorded as done through the courses service, then the
  rule is checked as usual (its quiz, if it has one, must still be passed).
- A session that requires the quiz when the course's rule does not: closing holds back the certificate of
  attendees who have not passed it yet; they are counted as waiting.
- Walk-ins without an account cannot hold a certificate; the roster says so.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext, ngettext

from academy.courses import service as courses
from academy.courses.catalog import get_course
from academy.curriculum.model import Course
from academy.database import utcnow
from academy.sessions.kinds import TRAINING
from academy.sessions.models import TrainingSession
from academy.sessions.service import SessionError, audit

log = logging.getLogger(__name__)


@dataclass
class CloseSummary:
    """Who completed the course when the session closed, and who did not yet."""

    completed: list[int] = field(default_factory=list)  # user ids
    waiting: list[int] = field(default_factory=list)  # user ids whose rule is not met yet
    walk_ins: int = 0
    course_missing: bool = False


def quiz_required(session: TrainingSession, course: Course | None) -> bool:
    """Whether attendees must pass the quiz: the session says so, or the course's rule does."""
    if course is None or course.quiz is None:
        return False
    return session.require_quiz or "quiz" in course.completion


def quiz_required_by(course: Course, checked: bool) -> bool:
    """The session's setting to store: a course whose rule includes its quiz always requires it."""
    return course.quiz is not None and (checked or "quiz" in course.completion)


def describe(summary: CloseSummary) -> str:
    """One sentence for the trainer about what closing did, in the interface's language."""
    completed = len(summary.completed)
    if completed:
        done = ngettext("%(num)d attendee completed the course and holds its certificate",
                        "%(num)d attendees completed the course and hold its certificate", completed)
    else:
        done = gettext("No attendee completed the course")
    parts = [done]
    if summary.waiting:
        parts.append(ngettext("%(num)d has not met its completion rule yet",
                              "%(num)d have not met its completion rule yet", len(summary.waiting)))
    if summary.walk_ins:
        parts.append(ngettext("%(num)d walk-in without an account gets no certificate",
                              "%(num)d walk-ins without an account get no certificate", summary.walk_ins))
    text = gettext("The session is closed. %(what)s.", what="; ".join(parts))
    if summary.course_missing:
        text += " " + gettext("The course is no longer in the catalogue, so no certificate was issued.")
    return text


def close_session(session: TrainingSession, actor, now: datetime | None = None) -> CloseSummary:
    """Freeze attendance and complete the course for every attendee who meets its rule."""
    if session.status != "scheduled":
        raise SessionError(f"This session is already {session.status}.")
    now = now or utcnow()
    if now < session.starts_at:
        raise SessionError("This session has not started yet; close it once it has taken place.")
    session.status, session.closed_at = "closed", now
    course = get_course(session.course_slug)
    summary = CloseSummary(course_missing=course is None)
    for attendance in session.attendances:
        user = attendance.user
        if user is None or not user.is_active:
            summary.walk_ins += 1
        elif course is not None and session.kind == TRAINING and _complete(session, course, user, now):
            summary.completed.append(user.id)
        else:
            summary.waiting.append(user.id)
    from academy.mail import notices  # the feedback form, offered by mail to those who came

    notices.feedback_invitations(session)
    audit("session.closed", session, actor, now, attendees=len(session.attendances),
          completed=len(summary.completed), waiting=len(summary.waiting), walk_ins=summary.walk_ins)
    log.info("session %s closed by %s: %d completed, %d waiting", session.id, actor.id,
             len(summary.completed), len(summary.waiting))
    return summary


def _complete(session: TrainingSession, course: Course, user, now: datetime) -> bool:
    """Count the session towards the course for one attendee; return True if the course is now complete."""
    if "attendance" not in course.completion and "lessons" in course.completion:
        for lesson in course.lessons:
            courses.mark_lesson_complete(user, course, lesson, now=now)
    progress = courses.load_progress(user, [course], now=now)[course.slug]
    if session.require_quiz and course.quiz is not None and not progress.quiz_passed:
        return False
    if progress.complete:
        return True  # completed before (say, self-paced); the certificate they hold stands
    return courses.check_completion(user, course, attended=True, via="in-person", session=session,
                                    now=now) is not None
