"""Session rules: scheduling, checking in, fixing the roster by hand. Services flush; callers commit."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import exists, func, or_, select, update

from academy.accounts.models import User
from academy.certificates.models import AuditEvent
from academy.database import utcnow
from academy.extensions import db
from academy.sessions import codes
from academy.sessions.models import Attendance, CheckinTicketUse, TrainingSession, session_trainers

log = logging.getLogger(__name__)

EARLY = timedelta(minutes=30)  # check-in opens this long before the start
METHODS = ("qr", "code", "manual", "paper")
# A typed code is read off a projector at the back of a room and typed on a phone: it stays good for five steps
# (60 to 75 s), where a scanned QR stays good for two (15 to 30 s). Six characters of 31 leave 887 million codes,
# and typed attempts are rate-limited, so five live codes per session stay unguessable.
TYPED_GRACE = 4


class SessionError(ValueError):
    """A rule about sessions was broken; the message is fit to show."""


@dataclass(frozen=True)
class CheckIn:
    """The outcome of one check-in: the attendance's id, and whether this call created it."""

    attendance_id: int
    created: bool

    @property
    def attendance(self) -> Attendance:
        """The attendance row (loaded on demand: the check-in tap itself never needs it)."""
        return db.session.get(Attendance, self.attendance_id)


def audit(action: str, session: TrainingSession, actor, now: datetime | None = None, **detail) -> AuditEvent:
    """Append a session event to the audit log."""
    event = AuditEvent(at=now or utcnow(), actor_id=getattr(actor, "id", None), action=action,
                       subject_type="training_session", subject_id=str(session.id), detail=detail)
    db.session.add(event)
    return event


# --- scheduling ---------------------------------------------------------------------------------------------


def save_session(session: TrainingSession | None, actor, *, course_slug: str, title: str, starts_at: datetime,
                 ends_at: datetime, place: str, community_id: int | None, capacity: int | None,
                 require_quiz: bool, trainers: list[User], kind: str = "training") -> TrainingSession:
    """Create a session (session=None) or update one; the actor, if a trainer, stays among the trainers."""
    if ends_at <= starts_at:
        raise SessionError("The session must end after it starts.")
    if session is not None and session.is_frozen:
        raise SessionError(f"This session is {session.status}; it can no longer be edited.")
    creating = session is None
    if creating:
        session = TrainingSession(created_by_id=actor.id)
        db.session.add(session)
    session.course_slug, session.title, session.place = course_slug, title.strip(), place.strip()
    session.starts_at, session.ends_at, session.community_id = starts_at, ends_at, community_id
    session.capacity, session.require_quiz, session.kind = capacity, require_quiz, kind
    people = list(dict.fromkeys(trainers))
    if actor.role == "trainer" and actor not in people:
        people.append(actor)
    session.trainers = people
    db.session.flush()
    audit("session.scheduled" if creating else "session.edited", session, actor, course=course_slug)
    log.info("session %s %s by %s", session.id, "scheduled" if creating else "edited", actor.id)
    return session


def cancel_session(session: TrainingSession, actor, reason: str, now: datetime | None = None) -> None:
    """Cancel a session that has not been closed."""
    if session.is_frozen:
        raise SessionError(f"This session is already {session.status}.")
    session.status = "cancelled"
    audit("session.cancelled", session, actor, now, reason=reason.strip())
    log.info("session %s cancelled by %s", session.id, actor.id)


def manageable_query(user):
    """Sessions a user may manage, as a select to order and filter."""
    query = select(TrainingSession)
    if user.role == "admin":
        return query
    trains = exists().where(session_trainers.c.session_id == TrainingSession.id,
                            session_trainers.c.user_id == user.id)
    if user.role == "coordinator":
        ids = [c.id for c in user.coordinated_communities]
        return query.where(or_(trains, TrainingSession.community_id.in_(ids)))
    return query.where(trains)


def sessions_for_manager(user, now: datetime | None = None) -> tuple[list, list]:
    """Return (upcoming or running, past) sessions the user manages."""
    now = now or utcnow()
    query = manageable_query(user)
    upcoming = db.session.scalars(query.where(TrainingSession.ends_at >= now)
                                  .order_by(TrainingSession.starts_at)).all()
    past = db.session.scalars(query.where(TrainingSession.ends_at < now)
                              .order_by(TrainingSession.starts_at.desc()).limit(100)).all()
    return list(upcoming), list(past)


def next_sessions(user, now: datetime | None = None, limit: int = 3) -> list[TrainingSession]:
    """The next sessions a trainer teaches, running ones first, for the home page."""
    now = now or utcnow()
    query = manageable_query(user).where(TrainingSession.ends_at >= now,
                                         TrainingSession.status == "scheduled")
    return list(db.session.scalars(query.order_by(TrainingSession.starts_at).limit(limit)))


# --- checking in --------------------------------------------------------------------------------------------


def N_(message: str) -> str:  # noqa: N802  (the name gettext extraction looks for)
    """Mark a message for translation; the view translates it for the reader."""
    return message


def window_error(session: TrainingSession, now: datetime) -> str | None:
    """Return why the session does not take check-ins now (in English; views translate), or None."""
    if session.status == "cancelled":
        return N_("This session was cancelled.")
    if session.status == "closed":
        return N_("Attendance for this session is closed.")
    if now < session.starts_at - EARLY:
        return N_("Check-in opens 30 minutes before the session starts.")
    if now > session.ends_at:
        return N_("This session has ended, so check-in is closed. Ask the trainer to add you by hand.")
    return None


def code_candidates(now: datetime) -> list[TrainingSession]:
    """Sessions a typed code may belong to: those of the surrounding day (few at any moment).

    Ended and closed ones are included so that their code gets a clear "ended" answer, not "wrong code".
    """
    day = timedelta(days=1)
    return list(db.session.scalars(select(TrainingSession).where(
        TrainingSession.starts_at <= now + day, TrainingSession.ends_at >= now - day)
        .order_by(TrainingSession.starts_at, TrainingSession.id)))


def find_by_short_code(code: str, now: datetime | None = None) -> TrainingSession | None:
    """Find the session whose current (or previous) short code this is (codes are per session)."""
    now = now or utcnow()
    if not codes.looks_like_short(code):
        return None
    for session in code_candidates(now):
        if codes.verify(session.secret, session.id, code, now.timestamp(), grace=TYPED_GRACE):
            return session
    return None


def attendee_counts(sessions: list[TrainingSession]) -> dict[int, int]:
    """How many people are on each session's roster, in one query."""
    ids = [s.id for s in sessions]
    if not ids:
        return {}
    rows = db.session.execute(select(Attendance.session_id, func.count(Attendance.id))
                              .where(Attendance.session_id.in_(ids)).group_by(Attendance.session_id))
    return {session_id: count for session_id, count in rows}


def attendee_count(session: TrainingSession) -> int:
    query = select(func.count(Attendance.id)).where(Attendance.session_id == session.id)
    return db.session.scalar(query) or 0


def _insert_once(values: dict, table=None, conflict: tuple[str, ...] = ("session_id", "user_id"),
                 returning: str = "id"):
    """Insert an attendance unless the person is already on the roster; return the new id, or None.

    One statement, `INSERT ... ON CONFLICT (session_id, user_id) DO NOTHING RETURNING id`, on SQLite and on
    PostgreSQL alike: the unique constraint decides, two taps at the same instant make one row, and the tap costs
    one round trip instead of a savepoint, an insert and a release. (Ticket uses go through it too.)
    """
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - the academy runs on SQLite and PostgreSQL only
        raise RuntimeError(f"check-in needs an INSERT that can ignore a conflict on {dialect}")
    table = table if table is not None else Attendance.__table__
    statement = (insert(table).values(**values)
                 .on_conflict_do_nothing(index_elements=[table.c[name] for name in conflict])
                 .returning(table.c[returning]))
    return db.session.execute(statement).scalar()


def use_ticket(session: TrainingSession, nonce: str, user_id: int | None = None,
               now: datetime | None = None) -> bool:
    """Record that a check-in ticket is used; False if it was already (by anyone, on any worker or host)."""
    db.session.flush()
    values = {"nonce": nonce, "session_id": session.id, "user_id": user_id, "used_at": now or utcnow()}
    return _insert_once(values, CheckinTicketUse.__table__, ("nonce",), "nonce") is not None


def ticket_used(nonce: str) -> bool:
    """Whether a check-in ticket has been used already."""
    return db.session.get(CheckinTicketUse, nonce) is not None


def check_in(session: TrainingSession, user: User, *, method: str, now: datetime | None = None,
             marked_by=None, reason: str | None = None) -> CheckIn:
    """Record that a person attended; the same person twice is one attendance (unique constraint)."""
    if method not in METHODS:
        raise SessionError(f"unknown check-in method {method!r}")
    now = now or utcnow()
    error = window_error(session, now) if method in ("qr", "code") else frozen_error(session)
    if error:
        raise SessionError(error)
    session_id, user_id = session.id, user.id
    over = session.capacity is not None and attendee_count(session) >= session.capacity
    db.session.flush()  # pending changes (a new account) go first: the insert below bypasses the unit of work
    new_id = _insert_once({"session_id": session_id, "user_id": user_id, "method": method, "checked_in_at": now,
                           "over_capacity": over, "marked_by_id": getattr(marked_by, "id", None),
                           "reason": reason})
    if new_id is None:
        existing = db.session.scalar(select(Attendance.id).where(Attendance.session_id == session_id,
                                                                 Attendance.user_id == user_id))
        return CheckIn(existing, False)
    if marked_by is not None:
        audit("attendance.marked", session, marked_by, now, user_id=user_id, method=method, reason=reason)
        refresh_over_capacity(session)
    log.info("user %s checked in to session %s by %s%s", user_id, session_id, method,
             " (over capacity)" if over else "")
    return CheckIn(new_id, True)


def frozen_error(session: TrainingSession) -> str | None:
    """Return why the roster cannot be edited, or None."""
    if session.status == "closed":
        return "This session is closed: its attendance is frozen."
    if session.status == "cancelled":
        return "This session was cancelled."
    return None


def on_roster(session: TrainingSession, name: str) -> bool:
    """Whether someone of this name (walk-in or account) is already on the roster."""
    name = " ".join(name.split()).lower()
    query = (select(Attendance.id).outerjoin(User, Attendance.user_id == User.id)
             .where(Attendance.session_id == session.id,
                    or_(func.lower(Attendance.walk_in_name) == name, func.lower(User.name) == name)))
    return db.session.scalar(query.limit(1)) is not None


def add_walk_in(session: TrainingSession, name: str, actor, reason: str | None = None, *,
                method: str = "manual", now: datetime | None = None,
                allow_namesake: bool = False) -> Attendance | None:
    """Add someone without an account by name; None if someone of that name is already on the roster.

    allow_namesake adds them even so (a paper sheet where two people of the same name signed).
    """
    error = frozen_error(session)
    if error:
        raise SessionError(error)
    name = " ".join(name.split())
    if not name:
        raise SessionError("Enter the person's name.")
    if len(name) > 200:
        raise SessionError("The name is longer than 200 characters.")
    if not allow_namesake and on_roster(session, name):
        return None
    now = now or utcnow()
    over = session.capacity is not None and attendee_count(session) >= session.capacity
    attendance = Attendance(session_id=session.id, walk_in_name=name, method=method, checked_in_at=now,
                            over_capacity=over, marked_by_id=actor.id, reason=reason)
    db.session.add(attendance)
    db.session.flush()
    audit("attendance.marked", session, actor, now, attendance_id=attendance.id, walk_in=name, method=method,
          reason=reason)
    refresh_over_capacity(session)
    return attendance


def remove_attendance(attendance: Attendance, actor, reason: str, now: datetime | None = None) -> None:
    """Unmark an attendee, keeping who did it and why in the audit log."""
    session = attendance.session
    error = frozen_error(session)
    if error:
        raise SessionError(error)
    if not reason.strip():
        raise SessionError("Say why this person is removed.")
    audit("attendance.removed", session, actor, now, attendance_id=attendance.id, user_id=attendance.user_id,
          walk_in=attendance.walk_in_name, method=attendance.method, reason=reason.strip())
    db.session.delete(attendance)
    db.session.flush()
    refresh_over_capacity(session)
    log.info("attendance %s removed from session %s by %s", attendance.id, session.id, actor.id)


def refresh_over_capacity(session: TrainingSession) -> int:
    """Flag exactly the attendances beyond the seats, in order of arrival; return how many are over. Flushes.

    A removal or an import changes who is beyond the seats, so the flags are recomputed, not kept from the tap.
    """
    rows = db.session.execute(select(Attendance.id, Attendance.over_capacity)
                              .where(Attendance.session_id == session.id)
                              .order_by(Attendance.checked_in_at, Attendance.id)).all()
    seats = session.capacity
    over_ids = {row.id for n, row in enumerate(rows) if seats is not None and n >= seats}
    changed = [row.id for row in rows if row.over_capacity != (row.id in over_ids)]
    for flag in (True, False):
        ids = [i for i in changed if (i in over_ids) is flag]
        if ids:
            db.session.execute(update(Attendance).where(Attendance.id.in_(ids)).values(over_capacity=flag)
                               .execution_options(synchronize_session=False))
    if changed:
        db.session.expire_all()
    return len(over_ids)
