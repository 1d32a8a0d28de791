"""An organisation belongs to one community; its members are users; its leads see members who agreed to share."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, String, Table, UniqueConstraint, text, true
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


class CredentialRule(db.Model):
    """A community's rule for one sector: an organisation whose members hold enough certificates is "trained".

    Every active member counts, whether or not they agreed to share; nothing about them leaves the evaluation.
    """

    __tablename__ = "organisation_credential_rule"
    __table_args__ = (UniqueConstraint("community_id", "sector"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="CASCADE"), index=True)
    sector: Mapped[str] = mapped_column(String(64))  # the organisations of this sector are evaluated
    course_slug: Mapped[str] = mapped_column(String(64))  # whose current certificate counts
    threshold_percent: Mapped[int]  # 1..100
    min_members: Mapped[int] = mapped_column(default=5, server_default="5")  # never fewer than 5
    active: Mapped[bool] = mapped_column(default=True, server_default=true())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    community: Mapped[Community] = relationship()

    def __repr__(self) -> str:
        return f"<CredentialRule {self.id} {self.sector} {self.threshold_percent}%>"


class OrganisationAward(db.Model):
    """The "trained organisation" credential of one organisation: lapses while its rule does not hold.

    The credential's status entries point at one index of two lists: the revocation list (revoked_at) and the
    suspension list (lapsed_at). Course and threshold are a snapshot of the rule when last (re)issued.
    """

    __tablename__ = "organisation_award"
    __table_args__ = (
        UniqueConstraint("status_list_id", "status_index"),
        # One organisation holds at most one award that is not revoked: the database refuses a second even when
        # two coordinators award at the same moment on SQLite (PostgreSQL also locks the organisation's row).
        Index("uq_organisation_award_current", "organisation_id", unique=True,
              sqlite_where=text("revoked_at IS NULL"), postgresql_where=text("revoked_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)  # canonical, like a certificate code
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    rule_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation_credential_rule.id", ondelete="SET NULL"), index=True)
    sector: Mapped[str] = mapped_column(String(64))
    course_slug: Mapped[str] = mapped_column(String(64))
    course_title: Mapped[str] = mapped_column(String(200))
    threshold_percent: Mapped[int]
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)  # first awarded
    credential_issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)  # last (re)issued
    valid_until: Mapped[datetime] = mapped_column(UTCDateTime)
    lapsed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    revoke_reason: Mapped[str | None] = mapped_column(String(500))  # private: never shown publicly
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    status_list_id: Mapped[int] = mapped_column(default=1, server_default="1")
    status_index: Mapped[int]
    status_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)  # the lists' validFrom

    organisation: Mapped[Organisation] = relationship()
    rule: Mapped[CredentialRule | None] = relationship()

    def status(self, now: datetime | None = None) -> str:
        """Return valid, lapsed (the rule stopped holding), expired (not re-checked in time) or revoked."""
        if self.revoked_at is not None:
            return "revoked"
        if self.lapsed_at is not None:
            return "lapsed"
        if self.valid_until <= (now or utcnow()):
            return "expired"
        return "valid"

    def __repr__(self) -> str:
        return f"<OrganisationAward {self.id} organisation={self.organisation_id}>"


class OrganisationInvitation(db.Model):
    """A lead asked a person to join an organisation; they are a member only once they accept.

    An existing account accepts or declines on its account page; an account the invitation created accepts by
    setting its password through the invitation's link.
    """

    __tablename__ = "organisation_invitation"
    __table_args__ = (UniqueConstraint("organisation_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship()

    def __repr__(self) -> str:
        return f"<OrganisationInvitation {self.id} organisation={self.organisation_id} user={self.user_id}>"
