"""In-person training sessions and who attended them."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import Column, ForeignKey, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from academy.database import UTCDateTime, utcnow
from academy.extensions import db

session_trainers = Table(
    "session_trainer",
    db.metadata,
    Column("session_id", ForeignKey("training_session.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
)


class TrainingSession(db.Model):
    __tablename__ = "training_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_slug: Mapped[str] = mapped_column(String(64), index=True)
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(String(300))
    community_id: Mapped[int | None] = mapped_column(ForeignKey("community.id", ondelete="SET NULL"),
                                                     index=True)
    capacity: Mapped[int | None]
    require_quiz: Mapped[bool] = mapped_column(default=False)
    secret: Mapped[str] = mapped_column(String(64), default=lambda: secrets.token_hex(32))  # rotating codes
    status: Mapped[str] = mapped_column(String(16), default="scheduled")  # scheduled | cancelled | closed
    # training | outreach | workshop | listening-group | stakeholder-meeting | campaign (sessions/kinds.py)
    kind: Mapped[str] = mapped_column(String(24), default="training", server_default="training")
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    community = relationship("Community")
    trainers = relationship("User", secondary=session_trainers)
    attendances: Mapped[list[Attendance]] = relationship(back_populates="session",
                                                         cascade="all, delete-orphan")

    @property
    def is_frozen(self) -> bool:
        """Closed or cancelled: attendance can no longer change."""
        return self.status in ("closed", "cancelled")

    def __repr__(self) -> str:
        return f"<TrainingSession {self.id} {self.status}>"


class Attendance(db.Model):
    __table_args__ = (UniqueConstraint("session_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("training_session.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    walk_in_name: Mapped[str | None] = mapped_column(String(200))  # a walk-in without an account
    method: Mapped[str] = mapped_column(String(16))  # qr | code | manual | paper
    checked_in_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    over_capacity: Mapped[bool] = mapped_column(default=False)
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    reason: Mapped[str | None] = mapped_column(String(300))

    session: Mapped[TrainingSession] = relationship(back_populates="attendances")
    user = relationship("User", foreign_keys=[user_id])

    @property
    def name(self) -> str:
        """The attendee's name as the roster shows it."""
        if self.user is not None:
            return self.user.display_name
        return self.walk_in_name or "Unknown"


class CheckinTicketUse(db.Model):
    """A check-in ticket that has been used: one ticket checks in one person, on every worker and host."""

    __tablename__ = "checkin_ticket_use"

    nonce: Mapped[str] = mapped_column(String(32), primary_key=True)  # the ticket's random part
    session_id: Mapped[int] = mapped_column(ForeignKey("training_session.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    used_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Registration(db.Model):
    """A person's place (or place in the queue) for a session, before it happens.

    status: registered, waiting (in order of created_at, then id) or cancelled. Attendance is separate: a
    registered person checks in like anyone else, and a walk-in needs no registration.
    """

    __tablename__ = "session_registration"
    __table_args__ = (UniqueConstraint("session_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("training_session.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(12), default="registered")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)  # the queue's order
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    session: Mapped[TrainingSession] = relationship()
    user = relationship("User")
