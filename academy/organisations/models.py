"""An organisation belongs to one community; its members are users; its leads see members who agreed to share."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from academy.accounts.models import Community, User
from academy.database import UTCDateTime, utcnow
from academy.extensions import db

organisation_leads = Table(
    "organisation_lead",
    db.metadata,
    Column("organisation_id", ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
)


class Organisation(db.Model):
    """An employer or body whose people train in the academy, e.g. "Riverside Police Department"."""

    __table_args__ = (UniqueConstraint("community_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    sector: Mapped[str | None] = mapped_column(String(64))  # a sector slug of curricula/sectors.yml
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    community: Mapped[Community] = relationship()
    members: Mapped[list[User]] = relationship(foreign_keys=[User.organisation_id], viewonly=True)
    leads: Mapped[list[User]] = relationship(secondary=organisation_leads)

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.name!r}>"
