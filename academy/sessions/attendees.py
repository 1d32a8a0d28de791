"""What attendees see and do: registering at the door, and their own sessions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from academy.accounts import service as accounts
from academy.accounts.models import User
from academy.database import utcnow
from academy.extensions import db
from academy.sessions import service
from academy.sessions.models import Attendance, TrainingSession

CONFIRM_SALT = "academy.checkin-confirm"
CONFIRM_MAX_AGE = 7 * 24 * 3600  # a week to open the mail and sign in


@dataclass(frozen=True)
class DoorRegistration:
    """Who registered at the door: a new account (checked in), or the owner of the email (to confirm by mail)."""

    user: User
    new_account: bool


@dataclass(frozen=True)
class PendingCheckIn:
    """A check-in made with the address of an existing account, waiting for its owner to sign in and confirm."""

    session_id: int
    user_id: int
    method: str
    at: datetime


def register_at_door(session: TrainingSession, *, name: str, email: str, sector: str | None,
                     subrole: str | None, organisation: str | None, method: str,
                     now: datetime | None = None) -> DoorRegistration:
    """Check in someone registering on the short form; flushes.

    A new address gets an account without a password, checked in. An address that already has an account gets
    nothing attached: the person at the door may not be its owner, so the owner is mailed a link to confirm by
    signing in (see make_confirmation). The caller answers both the same way, so the form reveals no account.
    """
    existing = accounts.find_by_email(email)
    if existing is not None:
        error = service.window_error(session, now or utcnow())
        if error:
            raise service.SessionError(error)
        return DoorRegistration(existing, False)
    user = register_attendee(name=name, email=email, sector=sector, subrole=subrole, organisation=organisation,
                             community_id=session.community_id)
    service.check_in(session, user, method=method, now=now)
    return DoorRegistration(user, True)


def _confirm_serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=CONFIRM_SALT)


def make_confirmation(secret_key: str, session: TrainingSession, user: User, method: str, at: datetime) -> str:
    """Sign a link's token that lets the owner of an account confirm a check-in made with their address."""
    return _confirm_serializer(secret_key).dumps({"s": session.id, "u": user.id, "m": method,
                                                  "t": int(at.timestamp())})


def read_confirmation(secret_key: str, token: str) -> PendingCheckIn | None:
    """Return the pending check-in a confirmation token stands for, or None if it is forged or too old."""
    try:
        data = _confirm_serializer(secret_key).loads(token or "", max_age=CONFIRM_MAX_AGE)
    except (BadSignature, SignatureExpired):
        return None
    if not isinstance(data, dict) or not all(isinstance(data.get(k), int) for k in ("s", "u", "t")):
        return None
    if data.get("m") not in ("qr", "code") or not 0 < data["t"] < 2**40:
        return None
    return PendingCheckIn(data["s"], data["u"], data["m"], datetime.fromtimestamp(data["t"], UTC))


def confirm_mail(user: User, session: TrainingSession, link: str) -> tuple[str, str]:
    """Return the mail the owner of an address gets when someone checks in with it at the door."""
    subject = "Confirm your check-in: someone used your address"
    body = (f"Hello {user.name},\n\nSomeone checked in to \"{session.title}\" at the door with this email "
            "address. Nothing was added to your academy account.\n\nIf it was you, open this link within a week, "
            f"sign in, and confirm to have the attendance counted:\n{link}\n\n"
            "If you never set a password, ask for a link from the sign-in page first.\n"
            "If it was not you, ignore this message: your account is unchanged.\n")
    return subject, body


def has_attended(session: TrainingSession, user: User) -> bool:
    """Whether the person is on the session's roster."""
    return db.session.scalar(select(Attendance.id).where(Attendance.session_id == session.id,
                                                         Attendance.user_id == user.id)) is not None


def register_attendee(*, name: str, email: str, sector: str | None, subrole: str | None,
                      organisation: str | None, community_id: int | None) -> User:
    """Create a trainee account without a password (they set one later from the emailed link)."""
    return accounts.create_user(email=email, name=name, password=None, role="trainee", sector=sector,
                                subrole=subrole, organisation=organisation, community_id=community_id)


def welcome_mail(user: User, session: TrainingSession, link: str) -> tuple[str, str]:
    """Return the subject and body of the mail a new attendee gets to set a password."""
    subject = "You are checked in: set your academy password"
    body = (f"Hello {user.name},\n\nYou are checked in to \"{session.title}\". An academy account was "
            "created for you so your attendance and certificate are kept.\n\nUse this link within an hour to "
            f"set a password (you can ask for a new link at any time from the sign-in page):\n{link}\n\n"
            "If you did not check in to a training session, ignore this message.\n")
    return subject, body


def sessions_of(user: User, now: datetime | None = None) -> tuple[list[TrainingSession], list[Attendance]]:
    """Return (upcoming sessions in the user's community or open to all, the user's attendances)."""
    now = now or utcnow()
    community = TrainingSession.community_id.is_(None)
    if user.community_id is not None:
        community = or_(community, TrainingSession.community_id == user.community_id)
    upcoming = db.session.scalars(select(TrainingSession).where(
        TrainingSession.status == "scheduled", TrainingSession.ends_at >= now, community)
        .order_by(TrainingSession.starts_at).limit(20)).all()
    attended = db.session.scalars(select(Attendance).join(TrainingSession)
                                  .where(Attendance.user_id == user.id)
                                  .options(selectinload(Attendance.session))
                                  .order_by(TrainingSession.starts_at.desc())).all()
    return list(upcoming), list(attended)
