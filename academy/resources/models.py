"""A community's own entries in the service directory, kept by its coordinators."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from academy.database import UTCDateTime, utcnow
from academy.extensions import db


class LocalResource(db.Model):
    __tablename__ = "local_resource"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(32))  # resources/service.py CATEGORIES
    languages: Mapped[str] = mapped_column(String(200), default="")  # "English, Spanish"
    hours: Mapped[str] = mapped_column(String(200), default="")
    how_to_refer: Mapped[str] = mapped_column(String(500), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    url: Mapped[str | None] = mapped_column(String(500))
    verified_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def language_list(self) -> list[str]:
        return [part.strip() for part in self.languages.split(",") if part.strip()]
