"""Certificates, with a snapshot of what was earned, and the append-only audit log."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint, and_, event, or_
from sqlalchemy.orm import Mapped, mapped_column, relationship

from academy.database import UTCDateTime, utcnow
from academy.extensions import db


class Certificate(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)  # canonical: 17 chars, no separators
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    holder_name: Mapped[str] = mapped_column(String(200))  # as issued; blanked when the account is deleted
    include_name: Mapped[bool] = mapped_column(default=False)  # holder's choice for the signed credential
    course_slug: Mapped[str] = mapped_column(String(64), index=True)
    course_title: Mapped[str] = mapped_column(String(200))
    sector: Mapped[str] = mapped_column(String(64), index=True)
    subrole: Mapped[str | None] = mapped_column(String(64))
    community_id: Mapped[int | None] = mapped_column(ForeignKey("community.id", ondelete="SET NULL"), index=True)
    version: Mapped[str] = mapped_column(String(16))
    hours: Mapped[float]
    earned_via: Mapped[str] = mapped_column(String(16))  # self-paced | in-person
    session_id: Mapped[int | None] = mapped_column(ForeignKey("training_session.id", ondelete="SET NULL"))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    revoke_reason: Mapped[str | None] = mapped_column(String(500))  # private: never shown publicly
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("certificate.id", ondelete="SET NULL"))
    # Where the revocation bit lives: a numbered status list and a random position in it, unique together.
    status_list_id: Mapped[int] = mapped_column(default=1, server_default="1")
    status_index: Mapped[int]
    # The salt of the holder's email hash in this certificate's credential: one per certificate, so two
    # credentials of one person share nothing that links them.
    credential_salt: Mapped[str] = mapped_column(String(32), default=lambda: secrets.token_hex(16))

    __table_args__ = (
        UniqueConstraint("status_list_id", "status_index"),
        # Covers every column the coverage rollup reads (academy/coverage/rollup.py), in the order it filters
        # and groups, so a community's figures come from the index alone (bench/coverage_bench.py).
        Index(
            "ix_certificate_coverage",
            "community_id",
            "revoked_at",
            "sector",
            "subrole",
            "user_id",
            "issued_at",
            "expires_at",
            "earned_via",
            "id",
        ),
    )

    user = relationship("User", foreign_keys=[user_id])
    community = relationship("Community")

    def status(self, now: datetime | None = None) -> str:
        """Return valid, expired, revoked or superseded."""
        return status_of(self.revoked_at, self.superseded_by_id, self.expires_at, now or utcnow())


def valid_at(now: datetime):
    """SQL condition: the certificate is "valid" at `now` as status_of says (not revoked, replaced or expired)."""
    return and_(Certificate.revoked_at.is_(None), Certificate.superseded_by_id.is_(None),
                or_(Certificate.expires_at.is_(None), Certificate.expires_at > now))


def status_of(
    revoked_at: datetime | None, superseded_by_id: int | None, expires_at: datetime | None, now: datetime
) -> str:
    """Return a certificate's status from its columns (shared by the model and column-only queries)."""
    if revoked_at is not None:
        return "revoked"
    if superseded_by_id is not None:
        return "superseded"
    if expires_at is not None and expires_at <= now:
        return "expired"
    return "valid"


class AuditEvent(db.Model):
    """One line of the append-only audit log: who did what to which record."""

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(64), index=True)  # certificate.issued, .revoked, ...
    subject_type: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[str] = mapped_column(String(64), index=True)
    detail: Mapped[dict] = mapped_column(JSON, default=dict)

    actor = relationship("User")


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _append_only(mapper, connection, target) -> None:
    raise RuntimeError("the audit log is append-only")
