"""Registering for a session before it happens: places, the waiting list, and the mail each change sends.

Every change that counts places locks the session's row first (`SELECT ... FOR UPDATE` on PostgreSQL, the write
lock on SQLite), so concurrent registrations and cancellations take turns: a session never has more registered
people than seats, and the waiting list is promoted in order, each place once.
"""

from __future__ import annotations

import logging
from datetime import datetime

from flask import current_app
from sqlalchemy import func, select

from academy.database import utcnow
from academy.extensions import db
from academy.mail import notices
from academy.mail.messages import link
from academy.sessions import ics
from academy.sessions.models import Registration, TrainingSession
from academy.sessions.service import SessionError, audit

log = logging.getLogger(__name__)
ACTIVE = ("registered", "waiting")


def lock_session(session_id: int) -> TrainingSession:
    """Lock a session's row for this transaction and return it as it is now in the database."""
    connection = db.session.connection()
    if connection.dialect.name == "sqlite" and not connection.connection.dbapi_connection.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    return db.session.scalar(select(TrainingSession).where(TrainingSession.id == session_id)
                             .with_for_update().execution_options(populate_existing=True))


def invite(session: TrainingSession, *, cancelled: bool = False, now: datetime | None = None) -> str:
    """The session's .ics invitation in its community's time zone."""
    domain = current_app.config["MAIL_FROM"].rpartition("@")[2] or "academy"
    return ics.invite(uid=f"session-{session.id}@{domain}", title=session.title, place=session.place,
                      starts_at=session.starts_at, ends_at=session.ends_at,
                      timezone=session.community.timezone if session.community else None,
                      url=link("sessions.mine"), organiser=current_app.config["MAIL_FROM"], cancelled=cancelled,
                      sequence=int((now or utcnow()).timestamp()), stamp=now or utcnow())


def count(session_id: int, status: str) -> int:
    return db.session.scalar(select(func.count(Registration.id)).where(
        Registration.session_id == session_id, Registration.status == status)) or 0


def position(registration: Registration) -> int:
    """Place on the waiting list, 1 for the next to be promoted."""
    ahead = select(func.count(Registration.id)).where(
        Registration.session_id == registration.session_id, Registration.status == "waiting",
        (Registration.created_at < registration.created_at)
        | ((Registration.created_at == registration.created_at) & (Registration.id < registration.id)))
    return (db.session.scalar(ahead) or 0) + 1


def registration_of(session_id: int, user_id: int) -> Registration | None:
    return db.session.scalar(select(Registration).where(Registration.session_id == session_id,
                                                        Registration.user_id == user_id))


def open_error(session: TrainingSession, now: datetime) -> str | None:
    """Why a session takes no registrations now (English; views translate), or None."""
    if session.status != "scheduled":
        return "This session is not open for registration."
    if session.starts_at <= now:
        return "This session has already started."
    return None


def register(session: TrainingSession, user, now: datetime | None = None) -> Registration:
    """Register a person, or put them on the waiting list when the session is full; mail them either way."""
    now = now or utcnow()
    session = lock_session(session.id)
    error = open_error(session, now)
    if error:
        raise SessionError(error)
    registration = registration_of(session.id, user.id)
    if registration is not None and registration.status in ACTIVE:
        return registration
    full = session.capacity is not None and count(session.id, "registered") >= session.capacity
    if registration is None:
        registration = Registration(session_id=session.id, user_id=user.id)
        db.session.add(registration)
    registration.status = "waiting" if full else "registered"
    registration.created_at = registration.updated_at = now  # a returning person joins the end of the queue
    db.session.flush()
    if full:
        notices.session_mail(user, session, "waiting", position=position(registration))
    else:
        notices.session_mail(user, session, "confirmed", ics=invite(session, now=now))
    log.info("user %s %s for session %s", user.id, registration.status, session.id)
    return registration


def cancel(registration: Registration, now: datetime | None = None) -> list[Registration]:
    """Cancel a person's registration; promote the waiting list in order; return who was promoted."""
    now = now or utcnow()
    session = lock_session(registration.session_id)
    db.session.refresh(registration)
    if registration.status not in ACTIVE:
        return []
    was = registration.status
    registration.status, registration.updated_at = "cancelled", now
    db.session.flush()
    notices.session_mail(registration.user, session, "withdrawn")
    log.info("user %s cancelled their registration for session %s", registration.user_id, session.id)
    return promote(session, now) if was == "registered" else []


def promote(session: TrainingSession, now: datetime | None = None) -> list[Registration]:
    """Fill free places from the waiting list, first come first served (the session's row must be locked)."""
    now = now or utcnow()
    promoted: list[Registration] = []
    if session.status != "scheduled":
        return promoted
    free = None if session.capacity is None else session.capacity - count(session.id, "registered")
    waiting = select(Registration).where(Registration.session_id == session.id, Registration.status == "waiting")
    waiting = waiting.order_by(Registration.created_at, Registration.id)
    if free is not None:
        waiting = waiting.limit(max(free, 0))
    for registration in db.session.scalars(waiting).all():
        registration.status, registration.updated_at = "registered", now
        promoted.append(registration)
    db.session.flush()
    for registration in promoted:
        notices.session_mail(registration.user, session, "promoted", ics=invite(session, now=now))
        log.info("user %s promoted from the waiting list of session %s", registration.user_id, session.id)
    return promoted


def active(session_id: int) -> list[Registration]:
    """Registered then waiting people, each in order."""
    rows = db.session.scalars(select(Registration).where(Registration.session_id == session_id,
                                                         Registration.status.in_(ACTIVE))
                              .order_by(Registration.created_at, Registration.id)).all()
    return sorted(rows, key=lambda r: r.status != "registered")


def session_changed(session: TrainingSession, now: datetime | None = None) -> int:
    """Tell everyone registered or waiting that the time or place changed; promote if seats were added."""
    now = now or utcnow()
    session = lock_session(session.id)
    promoted = {r.id for r in promote(session, now)}
    sent = 0
    for registration in active(session.id):
        if registration.id in promoted:
            continue
        ics_text = invite(session, now=now) if registration.status == "registered" else None
        sent += notices.session_mail(registration.user, session, "changed", ics=ics_text) is not None
    return sent


def session_cancelled(session: TrainingSession, actor, now: datetime | None = None) -> int:
    """Tell everyone registered or waiting that the session is cancelled (with a cancelling .ics)."""
    now = now or utcnow()
    people = active(session.id)
    for registration in people:
        ics_text = invite(session, cancelled=True, now=now) if registration.status == "registered" else None
        notices.session_mail(registration.user, session, "session-cancelled", ics=ics_text)
        registration.status, registration.updated_at = "cancelled", now
    db.session.flush()
    audit("session.registrations_cancelled", session, actor, now, people=len(people))
    return len(people)


def upcoming(*, community_id: int | None, course_slug: str | None, now: datetime,
             limit: int = 100) -> list[TrainingSession]:
    """Scheduled sessions not yet started, of a community (and those open to all) and optionally a course."""
    query = select(TrainingSession).where(TrainingSession.status == "scheduled", TrainingSession.starts_at > now)
    if community_id is not None:
        query = query.where((TrainingSession.community_id == community_id) | TrainingSession.community_id.is_(None))
    if course_slug:
        query = query.where(TrainingSession.course_slug == course_slug)
    return list(db.session.scalars(query.order_by(TrainingSession.starts_at, TrainingSession.id).limit(limit)))


def taken(session_ids: list[int]) -> dict[int, int]:
    """Registered places per session, in one query."""
    if not session_ids:
        return {}
    rows = db.session.execute(select(Registration.session_id, func.count(Registration.id))
                              .where(Registration.session_id.in_(session_ids), Registration.status == "registered")
                              .group_by(Registration.session_id))
    return dict(rows.all())


def statuses_of(user_id: int, session_ids: list[int]) -> dict[int, str]:
    """The person's registration status for each of these sessions that they registered for."""
    if not session_ids:
        return {}
    rows = db.session.execute(select(Registration.session_id, Registration.status).where(
        Registration.user_id == user_id, Registration.session_id.in_(session_ids), Registration.status.in_(ACTIVE)))
    return dict(rows.all())


def registrations_of(user_id: int, now: datetime) -> list[Registration]:
    """A person's active registrations for sessions that have not ended, soonest first."""
    return list(db.session.scalars(
        select(Registration).join(TrainingSession, Registration.session_id == TrainingSession.id)
        .where(Registration.user_id == user_id, Registration.status.in_(ACTIVE), TrainingSession.ends_at >= now)
        .order_by(TrainingSession.starts_at)))
