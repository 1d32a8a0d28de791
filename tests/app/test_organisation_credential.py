"""The "trained organisation" credential: rules, preview, award, lapse and reinstatement, revocation, privacy."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from academy.certificates import codes, credentials
from academy.certificates import service as certificates
from academy.certificates.models import AuditEvent, Certificate
from academy.courses.catalog import get_course
from academy.database import utcnow
from academy.extensions import db
from academy.organisations import awards
from academy.organisations.models import CredentialRule, Organisation, OrganisationAward

SECRET = "Quillon Undercover-Vance"  # a member who never agreed to share: never on any page about the award


@pytest.fixture
def town(app, make_community, make_user):
    """Riverside (Vancouver time), its coordinator, a police department with no members yet, and a rule."""
    certificates.init_keys(app)
    riverside = make_community("riverside", "Riverside Coalition")
    riverside.timezone = "America/Vancouver"
    organisation = Organisation(community_id=riverside.id, name="Riverside Police Department",
                                sector="law-enforcement")
    db.session.add(organisation)
    db.session.commit()
    coordinator = make_user("coordinator", name="Cora Coordinator", sector=None, subrole=None, community=riverside,
                            coordinates=[riverside])
    rule = awards.save_rule(riverside, "law-enforcement", course_slug="policing", threshold_percent=80,
                            min_members=5, active=True, actor=coordinator)
    db.session.commit()

    class Town:
        pass

    Town.community, Town.organisation, Town.coordinator, Town.rule = riverside, organisation, coordinator, rule
    Town.members = []

    def add(n: int, *, holding: bool, shares: bool = False, name: str | None = None) -> list:
        made = []
        for _ in range(n):
            user = make_user("trainee", community=riverside, name=name)
            user.organisation_id, user.shares_with_organisation = organisation.id, shares
            if holding:
                certificates.issue_certificate(user, get_course("policing"), via="self-paced")
            made.append(user)
        db.session.commit()
        Town.members.extend(made)
        return made

    Town.add = staticmethod(add)
    return Town


def _award(town) -> OrganisationAward:
    award = awards.award(town.rule, town.organisation, actor=town.coordinator)
    db.session.commit()
    return award


def _page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_a_coordinator_previews_then_awards_an_organisation_that_meets_the_rule(client, auth, town):
    town.add(8, holding=True)
    town.add(2, holding=False, name=SECRET)
    auth.login(town.coordinator)
    preview = _text(_page(client, f"/organisations/credential-rules/{town.rule.id}"))
    assert "At least 80% of members hold a current certificate of Test policing" in preview
    assert "Riverside Police Department 10 8 (80%) yes" in preview
    assert SECRET not in preview
    response = client.post(f"/organisations/credential-rules/{town.rule.id}/award/{town.organisation.id}")
    award = db.session.scalar(select(OrganisationAward))
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/organisations/verify/{codes.group(award.code)}")
    page = _text(_page(client, response.headers["Location"]))
    assert "Valid" in page and "Riverside Police Department" in page and "Riverside Coalition" in page
    assert "At least 80% of members hold a current certificate of Test policing." in page
    assert "(PST, America/Vancouver)" in page or "(PDT, America/Vancouver)" in page
    assert award.status() == "valid" and award.issued_by_id == town.coordinator.id
    assert award.valid_until - award.credential_issued_at == awards.VALIDITY
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "organisation_award.issued"))
    assert event.actor_id == town.coordinator.id and event.detail["actor_name"] == "Cora Coordinator"
    assert event.subject_id == codes.group(award.code)


def test_an_organisation_below_the_threshold_is_not_awarded(client, auth, town):
    town.add(7, holding=True)
    town.add(3, holding=False)
    auth.login(town.coordinator)
    preview = _text(_page(client, f"/organisations/credential-rules/{town.rule.id}"))
    assert "Riverside Police Department 10 7 (70%) no" in preview
    assert f"/award/{town.organisation.id}" not in _page(client, f"/organisations/credential-rules/{town.rule.id}")
    response = client.post(f"/organisations/credential-rules/{town.rule.id}/award/{town.organisation.id}",
                           follow_redirects=True)
    assert "This organisation does not meet the rule." in response.get_data(as_text=True)
    assert db.session.scalar(select(OrganisationAward)) is None


def test_fewer_members_than_five_are_never_certified_nor_counted(client, auth, town):
    town.add(4, holding=True)
    evaluation = awards.evaluate(town.rule)[0]
    assert (evaluation.members, evaluation.holders, evaluation.holds) == (4, 4, False)
    auth.login(town.coordinator)
    preview = _text(_page(client, f"/organisations/credential-rules/{town.rule.id}"))
    assert "Riverside Police Department fewer than 5 fewer than 5 no" in preview
    with pytest.raises(awards.AwardError, match="does not meet the rule"):
        awards.award(town.rule, town.organisation, actor=town.coordinator)


def test_few_holders_are_not_counted_even_in_a_large_organisation(town):
    town.add(3, holding=True)
    town.add(7, holding=False)
    evaluation = awards.evaluate(town.rule)[0]
    assert (evaluation.members_shown, evaluation.holders_shown, evaluation.percent_shown) == (10, None, None)


def test_the_award_lapses_when_certificates_expire_and_is_reinstated_by_the_scheduled_run(runner, client, town):
    members = town.add(5, holding=True)
    award = _award(town)
    for member in members[:2]:  # 3 of 5 hold a current certificate: 60%
        expiring = db.session.scalar(select(Certificate).where(Certificate.user_id == member.id))
        expiring.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    result = runner.invoke(args=["reminders", "run"])
    assert result.exit_code == 0 and "1 organisation credentials lapsed" in result.output
    db.session.refresh(award)
    assert award.status() == "lapsed"
    code = codes.group(award.code)
    assert client.get(f"/api/v1/organisation-awards/{code}").get_json()["status"] == "lapsed"
    assert _suspended(client, code) == "suspended"
    assert "no longer meets the rule" in _page(client, f"/organisations/verify/{code}")
    certificates.issue_certificate(members[0], get_course("policing"), via="self-paced")  # retaken: 4 of 5
    db.session.commit()
    result = runner.invoke(args=["reminders", "run"])
    assert "1 organisation credentials reinstated" in result.output
    db.session.refresh(award)
    assert award.status() == "valid" and award.lapsed_at is None
    assert _suspended(client, code) == "ok"
    actions = list(db.session.scalars(select(AuditEvent.action).where(AuditEvent.subject_id == code)
                                      .order_by(AuditEvent.id)))
    assert actions == ["organisation_award.issued", "organisation_award.lapsed", "organisation_award.reinstated"]


def test_new_members_without_a_certificate_make_it_lapse(town):
    town.add(5, holding=True)
    award = _award(town)
    town.add(2, holding=False)  # 5 of 7: 71%
    assert awards.recheck_all() == {"lapsed": 1}
    assert award.status() == "lapsed"
    assert awards.recheck_all() == {}  # a lapsed award stays lapsed, logged once


def test_a_deactivated_rule_makes_awards_lapse(town):
    town.add(5, holding=True)
    award = _award(town)
    awards.save_rule(town.community, "law-enforcement", course_slug="policing", threshold_percent=80, min_members=5,
                     active=False, actor=town.coordinator, rule=town.rule)
    assert awards.recheck_all() == {"lapsed": 1} and award.status() == "lapsed"


def test_re_checks_issue_the_credential_again_before_it_runs_out(client, town):
    town.add(5, holding=True)
    award = _award(town)
    code = codes.group(award.code)
    first = client.get(f"/api/v1/organisation-awards/{code}/credential").get_json()
    assert awards.recheck_all() == {}  # 90 days left: nothing to do
    later = utcnow() + timedelta(days=31)
    assert awards.recheck_all(later) == {"renewed": 1}
    db.session.commit()
    again = client.get(f"/api/v1/organisation-awards/{code}/credential").get_json()
    assert again["validFrom"] > first["validFrom"] and again["validUntil"] > first["validUntil"]
    assert credentials.verify(again).ok
    assert awards.recheck(award, later + timedelta(days=800)) == "lapsed"  # every certificate expired by then


def test_an_award_not_re_checked_in_time_expires(town):
    town.add(5, holding=True)
    award = _award(town)
    assert award.status(award.valid_until + timedelta(seconds=1)) == "expired"


def test_revocation_is_private_final_and_in_the_revocation_list(client, auth, town):
    town.add(5, holding=True)
    award = _award(town)
    code = codes.group(award.code)
    auth.login(town.coordinator)
    empty = client.post(f"/organisations/awards/{code}/revoke", data={"reason": ""})
    assert empty.status_code == 400 and 'id="reason-err"' in empty.get_data(as_text=True)
    response = client.post(f"/organisations/awards/{code}/revoke", data={"reason": "falsified roster"})
    assert response.status_code == 302
    db.session.refresh(award)
    assert award.status() == "revoked" and award.revoked_by_id == town.coordinator.id
    page = _page(client, f"/organisations/verify/{code}")
    assert "Revoked" in page and "falsified roster" not in page
    assert "falsified roster" not in json.dumps(client.get(f"/api/v1/organisation-awards/{code}").get_json())
    credential = client.get(f"/api/v1/organisation-awards/{code}/credential").get_json()
    revocation = client.get(credentials.status_entry_of(credential)["statusListCredential"]).get_json()
    assert credentials.check_status(credential, revocation) == "revoked"
    assert awards.recheck_all() == {}  # a revoked award is never reinstated
    assert awards.current_award(town.organisation) is None
    assert awards.award(town.rule, town.organisation, actor=town.coordinator).code != award.code  # a new one


def _suspended(client, code: str) -> str:
    credential = client.get(f"/api/v1/organisation-awards/{code}/credential").get_json()
    url = credentials.status_entry_of(credential, "suspension")["statusListCredential"]
    return credentials.check_status(credential, client.get(url).get_json(), purpose="suspension")


def test_the_signed_credential_names_the_organisation_and_verifies(client, town):
    town.add(5, holding=True)
    award = _award(town)
    code = codes.group(award.code)
    credential = client.get(f"/api/v1/organisation-awards/{code}/credential").get_json()
    result = credentials.verify(credential)
    assert result.ok and set(result.checked) == {"eddsa-rdfc-2022", "eddsa-jcs-2022"}
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    subject = credential["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"] and subject["name"] == "Riverside Police Department"
    assert subject["id"] == f"https://academy.test/organisations/verify/{code}"
    assert "At least 80% of members" in subject["achievement"]["criteria"]["narrative"]
    assert [e["statusPurpose"] for e in credential["credentialStatus"]] == ["revocation", "suspension"]
    assert credentials.check_dates(credential, utcnow()).ok
    assert _suspended(client, code) == "ok"
    download = client.get(f"/organisations/verify/{code}/credential.json")
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert json.loads(download.get_data()) == credential


def test_no_member_is_named_or_counted_on_the_public_page_api_or_credential(client, town):
    town.add(5, holding=True, shares=True, name="Sam Sharer")
    town.add(1, holding=True, name=SECRET)
    award = _award(town)
    code = codes.group(award.code)
    public = [_page(client, f"/organisations/verify/{code}"),
              json.dumps(client.get(f"/api/v1/organisation-awards/{code}").get_json()),
              json.dumps(client.get(f"/api/v1/organisation-awards/{code}/credential").get_json())]
    for text in public:
        assert SECRET not in text and "Sam Sharer" not in text and "@example.org" not in text
        assert "Cora Coordinator" not in text
        assert not re.search(r"\b6 (members|of)\b", text)
    assert set(client.get(f"/api/v1/organisation-awards/{code}").get_json()) == {
        "code", "status", "organisation", "rule", "issued_at", "valid_from", "valid_until", "lapsed_at",
        "revoked_at", "verify_url", "credential_url"}


def test_the_lead_sees_the_award_and_a_share_link(client, auth, town):
    lead, *_ = town.add(5, holding=True)
    town.organisation.leads.append(lead)
    db.session.commit()
    award = _award(town)
    auth.login(lead)
    page = _page(client, f"/organisations/{town.organisation.id}")
    assert f'value="https://academy.test/organisations/verify/{codes.group(award.code)}"' in page
    assert "Share link" in page and "At least 80% of members" in page


def test_a_lead_without_an_award_is_told_how_to_get_one(client, auth, town):
    lead, *_ = town.add(1, holding=False)
    town.organisation.leads.append(lead)
    db.session.commit()
    auth.login(lead)
    assert "does not hold the credential yet" in _page(client, f"/organisations/{town.organisation.id}")


def test_a_coordinator_creates_a_rule_and_the_change_is_audited(client, auth, town, make_community):
    auth.login(town.coordinator)
    response = client.post("/organisations/credential-rules", data={
        "community": town.community.id, "sector": "health", "course": "basics", "threshold": "60",
        "min_members": "10", "active": "y"})
    rule = db.session.scalar(select(CredentialRule).where(CredentialRule.sector == "health"))
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/credential-rules/{rule.id}")
    assert (rule.threshold_percent, rule.min_members, rule.course_slug, rule.active) == (60, 10, "basics", True)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "organisation_rule.created",
                                                       AuditEvent.subject_id == str(rule.id)))
    assert event.detail["actor_name"] == "Cora Coordinator" and event.detail["threshold_percent"] == 60
    listing = _text(_page(client, "/organisations/credential-rules"))
    assert "At least 60% of members hold a current certificate of Test basics" in listing
    elsewhere = make_community("elsewhere")
    refused = client.post("/organisations/credential-rules", data={
        "community": elsewhere.id, "sector": "health", "course": "basics", "threshold": "60", "min_members": "5"})
    assert refused.status_code == 400 and "Not a valid choice" in refused.get_data(as_text=True)


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"threshold": "0"}, "threshold", "Give a percentage from 1 to 100."),
    ({"threshold": "101"}, "threshold", "Give a percentage from 1 to 100."),
    ({"threshold": ""}, "threshold", "Give a percentage from 1 to 100."),
    ({"min_members": "4"}, "min_members", "At least 5: smaller organisations are never certified"),
    ({"course": "nonexistent"}, "course", "Not a valid choice"),
    ({"sector": "consumers", "course": "policing"}, "course", "Choose a course of this sector or the shared"),
    ({"sector": "law-enforcement"}, "sector", "This community already has a rule for this sector"),
])
def test_rule_form_errors_stand_beside_their_field(client, auth, town, changes, field, message):
    auth.login(town.coordinator)
    data = {"community": town.community.id, "sector": "health", "course": "basics", "threshold": "80",
            "min_members": "5", **changes}
    response = client.post("/organisations/credential-rules", data=data)
    assert response.status_code == 400
    error = re.search(rf'<p class="error" id="{field}-err">([^<]*)</p>', response.get_data(as_text=True))
    assert error and message in error.group(1)
    assert db.session.scalar(select(CredentialRule).where(CredentialRule.sector == "health")) is None


def test_changing_a_rule_re_checks_awards_against_it(client, auth, town):
    town.add(8, holding=True)
    town.add(2, holding=False)
    award = _award(town)
    auth.login(town.coordinator)
    response = client.post(f"/organisations/credential-rules/{town.rule.id}", data={
        "course": "policing", "threshold": "90", "min_members": "5", "active": "y"})
    assert response.status_code == 302 and town.rule.threshold_percent == 90
    assert awards.recheck_all() == {"lapsed": 1} and award.status() == "lapsed"


def test_a_coordinator_of_another_community_cannot_award_or_revoke(client, auth, town, make_user, make_community):
    town.add(5, holding=True)
    award = _award(town)
    elsewhere = make_community("elsewhere")
    auth.login(make_user("coordinator", sector=None, subrole=None, community=elsewhere, coordinates=[elsewhere]))
    assert client.get(f"/organisations/credential-rules/{town.rule.id}").status_code == 403
    code = codes.group(award.code)
    assert client.post(f"/organisations/awards/{code}/revoke", data={"reason": "x"}).status_code == 403
    assert client.post(
        f"/organisations/credential-rules/{town.rule.id}/award/{town.organisation.id}").status_code == 403
    assert award.revoked_at is None


@pytest.mark.parametrize("path", [
    "/api/v1/organisation-awards/NOT-A-CODE",
    "/api/v1/organisation-awards/0000-0000-0000-0000-0/credential",
    "/api/v1/organisation-awards/status/expiry/1",
    "/api/v1/organisation-awards/status/revocation/2",
])
def test_the_api_answers_bad_input_with_json_errors(client, path):
    response = client.get(path)
    assert response.status_code == 404 and "error" in response.get_json()


def test_an_unknown_code_gets_a_calm_not_found_page(client):
    response = client.get("/organisations/verify/NOT-A-CODE")
    assert response.status_code == 404
    assert "We could not find an organisation credential with this code." in response.get_data(as_text=True)


def test_the_credential_status_agrees_with_credential_in_spanish(client, auth, town):
    """Spanish "credencial" is feminine: the organisation pages say Válida, Suspendida, Revocada; certificates keep
    their own words."""
    town.add(5, holding=True)
    award = _award(town)
    code = codes.group(award.code)
    spanish = {"Accept-Language": "es"}

    def status() -> str:
        html = client.get(f"/organisations/verify/{code}", headers=spanish).get_data(as_text=True)
        return re.search(r'id="status">([^<]+)<', html).group(1)

    assert status() == "Válida"
    award.lapsed_at = utcnow()
    db.session.commit()
    assert status() == "Suspendida"
    award.lapsed_at, award.valid_until = None, utcnow() - timedelta(days=1)
    db.session.commit()
    assert status() == "Caducada"
    award.revoked_at = utcnow()
    db.session.commit()
    assert status() == "Revocada"
    assert "Revocada" in _text(client.get(f"/organisations/verify/{code}", headers=spanish).get_data(as_text=True))
    french = client.get(f"/organisations/verify/{code}", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert re.search(r'id="status">([^<]+)<', french).group(1) == "Révoquée"
    certificate = db.session.scalar(select(Certificate))
    page = client.get(f"/verify/{codes.group(certificate.code)}", headers=spanish).get_data(as_text=True)
    assert "Válido" in page


def test_the_database_refuses_a_second_current_award_of_one_organisation(town):
    """Two coordinators awarding at the same moment (SQLite takes no row lock): the second insert is refused."""
    from sqlalchemy.exc import IntegrityError

    town.add(5, holding=True)
    first = _award(town)

    def another(**fields) -> OrganisationAward:
        return OrganisationAward(organisation_id=town.organisation.id, rule_id=town.rule.id, sector="law-enforcement",
                                 course_slug="policing", course_title="Policing", threshold_percent=80,
                                 valid_until=utcnow() + timedelta(days=90), code=f"DUPLICATE{len(fields)}",
                                 status_index=first.status_index + 1, **fields)

    db.session.add(another())
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    db.session.add(another(revoked_at=utcnow()))  # a revoked award beside the current one is history: allowed
    db.session.commit()
    first.revoked_at = utcnow()
    db.session.commit()
    assert awards.award(town.rule, town.organisation, actor=town.coordinator).code != first.code


def test_an_award_racing_another_is_told_the_organisation_already_holds_one(app, town, monkeypatch):
    """The check before the insert saw no award (another request's was not committed yet): the index refuses."""
    town.add(5, holding=True)
    _award(town)
    monkeypatch.setattr(awards, "current_award", lambda organisation, calls=[]: calls.append(1) or (
        None if len(calls) == 1 else db.session.scalar(select(OrganisationAward))))
    with app.test_request_context(), pytest.raises(awards.AwardError, match="already holds"):
        awards.award(town.rule, town.organisation, actor=town.coordinator)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(OrganisationAward)) == 1
