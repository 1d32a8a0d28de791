"""The admin console: people, roles, communities, deactivation, merging, bulk import; each change audited."""

from __future__ import annotations

import io
import time

import pytest
from sqlalchemy import func, select

from academy.accounts.models import AccountMerge, Community, LoginSession, User
from academy.certificates.models import AuditEvent, Certificate
from academy.extensions import db
from tests.accounts_fixtures import deliver
from tests.conftest import PASSWORD


def audit(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_people_search_by_name_email_organisation_and_community(client, login, make_user, make_community):
    admin = login("admin", sector=None, subrole=None)
    riverside, lakeside = make_community("riverside"), make_community("lakeside")
    make_user(name="Ana Ruiz", email="ana@police.example", community=riverside)
    make_user(name="Ben Okafor", email="ben@school.example", community=lakeside)
    page = client.get("/admin/?q=ruiz").get_data(as_text=True)
    assert "Ana Ruiz" in page and "Ben Okafor" not in page
    page = client.get("/admin/?q=school.example").get_data(as_text=True)
    assert "Ben Okafor" in page and "Ana Ruiz" not in page
    page = client.get(f"/admin/?community={lakeside.id}").get_data(as_text=True)
    assert "Ben Okafor" in page and "Ana Ruiz" not in page
    assert admin.name in client.get("/admin/").get_data(as_text=True)


def test_people_list_is_paged(client, login, make_user):
    login("admin", sector=None, subrole=None)
    for n in range(55):
        make_user(name=f"Zed Person {n:02d}")
    first = client.get("/admin/?q=zed").get_data(as_text=True)
    assert "55 people found" in first and "Page 1 of 2" in first and "Zed Person 49" in first
    assert "Zed Person 54" not in first
    assert "Zed Person 54" in client.get("/admin/?q=zed&page=2").get_data(as_text=True)


@pytest.mark.parametrize(("locale", "shown"), [
    ("en", ["1 person found.", "2 people found."]),
    ("es", ["1 persona encontrada.", "2 personas encontradas."]),
    ("fr", ["1 personne trouvée.", "2 personnes trouvées."]),
])
def test_people_found_take_the_plural_of_the_readers_language(client, login, make_user, locale, shown):
    admin = login("admin", sector=None, subrole=None)
    admin.locale = locale
    make_user(name="Zed One")
    db.session.commit()
    assert shown[0] in client.get("/admin/?q=zed").get_data(as_text=True)
    make_user(name="Zed Two")
    assert shown[1] in client.get("/admin/?q=zed").get_data(as_text=True)


def test_import_counts_take_plurals_in_the_preview_and_after(client, login):
    login("admin", sector=None, subrole=None)
    page = upload(client, b"name,email\nZoe,zoe@example.org\nAl,not-an-email\n").get_data(as_text=True)
    assert "1 new person, 0 updated, 1 row with problems (left out)." in page
    assert "Import the 1 good row<" in page
    done = client.get(confirm(client, page, invite=False).location).get_data(as_text=True)
    assert "1 person invited, 0 updated, 1 row left out." in done


def test_changing_a_role_ends_their_sign_ins_and_is_audited(app, client, login, make_user):
    admin = login("admin", sector=None, subrole=None)
    trainee = make_user("trainee")
    other = app.test_client()
    assert other.post("/login", data={"email": trainee.email, "password": PASSWORD}).status_code == 302
    response = client.post(f"/admin/people/{trainee.id}/role", data={"role": "trainer"})
    assert response.status_code == 302
    assert db.session.get(User, trainee.id).role == "trainer"
    assert other.get("/certificates").status_code == 302  # their old sign-in opens nothing now
    [event] = audit("user.role_changed")
    assert event.detail["actor_name"] == admin.name and event.detail["after"] == "trainer"


def test_an_unknown_role_is_refused_next_to_the_field(client, login, make_user):
    login("admin", sector=None, subrole=None)
    trainee = make_user("trainee")
    response = client.post(f"/admin/people/{trainee.id}/role", data={"role": "emperor"})
    assert response.status_code == 400 and "Not a valid choice" in response.get_data(as_text=True)


def test_communities_of_a_coordinator(client, login, make_user, make_community):
    login("admin", sector=None, subrole=None)
    riverside, lakeside = make_community("riverside"), make_community("lakeside")
    coordinator = make_user("coordinator", sector=None, subrole=None, coordinates=[riverside])
    client.post(f"/admin/people/{coordinator.id}/communities", data={"communities": [lakeside.id]})
    assert [c.slug for c in db.session.get(User, coordinator.id).coordinated_communities] == ["lakeside"]
    assert audit("user.communities_changed")[0].detail["after"] == ["lakeside"]
    trainee = make_user("trainee")
    client.post(f"/admin/people/{trainee.id}/communities", data={"communities": [lakeside.id]}, follow_redirects=True)
    assert db.session.get(User, trainee.id).coordinated_communities == []


def test_a_deactivated_person_signs_in_nowhere_and_their_certificate_stays_valid(app, client, login, make_user):
    from academy.certificates import service as certificates
    from academy.courses.catalog import get_course

    login("admin", sector=None, subrole=None)
    trainee = make_user("trainee")
    certificates.init_keys(app)
    certificate = certificates.issue_certificate(trainee, get_course("basics"), via="self-paced")
    db.session.commit()
    theirs = app.test_client()
    theirs.post("/login", data={"email": trainee.email, "password": PASSWORD})
    client.post(f"/admin/people/{trainee.id}/deactivate")
    assert theirs.get("/certificates").status_code == 302
    assert db.session.scalar(select(func.count(LoginSession.id)).where(
        LoginSession.user_id == trainee.id, LoginSession.ended_at.is_(None))) == 0
    again = app.test_client().post("/login", data={"email": trainee.email, "password": PASSWORD})
    assert again.status_code == 200 and "not right" in again.get_data(as_text=True)
    api = client.get(f"/api/v1/certificates/{certificate.code}").get_json()
    assert api["status"] == "valid"
    client.post(f"/admin/people/{trainee.id}/reactivate")
    assert app.test_client().post("/login", data={"email": trainee.email, "password": PASSWORD}).status_code == 302
    assert [e.action for e in db.session.scalars(select(AuditEvent).where(AuditEvent.subject_type == "user")
                                                 .order_by(AuditEvent.id))] == ["user.deactivated",
                                                                                "user.reactivated"]


def test_the_only_admin_cannot_be_demoted_or_deactivate_themselves(client, login):
    admin = login("admin", sector=None, subrole=None)
    page = client.post(f"/admin/people/{admin.id}/role", data={"role": "trainee"}, follow_redirects=True)
    assert "only admin" in page.get_data(as_text=True)
    assert db.session.get(User, admin.id).role == "admin"
    page = client.post(f"/admin/people/{admin.id}/deactivate", follow_redirects=True)
    assert "your own account" in page.get_data(as_text=True)


def test_sending_a_password_link(app, client, login, make_user):
    login("admin", sector=None, subrole=None)
    trainee = make_user("trainee")
    client.post(f"/admin/people/{trainee.id}/password-link")
    deliver(app)  # what `academy mail send` does
    outbox = list((app.instance_path and __import__("pathlib").Path(app.instance_path) / "outbox").glob("*.eml"))
    assert len(outbox) == 1 and "/reset/" in outbox[0].read_text()
    assert audit("user.password_link_sent")


def test_merging_keeps_everything_and_can_be_undone(app, client, login, make_user):
    from academy.certificates import service as certificates
    from academy.courses import service as courses
    from academy.courses.catalog import get_course
    from academy.quizzes import service as quizzes

    login("admin", sector=None, subrole=None)
    walk_in, later = make_user("trainee", name="Ana Walk-in"), make_user("trainee", name="Ana Ruiz")
    certificates.init_keys(app)
    basics = get_course("basics")
    cert = certificates.issue_certificate(walk_in, basics, via="in-person")
    courses.enrol(walk_in, basics)
    courses.enrol(later, basics)  # both enrolled: the kept one's enrolment stays, the other's is not duplicated
    attempt = quizzes.start_attempt(walk_in, basics)
    db.session.commit()
    response = client.post(f"/admin/people/{later.id}/merge", data={"email": walk_in.email})
    assert response.status_code == 302
    assert db.session.get(Certificate, cert.id).user_id == later.id
    assert db.session.get(type(attempt), attempt.id).user_id == later.id
    assert db.session.get(User, walk_in.id).deactivated_at is not None
    merge = db.session.scalar(select(AccountMerge))
    client.post(f"/admin/merges/{merge.id}/undo")
    db.session.expire_all()
    assert db.session.get(Certificate, cert.id).user_id == walk_in.id
    assert db.session.get(type(attempt), attempt.id).user_id == walk_in.id
    assert db.session.get(User, walk_in.id).deactivated_at is None
    assert [e.action for e in audit("user.merged") + audit("user.merge_undone")] == ["user.merged",
                                                                                      "user.merge_undone"]


def test_merging_an_unknown_email_says_so(client, login, make_user):
    login("admin", sector=None, subrole=None)
    trainee = make_user("trainee")
    response = client.post(f"/admin/people/{trainee.id}/merge", data={"email": "nobody@example.org"})
    assert response.status_code == 400 and "No account uses this email" in response.get_data(as_text=True)


def small_png() -> bytes:
    """A 4×2 PNG, drawn here so the test needs no image file."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 2), (200, 30, 60)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_communities_create_and_edit_with_a_logo(app, client, login):
    login("admin", sector=None, subrole=None)
    logo = small_png()
    data = {"name": "Fraser Valley", "slug": "fraser-valley", "timezone": "America/Vancouver",
            "jurisdiction": "ca-bc", "signatory_name": "Dana Lee", "signatory_title": "Chair",
            "logo": (io.BytesIO(logo), "logo.png")}
    response = client.post("/admin/communities/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    community = db.session.scalar(select(Community).where(Community.slug == "fraser-valley"))
    assert (community.timezone, community.jurisdiction, community.signatory_name) == (
        "America/Vancouver", "ca-bc", "Dana Lee")
    served = client.get(f"/communities/{community.id}/logo")
    assert served.status_code == 200 and served.mimetype == "image/png" and served.data == logo
    bad = client.post(f"/admin/communities/{community.id}", data={**data, "timezone": "Mars/Olympus",
                                                                  "logo": (io.BytesIO(b"GIF89a"), "x.png")},
                      content_type="multipart/form-data")
    assert bad.status_code == 400 and "Not a valid choice" in bad.get_data(as_text=True)
    assert client.get(f"/communities/{community.id}/logo").data == logo  # the refused edit changed nothing
    assert audit("community.created")[0].detail["actor_name"]


def test_a_logo_that_is_not_an_image_is_refused(client, login):
    login("admin", sector=None, subrole=None)
    data = {"name": "X", "slug": "x", "timezone": "UTC", "jurisdiction": "us",
            "logo": (io.BytesIO(b"<svg onload=alert(1)>"), "logo.png")}
    response = client.post("/admin/communities/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 400 and "PNG or JPEG" in response.get_data(as_text=True)


# --- bulk import ---------------------------------------------------------------------------------------------


def upload(client, body: bytes):
    return client.post("/admin/import", data={"file": (io.BytesIO(body), "people.csv")},
                       content_type="multipart/form-data")


def confirm(client, page: str, invite: bool = True):
    import re

    token = re.search(r'name="upload" type="hidden" value="([0-9a-f]+)"', page).group(1)
    return client.post("/admin/import/confirm", data={"upload": token, **({"invite": "y"} if invite else {})})


def test_import_previews_then_imports_and_updates_existing(app, client, login, make_user, make_community):
    login("admin", sector=None, subrole=None)
    make_community("riverside")
    existing = make_user("trainee", email="old@example.org", name="Old Name")
    body = (b"name,email,role,community,organisation,sector,sub-role\r\n"
            b"Ana Ruiz,ana@example.org,trainee,riverside,Riverside Police Department,law-enforcement,police\r\n"
            b"New Name,OLD@example.org,trainee,riverside,,,\r\n"
            b"No Email,,trainee,,,,\r\n"
            b"Bad Email,not-an-email,trainee,,,,\r\n"
            b"Twice,ana@example.org,trainee,,,,\r\n"
            b"Wrong role,w@example.org,emperor,,,,\r\n"
            b"Nowhere,n@example.org,trainee,atlantis,,,\r\n")
    page = upload(client, body).get_data(as_text=True)
    assert "1 new person, 1 updated, 5 rows with problems" in page
    for message in ("The email is missing", "is not an email address", "The same email is on row 2",
                    "Unknown role", "No community is called"):
        assert message in page
    assert db.session.scalar(select(func.count(User.id))) == 2  # nothing written by the preview
    assert confirm(client, page).status_code == 302
    ana = db.session.scalar(select(User).where(User.email == "ana@example.org"))
    assert ana.organisation_id is not None and ana.password_hash is None and ana.subrole == "police"
    assert db.session.get(User, existing.id).name == "New Name"
    deliver(app)  # what `academy mail send` does
    outbox = list((__import__("pathlib").Path(app.instance_path) / "outbox").glob("*.eml"))
    assert len(outbox) == 1  # the invitation, only to the new person


def test_import_reads_other_encodings_and_line_endings(client, login):
    login("admin", sector=None, subrole=None)
    text = "email,name\r" + "zoe@example.org,Zoë Müller\r"
    for body in (text.encode("utf-16"), text.encode("cp1252"), b"\xef\xbb\xbf" + text.encode()):
        page = upload(client, body).get_data(as_text=True)
        assert "1 new person, 0 updated, 0 rows with problems" in page
    confirm(client, upload(client, text.encode("utf-16")).get_data(as_text=True))
    assert db.session.scalar(select(User.name).where(User.email == "zoe@example.org")) == "Zoë Müller"


def test_import_reads_utf16_without_a_bom_and_drops_nul_bytes(client, login):
    login("admin", sector=None, subrole=None)
    text = "email,name\r\nzoe@example.org,Zoë Müller\r\n"
    for body in (text.encode("utf-16-le"), text.encode("utf-16-be"), text.encode().replace(b"Zo", b"Zo\x00")):
        page = upload(client, body).get_data(as_text=True)
        assert "1 new person, 0 updated, 0 rows with problems" in page
    confirm(client, upload(client, text.encode().replace(b"Zo", b"Zo\x00")).get_data(as_text=True))
    assert db.session.scalar(select(User.name).where(User.email == "zoe@example.org")) == "Zoë Müller"


def test_import_of_a_file_that_is_not_a_csv_says_so_next_to_the_field(client, login):
    login("admin", sector=None, subrole=None)
    response = upload(client, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="file-err"' in page and "That is not a CSV file" in page


def test_import_without_the_needed_columns_says_so(client, login):
    login("admin", sector=None, subrole=None)
    page = upload(client, b"who,where\r\nx,y\r\n").get_data(as_text=True)
    assert "missing: name, email" in page
    assert "The file is empty" in upload(client, b"\xef\xbb\xbf").get_data(as_text=True)


def test_import_of_ten_thousand_rows_takes_under_30_seconds(app, client, login, make_community):
    """Preview and import through the pages; the invitations are left to the mail queue (not timed here)."""
    login("admin", sector=None, subrole=None)
    make_community("riverside")
    rows = "".join(f"Person {n},p{n}@example.org,trainee,riverside,Org {n % 20},,\n" for n in range(10_000))
    body = ("name,email,role,community,organisation,sector,sub-role\n" + rows).encode()
    started = time.perf_counter()
    page = upload(client, body).get_data(as_text=True)
    assert "10,000 new people" in page
    assert confirm(client, page, invite=False).status_code == 302
    elapsed = time.perf_counter() - started
    print(f"10,000-row import (upload, preview, import): {elapsed:.1f} s")
    assert db.session.scalar(select(func.count(User.id))) == 10_001
    assert elapsed < 30


def test_cli_set_role_create_community_and_import(app, runner, make_user, tmp_path):
    trainee = make_user("trainee")
    result = runner.invoke(args=["users", "set-role", trainee.email, "coordinator"])
    assert result.exit_code == 0, result.output
    assert db.session.get(User, trainee.id).role == "coordinator"
    result = runner.invoke(args=["communities", "create", "bc-north", "--name", "BC North",
                                 "--timezone", "America/Vancouver", "--jurisdiction", "ca-bc"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(Community.timezone).where(Community.slug == "bc-north")) == "America/Vancouver"
    bad = runner.invoke(args=["communities", "create", "x", "--timezone", "Nowhere/Else"])
    assert bad.exit_code != 0 and "time zone" in bad.output
    csv_file = tmp_path / "people.csv"
    csv_file.write_text("name,email\nAna,ana@example.org\nBad,nope\n")
    result = runner.invoke(args=["users", "import", str(csv_file)])
    assert result.exit_code == 1 and "row 3" in result.output and "1 created" in result.output
    assert db.session.scalar(select(User.name).where(User.email == "ana@example.org")) == "Ana"


def test_the_sole_admin_can_delete_their_account_once_another_admin_exists(client, login, make_user):
    admin = login("admin", sector=None, subrole=None)
    page = client.get("/account/delete").get_data(as_text=True)
    assert "/admin/" in page  # told where to make another admin, not a dead end
    response = client.post("/account/delete", data={"password": PASSWORD})
    assert response.status_code == 400
    other = make_user("trainee")
    client.post(f"/admin/people/{other.id}/role", data={"role": "admin"})
    response = client.post("/account/delete", data={"password": PASSWORD})
    assert response.status_code == 302
    assert db.session.get(User, admin.id).deleted_at is not None
