"""A holder who changes their name is offered their current certificates under the new name."""

from __future__ import annotations

from datetime import timedelta

from academy.certificates import codes, service
from academy.certificates.models import Certificate
from academy.database import utcnow
from academy.extensions import db
from tests.certificates_fixtures import course, issue  # noqa: F401
from tests.conftest import PASSWORD

PROFILE = {"sector": "law-enforcement/police", "organisation": "", "community": "", "locale": "en"}


def _sign_in(client, user) -> None:
    client.post("/login", data={"email": user.email, "password": PASSWORD})


def test_a_new_name_leads_to_a_reissue_that_keeps_the_dates(client, make_user, issue):
    user = make_user("trainee", name="Dana Old")
    earned = utcnow() - timedelta(days=100)
    old = issue(user, now=earned)
    expired = issue(user, slug="policing", now=utcnow() - timedelta(days=3 * 365))  # past its 24 months
    _sign_in(client, user)
    response = client.post("/account", data={**PROFILE, "name": "Dana New"})
    assert response.headers["Location"] == "/certificates/reissue"
    page = client.get("/certificates/reissue").get_data(as_text=True)
    assert "Dana Old" in page and old.course_title in page
    assert expired.course_title not in page  # an expired certificate is not reissued: it is retaken
    response = client.post("/certificates/reissue")
    assert response.headers["Location"] == "/certificates"
    db.session.refresh(old)
    new = db.session.get(Certificate, old.superseded_by_id)
    assert new.holder_name == "Dana New" and new.code != old.code
    assert (new.issued_at, new.expires_at) == (old.issued_at, old.expires_at)
    assert old.status() == "superseded" and new.status() == "valid"
    verify = client.get(f"/api/v1/certificates/{codes.group(old.code)}").get_json()
    assert verify["status"] == "superseded"
    assert service.outdated_names(user) == []
    assert client.get("/certificates/reissue").status_code == 302  # nothing left to reissue


def test_saving_the_profile_without_a_new_name_offers_nothing(client, make_user, issue):
    user = make_user("trainee", name="Sam Same")
    issue(user)
    _sign_in(client, user)
    response = client.post("/account", data={**PROFILE, "name": "Sam Same"})
    assert response.headers["Location"] == "/account"


def test_one_person_cannot_reissue_another_persons_certificates(client, make_user, issue):
    holder, other = make_user("trainee", name="Holder One"), make_user("trainee", name="Other Two")
    certificate = issue(holder)
    holder.name = "Holder Renamed"
    db.session.commit()
    _sign_in(client, other)
    client.post("/certificates/reissue")
    db.session.refresh(certificate)
    assert certificate.superseded_by_id is None
