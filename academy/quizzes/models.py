"""Quiz attempts: what was shown, what was answered, and the grade."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from academy.database import UTCDateTime, utcnow
from academy.extensions import db


class QuizAttempt(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    course_slug: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # [[question_id, [option_id, ...]], ...] in the order shown
    layout: Mapped[list] = mapped_column(JSON)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answers: Mapped[dict | None] = mapped_column(JSON)  # {question_id: [option_id, ...]}
    score: Mapped[int | None]  # percent
    passed: Mapped[bool | None]
