"""Enrolment and progress in self-paced courses. Course content lives in the curriculum, not here."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from academy.database import UTCDateTime, utcnow
from academy.extensions import db


class CourseVersion(db.Model):
    """Every version of every course the academy has loaded, so old records keep a title and sector."""

    __table_args__ = (UniqueConstraint("slug", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(200))
    sector: Mapped[str] = mapped_column(String(64))
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Enrolment(db.Model):
    __table_args__ = (UniqueConstraint("user_id", "course_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    course_slug: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[str] = mapped_column(String(16))
    enrolled_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_lesson_slug: Mapped[str | None] = mapped_column(String(100))
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class LessonProgress(db.Model):
    __table_args__ = (UniqueConstraint("user_id", "course_slug", "lesson_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    course_slug: Mapped[str] = mapped_column(String(64))
    lesson_slug: Mapped[str] = mapped_column(String(100))
    version: Mapped[str] = mapped_column(String(16))
    completed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CourseCompletion(db.Model):
    """A course completed under its completion rule; a retake after expiry adds another row."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    course_slug: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[str] = mapped_column(String(16))
    via: Mapped[str] = mapped_column(String(16), default="self-paced")  # self-paced | in-person
    completed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
