"""The roster: listing and searching attendees, finding people to mark, CSV export, paper sheets typed in."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from academy import csvfile
from academy.accounts.models import User
from academy.accounts.service import find_by_email, normalise_email
from academy.certificates.models import Certificate
from academy.extensions import db
from academy.numbers import number as number_text
from academy.sessions import service
from academy.sessions.models import Attendance, Registration, TrainingSession
from academy.sessions.registration import ACTIVE

MAX_PAPER_LINES = 500
MAX_PAPER_BYTES = 100_000
MIN_SEARCH = 2
_EMAIL = re.compile(r"[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+")


def attendees(session: TrainingSession, q: str | None = None) -> list[Attendance]:
    """The session's attendees by name, optionally only those whose name contains q."""
    query = (select(Attendance).outerjoin(User, Attendance.user_id == User.id)
             .where(Attendance.session_id == session.id).options(selectinload(Attendance.user)))
    if q and q.strip():
        q = q.strip().lower()  # autoescape: a typed % or _ is a character, not a wildcard
        query = query.where(or_(func.lower(User.name).contains(q, autoescape=True),
                                func.lower(Attendance.walk_in_name).contains(q, autoescape=True)))
    rows = db.session.scalars(query).all()
    return sorted(rows, key=lambda a: (a.name.casefold(), a.id))


NEVER_LISTED = ("admin", "auditor")  # they do not attend trainings; their accounts are never offered


def _markable(query):
    """Active accounts that can attend: no admins or auditors."""
    return query.where(User.deleted_at.is_(None), User.role.not_in(NEVER_LISTED))


def _same_community(session: TrainingSession):
    """People of the session's community (a session of no community: people of none), and people registered
    for the session, wherever they live."""
    registered = select(Registration.user_id).where(Registration.session_id == session.id,
                                                    Registration.status.in_(ACTIVE))
    if session.community_id is None:
        return or_(User.community_id.is_(None), User.id.in_(registered))
    return or_(User.community_id == session.community_id, User.id.in_(registered))


def find_people(session: TrainingSession, q: str, limit: int = 10) -> list[User]:
    """Accounts not on the roster yet: of the session's community by name, anyone else by exact email only."""
    q = " ".join((q or "").split())
    if len(q) < MIN_SEARCH or len(q) > 254:
        return []
    present = select(Attendance.user_id).where(Attendance.session_id == session.id,
                                               Attendance.user_id.is_not(None))
    query = _markable(select(User)).where(User.id.not_in(present))
    if "@" in q:
        query = query.where(User.email == normalise_email(q))
    else:
        query = query.where(_same_community(session), func.lower(User.name).contains(q.lower(), autoescape=True))
    return list(db.session.scalars(query.order_by(User.name, User.id).limit(limit)))


def may_mark(session: TrainingSession, user: User | None, email: str | None = None) -> bool:
    """Whether a trainer may mark this account present: one find_people could offer (same scope)."""
    if user is None or not user.is_active or user.role in NEVER_LISTED:
        return False
    if email and user.email == normalise_email(email):
        return True
    if db.session.scalar(select(Registration.id).where(Registration.session_id == session.id,
                                                       Registration.user_id == user.id,
                                                       Registration.status.in_(ACTIVE))) is not None:
        return True
    return user.community_id == session.community_id


def masked_email(email: str | None) -> str:
    """Enough of an address to tell two people apart without showing it: first letter and domain."""
    local, at, domain = (email or "").partition("@")
    return f"{local[:1]}•••@{domain}" if at and local else ""


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
    """The typed sheet cannot be read; the message, in the reader's language, is fit to show next to the field."""


MAX_NAME = 200  # Attendance.walk_in_name and User.name
MAX_LINE = 600  # a name, an email and separators; longer lines are refused before any parsing
_SEPARATORS = re.compile(r"[\s,;<>()]+")  # one character class, no nesting: linear in the line's length


def _is_email(token: str) -> bool:
    """One @, something before it, and a dotted domain after it (string methods: linear, no backtracking)."""
    local, at, domain = token.partition("@")
    return bool(at and local and "@" not in domain and "." in domain.strip(".") and len(token) <= 254)


def _split(line: str, number: int = 0) -> PaperLine | None:
    """Read one line: a name and, optionally, an email. Raise PaperError naming the line if it is malformed."""
    if len(line) > MAX_LINE:
        raise PaperError(_("Line %(line)s: that line is longer than %(limit)s characters.", line=number,
                           limit=number_text(MAX_LINE)))
    tokens = [t for t in _SEPARATORS.split(line) if t]
    if not tokens:
        return None
    emails = [t for t in tokens if "@" in t]
    if len(emails) > 1 or (emails and not _is_email(emails[0])):
        shown = " ".join(emails)[:80]
        raise PaperError(_("Line %(line)s: “%(emails)s” is not one email address. Correct the line or remove it.",
                           line=number, emails=shown))
    email = emails[0] if emails else None
    name = " ".join(t for t in tokens if "@" not in t) or (email or "")
    if len(name) > MAX_NAME:
        raise PaperError(_("Line %(line)s: the name is longer than %(limit)s characters.", line=number,
                           limit=number_text(MAX_NAME)))
    return PaperLine(name, email)


def _lines(rows) -> list[PaperLine]:
    """Parse (line number, text) pairs; stop at the line limit; report the first malformed line."""
    lines = []
    for number, raw in rows:
        parsed = _split(raw, number)
        if parsed is not None:
            lines.append(parsed)
    if len(lines) > MAX_PAPER_LINES:
        raise PaperError(ngettext("That is %(count)s line; type at most %(limit)s at a time.",
                                  "That is %(count)s lines; type at most %(limit)s at a time.", len(lines),
                                  count=number_text(len(lines)), limit=number_text(MAX_PAPER_LINES)))
    return lines


def parse_text(text: str) -> list[PaperLine]:
    """One person per line: a name, optionally followed by an email (comma, semicolon or space between)."""
    if len(text) > MAX_PAPER_BYTES or len(text.encode()) > MAX_PAPER_BYTES:
        raise PaperError(_("That is too long: type at most %(limit)s names (%(kb)s KB).",
                           limit=number_text(MAX_PAPER_LINES), kb=number_text(MAX_PAPER_BYTES // 1000)))
    raw_lines = text.splitlines()
    if sum(1 for raw in raw_lines if raw.strip()) > MAX_PAPER_LINES:
        raise PaperError(_("That is more than %(limit)s lines; type at most %(limit)s at a time.",
                           limit=number_text(MAX_PAPER_LINES)))
    return _lines(enumerate(raw_lines, start=1))


def _decode(data: bytes) -> str:
    try:  # any encoding and line ending a spreadsheet saves; NUL bytes dropped (PostgreSQL cannot store them)
        return csvfile.read_text(data)
    except csvfile.NotText as exc:
        raise PaperError(_("That file is not plain text: save it as CSV and try again.")) from exc


def parse_csv(data: bytes) -> list[PaperLine]:
    """A CSV with a `name` column (and optionally `email`), or plain rows of name[, email]; any line ending."""
    if len(data) > MAX_PAPER_BYTES:
        raise PaperError(_("That file is too big: at most %(kb)s KB.", kb=number_text(MAX_PAPER_BYTES // 1000)))
    text = _decode(data)
    try:  # strict: an unclosed quote is refused, not read as a name running to the end of the file
        rows = [r for r in csv.reader(io.StringIO(text, newline=""), strict=True) if any(c.strip() for c in r)]
    except csv.Error as exc:
        # the csv module's own words (a cell over its size limit) are English and technical: not shown
        raise PaperError(_("That file is not a CSV the academy can read. Save it as CSV and try again.")) from exc
    header = [c.strip().lower() for c in rows[0]] if rows else []
    first = 1
    if "name" in header:
        name_at, email_at = header.index("name"), header.index("email") if "email" in header else None
        rows, first = rows[1:], 2
    else:
        name_at, email_at = 0, 1
    if len(rows) > MAX_PAPER_LINES:
        raise PaperError(ngettext("That file has %(count)s row; import at most %(limit)s at a time.",
                                  "That file has %(count)s rows; import at most %(limit)s at a time.", len(rows),
                                  count=number_text(len(rows)), limit=number_text(MAX_PAPER_LINES)))
    pairs = []
    for number, row in enumerate(rows, start=first):
        name = row[name_at].strip() if len(row) > name_at else ""
        email = row[email_at].strip() if email_at is not None and len(row) > email_at else ""
        pairs.append((number, f"{name} {email}"))
    return _lines(pairs)


def import_paper(session: TrainingSession, lines: list[PaperLine], actor) -> PaperResult:
    """Add the people of a paper sheet: by account when the email matches one, otherwise as walk-ins.

    A name alone never matches an account: two people share names, and the account would get the certificate.
    Two lines of the same name on one sheet are two people (each signed); a name already on the roster before
    the import is skipped and reported by name, so the trainer can add a namesake by hand.
    """
    result = PaperResult()
    reason = "typed in from the paper sign-in sheet"
    before = {a.name.casefold() for a in attendees(session)}
    for line in lines:
        user = find_by_email(line.email) if line.email else None
        if user is not None and user.is_active:
            outcome = service.check_in(session, user, method="paper", marked_by=actor, reason=reason)
            created, name = outcome.created, user.name
            result.matched += int(created)
        elif line.name.casefold() in before:
            created, name = False, line.name
        else:
            created = service.add_walk_in(session, line.name, actor, reason, method="paper",
                                          allow_namesake=True) is not None
            name = line.name
        (result.added if created else result.already).append(name)
    service.refresh_over_capacity(session)
    return result
