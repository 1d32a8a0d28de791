"""The signed documents of the organisation credential: the credential and its two status lists.

Signed with the certificates' keys and both cryptosuites (academy/certificates/publish.py); the status lists are
built by the same code as the certificates' revocation lists, from the award table.
"""

from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select

from academy.certificates import credentials, statuslist
from academy.certificates import publish as certificates_publish
from academy.extensions import db
from academy.organisations import badge
from academy.organisations.models import OrganisationAward

FIRST_LIST_ID = statuslist.FIRST_LIST_ID  # always served, even before the first award


def what(award: OrganisationAward) -> badge.TrainedOrganisation:
    """Describe the award as the credential states it (English, as the credential's other texts)."""
    from academy.courses.catalog import curriculum

    organisation = award.organisation
    sector = curriculum().sectors.get(award.sector)
    return badge.TrainedOrganisation(
        code=award.code, organisation_name=organisation.name, community_name=organisation.community.name,
        community_slug=organisation.community.slug, sector=award.sector,
        sector_label=sector.label if sector else award.sector, course_slug=award.course_slug,
        course_title=award.course_title, threshold_percent=award.threshold_percent,
    )


def credential(app: Flask, award: OrganisationAward) -> dict:
    """Return the award as a signed OpenBadgeCredential with eddsa-rdfc-2022 and eddsa-jcs-2022 proofs."""
    record = certificates_publish.keyring(app).active
    unsigned = badge.build_organisation_badge(
        public_url=app.config["ACADEMY_PUBLIC_URL"], what=what(award), issuer_did=record.did,
        issuer_name=app.config["ACADEMY_NAME"], valid_from=award.credential_issued_at,
        valid_until=award.valid_until, status_list_id=award.status_list_id, status_index=award.status_index,
    )
    created = credentials.format_datetime(max(award.credential_issued_at, record.created))
    return credentials.sign_proof_set(unsigned, record.private_key, record.verification_method, created)


def _set(purpose: str, list_id: int):
    in_list = OrganisationAward.status_list_id == list_id
    if purpose == "revocation":
        return in_list & OrganisationAward.revoked_at.is_not(None)
    return in_list & OrganisationAward.lapsed_at.is_not(None) & OrganisationAward.revoked_at.is_(None)


def list_exists(list_id: int) -> bool:
    """The first list is always published; a later one once an award is in it."""
    if list_id == FIRST_LIST_ID:
        return True
    found = select(OrganisationAward.id).where(OrganisationAward.status_list_id == list_id).limit(1)
    return db.session.scalar(found) is not None


def status_list(app: Flask, purpose: str, list_id: int = FIRST_LIST_ID) -> dict:
    """Return the signed revocation or suspension list of the awards in list `list_id`."""
    indexes = sorted(db.session.scalars(select(OrganisationAward.status_index).where(_set(purpose, list_id))))
    changed = db.session.scalar(select(func.max(OrganisationAward.status_changed_at))
                                .where(OrganisationAward.status_list_id == list_id))
    return certificates_publish.signed_status_list(
        app, list_url=badge.status_list_url(app.config["ACADEMY_PUBLIC_URL"], purpose, list_id), purpose=purpose,
        version=(tuple(indexes), changed), changed=changed, indexes=lambda: indexes,
    )

