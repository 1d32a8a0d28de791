"""Training targets that coordinators set per community, sector, sub-role and half-year."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from academy.extensions import db


class Target(db.Model):
    __table_args__ = (UniqueConstraint("community_id", "sector", "subrole", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="CASCADE"), index=True)
    sector: Mapped[str] = mapped_column(String(64))
    subrole: Mapped[str] = mapped_column(String(64), default="")  # "" means the whole sector
    period: Mapped[str] = mapped_column(String(8))  # 2026H2
    headcount: Mapped[int]
