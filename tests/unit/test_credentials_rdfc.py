"""eddsa-rdfc-2022 against the W3C vectors byte for byte, the W3C proof-set example, and the academy's proof sets."""

from __future__ import annotations

import copy
import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from academy.certificates import keys, proofs, rdfc
from academy.certificates.credentials import verify
from academy.certificates.statuslist import StatusList, build_status_list_credential

W3C = Path(__file__).resolve().parents[1] / "data" / "w3c"  # copies of W3C / 1EdTech files: see its README
RDFC = W3C / "eddsa-rdfc-2022"
EXAMPLES = "https://www.w3.org/ns/credentials/examples/v2"
CREATED = "2025-01-01T00:00:00Z"


def read_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def loader():
    """The bundled contexts plus the W3C examples context the test credential names, and nothing else."""
    return rdfc.loader_for({**rdfc.bundled_contexts(), EXAMPLES: read_json(W3C / "credentials-examples-v2.jsonld")})


@pytest.fixture(scope="module")
def vector_key():
    return keys.private_key_from_multibase(read_json(W3C / "keyPair.json")["privateKeyMultibase"])


@pytest.fixture(scope="module")
def unsigned() -> dict:
    return read_json(W3C / "unsigned.json")


@pytest.fixture(scope="module")
def options() -> dict:
    return read_json(RDFC / "proofConfigDataInt.json")


def test_canonical_document_and_its_hash_match(unsigned, loader):
    canonical = rdfc.canonicalize(unsigned, loader)
    assert canonical == (RDFC / "canonDocDataInt.txt").read_bytes()
    assert hashlib.sha256(canonical).hexdigest() == (RDFC / "docHashDataInt.txt").read_text()


def test_canonical_proof_options_and_the_combined_hash_match(unsigned, options, loader):
    canonical = rdfc.canonicalize(options, loader)
    assert canonical == (RDFC / "proofCanonDataInt.txt").read_bytes()
    assert hashlib.sha256(canonical).hexdigest() == (RDFC / "proofHashDataInt.txt").read_text()
    combined = proofs.hash_data(unsigned, options, proofs.RDFC, loader)
    assert combined.hex() == (RDFC / "combinedHashDataInt.txt").read_text()
    built = proofs.proof_config(
        unsigned, options["verificationMethod"], options["created"], "assertionMethod", proofs.RDFC
    )
    assert built == options


def test_the_signature_matches_and_sign_reproduces_the_signed_vector(unsigned, options, vector_key, loader):
    signature = vector_key.sign(proofs.hash_data(unsigned, options, proofs.RDFC, loader))
    assert signature.hex() == (RDFC / "sigHexDataInt.txt").read_text()
    assert keys.multibase_encode(signature) == (RDFC / "sigBTC58DataInt.txt").read_text()
    signed = proofs.sign(
        unsigned, vector_key, options["verificationMethod"], options["created"], cryptosuite=proofs.RDFC, loader=loader
    )
    assert signed == read_json(RDFC / "signedDataInt.json")


def test_the_signed_vector_verifies_and_says_which_suite(loader):
    result = verify(read_json(RDFC / "signedDataInt.json"), check_issuer=False, loader=loader)
    assert result.ok and result.checked == ("eddsa-rdfc-2022",)
    assert "eddsa-rdfc-2022 verified" in result.reason


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("name",), "Forged Credential"),
        (("validFrom",), "2022-01-01T00:00:00Z"),
        (("credentialSubject", "alumniOf"), "The School of Forgery"),
        (("issuer",), "https://vc.example/issuers/9999"),
        (("proof", "created"), "2023-02-24T23:36:39Z"),
        (("proof", "verificationMethod"), keys.verification_method(keys.generate_key().public_key)),
    ],
    ids=lambda p: "/".join(map(str, p))[:30] if isinstance(p, tuple) else "",
)
def test_a_changed_field_fails(loader, path, value):
    tampered = read_json(RDFC / "signedDataInt.json")
    target = tampered
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    result = verify(tampered, check_issuer=False, loader=loader)
    assert not result.ok and "signature does not match" in result.reason


def test_without_the_examples_context_nothing_is_fetched_and_it_fails():
    result = verify(read_json(RDFC / "signedDataInt.json"), check_issuer=False)
    assert not result.ok
    assert f"the context {EXAMPLES} is not one this verifier has" in result.reason


def test_an_undefined_term_is_refused_rather_than_left_out_of_the_signature(vector_key):
    document = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": "did:example:issuer",
        "validFrom": CREATED,
        "credentialSubject": {"id": "did:example:subject"},
        "undefinedTerm": "not signed by RDFC",
    }
    method = keys.verification_method(vector_key.public_key())
    with pytest.raises(rdfc.CanonicalizationError, match="undefinedTerm"):
        proofs.sign(document, vector_key, method, CREATED, cryptosuite=proofs.RDFC)


# --- the W3C proof-set example ---


@pytest.mark.parametrize("name", ["signedProofSet1.json", "signedProofSet2.json"])
def test_the_w3c_proof_set_example_verifies(loader, name):
    signed = read_json(W3C / "proof-set-chain" / name)
    result = verify(signed, check_issuer=False, loader=loader)
    assert result.ok, result.reason
    assert result.checked == ("eddsa-rdfc-2022",)


def test_each_proof_of_the_w3c_set_signs_the_bare_document_and_tampering_one_fails(loader):
    signed = read_json(W3C / "proof-set-chain" / "signedProofSet2.json")
    bare = read_json(W3C / "proof-set-chain" / "unsigned.json")
    pairs = read_json(W3C / "proof-set-chain" / "multiKeyPairs.json")
    assert len(signed["proof"]) == 2
    for proof, pair in zip(signed["proof"], ("keyPair1", "keyPair2"), strict=True):
        assert proof["verificationMethod"].startswith("did:key:" + pairs[pair]["publicKeyMultibase"])
        assert verify({**bare, "proof": proof}, check_issuer=False, loader=loader).ok
    tampered = copy.deepcopy(signed)
    tampered["proof"][1]["proofValue"] = signed["proof"][0]["proofValue"]
    assert not verify(tampered, check_issuer=False, loader=loader).ok


# --- the academy's proof sets: both suites over every credential and status list ---


def test_a_status_list_carries_both_proofs_and_each_verifies_alone():
    record = keys.generate_key(datetime(2025, 1, 1, tzinfo=UTC))
    bits = StatusList()
    bits.set(7, True)
    unsigned = build_status_list_credential("https://academy.example", 1, bits.encode(), record.did, CREATED)
    signed = proofs.sign_proof_set(unsigned, record.private_key, record.verification_method, CREATED)
    assert [proof["cryptosuite"] for proof in signed["proof"]] == ["eddsa-rdfc-2022", "eddsa-jcs-2022"]
    result = verify(signed)
    assert result.ok and result.checked == ("eddsa-rdfc-2022", "eddsa-jcs-2022")
    for proof in signed["proof"]:
        assert verify({**unsigned, "proof": [proof]}).ok
    assert "@context" not in signed["proof"][0]  # RDFC: the options are hashed with the document's @context
    assert signed["proof"][1]["@context"] == unsigned["@context"]  # JCS: as the Dec 2024 W3C vectors do
    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["encodedList"] = StatusList().encode()
    result = verify(tampered)
    assert not result.ok and result.reason.startswith("eddsa-rdfc-2022 proof: the signature does not match")


def test_a_proof_set_with_one_forged_proof_fails():
    record, stranger = keys.generate_key(), keys.generate_key()
    unsigned = build_status_list_credential("https://academy.example", 1, StatusList().encode(), record.did, CREATED)
    signed = proofs.sign_proof_set(unsigned, record.private_key, record.verification_method, CREATED)
    forged = proofs.sign(
        unsigned, stranger.private_key, stranger.verification_method, CREATED, as_array=True, cryptosuite=proofs.JCS
    )
    mixed = {**unsigned, "proof": [signed["proof"][0], forged["proof"][0]]}
    result = verify(mixed)
    assert not result.ok and "is not the issuer" in result.reason
