"""Data Integrity proofs (eddsa-jcs-2022 over did:key), Open Badges 3.0 credentials and their checks."""

from __future__ import annotations

import copy
import hashlib
import secrets
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime

import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from academy.certificates import keys
from academy.certificates.codes import normalize_code
from academy.certificates.statuslist import StatusList

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-jcs-2022"
OB_CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]


@dataclass(frozen=True)
class VerificationResult:
    """The outcome of a check, with a reason a person can read; false when it failed."""

    ok: bool
    reason: str

    def __bool__(self) -> bool:
        return self.ok


def canonicalize(value: object) -> bytes:
    """Return the RFC 8785 (JCS) canonical bytes of a JSON value."""
    return rfc8785.dumps(value)


def hash_data(unsecured: dict, proof_config: dict) -> bytes:
    """Return SHA-256 of the canonical proof config followed by SHA-256 of the canonical document."""
    proof_hash = hashlib.sha256(canonicalize(proof_config)).digest()
    return proof_hash + hashlib.sha256(canonicalize(unsecured)).digest()


def parse_datetime(value: object) -> datetime | None:
    """Parse an XML Schema dateTime that carries a timezone; None if it is not one."""
    if not isinstance(value, str) or "T" not in value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def format_datetime(moment: datetime) -> str:
    """Format an aware datetime as UTC to the second, e.g. 2025-01-31T12:00:00Z."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def issuer_id(document: dict) -> str | None:
    """Return the issuer's id, whether the issuer is a string or an object."""
    issuer = document.get("issuer")
    if isinstance(issuer, dict):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) else None


def _proofs(document: dict) -> list:
    """Return the document's proofs as a list (a single proof object counts as one)."""
    proof = document.get("proof")
    if proof is None:
        return []
    return list(proof) if isinstance(proof, list) else [proof]


def _unsecured(document: dict) -> dict:
    """Return the document with every proof removed."""
    return {key: value for key, value in document.items() if key != "proof"}


def proof_config(unsecured: dict, method: str, created: str, purpose: str) -> dict:
    """Return the proof options of a new proof, carrying the document's @context."""
    config = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": created,
        "verificationMethod": method,
        "proofPurpose": purpose,
    }
    if "@context" in unsecured:
        config["@context"] = unsecured["@context"]
    return config


def sign(
    document: dict,
    private_key: Ed25519PrivateKey,
    verification_method: str,
    created: str,
    proof_purpose: str = "assertionMethod",
    *,
    as_array: bool = False,
) -> dict:
    """Return a copy of the document with an eddsa-jcs-2022 DataIntegrityProof added to its proofs."""
    if parse_datetime(created) is None:
        raise ValueError(f"created is not a dateTime with a timezone: {created!r}")
    named = keys.resolve_verification_method(verification_method)
    if keys.public_bytes(named) != keys.public_bytes(private_key.public_key()):
        raise ValueError("the verification method does not name this private key")
    signed = copy.deepcopy(document)
    unsecured = _unsecured(signed)
    config = proof_config(unsecured, verification_method, created, proof_purpose)
    proof = {**config, "proofValue": keys.multibase_encode(private_key.sign(hash_data(unsecured, config)))}
    earlier = _proofs(signed)
    as_array = as_array or bool(earlier) or isinstance(signed.get("proof"), list)
    signed["proof"] = [*earlier, proof] if as_array else proof
    return signed


def _context_list(value: object) -> list:
    """Return an @context (or type) value as a list."""
    return value if isinstance(value, list) else [value]


def _options_problem(proof: dict, purpose: str) -> str | None:
    """Return why a proof's options are unacceptable, or None."""
    if proof.get("type") != PROOF_TYPE:
        return f"proof type {proof.get('type')!r} is not {PROOF_TYPE}"
    if proof.get("proofPurpose") != purpose:
        return f"proof purpose {proof.get('proofPurpose')!r} is not {purpose}"
    if "created" in proof and parse_datetime(proof["created"]) is None:
        return "proof created is not a dateTime with a timezone"
    return None


def _with_proof_context(unsecured: dict, options: dict) -> dict | None:
    """Give the document the proof's @context, or None if its own @context does not start with it."""
    if "@context" not in options:
        return unsecured
    expected = _context_list(options["@context"])
    if _context_list(unsecured.get("@context"))[: len(expected)] != expected:
        return None
    return {**unsecured, "@context": options["@context"]}


def _proof_problem(unsecured: dict, proof: dict, purpose: str, issuer: str | None) -> str | None:
    """Return why one eddsa-jcs-2022 proof fails, or None when it verifies."""
    if problem := _options_problem(proof, purpose):
        return problem
    method = proof.get("verificationMethod")
    try:
        public_key = keys.resolve_verification_method(method)
        signature = keys.multibase_decode(proof.get("proofValue"))
    except ValueError as error:
        return f"malformed proof: {error}"
    if issuer is not None and keys.did_of(method) != issuer:
        return f"the signing key {keys.did_of(method)} is not the issuer {issuer}"
    options = {key: value for key, value in proof.items() if key != "proofValue"}
    document = _with_proof_context(unsecured, options)
    if document is None:
        return "the document's @context does not start with the proof's @context"
    try:
        public_key.verify(signature, hash_data(document, options))
    except InvalidSignature:
        return "the signature does not match the document"
    return None


def verify(
    document: dict, *, proof_purpose: str = "assertionMethod", check_issuer: bool = True
) -> VerificationResult:
    """Verify every eddsa-jcs-2022 proof offline, by default also that the signing key is the issuer's DID."""
    if not isinstance(document, dict):
        return VerificationResult(False, "the credential is not a JSON object")
    proofs, unsecured = _proofs(document), _unsecured(document)
    if not all(isinstance(proof, dict) for proof in proofs):
        return VerificationResult(False, "a proof is not a JSON object")
    ours = [proof for proof in proofs if proof.get("cryptosuite") == CRYPTOSUITE]
    if not ours:
        return VerificationResult(False, f"no {CRYPTOSUITE} proof")
    issuer = issuer_id(document) if check_issuer else None
    if check_issuer and issuer is None:
        return VerificationResult(False, "the credential names no issuer")
    for proof in ours:
        try:
            problem = _proof_problem(unsecured, proof, proof_purpose, issuer)
        except (ValueError, TypeError) as error:  # values JSON cannot canonicalize
            problem = f"cannot canonicalize: {error}"
        if problem:
            return VerificationResult(False, problem)
    skipped = len(proofs) - len(ours)
    note = f"; {skipped} proof(s) of other cryptosuites not checked" if skipped else ""
    return VerificationResult(True, f"signed by {keys.did_of(ours[0]['verificationMethod'])}{note}")


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


def _revocation_entry(credential: dict) -> dict | None:
    """Return the credential's BitstringStatusListEntry for revocation, if any."""
    entries = credential.get("credentialStatus")
    for entry in entries if isinstance(entries, list) else [entries]:
        if (
            isinstance(entry, dict)
            and entry.get("type") == "BitstringStatusListEntry"
            and entry.get("statusPurpose") == "revocation"
        ):
            return entry
    return None


def _status_list_problem(entry: dict, status_list: dict, allowed: set, now: datetime | None) -> str | None:
    """Return why a status list credential cannot be trusted for this entry, or None."""
    if status_list.get("id") != entry.get("statusListCredential"):
        return "the status list is not the one the credential names"
    if "BitstringStatusListCredential" not in _context_list(status_list.get("type")):
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
) -> str:
    """Return 'revoked', 'ok' or why the revocation status cannot be determined."""
    entry = _revocation_entry(credential) if isinstance(credential, dict) else None
    if entry is None:
        return "the credential has no revocation status entry"
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
        return "revoked" if bits.get(int(index)) else "ok"
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
        "issuer": {"id": issuer_did, "type": ["Profile"], "name": issuer_name, "url": base},
        "name": achievement.title,
        "validFrom": format_datetime(valid_from),
        "credentialSubject": subject,
    }
    if valid_until is not None:
        credential["validUntil"] = format_datetime(valid_until)
    if status_entry is not None:
        credential["credentialStatus"] = dict(status_entry)
    return credential


def verify_file(
    doc: dict,
    now: datetime,
    status_list: dict | None = None,
    *,
    trusted_issuers: Collection[str] | None = None,
) -> list[tuple[str, bool, str]]:
    """Run the offline checks on a credential: signature, issuer (if trusted ones given), dates, status."""
    if not isinstance(doc, dict):
        return [("signature", False, "the file does not hold a JSON object")]
    signature = verify(doc)
    checks = [("signature", signature.ok, signature.reason)]
    if trusted_issuers is not None:
        known = issuer_id(doc) in set(trusted_issuers)
        checks.append(("issuer", known, f"{issuer_id(doc)} is {'' if known else 'not '}a trusted issuer"))
    dates = check_dates(doc, now)
    checks.append(("dates", dates.ok, dates.reason))
    if status_list is not None:
        status = check_status(doc, status_list, trusted_issuers=trusted_issuers or (), now=now)
        detail = {"ok": "not revoked", "revoked": "revoked"}.get(status, status)
        checks.append(("status", status == "ok", detail))
    return checks
