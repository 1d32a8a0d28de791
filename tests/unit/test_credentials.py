"""Keys, did:key, eddsa-jcs-2022 against the W3C vectors, Open Badges 3.0 credentials, file checks."""

from __future__ import annotations

import ast
import copy
import hashlib
import json
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft201909Validator

from academy.certificates import credentials, keys
from academy.certificates.codes import new_code
from academy.certificates.credentials import (
    Achievement,
    VerificationResult,
    build_open_badge,
    canonicalize,
    check_dates,
    check_status,
    hash_data,
    identity_hash,
    sign,
    verdict,
    verify,
    verify_file,
)
from academy.certificates.statuslist import StatusList, build_status_list_credential, status_entry

VC_DIR = Path(__file__).resolve().parents[1] / "data" / "w3c"  # copies of W3C / 1EdTech files: see its README
JCS = VC_DIR / "eddsa-jcs-2022"
URL = "https://academy.example"
NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
CREATED = "2025-01-01T00:00:00Z"


@pytest.fixture(scope="module")
def vectors() -> Path:
    """Return the folder of W3C / 1EdTech conformance data bundled with the tests."""
    return VC_DIR


def read_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def key_pair(vectors) -> dict:
    return read_json(vectors / "keyPair.json")


@pytest.fixture(scope="module")
def vector_key(key_pair):
    return keys.private_key_from_multibase(key_pair["privateKeyMultibase"])


@pytest.fixture(scope="module")
def signed_vector(vectors) -> dict:
    return read_json(JCS / "signedJCS.json")


# --- keys and did:key ---


def test_public_key_derived_from_the_seed_matches(key_pair, vector_key):
    assert keys.public_multibase(vector_key.public_key()) == key_pair["publicKeyMultibase"]
    assert keys.secret_multibase(vector_key) == key_pair["privateKeyMultibase"]


def test_did_key_and_verification_method_resolve_offline(key_pair, vector_key, signed_vector):
    multibase = key_pair["publicKeyMultibase"]
    assert keys.did_key(vector_key.public_key()) == f"did:key:{multibase}"
    method = keys.verification_method(vector_key.public_key())
    assert method == signed_vector["proof"]["verificationMethod"] == f"did:key:{multibase}#{multibase}"
    resolved = keys.resolve_verification_method(method)
    assert keys.public_bytes(resolved) == keys.public_bytes(vector_key.public_key())
    assert keys.public_multibase(keys.resolve_verification_method(f"did:key:{multibase}")) == multibase


@pytest.mark.parametrize(
    "method",
    [
        "did:web:academy.example#key-1",
        "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#z6MkOther",
        "did:key:z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq",  # a secret key is not a public key
        "did:key:6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
        "did:key:z0OIl",
        "did:key:zé",
        None,
    ],
)
def test_malformed_verification_methods_are_refused(method):
    with pytest.raises(ValueError):
        keys.resolve_verification_method(method)


def test_keyring_creates_rotates_and_keeps_old_keys(tmp_path):
    directory = tmp_path / "keys"
    assert keys.load_keyring(directory).keys == ()
    with pytest.raises(LookupError):
        _ = keys.load_keyring(directory).active
    assert keys.ensure_signing_key(directory, now=NOW) is True
    assert keys.ensure_signing_key(directory) is False
    first = keys.load_keyring(directory).active
    second = keys.rotate(directory, now=NOW + timedelta(days=1))
    ring = keys.load_keyring(directory)
    assert len(ring.keys) == 2
    assert ring.active.did == second.did != first.did
    assert ring.find(first.verification_method).did == first.did
    assert ring.dids == {first.did, second.did}
    assert ring.find("did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2") is None


def test_key_files_are_private_and_self_describing(tmp_path):
    path = keys.save_key(keys.generate_key(NOW), tmp_path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    data = read_json(path)
    assert set(data) >= {"id", "created", "publicKeyMultibase", "secretKeyMultibase"}
    assert data["publicKeyMultibase"].startswith("z6Mk") and data["secretKeyMultibase"].startswith("z3u2")
    assert data["created"].startswith("2025-06-01T12:00:00")
    assert keys.load_key(path).did == "did:key:" + data["publicKeyMultibase"]


def test_a_key_file_whose_public_key_does_not_match_is_refused(tmp_path):
    path = keys.save_key(keys.generate_key(NOW), tmp_path)
    data = read_json(path)
    data["publicKeyMultibase"] = keys.public_multibase(keys.generate_key().public_key)
    path.write_text(json.dumps(data))
    with pytest.raises(ValueError, match="does not match"):
        keys.load_keyring(tmp_path)


# --- eddsa-jcs-2022, byte for byte against the W3C vectors ---


def test_canonical_document_and_hash_match(vectors):
    unsigned = read_json(vectors / "unsigned.json")
    canonical = canonicalize(unsigned)
    assert canonical == (JCS / "canonDocJCS.txt").read_bytes()
    assert hashlib.sha256(canonical).hexdigest() == (JCS / "docHashJCS.txt").read_text()


def test_canonical_proof_config_and_hashes_match(vectors):
    unsigned = read_json(vectors / "unsigned.json")
    config = read_json(JCS / "proofConfigJCS.json")
    assert canonicalize(config) == (JCS / "proofCanonJCS.txt").read_bytes()
    assert hashlib.sha256(canonicalize(config)).hexdigest() == (JCS / "proofHashJCS.txt").read_text()
    assert hash_data(unsigned, config).hex() == (JCS / "combinedHashJCS.txt").read_text()
    built = credentials.proof_config(
        unsigned, config["verificationMethod"], config["created"], "assertionMethod"
    )
    assert built == config


def test_signature_matches(vectors, vector_key):
    unsigned = read_json(vectors / "unsigned.json")
    signature = vector_key.sign(hash_data(unsigned, read_json(JCS / "proofConfigJCS.json")))
    assert signature.hex() == (JCS / "sigHexJCS.txt").read_text()
    assert keys.multibase_encode(signature) == (JCS / "sigBTC58JCS.txt").read_text()


def test_sign_reproduces_the_signed_vector(vectors, vector_key, signed_vector):
    unsigned = read_json(vectors / "unsigned.json")
    options = read_json(JCS / "proofConfigJCS.json")
    signed = sign(unsigned, vector_key, options["verificationMethod"], options["created"])
    assert signed == signed_vector
    assert canonicalize(signed) == canonicalize(signed_vector)
    assert "proof" not in unsigned  # the input is left alone


def test_the_signed_vector_verifies(signed_vector):
    assert verify(signed_vector, check_issuer=False).ok


def test_the_signed_vector_is_not_bound_to_its_https_issuer(signed_vector):
    result = verify(signed_vector)
    assert not result.ok and "is not the issuer" in result.reason


OTHER_METHOD = keys.verification_method(keys.generate_key().public_key)
TAMPERINGS = [
    (("name",), "Forged Credential"),
    (("id",), "urn:uuid:00000000-0000-0000-0000-000000000000"),
    (("issuer",), "https://vc.example/issuers/9999"),
    (("validFrom",), "2022-01-01T00:00:00Z"),
    (("type", 1), "DoctoralCredential"),
    (("@context", 1), "https://example.org/other/v1"),
    (("credentialSubject", "alumniOf"), "The School of Forgery"),
    (("credentialSubject", "id"), "did:example:mallory"),
    (("proof", "created"), "2023-02-24T23:36:39Z"),
    (("proof", "verificationMethod"), OTHER_METHOD),
    (("proof", "proofPurpose"), "authentication"),
    (("proof", "cryptosuite"), "eddsa-rdfc-2022"),
    (("proof", "type"), "Ed25519Signature2020"),
    (("proof", "@context", 1), "https://example.org/other/v1"),
    (("proof", "proofValue"), "z" + "1" * 64),
    (("proof", "proofValue"), keys.multibase_encode(bytes(64))),
    # the vector's own signature with its last character changed
    (
        ("proof", "proofValue"),
        "z2HnFSSPPBzR36zdDgK8PbEHeXbR56YF24jwMpt3R1eHXQzJDMWS93FCzpvJpwTWd3GAVFuUfjoJdcnTMuVor51aY",
    ),  # noqa: E501
]


def set_path(document: dict, path: tuple, value: object) -> None:
    target = document
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value


@pytest.mark.parametrize(("path", "value"), TAMPERINGS,  # ids without the values: some are random keys
                         ids=[f"{n}-{'/'.join(map(str, path))}" for n, (path, _) in enumerate(TAMPERINGS)])
def test_any_changed_field_fails_verification(signed_vector, path, value):
    tampered = copy.deepcopy(signed_vector)
    set_path(tampered, path, value)
    assert not verify(tampered, check_issuer=False).ok
    if path == ("proof", "proofPurpose"):
        assert not verify(tampered, proof_purpose="authentication", check_issuer=False).ok


@pytest.mark.parametrize("field", ["name", "description", "validFrom", "credentialSubject"])
def test_a_removed_field_fails_verification(signed_vector, field):
    tampered = copy.deepcopy(signed_vector)
    del tampered[field]
    assert not verify(tampered, check_issuer=False).ok


def test_an_added_field_fails_verification(signed_vector):
    tampered = copy.deepcopy(signed_vector)
    tampered["validUntil"] = "2099-01-01T00:00:00Z"
    assert not verify(tampered, check_issuer=False).ok


@pytest.mark.parametrize(
    "document",
    [
        [],
        "credential",
        {},
        {"issuer": "did:key:x", "proof": "z123"},
        {"issuer": "did:key:x", "proof": [None]},
        {"issuer": "did:key:x", "proof": {"cryptosuite": "eddsa-jcs-2022"}},
        {
            "issuer": "did:key:x",
            "proof": {
                "cryptosuite": "eddsa-jcs-2022",
                "type": "DataIntegrityProof",
                "proofPurpose": "assertionMethod",
                "verificationMethod": 5,
            },
        },
        {"issuer": {"id": 7}, "proof": {"cryptosuite": "eddsa-jcs-2022"}},
    ],
)
def test_malformed_documents_fail_without_raising(document):
    assert not verify(document).ok


def test_values_json_cannot_canonicalize_fail_without_raising(signed_vector):
    tampered = copy.deepcopy(signed_vector)
    tampered["credentialSubject"]["score"] = float("nan")
    result = verify(tampered, check_issuer=False)
    assert not result.ok and "canonicalize" in result.reason


# --- our own keys: issuer binding and proof sets ---


@pytest.fixture
def record():
    return keys.generate_key(NOW)


def own_document(record) -> dict:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": {"id": record.did, "name": "Academy"},
        "validFrom": CREATED,
        "credentialSubject": {"name": "Ada"},
    }


def test_our_signature_verifies_against_an_issuer_object(record):
    signed = sign(own_document(record), record.private_key, record.verification_method, CREATED)
    result = verify(signed)
    assert result.ok and record.did in result.reason


def test_a_key_that_is_not_the_issuer_fails(record):
    stranger = keys.generate_key()
    signed = sign(own_document(record), stranger.private_key, stranger.verification_method, CREATED)
    result = verify(signed)
    assert not result.ok and "is not the issuer" in result.reason


def test_a_validly_signed_proof_for_another_purpose_fails(record):
    signed = sign(
        own_document(record), record.private_key, record.verification_method, CREATED, "authentication"
    )
    result = verify(signed)
    assert not result.ok and "proof purpose" in result.reason
    assert verify(signed, proof_purpose="authentication").ok


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [("type", "Ed25519Signature2020", "proof type"), ("created", "2025-01-01", "proof created")],
)
def test_a_validly_signed_proof_with_bad_options_fails(record, field, value, words):
    document = own_document(record)
    options = credentials.proof_config(document, record.verification_method, CREATED, "assertionMethod")
    options[field] = value
    signature = record.private_key.sign(hash_data(document, options))
    result = verify({**document, "proof": {**options, "proofValue": keys.multibase_encode(signature)}})
    assert not result.ok and words in result.reason


@pytest.mark.parametrize("issuer", [None, {"name": "Academy"}, 42])
def test_a_document_without_an_issuer_id_fails(record, issuer):
    document = {**own_document(record), "issuer": issuer}
    signed = sign(document, record.private_key, record.verification_method, CREATED)
    result = verify(signed)
    assert not result.ok and "no issuer" in result.reason
    assert verify(signed, check_issuer=False).ok


def test_signing_refuses_a_method_that_does_not_name_the_key(record):
    stranger = keys.generate_key()
    with pytest.raises(ValueError, match="does not name"):
        sign(own_document(record), stranger.private_key, record.verification_method, CREATED)


@pytest.mark.parametrize("created", ["2025-01-01", "2025-01-01T00:00:00", "yesterday"])
def test_signing_refuses_a_created_without_date_time_and_zone(record, created):
    with pytest.raises(ValueError):
        sign(own_document(record), record.private_key, record.verification_method, created)


def test_a_proof_set_signs_the_document_without_any_proof(record):
    once = sign(own_document(record), record.private_key, record.verification_method, CREATED)
    twice = sign(once, record.private_key, record.verification_method, "2025-02-01T00:00:00Z")
    assert isinstance(twice["proof"], list) and len(twice["proof"]) == 2
    assert verify(twice).ok
    for proof in twice["proof"]:
        assert verify({**own_document(record), "proof": proof}).ok
    tampered = copy.deepcopy(twice)
    tampered["proof"][1]["created"] = "2025-03-01T00:00:00Z"
    assert not verify(tampered).ok


def test_as_array_gives_a_one_element_proof_list(record):
    signed = sign(
        own_document(record), record.private_key, record.verification_method, CREATED, as_array=True
    )
    assert isinstance(signed["proof"], list) and len(signed["proof"]) == 1
    assert verify(signed).ok


def test_proofs_of_other_cryptosuites_are_reported_not_checked(record):
    other = {"type": "DataIntegrityProof", "cryptosuite": "ecdsa-sd-2023", "proofValue": "u1"}
    signed = sign(
        {**own_document(record), "proof": [other]}, record.private_key, record.verification_method, CREATED
    )
    result = verify(signed)
    assert result.ok and "not checked" in result.reason
    assert not verify({**own_document(record), "proof": [other]}).ok


# --- dates ---


@pytest.mark.parametrize(
    ("fields", "ok", "words"),
    [
        ({}, True, "within"),
        ({"validFrom": CREATED}, True, "within"),
        ({"validFrom": "2025-06-01T12:00:00Z"}, True, "within"),
        ({"validFrom": "2025-07-01T00:00:00+02:00"}, False, "not valid before"),
        ({"validUntil": "2025-06-01T12:00:00Z"}, False, "expired"),
        ({"validUntil": "2025-06-01T12:00:01Z"}, True, "within"),
        ({"validFrom": "2025-01-01"}, False, "not a dateTime"),
        ({"validUntil": "2026-01-01T00:00:00"}, False, "not a dateTime"),
        ({"validUntil": 20260101}, False, "not a dateTime"),
    ],
)
def test_check_dates(fields, ok, words):
    result = check_dates(fields, NOW)
    assert result.ok is ok and bool(result) is ok
    assert words in result.reason


# --- Open Badges 3.0 ---

ACHIEVEMENT = Achievement(
    slug="recognising-exploitation",
    title="Recognising exploitation",
    description="Signs of labour and sexual exploitation, and what to do next.",
    criteria="Completed every module and passed the final quiz with at least 80%.",
    sector_label="Health workers",
    version="1.2",
)


def badge(record, **overrides) -> dict:
    arguments = dict(
        public_url=URL + "/",
        code=new_code(),
        issuer_did=record.did,
        issuer_name="Coalition Academy",
        achievement=ACHIEVEMENT,
        email="  Ada@Example.org ",
        salt="f00dfacef00dface",
        holder_name="Ada Lovelace",
        include_name=False,
        valid_from=datetime(2025, 1, 1, tzinfo=UTC),
        valid_until=datetime(2027, 1, 1, tzinfo=UTC),
        status_entry=status_entry(URL, 1, 4242),
    )
    return build_open_badge(**{**arguments, **overrides})


@pytest.fixture(scope="module")
def schema_validator(vectors) -> Draft201909Validator:
    schema = read_json(vectors / "ob_v3p0_achievementcredential_schema.json")
    Draft201909Validator.check_schema(schema)
    return Draft201909Validator(schema, format_checker=Draft201909Validator.FORMAT_CHECKER)


def test_signed_badge_validates_against_the_ob_schema_and_verifies(record, schema_validator):
    signed = sign(badge(record), record.private_key, record.verification_method, CREATED, as_array=True)
    errors = [f"{list(error.path)}: {error.message}" for error in schema_validator.iter_errors(signed)]
    assert errors == []
    assert verify(signed).ok


def test_a_badge_missing_its_criteria_fails_the_schema(record, schema_validator):
    unsigned = badge(record)
    del unsigned["credentialSubject"]["achievement"]["description"]
    assert not schema_validator.is_valid(unsigned)


def test_badge_fields(record, vectors):
    code = new_code()
    credential = badge(record, code=code.lower(), include_name=True)
    assert credential["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert credential["id"] == f"{URL}/api/v1/certificates/{code}/credential"
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["issuer"] == {
        "id": record.did,
        "type": ["Profile"],
        "name": "Coalition Academy",
        "url": URL,
    }
    assert (credential["validFrom"], credential["validUntil"]) == (CREATED, "2027-01-01T00:00:00Z")
    subject = credential["credentialSubject"]
    assert subject["name"] == "Ada Lovelace"
    assert subject["achievement"]["id"] == f"{URL}/courses/recognising-exploitation#v1.2"
    assert subject["achievement"]["fieldOfStudy"] == "Health workers"
    assert credential["credentialStatus"]["statusListIndex"] == "4242"
    schema = read_json(vectors / "ob_v3p0_achievementcredential_schema.json")
    assert (
        subject["achievement"]["achievementType"]
        in schema["$defs"]["Achievement"]["properties"]["achievementType"]["oneOf"][0]["enum"]
    )


def test_badge_hashes_the_email_and_leaves_out_what_was_not_chosen(record):
    credential = badge(record, valid_until=None, status_entry=None)
    subject = credential["credentialSubject"]
    expected = "sha256$" + hashlib.sha256(b"ada@example.orgf00dfacef00dface").hexdigest()
    assert subject["identifier"] == [
        {
            "type": "IdentityObject",
            "identityHash": expected,
            "identityType": "emailAddress",
            "hashed": True,
            "salt": "f00dfacef00dface",
        }
    ]
    assert identity_hash("ADA@example.org", "f00dfacef00dface") == expected
    assert "name" not in subject and "Ada" not in json.dumps(credential)
    assert "validUntil" not in credential and "credentialStatus" not in credential


def test_issuer_profile_carries_the_community_name_and_logo(record, schema_validator):
    branding = credentials.Branding("Riverside Coalition", "https://academy.example/communities/riverside/logo.png")
    signed = credentials.sign_proof_set(
        badge(record, community=branding), record.private_key, record.verification_method, CREATED
    )
    assert signed["issuer"] == {
        "id": record.did,
        "type": ["Profile"],
        "name": "Coalition Academy",
        "url": URL,
        "description": "Coalition Academy, for Riverside Coalition",
        "image": {"id": branding.logo_url, "type": "Image", "caption": "Riverside Coalition"},
    }
    assert [f"{list(e.path)}: {e.message}" for e in schema_validator.iter_errors(signed)] == []
    assert verify(signed).checked == ("eddsa-rdfc-2022", "eddsa-jcs-2022")


def test_badge_refuses_an_invalid_code(record):
    with pytest.raises(ValueError):
        badge(record, code="0000-0000-0000-0000-1")


# --- verify_file, as the CLI uses it ---


def signed_badge_and_list(record, revoked=()):
    bits = StatusList()
    for index in revoked:
        bits.set(index, True)
    status_list = build_status_list_credential(URL, 1, bits.encode(), record.did, CREATED)
    method, created = record.verification_method, CREATED
    return (
        credentials.sign_proof_set(badge(record), record.private_key, method, created),
        credentials.sign_proof_set(status_list, record.private_key, method, created),
    )


def test_verify_file_passes_a_good_credential(record):
    document, status_list = signed_badge_and_list(record)
    checks = verify_file(document, NOW, status_list, trusted_issuers={record.did})
    assert [name for name, _, _ in checks] == ["signature", "issuer", "dates", "status"]
    assert all(ok for _, ok, _ in checks), checks


def test_verify_file_reports_each_failure(record):
    document, status_list = signed_badge_and_list(record, revoked={4242})
    checks = {
        name: (ok, detail)
        for name, ok, detail in verify_file(
            document, datetime(2030, 1, 1, tzinfo=UTC), status_list, trusted_issuers=set()
        )
    }
    assert checks["signature"][0] is True
    assert checks["issuer"] == (False, f"{record.did} is not a trusted issuer")
    assert checks["dates"][0] is False and "expired" in checks["dates"][1]
    assert checks["status"] == (False, "revoked")


def test_verify_file_without_a_status_list_says_the_status_is_unknown(record):
    document, _ = signed_badge_and_list(record)
    checks = verify_file(document, NOW, None, trusted_issuers={record.did}, status_unread="offline")
    assert checks[-1] == ("status", None, "offline")
    assert verdict(checks) == "status unknown"
    document["name"] = "Forged"
    checks = verify_file(document, NOW, None)
    assert [name for name, _, _ in checks] == ["signature", "dates", "status"]
    assert checks[0][1] is False and verdict(checks) == "INVALID"
    not_a_dict = verify_file("not a dict", NOW, None)
    assert not_a_dict == [("signature", False, "the file does not hold a JSON object")]


def test_verify_file_without_a_status_entry_needs_no_list(record):
    document = sign(badge(record, status_entry=None), record.private_key, record.verification_method, CREATED)
    checks = verify_file(document, NOW, None, trusted_issuers={record.did})
    assert checks[-1][:2] == ("status", True) and verdict(checks) == "VALID"
    assert "no eddsa-rdfc-2022 proof" in checks[0][2]


@pytest.mark.parametrize(
    ("trusted", "revoked", "when", "expected"),
    [
        ("ours", (), NOW, "VALID"),
        ("none", (), NOW, "signature valid, issuer not trusted"),
        ("none", (4242,), NOW, "INVALID"),
        ("ours", (4242,), NOW, "INVALID"),
        ("ours", (), datetime(2030, 1, 1, tzinfo=UTC), "INVALID"),
    ],
)
def test_verdict_puts_a_failure_before_trust_and_trust_before_status(record, trusted, revoked, when, expected):
    document, status_list = signed_badge_and_list(record, revoked=revoked)
    issuers = {record.did} if trusted == "ours" else set()
    assert verdict(verify_file(document, when, status_list, trusted_issuers=issuers)) == expected


# --- purity ---


@pytest.mark.parametrize("module", ["codes", "credentials", "keys", "statuslist", "proofs", "rdfc", "share"])
def test_pure_modules_import_neither_flask_nor_sqlalchemy(module):
    source = Path(credentials.__file__).with_name(f"{module}.py").read_text(encoding="utf-8")
    imported = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert not imported & {"flask", "flask_sqlalchemy", "sqlalchemy", "werkzeug"}


# --- robustness: whatever a file holds, the checks answer instead of raising ---

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
field_names = st.sampled_from(
    [
        "@context",
        "issuer",
        "proof",
        "validFrom",
        "validUntil",
        "credentialStatus",
        "type",
        "id",
        "credentialSubject",
    ]
)
documents = st.dictionaries(field_names | st.text(max_size=8), json_values, max_size=8)
proof_fields = st.sampled_from(
    ["type", "proofPurpose", "verificationMethod", "proofValue", "created", "@context"]
)
proofs = st.builds(
    lambda proof, suite: {**proof, "cryptosuite": suite},
    st.dictionaries(proof_fields, json_values | st.just(OTHER_METHOD) | st.just("z" + "2" * 80)),
    st.sampled_from(["eddsa-jcs-2022", "eddsa-rdfc-2022"]),
)
contexts = st.sampled_from(
    [
        ["https://www.w3.org/ns/credentials/v2"],
        ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        ["https://www.w3.org/ns/credentials/v2", {"@vocab": "https://example.org/#"}],
        "https://example.org/not-bundled",
    ]
)


@settings(max_examples=200, deadline=None)
@given(documents, documents)
def test_checks_never_raise_on_arbitrary_json(document, status_list):
    assert isinstance(verify(document), VerificationResult)
    assert isinstance(check_status(document, status_list), str)
    checks = verify_file(document, NOW, status_list, trusted_issuers=["did:key:x"])
    assert all(ok in (True, False, None) for _, ok, _ in checks)
    assert verdict(checks) in ("VALID", "INVALID", "signature valid, issuer not trusted", "status unknown")


@settings(max_examples=200, deadline=None)
@given(documents, st.lists(proofs, min_size=1, max_size=2))
def test_malformed_proofs_never_verify_and_never_raise(document, proof_list):
    assert not verify({**document, "proof": proof_list}).ok


@settings(max_examples=150, deadline=None)
@given(documents, contexts, st.lists(proofs, min_size=1, max_size=2))
def test_json_ld_documents_with_malformed_proofs_never_verify_and_never_raise(document, context, proof_list):
    assert not verify({**document, "@context": context, "proof": proof_list}).ok
