"""Bitstring Status List: bit order, encoding, limits, and revocation checks against signed lists."""

from __future__ import annotations

import base64
import gzip
import re
from datetime import UTC, datetime

import pytest

from academy.certificates import keys
from academy.certificates.credentials import check_status, sign
from academy.certificates.statuslist import (
    MIN_SIZE,
    StatusList,
    build_status_list_credential,
    random_free_index,
    status_entry,
    status_list_url,
)

URL = "https://academy.example"
CREATED = "2025-01-01T00:00:00Z"
# The all-zero 16 KB list from the W3C Bitstring Status List v1.0 example.
SPEC_EXAMPLE = "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"


def encode_raw(raw: bytes) -> str:
    return "u" + base64.urlsafe_b64encode(gzip.compress(raw)).rstrip(b"=").decode()


def test_default_list_is_the_spec_minimum_of_16_kb():
    status_list = StatusList()
    assert status_list.size == MIN_SIZE == 131_072
    assert len(status_list.to_bytes()) == 16 * 1024
    assert not any(status_list.to_bytes())


@pytest.mark.parametrize("size", [0, 8, MIN_SIZE - 8, MIN_SIZE + 1])
def test_sizes_below_the_minimum_or_not_whole_bytes_are_refused(size):
    with pytest.raises(ValueError):
        StatusList(size)


@pytest.mark.parametrize(
    ("index", "byte", "value"),
    [(0, 0, 0x80), (1, 0, 0x40), (7, 0, 0x01), (8, 1, 0x80), (MIN_SIZE - 1, 16383, 0x01)],
)
def test_index_zero_is_the_left_most_bit_of_the_first_byte(index, byte, value):
    status_list = StatusList()
    status_list.set(index, True)
    raw = status_list.to_bytes()
    assert raw[byte] == value
    assert sum(raw) == value
    assert status_list.get(index)


def test_set_and_clear_touch_only_their_bit():
    status_list = StatusList()
    for index in (3, 4, 5, 100_000):
        status_list.set(index, True)
    status_list.set(4, False)
    assert [status_list.get(i) for i in (2, 3, 4, 5, 6, 100_000)] == [False, True, False, True, False, True]


@pytest.mark.parametrize("index", [-1, MIN_SIZE, 2**40, True, "3", 1.0])
def test_out_of_range_or_non_integer_indexes_are_refused(index):
    with pytest.raises(IndexError):
        StatusList().get(index)


def test_encode_decode_round_trip():
    status_list = StatusList(MIN_SIZE * 2)
    indexes = {0, 1, 9, 4095, 131_071, 131_072, 262_143}
    for index in indexes:
        status_list.set(index, True)
    encoded = status_list.encode()
    assert re.fullmatch(r"u[A-Za-z0-9_-]+", encoded)  # multibase base64url, no padding
    decoded = StatusList.decode(encoded)
    assert decoded.size == MIN_SIZE * 2
    assert decoded.to_bytes() == status_list.to_bytes()
    assert {i for i in range(decoded.size) if decoded.get(i)} == indexes


def test_encoded_list_is_gzip_of_the_raw_bits():
    status_list = StatusList()
    status_list.set(10, True)
    body = status_list.encode()[1:]
    raw = gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    assert raw == status_list.to_bytes()


def test_all_zero_list_encodes_small_and_matches_the_spec_example():
    encoded = StatusList().encode()
    assert len(encoded) < 200
    assert StatusList.decode(SPEC_EXAMPLE).to_bytes() == StatusList().to_bytes()


@pytest.mark.parametrize(
    "encoded",
    [
        "",
        "zH4sIAAAAAAAAA",
        "u!!!",
        "u" + base64.urlsafe_b64encode(b"not gzip at all").decode(),
        encode_raw(bytes(16384))[:-10],  # truncated
        "u\u00e9",
        None,
    ],
    ids=["empty", "not-multibase-u", "not-base64", "not-gzip", "truncated", "not-ascii", "none"],  # gzip dates itself
)
def test_malformed_encoded_lists_are_refused(encoded):
    with pytest.raises(ValueError):
        StatusList.decode(encoded)


def test_a_list_shorter_than_16_kb_is_refused():
    with pytest.raises(ValueError, match="fewer than the minimum"):
        StatusList.decode(encode_raw(bytes(1024)))


def test_a_list_that_inflates_beyond_the_limit_is_refused():
    with pytest.raises(ValueError, match="larger"):
        StatusList.decode(encode_raw(bytes(17 * 1024 * 1024)))


def test_random_free_index_avoids_used_indexes():
    used = set(range(0, MIN_SIZE, 2))
    picks = {random_free_index(used) for _ in range(200)}
    assert all(0 <= pick < MIN_SIZE and pick % 2 == 1 for pick in picks)
    assert len(picks) > 150  # spread out, not sequential


def test_random_free_index_finds_the_last_free_slot_and_refuses_a_full_list():
    used = set(range(MIN_SIZE)) - {77_777}
    assert random_free_index(used) == 77_777
    with pytest.raises(ValueError):
        random_free_index(set(range(MIN_SIZE)))


def test_status_list_credential_shape():
    credential = build_status_list_credential(URL, 1, SPEC_EXAMPLE, "did:key:z6Mkexample", CREATED)
    assert credential["id"] == status_list_url(URL, 1) == "https://academy.example/api/v1/status-lists/1"
    assert credential["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert credential["issuer"] == "did:key:z6Mkexample"
    assert credential["validFrom"] == CREATED
    assert credential["credentialSubject"] == {
        "id": "https://academy.example/api/v1/status-lists/1#list",
        "type": "BitstringStatusList",
        "statusPurpose": "revocation",
        "encodedList": SPEC_EXAMPLE,
    }


def test_status_entry_shape():
    assert status_entry(URL, 1, 94567) == {
        "id": "https://academy.example/api/v1/status-lists/1#94567",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "94567",
        "statusListCredential": "https://academy.example/api/v1/status-lists/1",
    }


# --- check_status: the credential's entry against a signed status list credential ---


@pytest.fixture
def issuer():
    return keys.generate_key()


def signed_list(record, revoked=(), list_id=1):
    bits = StatusList()
    for index in revoked:
        bits.set(index, True)
    unsigned = build_status_list_credential(URL, list_id, bits.encode(), record.did, CREATED)
    return sign(unsigned, record.private_key, record.verification_method, CREATED)


def credential_for(record, index, list_id=1):
    return {"issuer": {"id": record.did}, "credentialStatus": status_entry(URL, list_id, index)}


def test_check_status_reads_the_bit(issuer):
    status_list = signed_list(issuer, revoked={42})
    assert check_status(credential_for(issuer, 42), status_list) == "revoked"
    assert check_status(credential_for(issuer, 43), status_list) == "ok"


def test_check_status_accepts_a_list_in_a_status_array(issuer):
    credential = credential_for(issuer, 42)
    credential["credentialStatus"] = [{"type": "Other"}, credential["credentialStatus"]]
    assert check_status(credential, signed_list(issuer, revoked={42})) == "revoked"


def test_check_status_refuses_a_tampered_list(issuer):
    status_list = signed_list(issuer, revoked={42})
    status_list["credentialSubject"]["encodedList"] = StatusList().encode()
    assert check_status(credential_for(issuer, 42), status_list).startswith("status list: ")


def test_check_status_refuses_a_list_from_another_issuer(issuer):
    stranger = keys.generate_key()
    reason = check_status(credential_for(issuer, 42), signed_list(stranger))
    assert reason not in ("ok", "revoked")
    assert "trusted issuer" in reason


def test_check_status_trusts_the_current_key_after_rotation(issuer):
    current = keys.generate_key()
    status_list = signed_list(current, revoked={42})
    assert check_status(credential_for(issuer, 42), status_list) not in ("ok", "revoked")
    assert check_status(credential_for(issuer, 42), status_list, trusted_issuers={current.did}) == "revoked"


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda c: c.pop("credentialStatus"), "no revocation status"),
        (lambda c: c["credentialStatus"].update(statusListIndex="-1"), "statusListIndex"),
        (lambda c: c["credentialStatus"].update(statusListIndex=5), "statusListIndex"),
        (lambda c: c["credentialStatus"].update(statusListIndex=str(MIN_SIZE)), "outside"),
        (lambda c: c["credentialStatus"].update(statusListCredential=status_list_url(URL, 2)), "not the one"),
        (lambda c: c["credentialStatus"].update(statusSize=2), "one bit"),
    ],
)
def test_check_status_explains_what_it_cannot_decide(issuer, change, words):
    credential = credential_for(issuer, 42)
    change(credential)
    reason = check_status(credential, signed_list(issuer, revoked={42}))
    assert reason not in ("ok", "revoked")
    assert words in reason


def test_check_status_checks_the_list_validity_when_given_now(issuer):
    status_list = signed_list(issuer)
    before = datetime(2024, 1, 1, tzinfo=UTC)
    assert "not valid before" in check_status(credential_for(issuer, 1), status_list, now=before)
    assert check_status(credential_for(issuer, 1), status_list, now=datetime(2026, 1, 1, tzinfo=UTC)) == "ok"


@pytest.mark.parametrize(
    ("path", "value", "words"),
    [
        (("credentialSubject", "statusPurpose"), "suspension", "purpose"),
        (("credentialSubject", "type"), "StatusList2021", "no BitstringStatusList subject"),
        (
            ("type",),
            ["VerifiableCredential", "StatusList2021Credential"],
            "not a BitstringStatusListCredential",
        ),
    ],
)
def test_check_status_refuses_a_signed_list_of_another_kind(issuer, path, value, words):
    unsigned = build_status_list_credential(URL, 1, StatusList().encode(), issuer.did, CREATED)
    target = unsigned
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    status_list = sign(unsigned, issuer.private_key, issuer.verification_method, CREATED)
    assert words in check_status(credential_for(issuer, 1), status_list)
