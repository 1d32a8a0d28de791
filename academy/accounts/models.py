"""People, their roles and communities, and personal API tokens."""

from __future__ import annotations

import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import JSON, Boolean, Column, ForeignKey, String, Table, false
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from academy.database import UTCDateTime, utcnow
from academy.extensions import db

ROLES = ("trainee", "trainer", "coordinator", "auditor", "admin")

community_coordinators = Table(
    "community_coordinator",
    db.metadata,
    Column("community_id", ForeignKey("community.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
)


class Community(db.Model):
    """A coalition's town or region: coverage is reported per community."""

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    jurisdiction: Mapped[str] = mapped_column(String(16), default="us")  # us, ca, ca-bc: picks the hotlines shown
    # An IANA zone name: sessions are entered and shown in it, and stored in UTC.
    timezone: Mapped[str] = mapped_column(String(64), default="UTC", server_default="UTC")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Branding printed on its certificates: a logo file under the instance path, and who signs them.
    logo_filename: Mapped[str | None] = mapped_column(String(100))
    signatory_name: Mapped[str | None] = mapped_column(String(200))
    signatory_title: Mapped[str | None] = mapped_column(String(200))

    coordinators: Mapped[list[User]] = relationship(
        secondary=community_coordinators, back_populates="coordinated_communities"
    )

    def __repr__(self) -> str:
        return f"<Community {self.slug}>"


class User(UserMixin, db.Model):
    """Someone with an account. Holds only what reports need: name, email, sector, community."""

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str | None] = mapped_column(String(254), unique=True)  # None once the account is deleted
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(16), default="trainee", index=True)
    sector: Mapped[str | None] = mapped_column(String(64))
    subrole: Mapped[str | None] = mapped_column(String(64))
    organisation: Mapped[str | None] = mapped_column(String(200))
    community_id: Mapped[int | None] = mapped_column(ForeignKey("community.id", ondelete="SET NULL"), index=True)
    # The employer the person trains through (academy/organisations); sharing progress with it is opt-in.
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL"), index=True)
    shares_with_organisation: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    locale: Mapped[str | None] = mapped_column(String(8))
    credential_salt: Mapped[str] = mapped_column(String(32), default=lambda: secrets.token_hex(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set by an admin: the person signs in nowhere until reactivated; their certificates stay verifiable.
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    community: Mapped[Community | None] = relationship(foreign_keys=[community_id])
    coordinated_communities: Mapped[list[Community]] = relationship(
        secondary=community_coordinators, back_populates="coordinators"
    )

    # The token of the sign-in this request belongs to (see academy/accounts/signin.py); not a column.
    login_token = None  # str while signed in

    def get_id(self) -> str:
        """Return the id Flask-Login keeps in the session and remember cookies: user id and sign-in token.

        Without a token (login_user() called directly instead of signin.sign_in()) the id alone is returned, and the
        user loader accepts no cookie carrying it: such a sign-in fails closed.
        """
        return f"{self.id}:{self.login_token}" if self.login_token else str(self.id)

    def __eq__(self, other: object) -> bool:  # the same person, whichever sign-in an instance was loaded for
        return isinstance(other, User) and other.id == self.id

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    __hash__ = object.__hash__

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)
        self.password_changed_at = utcnow()

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses deleted and deactivated accounts
        return self.deleted_at is None and self.deactivated_at is None

    def has_role(self, *roles: str) -> bool:
        return self.role in roles

    @property
    def display_name(self) -> str:
        return self.name if self.deleted_at is None else "Deleted account"

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class ApiToken(db.Model):
    """A personal token for scripts; only its SHA-256 is stored."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class LoginSession(db.Model):
    """One sign-in on one browser. Its token lives in the session and remember cookies; only the hash is kept.

    Ending the row (sign-out, "sign out everywhere", a password or role change, account deletion) makes every
    copy of those cookies load nobody.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class AccountMerge(db.Model):
    """Two accounts of one person made one by an admin; `moved` lists the rows moved, so it can be undone."""

    id: Mapped[int] = mapped_column(primary_key=True)
    kept_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    merged_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    moved: Mapped[dict] = mapped_column(JSON, default=dict)  # table name -> ids of the rows moved
    merged_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    kept: Mapped[User] = relationship(foreign_keys=[kept_id])
    merged: Mapped[User] = relationship(foreign_keys=[merged_id])
