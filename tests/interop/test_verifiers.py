"""The academy's credentials in the verifiers holders and employers use: DCC verifier-core and Digital Bazaar's vc.

A live test academy serves the credential and its status list on a loopback port; pinned verifiers (package.json)
run under Node and fetch the status list from it, as a wallet or a verifier site would.
"""

from __future__ import annotations

import copy
import io
import json
import urllib.request
from datetime import timedelta

import pytest
from PIL import Image

from academy.accounts.communities import store_logo
from academy.certificates import codes, rdfc
from tests.conftest import PASSWORD
from tests.interop.conftest import run_verifier

SUITES = ["eddsa-rdfc-2022", "eddsa-jcs-2022"]


@pytest.fixture
def certificate(academy, verifiers):
    """Return a function issuing a certificate in the served academy and giving its credential as served."""
    from academy.accounts import service as accounts
    from academy.certificates import service
    from academy.courses.catalog import get_course
    from academy.database import utcnow
    from academy.extensions import db

    def _issue(*, revoked: bool = False, years_ago: int = 0, logo: bool = False) -> dict:
        with academy.app.app_context():
            community = accounts.get_or_create_community("riverside", "Riverside Coalition")
            if logo:
                community.logo_filename = store_logo(academy.app.instance_path, _png())
            holder = accounts.create_user(
                email=f"holder{utcnow().timestamp()}@example.org", name="Priya Patel", password=PASSWORD,
                sector="law-enforcement", subrole="police", community_id=community.id,
            )
            issued = service.issue_certificate(
                holder, get_course("policing"), via="self-paced", now=utcnow() - timedelta(days=365 * years_ago)
            )
            if revoked:
                admin = accounts.create_user(
                    email=f"admin{utcnow().timestamp()}@example.org", name="Ada Admin", password=PASSWORD,
                    role="admin",
                )
                service.revoke_certificate(issued, admin, "issued in error")
            db.session.commit()
            code = codes.group(issued.code)
            db.session.remove()
        with urllib.request.urlopen(f"{academy.url}/api/v1/certificates/{code}/credential") as response:  # noqa: S310
            return json.loads(response.read())

    return _issue


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 8), (29, 78, 137)).save(out, "PNG")
    return out.getvalue()


def digital_bazaar(credential: dict, suites=SUITES) -> dict:
    return run_verifier("digitalbazaar", credential, suites=list(suites), contexts=rdfc.bundled_contexts())


def steps(result: dict) -> dict:
    """verifier-core's log as {step: valid}."""
    return {entry["id"]: entry.get("valid") for entry in result["log"]}


# --- DCC verifier-core (VerifierPlus, the Learner Credential Wallet): eddsa-rdfc-2022 only ---


def test_verifier_core_passes_a_valid_credential(certificate):
    result = run_verifier("verifier-core", certificate())
    assert result["errors"] == []
    assert steps(result) == {
        "valid_signature": True, "expiration": True, "revocation_status": True, "registered_issuer": False
    }  # registered_issuer: the test academy is in no DID registry; nothing else may fail


def test_verifier_core_reports_a_revoked_credential_through_the_status_list(certificate):
    result = run_verifier("verifier-core", certificate(revoked=True))
    assert result["errors"] == []
    assert steps(result)["valid_signature"] is True
    assert steps(result)["revocation_status"] is False


def test_verifier_core_reports_an_expired_credential(certificate):
    result = run_verifier("verifier-core", certificate(years_ago=3))
    assert result["errors"] == []
    assert steps(result)["valid_signature"] is True and steps(result)["expiration"] is False
    assert steps(result)["revocation_status"] is True


def test_verifier_core_rejects_a_tampered_credential(certificate):
    tampered = copy.deepcopy(certificate())
    tampered["credentialSubject"]["achievement"]["name"] = "Advanced investigations"
    result = run_verifier("verifier-core", tampered)
    assert [error["name"] for error in result["errors"]] == ["invalid_signature"]


def test_both_verifiers_accept_an_issuer_profile_with_the_communitys_logo(certificate):
    credential = certificate(logo=True)
    assert credential["issuer"]["image"]["type"] == "Image"
    assert credential["issuer"]["image"]["id"].endswith("/logo")
    result = run_verifier("verifier-core", credential)
    assert result["errors"] == [] and steps(result)["valid_signature"] is True
    result = digital_bazaar(credential)
    assert result["verified"] is True, result["error"]


# --- Digital Bazaar's vc with data-integrity and both eddsa cryptosuites ---


@pytest.mark.parametrize("suites", [SUITES, ["eddsa-rdfc-2022"], ["eddsa-jcs-2022"]], ids="+".join)
def test_digital_bazaar_verifies_each_proof_and_the_status(certificate, suites):
    result = digital_bazaar(certificate(), suites)
    assert result["verified"] is True, result["error"]
    assert sorted(proof["cryptosuite"] for proof in result["proofs"]) == sorted(suites)
    assert all(proof["verified"] for proof in result["proofs"])
    assert result["status"]["verified"] is True
    assert result["status"]["results"] == [{"status": False, "verified": True}]


def test_digital_bazaar_reports_a_revoked_credential(certificate):
    result = digital_bazaar(certificate(revoked=True))
    # The library leaves the verdict to its caller: the signatures and the status check succeed, and the
    # status list's bit for this credential is set ("status": true), which is what "revoked" means here.
    assert all(proof["verified"] for proof in result["proofs"]) and len(result["proofs"]) == 2
    assert result["status"]["verified"] is True
    assert result["status"]["results"] == [{"status": True, "verified": True}]


def test_digital_bazaar_rejects_an_expired_credential(certificate):
    result = digital_bazaar(certificate(years_ago=3))
    assert result["verified"] is False
    assert 'is after "validUntil"' in result["error"]["message"]


@pytest.mark.parametrize("suites", [["eddsa-rdfc-2022"], ["eddsa-jcs-2022"]], ids="+".join)
def test_digital_bazaar_rejects_a_tampered_credential(certificate, suites):
    tampered = copy.deepcopy(certificate())
    tampered["validUntil"] = "2099-01-01T00:00:00Z"
    result = digital_bazaar(tampered, suites)
    assert result["verified"] is False
    assert [proof["verified"] for proof in result["proofs"]] == [False]


def test_verifier_core_checks_the_status_lists_own_rdfc_proof(certificate, monkeypatch):
    """Served with only its eddsa-jcs-2022 proof, the status list is refused: why it carries both proofs."""
    from academy.certificates import publish

    signed_list = publish.status_list_credential

    def jcs_only(app, list_id=publish.STATUS_LIST_ID):
        document = signed_list(app, list_id)
        return {**document, "proof": [p for p in document["proof"] if p["cryptosuite"] == "eddsa-jcs-2022"]}

    credential = certificate()
    monkeypatch.setattr(publish, "status_list_credential", jcs_only)
    result = run_verifier("verifier-core", credential)
    assert steps(result)["valid_signature"] is True
    status = next(entry for entry in result["log"] if entry["id"] == "revocation_status")
    assert status["error"]["name"] == "status_list_signature_error", status


# --- the trained organisation credential: the same verifiers, a revocation and a suspension list ---


@pytest.fixture
def organisation_credential(academy, verifiers):
    """Return a function awarding an organisation in the served academy and giving its credential as served."""
    from academy.accounts import service as accounts
    from academy.certificates import service
    from academy.courses.catalog import get_course
    from academy.database import utcnow
    from academy.extensions import db
    from academy.organisations import awards
    from academy.organisations.models import Organisation

    def _award(*, state: str = "valid") -> dict:
        with academy.app.app_context():
            stamp = utcnow().timestamp()
            community = accounts.get_or_create_community("riverside", "Riverside Coalition")
            organisation = Organisation(community_id=community.id, name=f"Harbour Police {stamp}",
                                        sector="law-enforcement")
            db.session.add(organisation)
            db.session.flush()
            coordinator = accounts.create_user(email=f"coord{stamp}@example.org", name="Cora Coordinator",
                                               password=PASSWORD, role="coordinator")
            for n in range(5):
                member = accounts.create_user(email=f"m{n}-{stamp}@example.org", name="Priya Patel",
                                              password=PASSWORD, sector="law-enforcement",
                                              community_id=community.id)
                member.organisation_id = organisation.id
                service.issue_certificate(member, get_course("policing"), via="self-paced")
            rule = awards.rule_for(community.id, "law-enforcement") or awards.save_rule(
                community, "law-enforcement", course_slug="policing", threshold_percent=80, min_members=5,
                active=True, actor=coordinator)
            award = awards.award(rule, organisation, actor=coordinator)
            if state == "revoked":
                awards.revoke(award, actor=coordinator, reason="issued in error")
            elif state == "lapsed":
                accounts.create_user(email=f"new{stamp}@example.org", name="New Member", password=PASSWORD,
                                     community_id=community.id).organisation_id = organisation.id
                awards.recheck_all()  # 5 of 6 hold a certificate: 83%, still holds
                for n in range(2):
                    accounts.create_user(email=f"new{n}-{stamp}@example.org", name="New Member",
                                         password=PASSWORD, community_id=community.id).organisation_id = \
                        organisation.id
                db.session.flush()
                assert awards.recheck_all() == {"lapsed": 1}  # 5 of 8: 62%
            db.session.commit()
            code = codes.group(award.code)
            db.session.remove()
        with urllib.request.urlopen(  # noqa: S310
                f"{academy.url}/api/v1/organisation-awards/{code}/credential") as response:
            return json.loads(response.read())

    return _award


def test_verifier_core_passes_a_valid_organisation_credential(organisation_credential):
    credential = organisation_credential()
    assert credential["credentialSubject"]["name"].startswith("Harbour Police")
    result = run_verifier("verifier-core", credential)
    assert result["errors"] == []
    assert steps(result) == {"valid_signature": True, "expiration": True, "revocation_status": True,
                             "suspension_status": True, "registered_issuer": False}


def test_verifier_core_reports_a_lapsed_organisation_credential_as_suspended(organisation_credential):
    result = run_verifier("verifier-core", organisation_credential(state="lapsed"))
    assert result["errors"] == []
    assert steps(result)["valid_signature"] is True and steps(result)["revocation_status"] is True
    assert steps(result)["suspension_status"] is False


def test_verifier_core_reports_a_revoked_organisation_credential(organisation_credential):
    result = run_verifier("verifier-core", organisation_credential(state="revoked"))
    assert result["errors"] == []
    assert steps(result)["revocation_status"] is False and steps(result)["suspension_status"] is True


@pytest.mark.parametrize("suites", [SUITES, ["eddsa-rdfc-2022"], ["eddsa-jcs-2022"]], ids="+".join)
def test_digital_bazaar_verifies_the_organisation_credential_and_both_lists(organisation_credential, suites):
    result = digital_bazaar(organisation_credential(), suites)
    assert result["verified"] is True, result["error"]
    assert all(proof["verified"] for proof in result["proofs"]) and len(result["proofs"]) == len(suites)
    assert result["status"]["results"] == [{"status": False, "verified": True}, {"status": False, "verified": True}]


@pytest.mark.parametrize(("state", "bits"), [("lapsed", [False, True]), ("revoked", [True, False])])
def test_digital_bazaar_reads_the_organisation_lapse_and_revocation_bits(organisation_credential, state, bits):
    result = digital_bazaar(organisation_credential(state=state))
    assert all(proof["verified"] for proof in result["proofs"])
    # revocation first, suspension second, as the credential lists them
    assert [entry["status"] for entry in result["status"]["results"]] == bits
