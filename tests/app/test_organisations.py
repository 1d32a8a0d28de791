"""Organisations: created by coordinators and admins, led by members they choose, seen only with consent."""

from __future__ import annotations

import csv as csv_module
import io
import re
from pathlib import Path

from sqlalchemy import select

from academy.accounts.models import User
from academy.certificates import service as certificates
from academy.courses.catalog import get_course
from academy.extensions import db
from academy.organisations.models import Organisation
from tests.accounts_fixtures import deliver, register
from tests.authz_table import TABLE
from tests.conftest import PASSWORD
from tests.hardening_fixtures import sign_in_as, walk, world_fixture  # noqa: F401  (fixture)

SECRET_NAME = "Quillon Undercover-Vance"


def _organisation(community, name="Riverside Police Department", sector="law-enforcement") -> Organisation:
    organisation = Organisation(community_id=community.id, name=name, sector=sector)
    db.session.add(organisation)
    db.session.commit()
    return organisation


def _member(make_user, organisation, *, shares: bool, name=None, community=None) -> User:
    user = make_user("trainee", name=name, community=community)
    user.organisation_id, user.shares_with_organisation = organisation.id, shares
    db.session.commit()
    return user


def test_a_coordinator_creates_an_organisation_in_their_community_only(client, login, make_community):
    riverside, elsewhere = make_community("riverside"), make_community("elsewhere")
    login("coordinator", sector=None, subrole=None, community=riverside, coordinates=[riverside])
    response = client.post("/organisations", data={"name": "Riverside Schools", "community": riverside.id,
                                                   "sector": "health"})
    assert response.status_code == 302
    assert db.session.scalar(select(Organisation.name)) == "Riverside Schools"
    refused = client.post("/organisations", data={"name": "Elsewhere PD", "community": elsewhere.id})
    assert refused.status_code == 400 and "Not a valid choice" in refused.get_data(as_text=True)
    again = client.post("/organisations", data={"name": "riverside schools", "community": riverside.id})
    assert "already has an organisation" in again.get_data(as_text=True)


def test_the_lead_sees_only_members_who_agreed_and_counts_the_rest(app, client, auth, make_user, make_community):
    riverside = make_community("riverside")
    organisation = _organisation(riverside)
    lead = _member(make_user, organisation, shares=True, name="Lena Lead")
    sharer = _member(make_user, organisation, shares=True, name="Sam Sharer")
    _member(make_user, organisation, shares=False, name=SECRET_NAME)
    certificates.init_keys(app)
    certificates.issue_certificate(sharer, get_course("basics"), via="self-paced")
    organisation.leads.append(lead)
    db.session.commit()
    auth.login(lead)
    page = client.get(f"/organisations/{organisation.id}").get_data(as_text=True)
    assert "Sam Sharer" in page and "Test basics" in page and "valid" in page
    assert SECRET_NAME not in page and "3 members. 1 of them has not agreed" in page
    csv = client.get(f"/organisations/{organisation.id}/members.csv").get_data(as_text=True)
    assert "Sam Sharer" in csv and SECRET_NAME not in csv and "did not agree to share: 1" in csv


def test_the_members_csv_never_hands_a_spreadsheet_a_formula(client, auth, make_user, make_community):
    organisation = _organisation(make_community("riverside"))
    lead = _member(make_user, organisation, shares=True, name="Lena Lead")
    _member(make_user, organisation, shares=True, name='=HYPERLINK("http://evil.example","x")')
    organisation.leads.append(lead)
    db.session.commit()
    auth.login(lead)
    rows = list(csv_module.reader(io.StringIO(
        client.get(f"/organisations/{organisation.id}/members.csv").get_data(as_text=True))))
    names = [row[0] for row in rows[1:] if row]
    assert "'=HYPERLINK(\"http://evil.example\",\"x\")" in names
    assert not any(cell.startswith("=") for row in rows for cell in row)


def test_the_member_counts_take_plurals_in_every_language(client, auth, make_user, make_community):
    organisation = _organisation(make_community("riverside"))
    lead = _member(make_user, organisation, shares=False, name="Lena Lead")
    organisation.leads.append(lead)
    db.session.commit()
    auth.login(lead)
    url = f"/organisations/{organisation.id}"
    assert "1 member. 1 of them has not agreed" in client.get(url).get_data(as_text=True)
    lead.locale = "es"
    db.session.commit()
    assert "1 miembro. 1 de ellos no aceptó compartir" in client.get(url).get_data(as_text=True)
    for _ in range(2):
        _member(make_user, organisation, shares=False)
    assert "3 miembros. 3 de ellos no aceptaron compartir" in client.get(url).get_data(as_text=True)
    lead.locale = "fr"
    db.session.commit()
    assert "3 membres. 3 d’entre eux n’ont pas accepté" in client.get(url).get_data(as_text=True)
    _member(make_user, organisation, shares=True)
    assert "4 membres. 3 d’entre eux n’ont pas accepté" in client.get(url).get_data(as_text=True)
    lead.locale = "en"
    db.session.commit()
    page = client.get(url).get_data(as_text=True)
    assert "4 members. 3 of them have not agreed" in page


def test_withdrawing_consent_takes_effect_at_once(client, auth, make_user, make_community):
    organisation = _organisation(make_community("riverside"))
    lead = _member(make_user, organisation, shares=True, name="Lena Lead")
    member = _member(make_user, organisation, shares=True, name="Wendy Withdraws")
    organisation.leads.append(lead)
    db.session.commit()
    auth.login(member)
    assert "Save my choice" in client.get("/account").get_data(as_text=True)
    client.post("/account/sharing", data={})  # the box unticked
    assert db.session.get(User, member.id).shares_with_organisation is False
    client.post("/logout")
    auth.login(lead)
    assert "Wendy Withdraws" not in client.get(f"/organisations/{organisation.id}").get_data(as_text=True)


def test_a_member_not_sharing_is_never_named_on_any_page_csv_or_api(app, client, world):
    """Walk every GET route as every role but the admin (whose console lists accounts) and look for the name."""
    organisation = db.session.scalar(select(Organisation))
    hidden = User(email="hidden@example.org", name=SECRET_NAME, role="trainee", organisation_id=organisation.id,
                  community_id=organisation.community_id, sector="law-enforcement")
    hidden.set_password(PASSWORD)
    db.session.add(hidden)
    db.session.commit()
    found = []
    for role in ("anonymous", "trainee", "trainer", "coordinator", "auditor"):
        sign_in_as(client, world, role)
        for _rule, route, path in walk(app, world, "GET"):
            if route.get is None:
                continue
            response = client.get(path)
            if SECRET_NAME.encode() in response.data:
                found.append(f"{role}: {path}")
        client.post("/logout")
    assert not found, found
    assert "organisations.show" in TABLE and "organisations.export_csv" in TABLE


def _mails(app) -> list:
    from email import message_from_bytes
    from email.policy import default

    deliver(app)  # what `academy mail send` does
    return [message_from_bytes(path.read_bytes(), policy=default)
            for path in sorted((Path(app.instance_path) / "outbox").glob("*.eml"))]


def _members(organisation) -> set[str]:
    db.session.expire_all()
    return set(db.session.scalars(select(User.email).where(User.organisation_id == organisation.id)))


def test_the_lead_invites_by_pasted_list_and_csv(app, client, auth, make_user, make_community):
    organisation = _organisation(make_community("riverside"))
    lead = _member(make_user, organisation, shares=True, name="Lena Lead")
    organisation.leads.append(lead)
    make_user("trainee", email="loner@example.org")
    db.session.commit()
    auth.login(lead)
    pasted = "Ana Ruiz <ana@example.org>\nben@example.org, Ben Okafor\nloner@example.org\nnot an address\n"
    client.post(f"/organisations/{organisation.id}/invite", data={"emails": pasted})
    csv = b"email,name\r\ncara@example.org,Cara Diaz\r\nana@example.org,Ana Ruiz\r\n"
    page = client.post(f"/organisations/{organisation.id}/invite",
                       data={"emails": "", "file": (io.BytesIO(csv), "people.csv")},
                       content_type="multipart/form-data", follow_redirects=True).get_data(as_text=True)
    assert "1 invited" in page
    people = {u.email: u for u in db.session.scalars(select(User))}
    assert people["ben@example.org"].name == "Ben Okafor" and people["ana@example.org"].name == "Ana Ruiz"
    assert _members(organisation) == {lead.email}  # nobody is a member before accepting
    mails = _mails(app)
    assert sorted(m["To"] for m in mails) == ["ana@example.org", "ben@example.org", "cara@example.org",
                                             "loner@example.org"]


def test_an_existing_account_joins_only_when_it_accepts(app, client, auth, make_user, make_community):
    organisation = _organisation(make_community("riverside"))
    lead = _member(make_user, organisation, shares=True, name="Lena Lead")
    organisation.leads.append(lead)
    loner = make_user("trainee", email="loner@example.org")
    other = make_user("trainee", email="other@example.org")
    db.session.commit()
    auth.login(lead)
    page = client.post(f"/organisations/{organisation.id}/invite",
                       data={"emails": "loner@example.org\nother@example.org"},
                       follow_redirects=True).get_data(as_text=True)
    assert "2 already had an account and were asked to join" in page
    assert _members(organisation) == {lead.email}
    asked = [m for m in _mails(app) if m["To"] == "loner@example.org"][0]
    assert "You are not a member unless you accept" in asked.get_content()
    client.post("/logout")

    auth.login(loner)
    account = client.get("/account").get_data(as_text=True)
    assert "Invitation to join Riverside Police Department" in account and "Accept and join" in account
    page = client.post(f"/account/invitations/{organisation.id}", data={"answer": "accept"},
                       follow_redirects=True).get_data(as_text=True)
    assert "You are a member of Riverside Police Department" in page and "Invitation to join" not in page
    assert _members(organisation) == {lead.email, loner.email}
    assert db.session.get(User, loner.id).shares_with_organisation is False  # sharing is a separate choice
    client.post("/logout")

    auth.login(other)
    page = client.post(f"/account/invitations/{organisation.id}", data={"answer": "decline"},
                       follow_redirects=True).get_data(as_text=True)
    assert "You declined to join Riverside Police Department" in page and "Invitation to join" not in page
    assert _members(organisation) == {lead.email, loner.email}
    again = client.post(f"/account/invitations/{organisation.id}", data={"answer": "accept"},
                        follow_redirects=True).get_data(as_text=True)
    assert "withdrawn or already answered" in again and other.email not in _members(organisation)


def test_a_new_account_joins_when_it_sets_its_password_through_the_invitation(app, client, auth, make_user,
                                                                              make_community):
    organisation = _organisation(make_community("riverside"))
    lead = _member(make_user, organisation, shares=True, name="Lena Lead")
    organisation.leads.append(lead)
    db.session.commit()
    auth.login(lead)
    client.post(f"/organisations/{organisation.id}/invite", data={"emails": "Ana Ruiz <ana@example.org>"})
    client.post("/logout")
    assert _members(organisation) == {lead.email}
    body = _mails(app)[-1].get_content()
    link = re.search(r"https?://\S+/organisations/\d+/welcome/\S+", body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    form = client.get("/" + path).get_data(as_text=True)
    assert "Join Riverside Police Department" in form
    page = client.post("/" + path, data={"password": PASSWORD, "confirm": PASSWORD},
                       follow_redirects=True).get_data(as_text=True)
    assert "you are a member of Riverside Police Department" in page
    assert _members(organisation) == {lead.email, "ana@example.org"}
    used = client.get("/" + path, follow_redirects=True).get_data(as_text=True)
    assert "expired or was already used" in used
    assert client.post("/login", data={"email": "ana@example.org", "password": PASSWORD}).status_code == 302


def test_coordinators_grant_leads_and_leads_cannot(client, auth, make_user, make_community):
    riverside = make_community("riverside")
    organisation = _organisation(riverside)
    member = _member(make_user, organisation, shares=False)
    coordinator = make_user("coordinator", sector=None, subrole=None, community=riverside, coordinates=[riverside])
    auth.login(coordinator)
    client.post(f"/organisations/{organisation.id}/leads", data={"email": member.email})
    assert [u.id for u in db.session.get(Organisation, organisation.id).leads] == [member.id]
    client.post("/logout")
    auth.login(member)
    assert client.get(f"/organisations/{organisation.id}").status_code == 200
    assert client.post(f"/organisations/{organisation.id}/leads", data={"email": member.email}).status_code == 403


def test_choosing_an_organisation_at_sign_up(client, make_community):
    organisation = _organisation(make_community("riverside"))
    page = client.get("/register").get_data(as_text=True)
    assert "Riverside Police Department" in page
    response = register(client, {
        "name": "New Person", "email": "new@example.org", "sector": "law-enforcement/police",
        "employer": str(organisation.id), "share": "", "password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 302  # sign-up is finished from the mailed link, which keeps the choice
    user = db.session.scalar(select(User).where(User.email == "new@example.org"))
    assert user.organisation_id == organisation.id and user.shares_with_organisation is False


def test_coverage_breaks_down_by_organisation_and_hides_small_counts(app, client, login, make_user,
                                                                     make_community):
    riverside = make_community("riverside")
    big, small = _organisation(riverside), _organisation(riverside, "Riverside Motel", "consumers")
    certificates.init_keys(app)
    for _n in range(6):
        certificates.issue_certificate(_member(make_user, big, shares=False, community=riverside),
                                       get_course("basics"), via="self-paced")
    for _n in range(2):
        certificates.issue_certificate(_member(make_user, small, shares=False, community=riverside),
                                       get_course("basics"), via="self-paced")
    db.session.commit()
    login("coordinator", sector=None, subrole=None, community=riverside, coordinates=[riverside])
    page = client.get(f"/coverage?community={riverside.slug}").get_data(as_text=True)
    section = page[page.index("By organisation"):]
    big_row = section[section.index("Riverside Police Department"):][:300]
    small_row = section[section.index("Riverside Motel"):][:300]
    assert ">6<" in big_row
    assert "fewer than 5" in small_row and ">2<" not in small_row
