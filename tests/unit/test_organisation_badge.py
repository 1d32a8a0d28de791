"""The trained organisation credential, unsigned and signed offline: its subject, rule and two status entries."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from academy.certificates import codes, keys
from academy.certificates.credentials import check_status, sign_proof_set, verify
from academy.certificates.statuslist import StatusList, status_list_credential_at
from academy.organisations.badge import TrainedOrganisation, build_organisation_badge, status_list_url

URL = "https://academy.example"
CREATED = "2026-01-01T00:00:00Z"
CODE = codes.group(codes.canonical(codes.new_code()))
WHAT = TrainedOrganisation(code=CODE.lower(), organisation_name="Harbour Hotel", community_name="Riverside",
                           community_slug="riverside", sector="business", sector_label="Businesses",
                           course_slug="hospitality", course_title="Hospitality", threshold_percent=80)


def _badge(index: int = 42) -> dict:
    return build_organisation_badge(public_url=URL + "/", what=WHAT, issuer_did="did:key:z6Mkexample",
                                    issuer_name="The Academy", valid_from=datetime(2026, 1, 1, tzinfo=UTC),
                                    valid_until=datetime(2026, 4, 1, tzinfo=UTC), status_list_id=1,
                                    status_index=index)


def test_the_subject_is_the_organisation_and_the_achievement_the_rule():
    badge = _badge()
    subject = badge["credentialSubject"]
    assert subject == {**subject, "id": f"{URL}/organisations/verify/{CODE}", "type": ["AchievementSubject"],
                       "name": "Harbour Hotel"}
    assert subject["achievement"]["criteria"]["narrative"].startswith(
        "At least 80% of members hold a current certificate of Hospitality.")
    assert badge["id"] == f"{URL}/api/v1/organisation-awards/{CODE}/credential"
    assert (badge["validFrom"], badge["validUntil"]) == ("2026-01-01T00:00:00Z", "2026-04-01T00:00:00Z")
    assert [(e["statusPurpose"], e["statusListIndex"], e["statusListCredential"]) for e in badge["credentialStatus"]] \
        == [("revocation", "42", f"{URL}/api/v1/organisation-awards/status/revocation/1"),
            ("suspension", "42", f"{URL}/api/v1/organisation-awards/status/suspension/1")]


def test_a_bad_code_or_purpose_is_refused():
    with pytest.raises(ValueError, match="not a valid award code"):
        build_organisation_badge(public_url=URL, what=TrainedOrganisation(**{**WHAT.__dict__, "code": "nope"}),
                                 issuer_did="did:key:z6Mkexample", issuer_name="A", valid_from=datetime.now(UTC),
                                 valid_until=datetime.now(UTC), status_list_id=1, status_index=1)
    with pytest.raises(ValueError, match="unsupported status purpose"):
        status_list_url(URL, "expiry", 1)


@pytest.mark.parametrize(("purpose", "set_word"), [("revocation", "revoked"), ("suspension", "suspended")])
def test_each_list_is_checked_for_its_own_purpose(purpose, set_word):
    record = keys.generate_key()
    badge = _badge(index=7)
    badge["issuer"]["id"] = record.did
    signed = sign_proof_set(badge, record.private_key, record.verification_method, CREATED)
    assert verify(signed).ok
    bits = StatusList()
    bits.set(7, True)
    lists = {}
    for name in ("revocation", "suspension"):
        encoded = bits.encode() if name == purpose else StatusList().encode()
        unsigned = status_list_credential_at(status_list_url(URL, name, 1), encoded, record.did, CREATED, name)
        lists[name] = sign_proof_set(unsigned, record.private_key, record.verification_method, CREATED)
    other = "suspension" if purpose == "revocation" else "revocation"
    assert check_status(signed, lists[purpose], purpose=purpose) == set_word
    assert check_status(signed, lists[other], purpose=other) == "ok"
    assert check_status(signed, lists[other], purpose=purpose) == \
        "the status list is not the one the credential names"
