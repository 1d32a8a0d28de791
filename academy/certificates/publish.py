"""Signed documents the academy publishes: Open Badges credentials and status lists (any subject's)."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Hashable, Iterable
from datetime import datetime

from flask import Flask
from sqlalchemy import func, select

from academy.certificates import credentials, keys, service, statuslist
from academy.certificates.models import Certificate
from academy.database import utcnow
from academy.extensions import db

STATUS_LIST_ID = statuslist.FIRST_LIST_ID  # always served, even before the first certificate
_KEYRING_CACHE: dict = {}
_STATUS_CACHE: dict = {}
_LOCK = threading.Lock()


class NoCredential(LookupError):
    """The certificate cannot be expressed as a credential (its holder deleted the account)."""


def keyring(app: Flask) -> keys.Keyring:
    """Return the instance keyring, reloaded when a key file appears (a rotation in any process)."""
    folder = service.keys_dir(app)
    listing = tuple(sorted(os.listdir(folder))) if folder.is_dir() else ()
    if not listing:
        keys.ensure_signing_key(folder)  # `academy init` normally did this; never fail a request for it
        listing = tuple(sorted(os.listdir(folder)))
    cache_key = (str(folder), listing)
    ring = _KEYRING_CACHE.get(cache_key)
    if ring is None:
        ring = keys.load_keyring(folder)
        with _LOCK:
            _KEYRING_CACHE.clear()
            _KEYRING_CACHE[cache_key] = ring
    return ring


def _created(moment: datetime, record: keys.KeyRecord) -> str:
    """Return the proof time: deterministic, so repeated downloads are byte-identical per key."""
    return credentials.format_datetime(max(moment, record.created))


def achievement(certificate: Certificate) -> credentials.Achievement:
    """Describe the course as the certificate recorded it (the curriculum may have moved on)."""
    from academy.courses.catalog import curriculum

    cur = curriculum()
    course = cur.courses.get(certificate.course_slug)
    sector = cur.sectors.get(certificate.sector)
    how = "an in-person session" if certificate.earned_via == "in-person" else "self-paced study"
    return credentials.Achievement(
        slug=certificate.course_slug,
        title=certificate.course_title,
        description=(course.summary if course else certificate.course_title),
        criteria=f"Completed every lesson and the assessment of version {certificate.version} through {how} "
        f"({certificate.hours:g} hour{'' if certificate.hours == 1 else 's'}).",
        sector_label=sector.label if sector else certificate.sector,
        version=certificate.version,
    )


def branding(certificate: Certificate, public_url: str) -> credentials.Branding | None:
    """Return the community the certificate names in its issuer profile, if it was earned in one, with the
    absolute URL of its public logo (/communities/<id>/logo) when it has one: the credential's issuer image."""
    community = certificate.community
    if community is None:
        return None
    logo_url = None
    if community.logo_filename:
        logo_url = public_url.rstrip("/") + f"/communities/{community.id}/logo"
    return credentials.Branding(name=community.name, logo_url=logo_url)


def credential(app: Flask, certificate: Certificate) -> dict:
    """Return the certificate as a signed OpenBadgeCredential: eddsa-rdfc-2022 and eddsa-jcs-2022 proofs."""
    user = certificate.user
    if service.holder_deleted(certificate) or not user.email:
        raise NoCredential("the holder deleted their account")
    record = keyring(app).active
    public_url = app.config["ACADEMY_PUBLIC_URL"]
    unsigned = credentials.build_open_badge(
        public_url=public_url,
        code=certificate.code,
        issuer_did=record.did,
        issuer_name=app.config["ACADEMY_NAME"],
        achievement=achievement(certificate),
        email=user.email,
        salt=certificate.credential_salt,
        holder_name=certificate.holder_name,
        include_name=certificate.include_name,
        valid_from=certificate.issued_at,
        valid_until=certificate.expires_at,
        status_entry=statuslist.status_entry(public_url, certificate.status_list_id, certificate.status_index),
        community=branding(certificate, public_url),
    )
    created = _created(certificate.issued_at, record)
    return credentials.sign_proof_set(unsigned, record.private_key, record.verification_method, created)


def status_list_exists(list_id: int) -> bool:
    """Tell whether a status list is published: the first always, a later one once it holds a credential."""
    if list_id == STATUS_LIST_ID:
        return True
    found = select(Certificate.id).where(Certificate.status_list_id == list_id).limit(1)
    return db.session.scalar(found) is not None


def _revoked_in(list_id: int):
    return (Certificate.status_list_id == list_id) & Certificate.revoked_at.is_not(None)


def revocation_state(list_id: int = STATUS_LIST_ID) -> tuple[int, datetime | None]:
    """Return how many certificates of a list are revoked and when the last was: the list's version."""
    count, last = db.session.execute(
        select(func.count(Certificate.id), func.max(Certificate.revoked_at)).where(_revoked_in(list_id))
    ).one()
    return int(count), last


def revoked_indexes(list_id: int = STATUS_LIST_ID) -> list[int]:
    """Return the indexes of a status list whose certificates are revoked."""
    return list(db.session.scalars(select(Certificate.status_index).where(_revoked_in(list_id))))


def status_list_credential(app: Flask, list_id: int = STATUS_LIST_ID) -> dict:
    """Return the status list credential with both proofs, cached per process and list until a revocation."""
    count, last = revocation_state(list_id)
    return signed_status_list(
        app,
        list_url=statuslist.status_list_url(app.config["ACADEMY_PUBLIC_URL"], list_id),
        purpose="revocation",
        version=(count, last),
        changed=last,
        indexes=lambda: revoked_indexes(list_id),
    )


def signed_status_list(
    app: Flask,
    *,
    list_url: str,
    purpose: str,
    version: Hashable,
    changed: datetime | None,
    indexes: Callable[[], Iterable[int]],
) -> dict:
    """Return a signed BitstringStatusListCredential of any subject's list, cached per process and URL.

    `version` changes whenever a bit does (the list is rebuilt and signed again only then); `changed` is when the
    last bit changed, the list's validFrom, so every worker signs the same bytes; `indexes` gives the set bits.
    """
    record = keyring(app).active
    cache_key = (record.did, purpose, version)
    cached = _STATUS_CACHE.get(list_url)
    if cached is not None and cached[0] == cache_key:
        return cached[1]
    bits = statuslist.StatusList()
    for index in indexes():
        bits.set(index, True)
    # Deterministic (the same bytes from every worker) yet never in the future, even for a clock-skewed row.
    valid_from = credentials.format_datetime(min(max(changed or record.created, record.created), utcnow()))
    unsigned = statuslist.status_list_credential_at(list_url, bits.encode(), record.did, valid_from, purpose)
    signed = credentials.sign_proof_set(unsigned, record.private_key, record.verification_method, valid_from)
    with _LOCK:
        _STATUS_CACHE[list_url] = (cache_key, signed)
    return signed
