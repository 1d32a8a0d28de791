"""Certificate rules: issue, renew, revoke, look up, audit. Services add and flush; callers commit."""

from __future__ import annotations

import calendar
import hmac
import logging
import unicodedata
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from academy.accounts.models import User
from academy.certificates import codes, keys, statuslist
from academy.certificates.models import AuditEvent, Certificate
from academy.database import utcnow
from academy.extensions import db

log = logging.getLogger(__name__)

VIA = ("self-paced", "in-person")
KEYS_FOLDER = "keys"


class CertificateError(ValueError):
    """A rule about certificates was broken; the message is fit to show."""


# --- keys -------------------------------------------------------------------------------------------------


def keys_dir(app: Flask) -> Path:
    """Return the folder holding the instance's signing keys."""
    return Path(app.instance_path) / KEYS_FOLDER


def init_keys(app: Flask) -> list[str]:
    """Make sure an Ed25519 signing key exists in <instance>/keys; return a line saying which."""
    folder = keys_dir(app)
    created = keys.ensure_signing_key(folder)
    did = keys.load_keyring(folder).active.did
    return [f"signing key {'created' if created else 'present'}: {did} in {folder}"]


# --- dates and names ----------------------------------------------------------------------------------------


def add_months(moment: datetime, months: int) -> datetime:
    """Add calendar months, keeping the day when it exists (31 Jan + 1 month = 28/29 Feb)."""
    total = moment.month - 1 + months
    year, month = moment.year + total // 12, total % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def initials(name: str | None) -> str:
    """Mask a name as its initials, 'Priya Patel' -> 'P. P.'."""
    words = [word for word in (name or "").replace("-", " ").split() if word[:1].isalpha()]
    return " ".join(f"{word[0].upper()}." for word in words)


def fold_name(name: str) -> str:
    """Fold a name for comparison: no case, accents, spaces or punctuation."""
    decomposed = unicodedata.normalize("NFKD", name or "").casefold()
    return "".join(char for char in decomposed if char.isalnum())


def name_matches(certificate: Certificate, typed: str) -> bool:
    """Tell whether a typed name is the holder's name as printed (case, accents and spaces ignored)."""
    expected, given = fold_name(certificate.holder_name), fold_name(typed)
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode(), given.encode())


# --- audit --------------------------------------------------------------------------------------------------


def audit(
    action: str,
    certificate: Certificate | None,
    actor=None,
    now: datetime | None = None,
    *,
    subject_id: str | None = None,
    **detail,
) -> AuditEvent:
    """Append one event to the audit log (ids and codes only, never names, emails or addresses)."""
    if certificate is not None:
        subject_id = codes.group(certificate.code)
    event = AuditEvent(
        at=now or utcnow(),
        actor_id=getattr(actor, "id", None),
        action=action,
        subject_type="certificate",
        subject_id=subject_id or "-",
        detail=detail,
    )
    db.session.add(event)
    return event


# --- issue --------------------------------------------------------------------------------------------------


SLOT_ATTEMPTS = 32  # draws of a random status index; at half full, 32 misses in a row is a 1 in 4e9 event


def status_list_capacity() -> int:
    """Return how many credentials one status list takes (ACADEMY_STATUS_LIST_CAPACITY), at most half its size."""
    configured = current_app.config.get("ACADEMY_STATUS_LIST_CAPACITY", statuslist.LIST_CAPACITY)
    return max(1, min(int(configured), statuslist.LIST_CAPACITY))


def _open_list(model, capacity: int) -> int:
    """Return the status list a new credential of a model goes into: the newest, or the next once it is full."""
    newest = db.session.scalar(select(func.max(model.status_list_id)))
    if newest is None:
        return statuslist.FIRST_LIST_ID
    used = db.session.scalar(select(func.count()).where(model.status_list_id == newest))
    return newest + 1 if used >= capacity else newest


def _begin_write() -> None:
    """On SQLite, take the write lock before choosing a status slot, so workers issue one after another.

    pysqlite opens a transaction only at the first INSERT; a SAVEPOINT before it would be the outermost one,
    whose RELEASE commits. BEGIN IMMEDIATE opens it now (waiting for another writer up to busy_timeout).
    PostgreSQL needs nothing: the unique constraint makes a concurrent INSERT of the same slot wait and fail.
    """
    connection = db.session.connection()
    if connection.dialect.name == "sqlite" and not connection.connection.dbapi_connection.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def insert_in_free_slot(record, capacity: int | None = None) -> None:
    """Insert a record with a fresh code at a random free index of its model's open status list.

    Any model with `code`, `status_list_id` and `status_index` columns and a unique constraint on the last two
    (a certificate, an organisation's award) gets its slot this way; a taken slot is drawn again.
    """
    model = type(record)
    capacity = status_list_capacity() if capacity is None else capacity
    _begin_write()
    for _ in range(SLOT_ATTEMPTS):
        record.code = _fresh_code(model)
        record.status_list_id = _open_list(model, capacity)
        record.status_index = statuslist.random_index()
        try:
            with db.session.begin_nested():
                db.session.add(record)
        except IntegrityError:
            continue  # another record (perhaps another worker's, just now) holds this slot
        return
    raise CertificateError("No free place in the revocation list was found; please try again.")


def _fresh_code(model=Certificate) -> str:
    """Return a canonical code not yet used by the model (a clash of 80 random bits is only theory)."""
    while True:
        key = codes.canonical(codes.new_code())
        if db.session.scalar(select(model.id).where(model.code == key)) is None:
            return key


def _previous(user, slug: str) -> list[Certificate]:
    """Return the user's certificates for a course that a new one replaces (valid or expired)."""
    return list(
        db.session.scalars(
            select(Certificate).where(
                Certificate.user_id == user.id,
                Certificate.course_slug == slug,
                Certificate.revoked_at.is_(None),
                Certificate.superseded_by_id.is_(None),
            )
        )
    )


def issue_certificate(user, course, *, via: str, session=None, now: datetime | None = None) -> Certificate:
    """Issue a certificate for a completed course; a retake supersedes (renews) the previous one."""
    if via not in VIA:
        raise CertificateError(f"unknown way of earning {via!r}; use one of {', '.join(VIA)}")
    now = now or utcnow()
    previous = _previous(user, course.slug)
    certificate = Certificate(
        user_id=user.id,
        holder_name=user.name,
        course_slug=course.slug,
        course_title=course.title,
        sector=course.sector,
        subrole=user.subrole if user.sector == course.sector else None,
        community_id=user.community_id,
        version=course.version,
        hours=course.hours,
        earned_via=via,
        session_id=getattr(session, "id", session),
        issued_at=now,
        expires_at=add_months(now, course.validity_months) if course.validity_months else None,
    )
    insert_in_free_slot(certificate)
    audit("certificate.issued", certificate, user, now, course=course.slug, version=course.version, via=via)
    for old in previous:
        old.superseded_by_id = certificate.id
        audit("certificate.renewed", old, user, now, superseded_by=codes.group(certificate.code))
    log.info("certificate %s issued to user %s for %s", certificate.id, user.id, course.slug)
    from academy.mail import notices

    notices.certificate_issued(certificate)
    return certificate


# --- revoke -------------------------------------------------------------------------------------------------


def revoke_certificate(certificate: Certificate, actor, reason: str, now: datetime | None = None) -> None:
    """Revoke a certificate with a private reason; the status list follows from the database."""
    reason = (reason or "").strip()
    if not reason:
        raise CertificateError("Give a reason for the revocation.")
    if certificate.revoked_at is not None:
        raise CertificateError("This certificate is already revoked.")
    now = now or utcnow()
    certificate.revoked_at, certificate.revoked_by_id = now, actor.id
    certificate.revoke_reason = reason[:500]
    audit("certificate.revoked", certificate, actor, now)
    db.session.flush()
    log.info("certificate %s revoked by %s", certificate.id, actor.id)
    if actor.id != certificate.user_id:  # not when holders withdraw their own (deleting their account)
        from academy.mail import notices

        notices.certificate_revoked(certificate)


def set_include_name(certificate: Certificate, include: bool) -> None:
    """Record the holder's choice to have their name in the signed credential."""
    certificate.include_name = bool(include)
    db.session.flush()


# --- look-up ------------------------------------------------------------------------------------------------


def find(text: str | None) -> Certificate | None:
    """Find a certificate by a typed code, forgiving case, separators and look-alikes."""
    key = codes.canonical(text or "")
    if key is None:
        return None
    return db.session.scalar(select(Certificate).where(Certificate.code == key))


def find_with_holder(text: str | None) -> Certificate | None:
    """Find a certificate by a typed code, with whether its holder's account is deleted, in one query.

    The public verify page needs nothing else of the account, so only that column of it is loaded.
    """
    key = codes.canonical(text or "")
    if key is None:
        return None
    holder = joinedload(Certificate.user).load_only(User.deleted_at)
    return db.session.scalar(select(Certificate).options(holder).where(Certificate.code == key))


def record_verification(certificate: Certificate, channel: str, now: datetime | None = None) -> None:
    """Log that someone checked a certificate (no IP, no personal data)."""
    audit("certificate.verified", certificate, None, now, channel=channel)


def replacement_of(certificate: Certificate, hops: int = 20) -> Certificate | None:
    """Return the certificate that now stands for a superseded one: the end of its chain of renewals."""
    current = certificate
    for _ in range(hops):
        if current.superseded_by_id is None:
            break
        current = db.session.get(Certificate, current.superseded_by_id)
        if current is None:
            break
    return current if current is not None and current is not certificate else None


def holder_deleted(certificate: Certificate) -> bool:
    """Tell whether the holder has deleted their account."""
    user = certificate.user
    return not certificate.holder_name or user is None or user.deleted_at is not None


def masked_holder(certificate: Certificate) -> str:
    """Return the holder as initials, or 'deleted account'."""
    return "deleted account" if holder_deleted(certificate) else initials(certificate.holder_name)


def certificates_of(user) -> Sequence[Certificate]:
    """Return a user's certificates, newest first."""
    return db.session.scalars(
        select(Certificate)
        .where(Certificate.user_id == user.id)
        .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
    ).all()


# --- reissue after a change of name -------------------------------------------------------------------------


def outdated_names(user, now: datetime | None = None) -> list[Certificate]:
    """Return the user's current certificates (valid, not replaced) that print a name other than today's."""
    return [c for c in certificates_of(user)
            if c.status(now) == "valid" and c.holder_name and c.holder_name != user.name]


def reissue_with_name(old: Certificate, user, now: datetime | None = None) -> Certificate:
    """Issue a copy of a certificate under the holder's current name; the old one is superseded by it.

    The copy keeps the dates it was earned and expires on (a new name is not new training) and gets a new code.
    """
    now = now or utcnow()
    certificate = Certificate(
        user_id=user.id, holder_name=user.name, course_slug=old.course_slug, course_title=old.course_title,
        sector=old.sector, subrole=old.subrole, community_id=old.community_id, version=old.version,
        hours=old.hours, earned_via=old.earned_via, session_id=old.session_id, include_name=old.include_name,
        issued_at=old.issued_at, expires_at=old.expires_at,
    )
    insert_in_free_slot(certificate)
    old.superseded_by_id = certificate.id
    audit("certificate.reissued", certificate, user, now, replaces=codes.group(old.code), reason="name changed")
    audit("certificate.renewed", old, user, now, superseded_by=codes.group(certificate.code))
    log.info("certificate %s reissued as %s for user %s after a change of name", old.id, certificate.id, user.id)
    return certificate
