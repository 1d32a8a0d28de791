"""Training targets per community, sector, sub-role and half-year; the evidence the bi-annual report adds."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from academy.database import UTCDateTime, utcnow
from academy.extensions import db


class Target(db.Model):
    __table_args__ = (UniqueConstraint("community_id", "sector", "subrole", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="CASCADE"), index=True)
    sector: Mapped[str] = mapped_column(String(64))
    subrole: Mapped[str] = mapped_column(String(64), default="")  # "" means the whole sector
    period: Mapped[str] = mapped_column(String(8))  # 2026H2
    headcount: Mapped[int]


class Assessment(db.Model):
    """One pre-test or post-test (the first quiz attempt) of a course: how many questions, how many right.

    Kept apart from quiz attempts so the report counts knowledge gain in SQL without reading answers; the
    community and sector are the learner's when they took it.
    """

    __table_args__ = (Index("ix_assessment_report", "community_id", "stage", "taken_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    community_id: Mapped[int | None] = mapped_column(ForeignKey("community.id", ondelete="SET NULL"))
    course_slug: Mapped[str] = mapped_column(String(64))
    sector: Mapped[str | None] = mapped_column(String(64))  # the learner's sector
    stage: Mapped[str] = mapped_column(String(8))  # pre | post
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    asked: Mapped[int]
    correct: Mapped[int]

    indicators: Mapped[list[AssessmentIndicator]] = relationship(cascade="all, delete-orphan")


class AssessmentIndicator(db.Model):
    """The questions of one assessment tagged with an indicator, and how many were answered right."""

    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"), primary_key=True)
    indicator: Mapped[str] = mapped_column(String(64), primary_key=True)
    asked: Mapped[int]
    correct: Mapped[int]


class Feedback(db.Model):
    """An answer to the short feedback form after a session or a self-paced course; anonymous by default."""

    __table_args__ = (Index("ix_feedback_report", "community_id", "submitted_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int | None] = mapped_column(ForeignKey("community.id", ondelete="SET NULL"))
    session_id: Mapped[int | None] = mapped_column(ForeignKey("training_session.id", ondelete="SET NULL"))
    course_slug: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))  # only if named
    relevance: Mapped[int]  # 1 (not relevant) to 5 (very relevant)
    confidence_before: Mapped[int]  # 1 to 5, asked afterwards (retrospective pre-test)
    confidence_after: Mapped[int]
    will_do: Mapped[str] = mapped_column(String(500), default="")
    comment: Mapped[str] = mapped_column(String(1000), default="")
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class FeedbackGiven(db.Model):
    """That a person answered the feedback form of a session or of a course: one response each.

    Kept apart from the answers on purpose: no link to them, no time and no sequence number (the key is the
    person and the subject), so it says who answered, never which answer is whose.
    """

    __tablename__ = "feedback_given"

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(8), primary_key=True)  # session | course
    subject: Mapped[str] = mapped_column(String(64), primary_key=True)  # the session's id, or the course's slug


class ChecklistAnswer(db.Model):
    """A coordinator's answer to one yes/no question for a half-year; every change is a new row (history)."""

    __table_args__ = (Index("ix_checklist_answer_lookup", "community_id", "period", "question"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(8))
    question: Mapped[str] = mapped_column(String(64))
    answer: Mapped[str] = mapped_column(String(8))  # yes | no
    note: Mapped[str] = mapped_column(String(500), default="")
    evidence_url: Mapped[str | None] = mapped_column(String(500))
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    answered_by = relationship("User")
