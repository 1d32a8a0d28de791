"""The certificate register for auditors: filtered queries, CSV export, and codes read from a paste or CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import datetime

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


def status_clause(status: str, now: datetime):
    """Return the SQL condition for one status (the same rules as Certificate.status)."""
    live = and_(Certificate.revoked_at.is_(None), Certificate.superseded_by_id.is_(None))
    return {
        "revoked": Certificate.revoked_at.is_not(None),
        "superseded": and_(Certificate.revoked_at.is_(None), Certificate.superseded_by_id.is_not(None)),
        "expired": and_(live, Certificate.expires_at <= now),
        "valid": and_(live, or_(Certificate.expires_at.is_(None), Certificate.expires_at > now)),
    }[status]


def register_query(
    status: str | None = None,
    course: str | None = None,
    community_id: int | None = None,
    now: datetime | None = None,
) -> Select:
    """Return the register's query, newest first, filtered by status, course and community."""
    query = select(Certificate).order_by(Certificate.issued_at.desc(), Certificate.id.desc())
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
    rows = csv.reader(io.StringIO(text.replace(";", ",")), dialect=dialect)
    return [[cell.strip() for cell in row] for row in rows]


def read_codes(text: str) -> list[str]:
    """Return the codes in a paste or CSV, in order: the cells of every column holding at least one code."""
    rows = [row for row in _cells(text) if any(row)]
    columns = {i for row in rows for i, cell in enumerate(row) if codes.canonical(cell)}
    if rows and _is_header(rows[0]) and (columns or HEADER_WORDS & {c.casefold() for c in rows[0]}):
        rows = rows[1:]  # a header line such as "code"
    if not columns:  # nothing looks like a code: report every cell, so the auditor sees why
        columns = {i for row in rows for i in range(len(row))}
    found = [cell for row in rows for i, cell in enumerate(row) if i in columns and cell]
    if len(found) > MAX_CODES:
        raise TooMany(f"That is {len(found):,} codes; check at most {MAX_CODES:,} at a time.")
    return found


HEADER_WORDS = {"code", "codes", "certificate", "certificate code", "certificate_code", "certificate codes"}


def _is_header(row: list[str]) -> bool:
    """Tell whether a first row names columns rather than holding codes."""
    return not any(codes.canonical(cell) for cell in row)


def decode_upload(data: bytes) -> str:
    """Return an uploaded file as text, refusing more than 1 MB."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise TooMany("That file is larger than 1 MB. Split it into smaller files of at most 1,000 codes.")
    return data.decode("utf-8-sig", errors="replace")


def audit_log_query(action: str | None = None) -> Select:
    """Return the audit log, newest first, optionally one action."""
    query = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    return query.where(AuditEvent.action == action) if action else query


def audit_actions() -> list[str]:
    """Return the actions present in the audit log."""
    return list(db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)))
