"""The roster: listing and searching attendees, finding people to mark, CSV export, paper sheets typed in."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from academy import csvfile
from academy.accounts.models import User
from academy.accounts.service import find_by_email
from academy.certificates.models import Certificate
from academy.extensions import db
from academy.sessions import service
from academy.sessions.models import Attendance, TrainingSession

MAX_PAPER_LINES = 500
MAX_PAPER_BYTES = 100_000
MIN_SEARCH = 2
_EMAIL = re.compile(r"[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+")


def attendees(session: TrainingSession, q: str | None = None) -> list[Attendance]:
    """The session's attendees by name, optionally only those whose name contains q."""
    query = (select(Attendance).outerjoin(User, Attendance.user_id == User.id)
             .where(Attendance.session_id == session.id).options(selectinload(Attendance.user)))
    if q and q.strip():
        pattern = f"%{q.strip().lower()}%"
        query = query.where(or_(func.lower(User.name).like(pattern),
                                func.lower(Attendance.walk_in_name).like(pattern)))
    rows = db.session.scalars(query).all()
    return sorted(rows, key=lambda a: (a.name.casefold(), a.id))


def find_people(session: TrainingSession, q: str, limit: int = 10) -> list[User]:
    """Active accounts whose name contains q and who are not on the roster yet."""
    q = (q or "").strip().lower()
    if len(q) < MIN_SEARCH:
        return []
    present = select(Attendance.user_id).where(Attendance.session_id == session.id,
                                               Attendance.user_id.is_not(None))
    query = (select(User).where(func.lower(User.name).like(f"%{q}%"), User.deleted_at.is_(None),
                                User.id.not_in(present)).order_by(User.name, User.id).limit(limit))
    return list(db.session.scalars(query))


def certified_user_ids(session: TrainingSession) -> set[int]:
    """Attendees who hold a valid certificate for the session's course."""
    ids = [a.user_id for a in session.attendances if a.user_id is not None]
    if not ids:
        return set()
    rows = db.session.scalars(select(Certificate).where(
        Certificate.course_slug == session.course_slug, Certificate.user_id.in_(ids)))
    return {c.user_id for c in rows if c.status() == "valid"}


def roster_csv(session: TrainingSession) -> str:
    """The roster as CSV: names, sector, how and when each person checked in. No emails."""
    rows = [["name", "account", "sector", "subrole", "organisation", "method", "checked_in_at",
             "over_capacity", "marked_by", "reason"]]
    for a in attendees(session):
        user = a.user
        marked_by = db.session.get(User, a.marked_by_id) if a.marked_by_id else None
        rows.append([
            a.name, "yes" if user else "no", user.sector if user else "", user.subrole if user else "",
            user.organisation if user else "", a.method, a.checked_in_at.isoformat(timespec="seconds"),
            "yes" if a.over_capacity else "no", marked_by.name if marked_by else "", a.reason or ""])
    return csvfile.to_csv(rows)


# --- paper sheets -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PaperLine:
    name: str
    email: str | None = None


@dataclass
class PaperResult:
    added: list[str] = field(default_factory=list)  # names added (accounts matched by email, or walk-ins)
    matched: int = 0  # of those, how many matched an account by email
    already: list[str] = field(default_factory=list)


class PaperError(ValueError):
    """The typed sheet cannot be read; the message is fit to show next to the field."""


def _split(line: str) -> PaperLine | None:
    line = " ".join(line.replace("\t", " ").split())
    if not line:
        return None
    match = _EMAIL.search(line)
    email = match.group(0) if match else None
    name = (line[:match.start()] + line[match.end():]) if match else line
    name = " ".join(name.strip(" ,;<>()").split())
    return PaperLine(name or (email or ""), email)


def parse_text(text: str) -> list[PaperLine]:
    """One person per line: a name, optionally followed by an email (comma, semicolon or space between)."""
    if len(text.encode()) > MAX_PAPER_BYTES:
        raise PaperError(f"That is too long: type at most {MAX_PAPER_LINES} names "
                         f"({MAX_PAPER_BYTES // 1000} KB).")
    lines = [p for p in (_split(raw) for raw in text.splitlines()) if p is not None]
    if len(lines) > MAX_PAPER_LINES:
        raise PaperError(f"That is {len(lines)} lines; type at most {MAX_PAPER_LINES} at a time.")
    return lines


def parse_csv(data: bytes) -> list[PaperLine]:
    """A CSV with a `name` column (and optionally `email`), or plain rows of name[, email]."""
    if len(data) > MAX_PAPER_BYTES:
        raise PaperError(f"That file is too big: at most {MAX_PAPER_BYTES // 1000} KB.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PaperError("Save the file as CSV in UTF-8 and try again.") from exc
    if "\x00" in text:  # PostgreSQL can neither store nor compare NUL characters
        raise PaperError("That file is not plain text: save it as CSV in UTF-8 and try again.")
    rows = [r for r in csv.reader(io.StringIO(text)) if any(c.strip() for c in r)]
    header = [c.strip().lower() for c in rows[0]] if rows else []
    if "name" in header:
        name_at, email_at = header.index("name"), header.index("email") if "email" in header else None
        rows = rows[1:]
    else:
        name_at, email_at = 0, 1
    lines = []
    for row in rows:
        name = row[name_at].strip() if len(row) > name_at else ""
        email = row[email_at].strip() if email_at is not None and len(row) > email_at else ""
        parsed = _split(f"{name} {email}")
        if parsed is not None:
            lines.append(parsed)
    if len(lines) > MAX_PAPER_LINES:
        raise PaperError(f"That file has {len(lines)} rows; import at most {MAX_PAPER_LINES} at a time.")
    return lines


def import_paper(session: TrainingSession, lines: list[PaperLine], actor) -> PaperResult:
    """Add the people of a paper sheet: by account when the email matches one, otherwise as walk-ins.

    A name alone never matches an account: two people share names, and the account would get the certificate.
    """
    result = PaperResult()
    reason = "typed in from the paper sign-in sheet"
    for line in lines:
        user = find_by_email(line.email) if line.email else None
        if user is not None and user.is_active:
            outcome = service.check_in(session, user, method="paper", marked_by=actor, reason=reason)
            created, name = outcome.created, user.name
            result.matched += int(created)
        else:
            created = service.add_walk_in(session, line.name, actor, reason, method="paper") is not None
            name = line.name
        (result.added if created else result.already).append(name)
    return result
