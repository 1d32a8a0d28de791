"""The outbox of queued mail, people's opt-outs, and the reminders already queued."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from academy.database import UTCDateTime, utcnow
from academy.extensions import db

STATUSES = ("queued", "sending", "sent", "failed", "dropped")  # dropped: nobody to send it to any more


class MailMessage(db.Model):
    """One message waiting in (or gone through) the outbox; `academy mail send` delivers it."""

    __tablename__ = "mail_message"
    __table_args__ = (Index("ix_mail_message_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), default="notice")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    to_addr: Mapped[str] = mapped_column(String(254))
    locale: Mapped[str | None] = mapped_column(String(8))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    # What to attach, built when sending: [{"type": "certificate-pdf", "code": ...}, {"type": "ics", ...}].
    attachments: Mapped[list] = mapped_column(JSON, default=list)
    headers: Mapped[dict] = mapped_column(JSON, default=dict)
    # A reminder run queues thousands at once: it stores what to render ({"notice": "expiry", ...}) and the
    # sender renders it, in the recipient's language, just before sending (academy/mail/messages.py).
    render: Mapped[dict | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(12), default="queued")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<MailMessage {self.id} {self.kind} {self.status}>"


class MailOptOut(db.Model):
    """A person who turned off one kind of optional mail."""

    __tablename__ = "mail_opt_out"

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReminderSent(db.Model):
    """A reminder already dealt with (queued, or skipped for an opt-out): its key makes each one happen once.

    kind "expiry": subject a certificate, stage the days before expiry (60, 14, 0); kind "session": subject a
    registration; kinds "digest-org" and "digest-community": subject the organisation or community, stage the
    month as YYYYMM.
    """

    __tablename__ = "reminder_sent"

    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    subject_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    stage: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
