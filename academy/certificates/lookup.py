"""Public look-ups by code for the API and auditors: prebuilt Core statements, one query for any number."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import bindparam, insert, select
from sqlalchemy.engine import Engine

from academy.certificates import codes, verifylog
from academy.certificates.models import AuditEvent, Certificate, status_of
from academy.certificates.service import initials
from academy.database import utcnow
from academy.extensions import db
from academy.timestamps import iso_utc

_CERT = Certificate.__table__
_SUMMARY = select(
    _CERT.c.code,
    _CERT.c.revoked_at,
    _CERT.c.superseded_by_id,
    _CERT.c.expires_at,
    _CERT.c.issued_at,
    _CERT.c.course_slug,
    _CERT.c.course_title,
    _CERT.c.sector,
    _CERT.c.version,
    _CERT.c.holder_name,
    _CERT.c.user_id,
)  # no join to the user: deleting an account blanks holder_name (accounts.privacy.delete_account)
_ONE = _SUMMARY.where(_CERT.c.code == bindparam("code"))
_MANY = _SUMMARY.where(_CERT.c.code.in_(bindparam("codes", expanding=True)))
_AUDIT = insert(AuditEvent.__table__)
NOT_FOUND = "We could not find a certificate with this code."  # the API's 404


def log_delay(config) -> float:
    """Seconds an API look-up's audit line may wait to be batched (0 under TESTING: written at once)."""
    return float(config.get("ACADEMY_VERIFY_LOG_DELAY", 0 if config.get("TESTING") else 1.0))


# A code exactly as printed (or without its dashes) skips the forgiving parser: much faster in bulk.
_AS_PRINTED = re.compile(r"[0-9A-HJKMNP-TV-Z]{4}(?:-?[0-9A-HJKMNP-TV-Z]{4}){3}-?[0-9A-HJKMNP-TV-Z*~$=U]\Z")


def canonical(text: object) -> str | None:
    """Return codes.canonical(text), taking a short cut for codes typed exactly as printed."""
    if isinstance(text, str) and _AS_PRINTED.match(text):
        key = text.replace("-", "")
        return key if codes.is_valid_key(key) else None
    return codes.canonical(text)


_iso = iso_utc


def _summary(row, now: datetime) -> dict:
    """Return the public JSON view of one certificate row."""
    deleted = not row.holder_name or row.user_id is None
    return {
        "code": codes.group(row.code),
        "status": status_of(row.revoked_at, row.superseded_by_id, row.expires_at, now),
        "course": {
            "slug": row.course_slug,
            "title": row.course_title,
            "sector": row.sector,
            "version": row.version,
        },
        "issued_at": _iso(row.issued_at),
        "expires_at": _iso(row.expires_at),
        "holder": "deleted account" if deleted else initials(row.holder_name),
    }


def _rows(keys_: list[str], engine: Engine) -> dict:
    """Fetch the rows of canonical codes in one SELECT."""
    if not keys_:
        return {}
    # A plain read on a pooled connection: no ORM session, identity map or transaction bookkeeping.
    with engine.connect() as conn:
        if len(keys_) == 1:
            result = conn.execute(_ONE, {"code": keys_[0]})
        else:
            result = conn.execute(_MANY, {"codes": keys_})
        return {row.code: row for row in result}


def summaries(typed: Sequence[str], now: datetime | None = None, *, engine: Engine | None = None) -> list[dict]:
    """Return one public result per typed code, in order; unknown ones as status not_found. One query."""
    now = now or utcnow()
    wanted = [canonical(text) for text in typed]
    rows = _rows(sorted({key for key in wanted if key is not None}), engine or db.engine)
    return [
        _summary(rows[key], now) if key in rows else {"code": text, "status": "not_found"}
        for text, key in zip(typed, wanted, strict=True)
    ]


def log_verification(subject_id: str, channel: str, *, delay: float = 0, engine: Engine | None = None,
                     actor_id: int | None = None, **detail) -> None:
    """Log a certificate.verified line: batched within `delay` seconds (verifylog), else written at once.

    Written at once means in the request's transaction, or, given an engine (outside any request),
    in a transaction of its own.
    """
    row = {
        "at": utcnow(),
        "actor_id": actor_id,  # an auditor's own checks name the auditor; the public's name nobody
        "action": "certificate.verified",
        "subject_type": "certificate",
        "subject_id": subject_id,
        "detail": {"channel": channel, **detail},
    }
    if delay > 0:
        verifylog.buffer.add(engine or db.engine, row, delay)
    elif engine is not None:
        with engine.begin() as conn:
            conn.execute(_AUDIT, row)
    else:
        db.session.connection().execute(_AUDIT, row)
