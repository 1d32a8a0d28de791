"""A person's own data: the JSON download, account deletion, and logs that never carry names or emails."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

import pytest
from sqlalchemy import select

from academy.accounts.models import User
from academy.certificates import codes
from academy.certificates.models import AuditEvent, Certificate
from academy.database import utcnow
from academy.extensions import db
from academy.sessions.models import Attendance, TrainingSession
from tests.accounts_fixtures import register
from tests.conftest import PASSWORD
from tests.courses_fixtures import complete_course, course

NAME, EMAIL = "Zanele Okafor-Brightwater", "zanele.okafor@example.org"


@pytest.fixture
def person(client, make_user, make_community, auth):
    """A signed-in trainee who completed `basics` through the app and attended a session."""
    community = make_community("riverside")
    user = make_user("trainee", name=NAME, email=EMAIL, community=community)
    assert auth.login(user).status_code == 302
    complete_course(client, "basics")
    session = TrainingSession(course_slug="basics", title="Basics in the hall", starts_at=utcnow(),
                              ends_at=utcnow() + timedelta(hours=2), place="Town hall",
                              community_id=community.id)
    db.session.add(session)
    db.session.flush()
    db.session.add(Attendance(session_id=session.id, user_id=user.id, method="manual"))
    db.session.commit()
    return user


def _certificate(user) -> Certificate:
    return db.session.scalars(select(Certificate).where(Certificate.user_id == user.id)).one()


def _delete(client, password: str = PASSWORD, revoke: bool = False):
    data = {"password": password, **({"revoke": "y"} if revoke else {})}
    return client.post("/account/delete", data=data)


def test_the_profile_page_links_to_download_and_delete(client, person):
    page = client.get("/account").get_data(as_text=True)
    assert 'href="/account/data.json"' in page and 'href="/account/delete"' in page


def test_download_holds_profile_learning_scores_certificates_and_attendance(client, person):
    response = client.get("/account/data.json")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    data = json.loads(response.get_data(as_text=True))
    assert data["profile"]["email"] == EMAIL and data["profile"]["name"] == NAME
    assert data["profile"]["community"]["slug"] == "riverside"
    assert [e["course"] for e in data["enrolments"]] == ["basics"]
    assert {p["lesson"] for p in data["progress"]} == {lesson.slug for lesson in course("basics").lessons}
    assert data["quiz_attempts"][0]["score"] == 100 and data["quiz_attempts"][0]["passed"] is True
    assert data["completions"][0]["course"] == "basics"
    assert data["certificates"][0]["code"] == codes.group(_certificate(person).code)
    assert data["certificates"][0]["status"] == "valid"
    assert data["attendances"][0]["title"] == "Basics in the hall"


def test_download_is_only_ever_your_own(client, person, make_user, auth):
    other = make_user("trainee", name="Someone Else")
    client.post("/logout")
    auth.login(other)
    data = client.get("/account/data.json").get_json(force=True)
    assert data["profile"]["id"] == other.id
    assert data["certificates"] == [] and NAME not in json.dumps(data)


def test_a_wrong_password_deletes_nothing_and_says_so_beside_the_field(client, person):
    response = _delete(client, password="not my password")
    assert response.status_code == 400
    assert 'id="password-err"' in response.get_data(as_text=True)
    db.session.refresh(person)
    assert person.deleted_at is None and person.email == EMAIL


def test_deletion_blanks_the_person_and_signs_them_out(client, person):
    response = _delete(client)
    assert response.status_code == 302
    user = db.session.get(User, person.id)
    db.session.refresh(user)
    blanked = (user.name, user.email, user.password_hash, user.organisation)
    assert blanked == ("Deleted account", None, None, None)
    assert user.deleted_at is not None
    assert client.get("/account").status_code == 302  # signed out
    login = client.post("/login", data={"email": EMAIL, "password": PASSWORD})
    assert login.status_code == 200 and "not right" in login.get_data(as_text=True)


def test_certificates_stay_verifiable_as_a_deleted_account(client, person):
    code = codes.group(_certificate(person).code)
    _delete(client)
    certificate = _certificate(person)
    assert certificate.holder_name == "" and certificate.revoked_at is None
    page = client.get(f"/verify/{code}").get_data(as_text=True)
    assert "deleted account" in page.lower() and "Z. O." not in page and "Valid" in page
    api = client.get(f"/api/v1/certificates/{code}").get_json()
    assert api["status"] == "valid" and api["holder"] == "deleted account"
    bulk = client.post("/api/v1/certificates/verify", json={"codes": [code]}).get_json()
    assert bulk["results"][0]["holder"] == "deleted account"


def test_deletion_can_revoke_the_certificates_too(client, person):
    code = codes.group(_certificate(person).code)
    _delete(client, revoke=True)
    assert _certificate(person).revoked_at is not None
    assert client.get(f"/api/v1/certificates/{code}").get_json()["status"] == "revoked"
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"certificate.revoked", "account.deleted"} <= actions


def test_coverage_keeps_counting_a_deleted_person(client, person):
    """Coverage counts by sector, sub-role and community: those stay, on the kept row and the certificate."""
    _delete(client)
    user = db.session.get(User, person.id)
    certificate = _certificate(person)
    assert (user.sector, user.subrole, user.community.slug) == ("law-enforcement", "police", "riverside")
    assert certificate.user_id == user.id and certificate.sector == "foundation"
    assert certificate.community_id == user.community_id


def test_name_and_email_are_gone_from_every_table(client, person):
    _delete(client)
    db.session.expire_all()
    found = []
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(select(table)):
            text = json.dumps([str(value) for value in row], ensure_ascii=False).lower()
            if "zanele" in text or "okafor" in text or "example.org" in text:
                found.append((table.name, row))
    assert found == []


def test_the_email_can_register_again_after_deletion(client, person):
    _delete(client)
    response = register(client, {"email": EMAIL, "name": "New Person", "sector": "consumers/",
                                 "password": "another long pw", "confirm": "another long pw"})
    assert db.session.scalar(select(User).where(User.email == EMAIL)) is not None, response.data[:300]


def test_the_only_admin_cannot_delete_themselves(client, login):
    admin = login("admin")
    response = _delete(client)
    assert response.status_code == 400 and "only admin" in response.get_data(as_text=True)
    assert db.session.get(User, admin.id).deleted_at is None


def test_an_account_without_a_password_is_asked_to_set_one_first(client, make_user, auth):
    user = make_user("trainee", password=None)
    from academy.accounts import signin
    from academy.extensions import db

    token = signin.start(user)  # a walk-in's account: signed in at check-in, no password yet
    db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = f"{user.id}:{token}"
        session["_fresh"] = True
    page = client.get("/account/delete").get_data(as_text=True)
    assert "has no password yet" in page and 'name="password"' not in page


def test_logs_carry_ids_not_names_or_emails(client, make_user, caplog):
    """Register, sign in, learn, download and delete: no log line carries the person's name or email."""
    caplog.set_level(logging.DEBUG)
    response = register(client, {"email": EMAIL, "name": NAME, "password": PASSWORD,
                                 "confirm": PASSWORD, "sector": "law-enforcement/police"})
    assert response.status_code == 302, response.data[:500]
    complete_course(client, "basics")
    client.get("/account/data.json")
    client.post("/logout")
    client.post("/login", data={"email": EMAIL, "password": "wrong password"})
    client.post("/reset", data={"email": EMAIL})
    client.post("/login", data={"email": EMAIL, "password": PASSWORD})
    _delete(client)
    assert caplog.records, "the flow should log domain events"
    for record in caplog.records:
        message = record.getMessage().lower()
        assert "zanele" not in message and "okafor" not in message and EMAIL not in message, message
