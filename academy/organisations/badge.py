"""The "trained organisation" Open Badges 3.0 credential, unsigned: pure, like certificates/credentials.py.

Its subject is the organisation, named and identified by the public page of its award; the achievement is the
rule it meets. No member is named or counted in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from academy.certificates import statuslist
from academy.certificates.codes import normalize_code
from academy.certificates.credentials import OB_CONTEXT, Branding, format_datetime, issuer_profile

PURPOSES = statuslist.PURPOSES  # a lapsed award is suspended, a withdrawn one revoked


@dataclass(frozen=True)
class TrainedOrganisation:
    """What the credential says: who, where, under which rule."""

    code: str
    organisation_name: str
    community_name: str
    community_slug: str
    sector: str
    sector_label: str
    course_slug: str
    course_title: str
    threshold_percent: int


def rule_text(threshold_percent: int, course_title: str) -> str:
    """Say the rule in one English sentence (the pages translate their own)."""
    return f"At least {threshold_percent}% of members hold a current certificate of {course_title}."


def verify_url(public_url: str, code: str) -> str:
    """Return the public page of an award (the credential subject's id, printed as the share link)."""
    return f"{public_url.rstrip('/')}/organisations/verify/{normalize_code(code) or code}"


def credential_url(public_url: str, code: str) -> str:
    return f"{public_url.rstrip('/')}/api/v1/organisation-awards/{normalize_code(code) or code}/credential"


def status_list_url(public_url: str, purpose: str, list_id: int) -> str:
    """Return where an award status list (revocation or suspension) is published."""
    if purpose not in PURPOSES:
        raise ValueError(f"unsupported status purpose {purpose!r}")
    return f"{public_url.rstrip('/')}/api/v1/organisation-awards/status/{purpose}/{list_id}"


def _achievement(base: str, what: TrainedOrganisation) -> dict:
    rule = rule_text(what.threshold_percent, what.course_title)
    return {
        "id": f"{base}/organisations/trained/{what.community_slug}/{what.sector}"
              f"#{what.course_slug}-{what.threshold_percent}",
        "type": ["Achievement"],
        "achievementType": "Award",
        "name": f"Trained organisation: {what.sector_label}",
        "description": f"An organisation of the {what.sector_label} sector in {what.community_name}. {rule}",
        "criteria": {
            "narrative": f"{rule} Current means issued by the academy, not expired and not revoked. The academy "
                         "re-checks the rule regularly: the credential is suspended while the rule does not hold "
                         "and is issued again while it does."
        },
        "fieldOfStudy": what.sector_label,
    }


def build_organisation_badge(
    *,
    public_url: str,
    what: TrainedOrganisation,
    issuer_did: str,
    issuer_name: str,
    valid_from: datetime,
    valid_until: datetime,
    status_list_id: int,
    status_index: int,
) -> dict:
    """Return an unsigned OpenBadgeCredential whose subject is the organisation, with both status entries."""
    grouped = normalize_code(what.code)
    if grouped is None:
        raise ValueError(f"not a valid award code: {what.code!r}")
    base = public_url.rstrip("/")
    entries = [statuslist.entry_at(status_list_url(base, purpose, status_list_id), status_index, purpose)
               for purpose in PURPOSES]
    return {
        "@context": list(OB_CONTEXT),
        "id": credential_url(base, grouped),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": issuer_profile(issuer_did, issuer_name, base, Branding(name=what.community_name)),
        "name": f"Trained organisation: {what.organisation_name}",
        "validFrom": format_datetime(valid_from),
        "validUntil": format_datetime(valid_until),
        "credentialSubject": {
            "id": verify_url(base, grouped),
            "type": ["AchievementSubject"],
            "name": what.organisation_name,
            "achievement": _achievement(base, what),
        },
        "credentialStatus": entries,
    }
