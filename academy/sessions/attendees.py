"""What attendees see and do: registering at the door, and their own sessions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from academy.accounts import service as accounts
from academy.accounts.models import User
from academy.database import utcnow
from academy.extensions import db
from academy.sessions.models import Attendance, TrainingSession


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
