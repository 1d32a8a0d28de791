"""Certificate codes end to end: new codes carry the Damm check, old mod-37 codes still verify everywhere."""

from __future__ import annotations

import random
import secrets

import pytest
from sqlalchemy import update

from academy.certificates import codes, credentials, service
from academy.certificates.models import Certificate
from academy.extensions import db
from tests.certificates_fixtures import course, issue, signing_key  # noqa: F401 (fixtures)


def legacy_key(last: str) -> str:
    """Return a random key with an old mod-37 check symbol equal to `last` that the new check refuses."""
    while True:
        data = "".join(secrets.choice(codes.DATA_ALPHABET) for _ in range(codes.DATA_LENGTH))
        key = data + codes.legacy_check_symbol(data)
        if key[-1] == last and not codes.is_valid_key(key, legacy=False):
            return key


@pytest.fixture
def old_cert(issue, make_user):
    """A certificate as issued before the Damm check: its code ends in '$'."""
    cert = issue(make_user("trainee", name="Priya Patel"), "policing")
    key = legacy_key("$")
    db.session.execute(update(Certificate).where(Certificate.id == cert.id).values(code=key))
    db.session.commit()
    return key


def test_issued_codes_use_the_new_check_symbol(issue):
    cert = issue()
    assert codes.is_valid_key(cert.code, legacy=False)
    assert cert.code[-1] in codes.DATA_ALPHABET


def test_an_old_code_verifies_on_the_page_in_the_api_and_in_bulk(client, old_cert):
    grouped = codes.group(old_cert)
    assert grouped.endswith("-$")
    for typed in (grouped, grouped.lower(), old_cert, " ".join(grouped.split("-"))):
        page = client.get(f"/verify/{typed}")
        assert page.status_code == 200, typed
        assert grouped in page.get_data(as_text=True)
    answer = client.get(f"/api/v1/certificates/{grouped.replace('$', '%24')}")
    assert answer.status_code == 200 and answer.get_json()["status"] == "valid"
    bulk = client.post("/api/v1/certificates/verify", json={"codes": [grouped, old_cert.lower()]})
    assert [result["status"] for result in bulk.get_json()["results"]] == ["valid", "valid"]
    assert service.find(grouped.replace("-", " ")).code == old_cert


def test_an_old_code_still_gets_its_signed_credential(client, old_cert, signing_key):
    document = client.get(f"/api/v1/certificates/{old_cert}/credential").get_json()
    assert document["id"].endswith(f"/api/v1/certificates/{codes.group(old_cert)}/credential")
    assert credentials.verify(document).ok


def legacy_typos(key: str) -> list[str]:
    """Every one-symbol typo of a new code that the old mod-37 check would accept."""
    return [
        key[:position] + symbol + key[position + 1 :]
        for position in range(codes.DATA_LENGTH)
        for symbol in codes.DATA_ALPHABET
        if symbol != key[position]
        and codes.legacy_check_symbol(key[:position] + symbol + key[position + 1 : codes.DATA_LENGTH]) == key[-1]
    ]


def code_with_a_legacy_typo() -> tuple[str, str]:
    """A new-style code (the same on every run) that has such a typo, and the first such typo."""
    draw = random.Random(14)
    while True:
        data = "".join(draw.choice(codes.DATA_ALPHABET) for _ in range(codes.DATA_LENGTH))
        key = data + codes.check_symbol(data)
        typos = legacy_typos(key)
        if typos:
            return key, typos[0]


def test_a_typo_that_passes_the_old_check_finds_nothing(client, issue):
    """The price of accepting old codes: some typos are well-formed, but they match no certificate."""
    cert = issue()
    key, typo = code_with_a_legacy_typo()  # not every code has such a typo: use one that has
    db.session.execute(update(Certificate).where(Certificate.id == cert.id).values(code=key))
    db.session.commit()
    assert codes.is_valid_key(key, legacy=False)
    assert codes.canonical(typo) == typo and codes.canonical(typo, legacy=False) is None
    assert client.get(f"/verify/{codes.group(typo)}").status_code == 404
    bulk = client.post("/api/v1/certificates/verify", json={"codes": [codes.group(typo), key]})
    assert [result["status"] for result in bulk.get_json()["results"]] == ["not_found", "valid"]
