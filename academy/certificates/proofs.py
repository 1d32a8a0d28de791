"""Data Integrity proofs over did:key Ed25519 keys: eddsa-rdfc-2022 and eddsa-jcs-2022, alone or as a proof set.

Both cryptosuites hash the canonical proof options and the canonical document (the proof options first) and sign
the 64 bytes with Ed25519; they differ only in the canonical form: RDF Dataset Canonicalization (RDFC-1.0) for
eddsa-rdfc-2022, which the DCC verifier and 1EdTech's validator check, and JSON Canonicalization (RFC 8785) for
eddsa-jcs-2022. In a proof set every proof signs the document with all proofs removed.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from academy.certificates import keys, rdfc

PROOF_TYPE = "DataIntegrityProof"
JCS = "eddsa-jcs-2022"
RDFC = "eddsa-rdfc-2022"
SUITES = (RDFC, JCS)  # the proof set the academy signs, in this order
Loader = Callable[[str, dict], dict]


@dataclass(frozen=True)
class VerificationResult:
    """The outcome of a check, with a reason a person can read; false when it failed."""

    ok: bool
    reason: str
    checked: tuple[str, ...] = field(default=())  # the cryptosuites whose proofs were verified

    def __bool__(self) -> bool:
        return self.ok


def parse_datetime(value: object) -> datetime | None:
    """Parse an XML Schema dateTime that carries a timezone; None if it is not one."""
    if not isinstance(value, str) or "T" not in value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def canonicalize(value: object) -> bytes:
    """Return the RFC 8785 (JCS) canonical bytes of a JSON value."""
    return rfc8785.dumps(value)


def canonical_form(value: dict, cryptosuite: str, loader: Loader | None = None) -> bytes:
    """Return a document's canonical bytes under a cryptosuite (N-Quads for RDFC, JSON for JCS)."""
    if cryptosuite == RDFC:
        return rdfc.canonicalize(value, loader)
    return canonicalize(value)


def hash_data(unsecured: dict, proof_config: dict, cryptosuite: str = JCS, loader: Loader | None = None) -> bytes:
    """Return SHA-256 of the canonical proof config followed by SHA-256 of the canonical document."""
    proof_hash = hashlib.sha256(canonical_form(proof_config, cryptosuite, loader)).digest()
    return proof_hash + hashlib.sha256(canonical_form(unsecured, cryptosuite, loader)).digest()


def proofs_of(document: dict) -> list:
    """Return the document's proofs as a list (a single proof object counts as one)."""
    proof = document.get("proof")
    if proof is None:
        return []
    return list(proof) if isinstance(proof, list) else [proof]


def unsecured(document: dict) -> dict:
    """Return the document with every proof removed."""
    return {key: value for key, value in document.items() if key != "proof"}


def proof_config(
    document: dict, method: str, created: str, purpose: str, cryptosuite: str = JCS
) -> dict:
    """Return the proof options of a new proof, carrying the document's @context."""
    config = {
        "type": PROOF_TYPE,
        "cryptosuite": cryptosuite,
        "created": created,
        "verificationMethod": method,
        "proofPurpose": purpose,
    }
    if "@context" in document:
        config["@context"] = document["@context"]
    return config


def sign(
    document: dict,
    private_key: Ed25519PrivateKey,
    verification_method: str,
    created: str,
    proof_purpose: str = "assertionMethod",
    *,
    as_array: bool = False,
    cryptosuite: str = JCS,
    loader: Loader | None = None,
) -> dict:
    """Return a copy of the document with one more DataIntegrityProof, over the document without proofs."""
    if cryptosuite not in SUITES:
        raise ValueError(f"unsupported cryptosuite {cryptosuite!r}")
    if parse_datetime(created) is None:
        raise ValueError(f"created is not a dateTime with a timezone: {created!r}")
    named = keys.resolve_verification_method(verification_method)
    if keys.public_bytes(named) != keys.public_bytes(private_key.public_key()):
        raise ValueError("the verification method does not name this private key")
    signed = copy.deepcopy(document)
    bare = unsecured(signed)
    config = proof_config(bare, verification_method, created, proof_purpose, cryptosuite)
    signature = private_key.sign(hash_data(bare, config, cryptosuite, loader))
    # An RDFC proof hashes its options with the document's @context but is attached without it (W3C vectors).
    attached = {key: value for key, value in config.items() if key != "@context" or cryptosuite == JCS}
    proof = {**attached, "proofValue": keys.multibase_encode(signature)}
    earlier = proofs_of(signed)
    as_array = as_array or bool(earlier) or isinstance(signed.get("proof"), list)
    signed["proof"] = [*earlier, proof] if as_array else proof
    return signed


def sign_proof_set(
    document: dict,
    private_key: Ed25519PrivateKey,
    verification_method: str,
    created: str,
    suites: Sequence[str] = SUITES,
    loader: Loader | None = None,
) -> dict:
    """Return a copy of the document with a proof of each cryptosuite (a proof set), always as an array."""
    signed = document
    for suite in suites:
        signed = sign(
            signed, private_key, verification_method, created, as_array=True, cryptosuite=suite, loader=loader
        )
    return signed


def _as_list(value: object) -> list:
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


def _with_proof_context(bare: dict, options: dict) -> dict | None:
    """Give the document the proof's @context, or None if its own @context does not start with it."""
    if "@context" not in options:
        return bare
    expected = _as_list(options["@context"])
    if _as_list(bare.get("@context"))[: len(expected)] != expected:
        return None
    return {**bare, "@context": options["@context"]}


def _proof_problem(bare: dict, proof: dict, purpose: str, issuer: str | None, loader: Loader | None) -> str | None:
    """Return why one proof fails, or None when it verifies."""
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
    suite = proof["cryptosuite"]
    options = {key: value for key, value in proof.items() if key != "proofValue"}
    document = _with_proof_context(bare, options)
    if document is None:
        return "the document's @context does not start with the proof's @context"
    if suite == RDFC and "@context" in document:  # RDFC proof configuration: the document's @context
        options = {**options, "@context": document["@context"]}
    try:
        public_key.verify(signature, hash_data(document, options, suite, loader))
    except InvalidSignature:
        return "the signature does not match the document"
    return None


def _checked_problem(bare, proof, purpose, issuer, loader) -> str | None:
    """Check one proof; a document that cannot be canonicalized fails with the reason."""
    try:
        return _proof_problem(bare, proof, purpose, issuer, loader)
    except rdfc.CanonicalizationError as error:
        return f"cannot canonicalize: {error}"
    except (ValueError, TypeError) as error:  # values JSON cannot canonicalize
        return f"cannot canonicalize: {error}"


def verify_proofs(
    document: object, issuer: str | None, *, proof_purpose: str = "assertionMethod", loader: Loader | None = None
) -> VerificationResult:
    """Verify every eddsa-rdfc-2022 and eddsa-jcs-2022 proof offline; the issuer, when given, must have signed."""
    if not isinstance(document, dict):
        return VerificationResult(False, "the credential is not a JSON object")
    proofs, bare = proofs_of(document), unsecured(document)
    if not all(isinstance(proof, dict) for proof in proofs):
        return VerificationResult(False, "a proof is not a JSON object")
    ours = [proof for proof in proofs if proof.get("cryptosuite") in SUITES]
    if not ours:
        return VerificationResult(False, f"no {RDFC} or {JCS} proof")
    checked = []
    for proof in ours:
        if problem := _checked_problem(bare, proof, proof_purpose, issuer, loader):
            return VerificationResult(False, f"{proof['cryptosuite']} proof: {problem}")
        checked.append(proof["cryptosuite"])
    skipped = len(proofs) - len(ours)
    note = f"; {skipped} proof(s) of other cryptosuites not checked" if skipped else ""
    names = " and ".join(dict.fromkeys(checked))
    signer = keys.did_of(ours[0]["verificationMethod"])
    return VerificationResult(True, f"{names} verified, signed by {signer}{note}", tuple(dict.fromkeys(checked)))
