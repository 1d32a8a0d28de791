"""Certificates in a real browser: verification pages, the holder's pages, a QR code read off the screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from pyzbar.pyzbar import decode as decode_qr

from academy.certificates import codes
from tests.browser.conftest import run_axe, sign_in
from tests.conftest import PASSWORD

pytestmark = [
    pytest.mark.browser,
    # pytest-base-url (pulled in by pytest-playwright) defines a session fixture pytest 9 warns about
    pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning"),
]


@pytest.fixture
def data(live_server):
    """A holder with a valid certificate, plus an auditor, in the served app's database."""
    from academy.accounts import service as accounts
    from academy.certificates import service
    from academy.courses.catalog import get_course
    from academy.extensions import db

    with live_server.app.app_context():
        community = accounts.get_or_create_community("riverside", "Riverside Coalition")
        holder = accounts.create_user(
            email="holder@example.org",
            name="Priya Patel",
            password=PASSWORD,
            sector="law-enforcement",
            subrole="police",
            community_id=community.id,
        )
        accounts.create_user(
            email="auditor@example.org", name="Otto Auditor", password=PASSWORD, role="auditor"
        )
        cert = service.issue_certificate(holder, get_course("policing"), via="self-paced")
        db.session.commit()
        yield {"code": codes.group(cert.code)}
        db.session.remove()




def test_verify_page_shows_status_and_passes_axe(page, live_server, data, screenshot):
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(f"{live_server.url}/verify/{data['code'].lower()}")
    assert page.locator("#status").inner_text() == "Valid"
    assert "P. P." in page.inner_text("main") and "Priya" not in page.content()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "verify-360")
    assert run_axe(page) == []


def test_name_check_in_the_browser(page, live_server, data):
    page.goto(f"{live_server.url}/verify/{data['code']}")
    page.get_by_role("textbox", name="Name printed on the certificate").fill("priya  patel")
    page.get_by_role("button", name="Check the name").click()
    assert "Match: the name matches" in page.inner_text("main")
    assert run_axe(page) == []


def test_verify_form_and_not_found_pass_axe(page, live_server, data, screenshot):
    page.goto(f"{live_server.url}/verify")
    assert run_axe(page) == []
    page.get_by_label("Certificate code").fill("7KQ2-M9XD-4T1B-8HNC-V")
    page.get_by_role("button", name="Check the certificate").click()
    assert "We could not find a certificate with this code" in page.inner_text("main")
    screenshot(page, "not-found")
    assert run_axe(page) == []
    page.get_by_label("Certificate code").fill(data["code"].replace("-", " ").lower())
    page.get_by_role("button", name="Check again").click()
    assert page.locator("#status").inner_text() == "Valid"


def test_holder_finds_prints_and_scans_their_certificate(page, live_server, data, screenshot, tmp_path):
    sign_in(page, live_server.url, "holder@example.org")
    page.get_by_role("link", name="My certificates").click()
    assert "Test policing" in page.inner_text("main")
    assert run_axe(page) == []
    page.get_by_role("link", name="View and print Test policing").click()
    assert "Priya Patel" in page.inner_text("main")
    assert run_axe(page) == []
    shot = screenshot(page, "certificate")
    payloads = [symbol.data.decode() for symbol in decode_qr(Image.open(shot))]
    assert payloads == [f"{live_server.url}/verify/{data['code']}"]
    page.goto(payloads[0])
    assert page.locator("#status").inner_text() == "Valid"


def test_auditor_checks_codes_and_reads_the_register(page, live_server, data, screenshot):
    sign_in(page, live_server.url, "auditor@example.org")
    page.goto(f"{live_server.url}/audit")
    page.get_by_label("Codes to check").fill(f"{data['code']}\nnot-a-code")
    page.get_by_role("button", name="Check the codes").click()
    table = page.inner_text("table")
    assert "Valid" in table and "Not found" in table
    screenshot(page, "audit-results")
    assert run_axe(page) == []
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the results as CSV").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert f"{data['code']},{data['code']},valid" in text and "not-a-code,,not_found" in text
    page.goto(f"{live_server.url}/audit/register")
    assert data["code"] in page.inner_text("main")
    assert run_axe(page) == []
    page.goto(f"{live_server.url}/audit/log")
    assert "certificate.issued" in page.inner_text("main")
    assert run_axe(page) == []


def test_holder_downloads_the_signed_credential_and_sees_linkedin_and_wallet_help(page, live_server, data,
                                                                                   screenshot):
    import json

    from academy.certificates import credentials

    sign_in(page, live_server.url, "holder@example.org")
    page.goto(f"{live_server.url}/certificates/{data['code']}")
    with page.expect_download() as download:
        page.locator("#credential-download").click()
    assert download.value.suggested_filename == f"credential-{data['code']}.json"
    document = json.loads(Path(download.value.path()).read_text())
    assert credentials.verify(document).checked == ("eddsa-rdfc-2022", "eddsa-jcs-2022")
    assert page.locator("#linkedin-add").get_attribute("href").startswith("https://www.linkedin.com/profile/add?")
    assert "Learner Credential Wallet" in page.locator("#wallet-note").inner_text()
    page.locator("#credential-h").scroll_into_view_if_needed()
    screenshot(page, "credential-section")
    assert run_axe(page) == []


def test_superseded_certificate_page_leads_to_the_replacement(page, live_server, data, screenshot):
    from academy.accounts.models import User
    from academy.certificates import service
    from academy.courses.catalog import get_course
    from academy.extensions import db

    with live_server.app.app_context():
        holder = db.session.scalar(db.select(User).where(User.email == "holder@example.org"))
        renewed = service.issue_certificate(holder, get_course("policing"), via="in-person")
        db.session.commit()
        new_code = codes.group(renewed.code)
        db.session.remove()
    page.goto(f"{live_server.url}/verify/{data['code']}")
    assert page.locator("#status").inner_text() == "Superseded"
    screenshot(page, "superseded")
    assert run_axe(page) == []
    page.locator("#replacement").get_by_role("link", name=new_code).click()
    assert page.locator("#status").inner_text() == "Valid"
