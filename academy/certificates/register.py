"""The certificate register for auditors: filtered queries, CSV export, and codes read from a paste or CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from sqlalchemy import Select, and_, or_, select

from academy import csvfile
from academy.accounts.models import Community
from academy.certificates import codes
from academy.certificates.models import AuditEvent, Certificate
from academy.database import utcnow
from academy.extensions import db
from academy.timestamps import iso_utc

STATUSES = ("valid", "expired", "revoked", "superseded")
EXPORT_COLUMNS = (
    "code",
    "status",
    "course_slug",
    "course_title",
    "sector",
    "subrole",
    "community",
    "version",
    "hours",
    "earned_via",
    "issued_at",
    "expires_at",
)
MAX_UPLOAD_BYTES = 1024 * 1024
MAX_CODES = 1000


class TooMany(ValueError):
    """More codes or bytes than one check accepts; the message is fit to show."""


class Unreadable(ValueError):
    """An upload that is not a CSV or text file (a picture, a workbook, a cell longer than a CSV allows)."""


def status_clause(status: str, now: datetime):
    """Return the SQL condition for one status (the same rules as Certificate.status)."""
    live = and_(Certificate.revoked_at.is_(None), Certificate.superseded_by_id.is_(None))
    return {
        "revoked": Certificate.revoked_at.is_not(None),
        "superseded": and_(Certificate.revoked_at.is_(None), Certificate.superseded_by_id.is_not(None)),
        "expired": and_(live, Certificate.expires_at <= now),
        "valid": and_(live, or_(Certificate.expires_at.is_(None), Certificate.expires_at > now)),
    }[status]


def _like(text: str) -> str:
    """A LIKE pattern that finds `text` anywhere, its own %, _ and \\ taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_clause(search: str):
    """Match a typed code exactly, else a holder's name or a course's title or slug containing the text."""
    key = codes.canonical(search)
    if key is not None:
        return Certificate.code == key
    pattern = _like(search.strip())
    return or_(Certificate.holder_name.ilike(pattern, escape="\\"),
               Certificate.course_title.ilike(pattern, escape="\\"),
               Certificate.course_slug.ilike(pattern, escape="\\"))


def register_query(
    status: str | None = None,
    course: str | None = None,
    community_id: int | None = None,
    now: datetime | None = None,
    search: str | None = None,
) -> Select:
    """Return the register's query, newest first, filtered by status, course, community and a search."""
    query = select(Certificate).order_by(Certificate.issued_at.desc(), Certificate.id.desc())
    if search and search.strip():
        query = query.where(search_clause(search))
    if status in STATUSES:
        query = query.where(status_clause(status, now or utcnow()))
    if course:
        query = query.where(Certificate.course_slug == course)
    if community_id:
        query = query.where(Certificate.community_id == community_id)
    return query


def _iso(moment: datetime | None) -> str:
    return iso_utc(moment) or ""


def export_rows(now: datetime | None = None) -> Iterator[list]:
    """Yield the register as CSV rows, header first (no names, no emails)."""
    now = now or utcnow()
    slugs = {id_: slug for id_, slug in db.session.execute(select(Community.id, Community.slug))}
    yield list(EXPORT_COLUMNS)
    query = (
        select(Certificate).order_by(Certificate.issued_at, Certificate.id).execution_options(yield_per=500)
    )
    for cert in db.session.scalars(query):
        yield [
            codes.group(cert.code),
            cert.status(now),
            cert.course_slug,
            cert.course_title,
            cert.sector,
            cert.subrole or "",
            slugs.get(cert.community_id, ""),
            cert.version,
            f"{cert.hours:g}",
            cert.earned_via,
            _iso(cert.issued_at),
            _iso(cert.expires_at),
        ]


def write_csv(rows: Iterable[list], out) -> None:
    """Write rows as CSV to a text stream (cells that could run as formulas are made safe)."""
    csvfile.write_rows(rows, out, lineterminator="\n")


def to_csv(rows: Iterable[list]) -> str:
    """Return rows as CSV text (cells that could run as formulas are made safe)."""
    return csvfile.to_csv(rows, lineterminator="\n")


def _cells(text: str) -> list[list[str]]:
    """Split text into rows of stripped cells (commas, semicolons and tabs separate cells)."""
    dialect = "excel-tab" if "\t" in text and "," not in text else "excel"
    # newline="": the csv module then reads \n, \r\n and the old Mac \r alike, in a paste as in a file
    rows = csv.reader(io.StringIO(text.replace(";", ","), newline=""), dialect=dialect)
    try:
        return [[cell.strip() for cell in row] for row in rows]
    except csv.Error as exc:  # a cell longer than the csv module's field limit
        raise Unreadable(str(exc)) from exc


def read_codes(text: str) -> list[str]:
    """Return the codes in a paste or CSV, in order: the cells of every column holding at least one code."""
    return [code for code, _name in read_named_codes(text)]


def read_named_codes(text: str) -> list[tuple[str, str | None]]:
    """Return (code, name) pairs in order: the cells of every column holding at least one code, each with the
    text of the row's other cells as a name to check against the holder ("Priya Patel, F8C2-RS81-…"), if any.
    """
    rows = [row for row in _cells(text) if any(row)]
    columns = {i for row in rows for i, cell in enumerate(row) if codes.canonical(cell)}
    name_column = None
    if rows and _is_header(rows[0]) and (columns or HEADER_WORDS & {c.casefold() for c in rows[0]}):
        header = [cell.casefold() for cell in rows[0]]
        name_column = next((i for i, cell in enumerate(header) if cell in NAME_HEADERS), -1)
        rows = rows[1:]  # a header line such as "code" or "name,code"
    if not columns:  # nothing looks like a code: report every cell, so the auditor sees why
        return _at_most([(cell, None) for row in rows for cell in row if cell])
    found = []
    for row in rows:
        cells = [cell for i, cell in enumerate(row) if i in columns and cell]
        # In a row that has a code, text that is not one is a name beside it ("Ada Lovelace, F8C2-…"), even in
        # a column where other rows have codes; in a row without any, it is reported, so the auditor sees why.
        cells = [cell for cell in cells if codes.canonical(cell)] or cells
        found += [(cell, _name_in(row, cells, name_column) if n == 0 else None) for n, cell in enumerate(cells)]
    return _at_most(found)


NAME_HEADERS = {"name", "names", "holder", "holder name", "full name", "nombre", "nom"}


def _name_in(row: list[str], taken: list[str], name_column: int | None) -> str | None:
    """The name typed beside a row's codes: the "name" column under a header, else the row's one other cell."""
    if name_column is not None:
        return (row[name_column] or None) if 0 <= name_column < len(row) else None
    others = [cell for cell in row if cell and cell not in taken]
    return others[0] if len(others) == 1 else None


def _at_most(found: list) -> list:
    if len(found) > MAX_CODES:
        raise TooMany(f"That is {len(found):,} codes; check at most {MAX_CODES:,} at a time.")
    return found


HEADER_WORDS = {"code", "codes", "certificate", "certificate code", "certificate_code", "certificate codes", "name"}


def _is_header(row: list[str]) -> bool:
    """Tell whether a first row names columns rather than holding codes."""
    return not any(codes.canonical(cell) for cell in row)


def decode_upload(data: bytes) -> str:
    """Return an uploaded file as text (any encoding and line ending a spreadsheet saves), refusing more than
    1 MB (TooMany) and files that are not text (Unreadable)."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise TooMany("That file is larger than 1 MB. Split it into smaller files of at most 1,000 codes.")
    try:
        return csvfile.read_text(data)
    except csvfile.NotText as exc:
        raise Unreadable(str(exc)) from exc


def _start_of(day: date, zone: tzinfo) -> datetime:
    """The first moment of a day in a zone, in UTC (a day can be 23 or 25 hours long)."""
    return datetime.combine(day, time.min, zone).astimezone(UTC)


def audit_log_query(action: str | None = None, since: date | None = None, until: date | None = None,
                    zone: tzinfo = UTC) -> Select:
    """Return the audit log, newest first, optionally one action and the days from `since` to `until` as days of
    `zone` (the reader's community's time zone; the log is stored in UTC)."""
    query = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    if action:
        query = query.where(AuditEvent.action == action)
    if since:
        query = query.where(AuditEvent.at >= _start_of(since, zone))
    if until:
        query = query.where(AuditEvent.at < _start_of(until + timedelta(days=1), zone))
    return query


def audit_actions() -> list[str]:
    """Return the actions present in the audit log."""
    return list(db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)))
