"""Demo sessions: a closed one with attendance, one running now (open its display and scan), one next week."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from academy.accounts import service as accounts
from academy.courses.catalog import curriculum
from academy.database import utcnow
from academy.extensions import db
from academy.sessions import closing, service
from academy.sessions.models import TrainingSession

PAST = "School staff meeting: noticing and referring"
RUNNING = "Riverside PD briefing: recognising trafficking"
NEXT = "Hotel staff training: what front desks see"
ATTENDEES = [  # email, name, sector, subrole: accounts without a password, for the past session's roster
    ("dana.demo@demo.academy", "Dana Demo (demo)", "schools", "teacher"),
    ("lee.demo@demo.academy", "Lee Demo (demo)", "schools", "counsellor"),
]


def _course(*preferred: str) -> str | None:
    courses = curriculum().courses
    return next((slug for slug in preferred if slug in courses), next(iter(courses), None))


def _session(title: str, **fields) -> tuple[TrainingSession, bool]:
    """Find the demo session by title, or create it; return it and whether it is new."""
    session = db.session.scalar(select(TrainingSession).where(TrainingSession.title == title))
    if session is not None:
        return session, False
    session = TrainingSession(title=title, **fields)
    db.session.add(session)
    db.session.flush()
    return session, True


def _past(ctx: dict, now: datetime, course: str) -> TrainingSession:
    trainer, town = ctx["users"]["trainer"], ctx["communities"]["riverside"]
    start = (now - timedelta(days=14)).replace(hour=16, minute=0, second=0, microsecond=0)
    session, new = _session(PAST, course_slug=course, starts_at=start, ends_at=start + timedelta(hours=2),
                            place="Riverside High School, library", community_id=town.id, capacity=25,
                            trainers=[trainer], created_by_id=trainer.id)
    if not new:
        return session
    people = [ctx["users"]["trainee"]]
    for email, name, sector, subrole in ATTENDEES:
        people.append(accounts.find_by_email(email) or accounts.create_user(
            email=email, name=name, password=None, sector=sector, subrole=subrole, community_id=town.id))
    for i, person in enumerate(people):
        service.check_in(session, person, method="qr", now=start + timedelta(minutes=2 + i))
    service.add_walk_in(session, "Pat Walk-in (demo)", trainer, "Signed the paper sheet",
                        now=start + timedelta(minutes=20))
    closing.close_session(session, trainer, now=session.ends_at + timedelta(minutes=10))
    return session


def populate(ctx: dict) -> list[str]:
    """Add the demo sessions; running it again keeps the running one running (now ± 2 hours)."""
    now = utcnow()
    trainer, town = ctx["users"]["trainer"], ctx["communities"]["riverside"]
    past = _past(ctx, now, _course("schools", "foundation"))
    running, _ = _session(RUNNING, course_slug=_course("law-enforcement", "foundation"), starts_at=now,
                          ends_at=now, place="Riverside Police HQ, training room 2", community_id=town.id,
                          capacity=40, require_quiz=True, trainers=[trainer], created_by_id=trainer.id)
    if running.status == "scheduled":
        running.starts_at, running.ends_at = now - timedelta(hours=2), now + timedelta(hours=2)
    start = (now + timedelta(days=7)).replace(hour=14, minute=0, second=0, microsecond=0)
    upcoming, _ = _session(NEXT, course_slug=_course("business", "foundation"), starts_at=start,
                           ends_at=start + timedelta(hours=3), place="Riverside Grand Hotel, meeting room B",
                           community_id=town.id, capacity=30, trainers=[trainer], created_by_id=trainer.id)
    if upcoming.status == "scheduled" and upcoming.starts_at < now:  # the demo was loaded weeks ago
        upcoming.starts_at, upcoming.ends_at = start, start + timedelta(hours=3)
    base = current_app.config["ACADEMY_PUBLIC_URL"]
    return ["", "Demo sessions (sign in as trainer@demo.academy):",
            f"  running now, open its check-in display and scan: {base}/sessions/{running.id}/display",
            f"  closed, with attendance: {base}/sessions/{past.id}",
            f"  next week: {base}/sessions/{upcoming.id}",
            f"  attendees type the short code at {base}/checkin"]
