"""What they thought: the short feedback form after a session or a self-paced course, and its aggregates.

Answers are anonymous unless the person chooses to add their name. Nobody sees a single answer: only
aggregates of at least five responses, and the free-text answers listed without dates or names once there
are at least five. Each person answers once per session or course: a FeedbackGiven row (person, subject),
unlinked to the answer, records that they did, so nobody can reach five responses alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from academy.coverage.models import Feedback, FeedbackGiven
from academy.coverage.periods import Period
from academy.coverage.suppress import enough
from academy.database import utcnow
from academy.extensions import db


def _subject(course_slug: str, session_id: int | None) -> tuple[str, str]:
    return ("session", str(session_id)) if session_id is not None else ("course", course_slug)


def given(user_id: int, *, course_slug: str, session_id: int | None) -> bool:
    """Tell whether the person already answered the form of this session (or, without one, this course)."""
    kind, subject = _subject(course_slug, session_id)
    return db.session.get(FeedbackGiven, (user_id, kind, subject)) is not None


def submit(
    *,
    community_id: int | None,
    course_slug: str,
    session_id: int | None,
    relevance: int,
    confidence_before: int,
    confidence_after: int,
    will_do: str,
    comment: str,
    user_id: int | None = None,
    given_by: int | None = None,
    now: datetime | None = None,
) -> Feedback | None:
    """Record one response (user_id only when the person chose to give their name).

    given_by: the person answering, recorded apart so they answer once; None (and nothing recorded) when they
    already did, even from a second tab at the same moment.
    """
    if given_by is not None:
        kind, subject = _subject(course_slug, session_id)
        try:
            with db.session.begin_nested():
                db.session.add(FeedbackGiven(user_id=given_by, kind=kind, subject=subject))
        except IntegrityError:
            return None
    row = Feedback(
        community_id=community_id,
        course_slug=course_slug,
        session_id=session_id,
        relevance=relevance,
        confidence_before=confidence_before,
        confidence_after=confidence_after,
        will_do=will_do.strip(),
        comment=comment.strip(),
        user_id=user_id,
        submitted_at=now or utcnow(),
    )
    db.session.add(row)
    db.session.flush()
    return row


@dataclass(frozen=True)
class Summary:
    """Aggregates of the responses of a community and half-year; empty figures when fewer than five."""

    responses: int
    relevance: float | None = None
    confidence_before: float | None = None
    confidence_after: float | None = None
    will_do: tuple[str, ...] = field(default=())

    @property
    def shown(self) -> bool:
        return enough(self.responses)

    @property
    def confidence_change(self) -> float | None:
        if self.confidence_before is None or self.confidence_after is None:
            return None
        return self.confidence_after - self.confidence_before


def summary(community_id: int, period: Period) -> Summary:
    """Return the averages (1 to 5) and what people will do differently; nothing but the count under five."""
    where = (
        Feedback.community_id == community_id,
        Feedback.submitted_at >= period.start,
        Feedback.submitted_at < period.end,
    )
    count, relevance, before, after = db.session.execute(
        select(
            func.count(),
            func.avg(Feedback.relevance),
            func.avg(Feedback.confidence_before),
            func.avg(Feedback.confidence_after),
        ).where(*where)
    ).one()
    if not enough(count):
        return Summary(int(count))
    # sorted, so the order says nothing about who answered when
    plans = sorted(db.session.scalars(select(Feedback.will_do).where(*where, Feedback.will_do != "")))
    return Summary(int(count), float(relevance), float(before), float(after), tuple(plans))
