"""Certificate lifecycle (issue, expiry, revoke, renew), holder pages, the PDF and its QR, permissions."""

from __future__ import annotations

import html
import io
import re
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from PIL import Image
from pyzbar.pyzbar import decode as decode_qr
from sqlalchemy import select

from academy.certificates import codes, service
from academy.certificates.models import AuditEvent
from academy.extensions import db
from tests.certificates_fixtures import course, issue, signing_key  # noqa: F401 (fixtures)

T0 = datetime(2025, 1, 31, 9, 30, tzinfo=UTC)


def actions() -> list[tuple[str, str]]:
    return [(e.action, e.subject_id) for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


# --- issue and lifecycle ---


def test_issue_snapshots_the_course_and_the_holder(issue, make_user, make_community):
    community = make_community("riverside")
    user = make_user(
        "trainee", name="Ana María", sector="law-enforcement", subrole="judge", community=community
    )
    cert = issue(user, "policing", now=T0)
    assert (cert.holder_name, cert.course_slug, cert.course_title, cert.sector) == (
        "Ana María",
        "policing",
        "Test policing",
        "law-enforcement",
    )
    assert cert.subrole == "judge"  # the course is in the holder's sector
    assert cert.community_id == community.id and cert.earned_via == "self-paced"
    assert cert.version and cert.hours > 0
    assert cert.issued_at == T0
    assert cert.expires_at == datetime(2027, 1, 31, 9, 30, tzinfo=UTC)  # 24 calendar months
    assert codes.canonical(cert.code) == cert.code and len(cert.code) == 17
    assert 0 <= cert.status_index < 131_072
    assert actions() == [("certificate.issued", codes.group(cert.code))]


def test_subrole_is_kept_only_for_a_course_of_the_holders_sector(issue, make_user):
    user = make_user("trainee", sector="law-enforcement", subrole="police")
    assert issue(user, "basics").subrole is None  # foundation course


@pytest.mark.parametrize(
    ("issued", "months", "expires"),
    [
        (datetime(2025, 1, 31, tzinfo=UTC), 1, datetime(2025, 2, 28, tzinfo=UTC)),
        (datetime(2024, 1, 31, tzinfo=UTC), 1, datetime(2024, 2, 29, tzinfo=UTC)),
        (datetime(2025, 11, 15, tzinfo=UTC), 3, datetime(2026, 2, 15, tzinfo=UTC)),
        (datetime(2025, 6, 1, tzinfo=UTC), 36, datetime(2028, 6, 1, tzinfo=UTC)),
    ],
)
def test_expiry_is_in_calendar_months(issued, months, expires):
    assert service.add_months(issued, months) == expires


def test_a_course_without_validity_never_expires(issue):
    cert = issue(validity_months=None)
    assert cert.expires_at is None
    assert cert.status(datetime(2999, 1, 1, tzinfo=UTC)) == "valid"


def test_a_certificate_expires_with_time(issue):
    cert = issue(now=T0)
    assert cert.status(T0 + timedelta(days=1)) == "valid"
    assert cert.status(cert.expires_at - timedelta(seconds=1)) == "valid"
    assert cert.status(cert.expires_at) == "expired"


def test_retaking_renews_and_supersedes_the_previous_certificate(issue):
    first = issue(now=T0)
    later = T0 + timedelta(days=800)
    assert first.status(later) == "expired"
    second = issue(first.user, now=later)
    assert first.superseded_by_id == second.id
    assert first.status(later) == "superseded" and second.status(later) == "valid"
    assert second.code != first.code and second.status_index != first.status_index
    assert actions()[-2:] == [
        ("certificate.issued", codes.group(second.code)),
        ("certificate.renewed", codes.group(first.code)),
    ]


def test_retake_leaves_other_courses_and_revoked_certificates_alone(issue, make_user):
    user = make_user("trainee")
    other = issue(user, "policing")
    revoked = issue(user, "basics")
    service.revoke_certificate(revoked, make_user("admin"), "mistake")
    fresh = issue(user, "basics")
    assert other.superseded_by_id is None and revoked.superseded_by_id is None
    assert revoked.status() == "revoked" and fresh.status() == "valid"


def test_revoke_records_who_why_and_the_audit_event(issue, make_user):
    cert = issue()
    admin = make_user("admin")
    service.revoke_certificate(cert, admin, "  Issued to the wrong person.  ", now=T0)
    db.session.commit()
    assert cert.status() == "revoked"
    assert (cert.revoked_by_id, cert.revoke_reason, cert.revoked_at) == (
        admin.id,
        "Issued to the wrong person.",
        T0,
    )
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "certificate.revoked")).one()
    assert event.actor_id == admin.id and event.subject_id == codes.group(cert.code)
    assert "wrong person" not in str(event.detail)  # the reason stays on the certificate, private


def test_revoking_needs_a_reason_and_happens_once(issue, make_user):
    cert, admin = issue(), make_user("admin")
    with pytest.raises(service.CertificateError):
        service.revoke_certificate(cert, admin, "   ")
    service.revoke_certificate(cert, admin, "first")
    with pytest.raises(service.CertificateError):
        service.revoke_certificate(cert, admin, "second")


def test_unknown_way_of_earning_is_refused(make_user, course):
    with pytest.raises(service.CertificateError):
        service.issue_certificate(make_user(), course(), via="by-post")


def test_the_audit_log_cannot_be_changed(issue):
    issue()
    event = db.session.scalars(select(AuditEvent)).first()
    event.action = "something.else"
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.flush()
    db.session.rollback()


def test_init_keys_creates_once_then_reports_present(app):
    first, second = service.init_keys(app), service.init_keys(app)
    assert "created" in first[0] and "did:key:z6Mk" in first[0]
    assert "present" in second[0] and first[0].split()[3] == second[0].split()[3]


# --- revocation through the web, and who may do it ---


def test_coordinator_of_the_community_revokes_with_a_private_reason(
    client, auth, issue, make_user, make_community
):
    community = make_community("riverside")
    cert = issue(make_user("trainee", community=community))
    coordinator = make_user("coordinator", coordinates=[community])
    auth.login(coordinator)
    url = f"/certificates/{codes.group(cert.code)}/revoke"
    assert "Revoke this certificate" in client.get(url).get_data(as_text=True)
    empty = client.post(url, data={"reason": ""})
    assert empty.status_code == 200 and "Give a reason." in empty.get_data(as_text=True)
    response = client.post(url, data={"reason": "Fraudulent attendance"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Revoked" in page and "Fraudulent attendance" not in page
    db.session.refresh(cert)
    assert cert.status() == "revoked" and cert.revoked_by_id == coordinator.id


@pytest.mark.parametrize("who", ["holder", "other-trainee", "trainer", "auditor", "other-coordinator"])
def test_others_cannot_revoke(client, auth, issue, make_user, make_community, who):
    community, elsewhere = make_community("riverside"), make_community("elsewhere")
    holder = make_user("trainee", community=community)
    cert = issue(holder)
    actor = {
        "holder": holder,
        "other-trainee": make_user("trainee", community=community),
        "trainer": make_user("trainer", community=community),
        "auditor": make_user("auditor"),
        "other-coordinator": make_user("coordinator", coordinates=[elsewhere]),
    }[who]
    auth.login(actor)
    url = f"/certificates/{codes.group(cert.code)}/revoke"
    assert client.get(url).status_code == 403
    assert client.post(url, data={"reason": "no"}).status_code == 403
    db.session.refresh(cert)
    assert cert.revoked_at is None


def test_admin_can_revoke_any_certificate(client, login, issue):
    cert = issue()
    login("admin")
    client.post(f"/certificates/{cert.code.lower()}/revoke", data={"reason": "duplicate"})
    db.session.refresh(cert)
    assert cert.status() == "revoked"


def test_revoke_needs_sign_in(client, issue):
    response = client.post(f"/certificates/{codes.group(issue().code)}/revoke", data={"reason": "x"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# --- the holder's pages ---


def test_my_certificates_lists_each_with_its_status(client, auth, issue, make_user):
    user = make_user("trainee", name="Priya Patel")
    old = issue(user, now=T0)
    new = issue(user)
    expired = issue(user, "policing", now=T0 - timedelta(days=800))
    auth.login(user)
    page = client.get("/certificates").get_data(as_text=True)
    assert "My certificates" in page
    items = page.split('<li class="card cert-item">')[1:]
    assert len(items) == 3
    for cert, words in ((new, "Valid"), (old, "Superseded"), (expired, "Expired")):
        item = next(item for item in items if codes.group(cert.code) in item)
        assert f">{words}</span>" in item


def test_my_certificates_shows_only_mine(client, login, issue, make_user):
    theirs = issue(make_user("trainee"))
    login("trainee")
    page = client.get("/certificates").get_data(as_text=True)
    assert codes.group(theirs.code) not in page and "no certificates yet" in page


def test_printable_page_has_the_facts_and_a_qr_image(client, auth, issue, make_user):
    user = make_user("trainee", name="Zoë Ñúñez")
    cert = issue(user, now=T0)
    auth.login(user)
    page = client.get(f"/certificates/{codes.group(cert.code)}").get_data(as_text=True)
    for text in (
        "Zoë Ñúñez",
        "Test basics",
        cert.version,
        "31 January 2025",
        "31 January 2027",
        codes.group(cert.code),
        f"https://academy.test/verify/{codes.group(cert.code)}",
        'src="data:image/png;base64,',
    ):
        assert text in page


def test_someone_elses_certificate_page_is_forbidden(client, login, issue):
    cert = issue()
    login("trainee")
    assert client.get(f"/certificates/{codes.group(cert.code)}").status_code == 403
    assert client.get(f"/certificates/{codes.group(cert.code)}/certificate.pdf").status_code == 403
    assert (
        client.post(
            f"/certificates/{codes.group(cert.code)}/include-name", data={"include_name": "y"}
        ).status_code
        == 403
    )


def test_include_name_toggle(client, auth, issue):
    cert = issue()
    auth.login(cert.user)
    url = f"/certificates/{codes.group(cert.code)}/include-name"
    response = client.post(url, data={"include_name": "y"}, follow_redirects=True)
    assert "Your name will be in the signed credential." in response.get_data(as_text=True)
    db.session.refresh(cert)
    assert cert.include_name is True
    client.post(url, data={})
    db.session.refresh(cert)
    assert cert.include_name is False


def poppler(tool: str, *args: str) -> str:
    """Run a poppler-utils tool (installed with the system packages) and return its output."""
    path = shutil.which(tool)
    assert path, f"{tool} is missing: apt-get install poppler-utils"
    return subprocess.run([path, *args], capture_output=True, text=True, check=True, timeout=60).stdout  # noqa: S603


def _pdf_qr_payloads(pdf_bytes: bytes, tmp_path) -> list[str]:
    """Render the PDF's page to PNG with poppler and decode every QR code on it."""
    source = tmp_path / "certificate.pdf"
    source.write_bytes(pdf_bytes)
    poppler("pdftoppm", "-r", "150", "-png", "-singlefile", str(source), str(tmp_path / "page"))
    image = Image.open(tmp_path / "page.png")
    return [symbol.data.decode() for symbol in decode_qr(image)]


def _pdf_images(pdf_bytes: bytes, tmp_path) -> list[Image.Image]:
    """Extract the images embedded in the PDF with poppler's pdfimages."""
    source = tmp_path / "extract.pdf"
    source.write_bytes(pdf_bytes)
    poppler("pdfimages", "-png", str(source), str(tmp_path / "img"))
    return [Image.open(path) for path in sorted(tmp_path.glob("img-*.png"))]


def test_pdf_carries_a_qr_code_that_opens_the_valid_verification_page(
    client, auth, issue, make_user, tmp_path
):
    user = make_user("trainee", name="Łukasz Ødegård")
    cert = issue(user, now=T0)
    auth.login(user)
    response = client.get(f"/certificates/{codes.group(cert.code)}/certificate.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    payloads = _pdf_qr_payloads(response.data, tmp_path)
    embedded = [s.data.decode() for img in _pdf_images(response.data, tmp_path) for s in decode_qr(img)]
    url = f"https://academy.test/verify/{codes.group(cert.code)}"
    assert payloads == [url] and embedded == [url]
    text = poppler("pdftotext", "-layout", str(tmp_path / "certificate.pdf"), "-")
    for words in (
        "Łukasz Ødegård",
        "Test basics",
        codes.group(cert.code),
        cert.version,
        "31 January 2025",
        "31 January 2027",
    ):
        assert words in text
    client.post("/logout")
    page = client.get(url.removeprefix("https://academy.test")).get_data(as_text=True)
    assert "Valid" in page and "Ł. Ø." in page and "Łukasz" not in page


def test_qr_png_decodes_to_the_verify_url():
    from academy.certificates import qr

    code = codes.new_code()
    url = qr.verify_url("https://academy.test/", code.lower().replace("-", ""))
    assert url == f"https://academy.test/verify/{code}"
    assert url.startswith("https://academy.test/verify/")
    image = Image.open(io.BytesIO(qr.png(url)))
    assert [s.data.decode() for s in decode_qr(image)] == [url]


# --- for holders and verifiers: the replacement of a superseded certificate, LinkedIn, wallets ---


def test_a_superseded_certificates_page_links_to_its_current_replacement(client, issue):
    first = issue(now=T0)
    second = issue(first.user, now=T0 + timedelta(days=400))
    third = issue(first.user, now=datetime.now(UTC) - timedelta(days=1))
    page = client.get(f"/verify/{codes.group(first.code)}").get_data(as_text=True)
    assert 'id="status">Superseded<' in page and "Replaced by a newer certificate" in page
    assert f'href="/verify/{codes.group(third.code)}">{codes.group(third.code)}</a>' in page
    assert codes.group(second.code) not in page  # the chain is followed to the certificate that counts now
    assert '<span class="badge badge-ok">Valid</span>' in page
    for moment in (third.issued_at, third.expires_at):  # issued and valid until, of the replacement
        assert f"{moment.day} {moment:%B %Y}" in page
    current = client.get(f"/verify/{codes.group(third.code)}").get_data(as_text=True)
    assert "Replaced by a newer certificate" not in current


def test_a_revoked_replacement_shows_as_revoked(client, issue, make_user):
    first = issue(now=T0)
    second = issue(first.user, now=T0 + timedelta(days=30))
    service.revoke_certificate(second, make_user("admin"), "issued in error")
    db.session.commit()
    page = client.get(f"/verify/{codes.group(first.code)}").get_data(as_text=True)
    assert codes.group(second.code) in page and '<span class="badge badge-bad">Revoked</span>' in page


def test_holder_page_offers_the_credential_linkedin_and_a_wallet_note(client, auth, issue, make_user):
    user = make_user("trainee")
    cert = issue(user, now=T0)
    auth.login(user)
    page = client.get(f"/certificates/{codes.group(cert.code)}").get_data(as_text=True)
    grouped = codes.group(cert.code)
    assert f'href="/api/v1/certificates/{grouped}/credential" download="credential-{grouped}.json"' in page
    linkedin = re.search(r'id="linkedin-add" href="([^"]+)"', page).group(1)
    parsed = urlsplit(html.unescape(linkedin))
    assert (parsed.scheme, parsed.netloc, parsed.path) == ("https", "www.linkedin.com", "/profile/add")
    assert parse_qs(parsed.query) == {
        "startTask": ["CERTIFICATION_NAME"],
        "name": ["Test basics"],
        "organizationName": [client.application.config["ACADEMY_NAME"]],
        "issueYear": ["2025"],
        "issueMonth": ["1"],
        "expirationYear": ["2027"],
        "expirationMonth": ["1"],
        "certId": [grouped],
        "certUrl": [f"https://academy.test/verify/{grouped}"],
    }
    assert 'id="wallet-note"' in page and "Learner Credential Wallet" in page
