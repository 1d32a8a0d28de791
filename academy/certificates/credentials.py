"""Open Badges 3.0 credentials and their offline checks: proofs (see proofs.py), issuer, dates, revocation."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime

from academy.certificates.codes import normalize_code
from academy.certificates.proofs import (  # noqa: F401 (the signing API, used through this module)
    JCS,
    PROOF_TYPE,
    RDFC,
    SUITES,
    Loader,
    VerificationResult,
    canonicalize,
    hash_data,
    parse_datetime,
    proof_config,
    sign,
    sign_proof_set,
    verify_proofs,
)
from academy.certificates.statuslist import StatusList

CRYPTOSUITE = JCS  # the suite the academy signed with first; kept for callers that name it

OB_CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]


def format_datetime(moment: datetime) -> str:
    """Format an aware datetime as UTC to the second, e.g. 2025-01-31T12:00:00Z."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def issuer_id(document: dict) -> str | None:
    """Return the issuer's id, whether the issuer is a string or an object."""
    issuer = document.get("issuer")
    if isinstance(issuer, dict):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) else None


def verify(
    document: dict,
    *,
    proof_purpose: str = "assertionMethod",
    check_issuer: bool = True,
    loader: Loader | None = None,
) -> VerificationResult:
    """Verify every eddsa-rdfc-2022 and eddsa-jcs-2022 proof offline, by default also that the issuer signed."""
    issuer = issuer_id(document) if check_issuer and isinstance(document, dict) else None
    if check_issuer and isinstance(document, dict) and issuer is None:
        return VerificationResult(False, "the credential names no issuer")
    return verify_proofs(document, issuer, proof_purpose=proof_purpose, loader=loader)


def check_dates(document: dict, now: datetime) -> VerificationResult:
    """Check validFrom and validUntil against an aware now."""
    bounds = {}
    for name in ("validFrom", "validUntil"):
        if name in document:
            bounds[name] = parse_datetime(document[name])
            if bounds[name] is None:
                return VerificationResult(False, f"{name} is not a dateTime with a timezone")
    if bounds.get("validFrom") and now < bounds["validFrom"]:
        return VerificationResult(False, f"not valid before {document['validFrom']}")
    if bounds.get("validUntil") and now >= bounds["validUntil"]:
        return VerificationResult(False, f"expired at {document['validUntil']}")
    return VerificationResult(True, "within its validity period")


def _as_list(value: object) -> list:
    """Return an @context (or type) value as a list."""
    return value if isinstance(value, list) else [value]


def status_entry_of(credential: dict, purpose: str = "revocation") -> dict | None:
    """Return the credential's BitstringStatusListEntry for a purpose (revocation, suspension), if any."""
    entries = credential.get("credentialStatus")
    for entry in entries if isinstance(entries, list) else [entries]:
        if (
            isinstance(entry, dict)
            and entry.get("type") == "BitstringStatusListEntry"
            and entry.get("statusPurpose") == purpose
        ):
            return entry
    return None


def _revocation_entry(credential: dict) -> dict | None:
    """Return the credential's BitstringStatusListEntry for revocation, if any."""
    return status_entry_of(credential, "revocation")


def _status_list_problem(entry: dict, status_list: dict, allowed: set, now: datetime | None) -> str | None:
    """Return why a status list credential cannot be trusted for this entry, or None."""
    if status_list.get("id") != entry.get("statusListCredential"):
        return "the status list is not the one the credential names"
    if "BitstringStatusListCredential" not in _as_list(status_list.get("type")):
        return "not a BitstringStatusListCredential"
    result = verify(status_list)
    if not result:
        return f"status list: {result.reason}"
    if issuer_id(status_list) not in allowed:
        return f"the status list was issued by {issuer_id(status_list)}, not by a trusted issuer"
    if now is not None and not (dates := check_dates(status_list, now)):
        return f"status list: {dates.reason}"
    subject = status_list.get("credentialSubject")
    if not isinstance(subject, dict) or subject.get("type") != "BitstringStatusList":
        return "the status list has no BitstringStatusList subject"
    if subject.get("statusPurpose") != entry.get("statusPurpose"):
        return "the status list's purpose differs from the entry's"
    if entry.get("statusSize", 1) not in (1, "1"):
        return "status entries wider than one bit are not supported"
    return None


def check_status(
    credential: dict,
    status_list_credential: dict,
    *,
    trusted_issuers: Collection[str] = (),
    now: datetime | None = None,
    purpose: str = "revocation",
) -> str:
    """Return 'revoked' (or 'suspended', for a suspension list), 'ok' or why the status cannot be determined."""
    entry = status_entry_of(credential, purpose) if isinstance(credential, dict) else None
    if entry is None:
        return f"the credential has no {purpose} status entry"
    if not isinstance(status_list_credential, dict):
        return "the status list is not a JSON object"
    allowed = {issuer_id(credential), *trusted_issuers} - {None}
    if problem := _status_list_problem(entry, status_list_credential, allowed, now):
        return problem
    index = entry.get("statusListIndex")
    if not isinstance(index, str) or not index.isascii() or not index.isdigit():
        return f"statusListIndex {index!r} is not a non-negative integer string"
    try:
        bits = StatusList.decode(status_list_credential["credentialSubject"].get("encodedList"))
        set_word = "suspended" if purpose == "suspension" else "revoked"
        return set_word if bits.get(int(index)) else "ok"
    except (ValueError, IndexError) as error:
        return f"status list: {error}"


def identity_hash(email: str, salt: str) -> str:
    """Return the Open Badges identityHash of an email address: sha256$ + hex(sha256(lower(email) + salt))."""
    return "sha256$" + hashlib.sha256((email.strip().lower() + salt).encode("utf-8")).hexdigest()


def new_salt() -> str:
    """Return a fresh random salt for an identity hash."""
    return secrets.token_hex(16)


@dataclass(frozen=True)
class Achievement:
    """What a badge says about the course it was earned for."""

    slug: str
    title: str
    description: str
    criteria: str
    sector_label: str
    version: str


def _subject(email: str, salt: str, holder_name: str | None, achievement: dict) -> dict:
    """Return the AchievementSubject: a salted email hash, the name only when given."""
    subject: dict = {
        "type": ["AchievementSubject"],
        "identifier": [
            {
                "type": "IdentityObject",
                "identityHash": identity_hash(email, salt),
                "identityType": "emailAddress",
                "hashed": True,
                "salt": salt,
            }
        ],
    }
    if holder_name:
        subject["name"] = holder_name
    subject["achievement"] = achievement
    return subject


def _achievement(base: str, achievement: Achievement) -> dict:
    """Return the OB Achievement for one version of a course."""
    return {
        "id": f"{base}/courses/{achievement.slug}#v{achievement.version}",
        "type": ["Achievement"],
        "achievementType": "Course",
        "name": achievement.title,
        "description": achievement.description,
        "criteria": {"narrative": achievement.criteria},
        "fieldOfStudy": achievement.sector_label,
        "version": achievement.version,
    }


@dataclass(frozen=True)
class Branding:
    """The community a certificate was earned in, as the issuer profile names it (its logo when it has one)."""

    name: str
    logo_url: str | None = None


def issuer_profile(did: str, name: str, url: str, community: Branding | None = None) -> dict:
    """Return the issuer's OB Profile: the academy's name and URL, and the community's name and logo if any."""
    profile: dict = {"id": did, "type": ["Profile"], "name": name, "url": url}
    if community is not None and community.name:
        profile["description"] = f"{name}, for {community.name}"
    if community is not None and community.logo_url:
        profile["image"] = {"id": community.logo_url, "type": "Image", "caption": community.name}
    return profile


def build_open_badge(
    *,
    public_url: str,
    code: str,
    issuer_did: str,
    issuer_name: str,
    achievement: Achievement,
    email: str,
    salt: str,
    holder_name: str | None,
    include_name: bool,
    valid_from: datetime,
    valid_until: datetime | None = None,
    status_entry: dict | None = None,
    community: Branding | None = None,
) -> dict:
    """Return an unsigned Open Badges 3.0 OpenBadgeCredential for one earned course."""
    grouped = normalize_code(code)
    if grouped is None:
        raise ValueError(f"not a valid certificate code: {code!r}")
    base = public_url.rstrip("/")
    subject = _subject(email, salt, holder_name if include_name else None, _achievement(base, achievement))
    credential = {
        "@context": list(OB_CONTEXT),
        "id": f"{base}/api/v1/certificates/{grouped}/credential",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": issuer_profile(issuer_did, issuer_name, base, community),
        "name": achievement.title,
        "validFrom": format_datetime(valid_from),
        "credentialSubject": subject,
    }
    if valid_until is not None:
        credential["validUntil"] = format_datetime(valid_until)
    if status_entry is not None:
        credential["credentialStatus"] = dict(status_entry)
    return credential


VALID, INVALID, UNTRUSTED, STATUS_UNKNOWN = "VALID", "INVALID", "signature valid, issuer not trusted", "status unknown"


def verify_file(
    doc: dict,
    now: datetime,
    status_list: dict | None = None,
    *,
    trusted_issuers: Collection[str] | None = None,
    status_unread: str = "no status list at hand",
) -> list[tuple[str, bool | None, str]]:
    """Run the offline checks on a credential: signature, issuer (if trusted ones given), dates, status.

    Each check is (name, ok, detail); ok is None when it could not be made (a status list that cannot be read).
    """
    if not isinstance(doc, dict):
        return [("signature", False, "the file does not hold a JSON object")]
    signature = verify(doc)
    missing = [suite for suite in SUITES if signature.ok and suite not in signature.checked]
    note = "".join(f"; no {suite} proof" for suite in missing)
    checks: list[tuple[str, bool | None, str]] = [("signature", signature.ok, signature.reason + note)]
    if trusted_issuers is not None:
        known = issuer_id(doc) in set(trusted_issuers)
        checks.append(("issuer", known, f"{issuer_id(doc)} is {'' if known else 'not '}a trusted issuer"))
    dates = check_dates(doc, now)
    checks.append(("dates", dates.ok, dates.reason))
    if _revocation_entry(doc) is None:
        checks.append(("status", True, "no revocation status entry: the issuer cannot revoke it"))
    elif status_list is None:
        checks.append(("status", None, status_unread))
    else:
        status = check_status(doc, status_list, trusted_issuers=trusted_issuers or (), now=now)
        ok = {"ok": True, "revoked": False}.get(status)
        checks.append(("status", ok, {"ok": "not revoked", "revoked": "revoked"}.get(status, status)))
    return checks


def verdict(checks: list[tuple[str, bool | None, str]]) -> str:
    """Sum the checks up: INVALID, then an untrusted issuer, then an unknown status, else VALID."""
    if any(ok is False and name != "issuer" for name, ok, _ in checks):
        return INVALID
    if any(ok is False for _, ok, _ in checks):
        return UNTRUSTED
    if any(ok is None for _, ok, _ in checks):
        return STATUS_UNKNOWN
    return VALID
