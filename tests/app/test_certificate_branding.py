"""Certificates carry their community's name, logo and signatory; revoked and replaced ones say so plainly."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from PIL import Image
from pyzbar.pyzbar import decode as decode_qr

from academy.accounts.communities import store_logo
from academy.certificates import codes, service
from academy.extensions import db
from tests.app.test_certificates import poppler
from tests.certificates_fixtures import course, issue, signing_key  # noqa: F401 (fixtures)

T0 = datetime(2025, 1, 31, 12, 0, tzinfo=UTC)


def _logo_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (200, 80), (29, 78, 137)).save(out, "PNG")
    return out.getvalue()


def _branded(app, make_user, make_community, issue):  # noqa: F811
    community = make_community("fraser-valley", "Fraser Valley Community Action Team", "ca-bc")
    community.signatory_name, community.signatory_title = "Dana Lee", "Chair"
    community.logo_filename = store_logo(app.instance_path, _logo_png())
    db.session.commit()
    user = make_user("trainee", name="Ana Ruiz", community=community)
    return user, issue(user, now=T0)


def _pdf_text(data: bytes, tmp_path, name: str = "c.pdf") -> str:
    (tmp_path / name).write_bytes(data)
    return poppler("pdftotext", "-raw", str(tmp_path / name), "-")


def test_the_pdf_carries_the_community_its_signatory_and_logo(app, client, auth, make_user, make_community,
                                                              issue, tmp_path):  # noqa: F811
    user, cert = _branded(app, make_user, make_community, issue)
    auth.login(user)
    data = client.get(f"/certificates/{codes.group(cert.code)}/certificate.pdf").data
    text = _pdf_text(data, tmp_path)
    assert "FRASER VALLEY COMMUNITY ACTION TEAM" in text and "Dana Lee" in text and "Chair" in text
    assert "Valid until 31 January 2027" in text
    poppler("pdfimages", "-list", str(tmp_path / "c.pdf"))
    assert poppler("pdfimages", "-list", str(tmp_path / "c.pdf")).count("\n") >= 4  # header + rule + logo + QR
    page = client.get(f"/certificates/{codes.group(cert.code)}").get_data(as_text=True)
    assert "Fraser Valley Community Action Team" in page and "Dana Lee" in page
    assert f"/communities/{cert.community_id}/logo" in page


def test_us_letter_is_offered_as_well_as_a4(client, auth, issue, make_user, tmp_path):  # noqa: F811
    user = make_user("trainee")
    cert = issue(user, now=T0)
    auth.login(user)
    page = client.get(f"/certificates/{codes.group(cert.code)}").get_data(as_text=True)
    assert "paper=letter" in page
    for paper, size in (("a4", "841.89 x 595.28"), ("letter", "792 x 612")):
        response = client.get(f"/certificates/{codes.group(cert.code)}/certificate.pdf?paper={paper}")
        (tmp_path / f"{paper}.pdf").write_bytes(response.data)
        assert size in poppler("pdfinfo", str(tmp_path / f"{paper}.pdf"))
        poppler("pdftoppm", "-r", "150", "-png", "-singlefile", str(tmp_path / f"{paper}.pdf"), str(tmp_path / paper))
        [symbol] = decode_qr(Image.open(tmp_path / f"{paper}.png"))
        assert symbol.data.decode().endswith(codes.group(cert.code))


def test_a_revoked_certificate_pdf_never_says_valid_until(client, login, issue, make_user, tmp_path):  # noqa: F811
    holder = make_user("trainee")
    cert = issue(holder, now=T0)
    admin = login("admin", sector=None, subrole=None)
    service.revoke_certificate(cert, admin, "Issued by mistake")
    db.session.commit()
    text = _pdf_text(client.get(f"/certificates/{codes.group(cert.code)}/certificate.pdf").data, tmp_path)
    assert "REVOKED" in text and "no longer valid" in text
    assert "Valid until" not in text
    page = client.get(f"/certificates/{codes.group(cert.code)}").get_data(as_text=True)
    assert "cert-void-mark" in page and "Valid until" not in page


def test_a_superseded_certificate_points_to_its_replacement(client, auth, issue, make_user, tmp_path):  # noqa: F811
    holder = make_user("trainee")
    old = issue(holder, now=T0)
    new = issue(holder, now=datetime(2026, 1, 31, tzinfo=UTC))
    auth.login(holder)
    text = _pdf_text(client.get(f"/certificates/{codes.group(old.code)}/certificate.pdf").data, tmp_path)
    assert "REPLACED" in text and codes.group(new.code) in text and "Valid until" not in text
    page = client.get(f"/certificates/{codes.group(old.code)}").get_data(as_text=True)
    assert f"/verify/{codes.group(new.code)}" in page


def test_an_admin_viewing_someone_elses_certificate_is_not_offered_the_holders_choice(client, login, issue,
                                                                                       make_user):  # noqa: F811
    holder = make_user("trainee")
    cert = issue(holder, now=T0)
    login("admin", sector=None, subrole=None)
    page = client.get(f"/certificates/{codes.group(cert.code)}").get_data(as_text=True)
    assert "Save my choice" not in page and "include-name" not in page
    client.post("/logout")
    client.post("/login", data={"email": holder.email, "password": "correct horse battery"})
    assert "Save my choice" in client.get(f"/certificates/{codes.group(cert.code)}").get_data(as_text=True)
