"""A person deletes their account in a real browser (CSRF on, 360 px wide, axe clean); their certificate stays."""

from __future__ import annotations

import pytest

from academy.certificates import codes
from tests.browser.conftest import run_axe
from tests.conftest import PASSWORD

pytestmark = [
    pytest.mark.browser,
    # pytest-base-url (pulled in by pytest-playwright) defines a session fixture pytest 9 warns about
    pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning"),
]


@pytest.fixture
def holder(live_server):
    """A trainee with a certificate, in the served app's database."""
    from academy.accounts import service as accounts
    from academy.certificates import service
    from academy.courses.catalog import get_course
    from academy.extensions import db

    with live_server.app.app_context():
        user = accounts.create_user(email="leaving@example.org", name="Noor Haddad", password=PASSWORD,
                                    sector="law-enforcement", subrole="police")
        cert = service.issue_certificate(user, get_course("basics"), via="self-paced")
        db.session.commit()
        yield {"code": codes.group(cert.code)}
        db.session.remove()


def test_a_person_deletes_their_account_and_the_certificate_stays_verifiable(page, live_server, holder,
                                                                            screenshot):
    url = live_server.url
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(f"{url}/login")
    page.get_by_label("Email").fill("leaving@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{url}/")
    page.goto(f"{url}/account")
    assert page.get_by_role("link", name="Download my data (JSON)").is_visible()
    page.get_by_role("link", name="Delete my account").click()
    page.wait_for_url(f"{url}/account/delete")
    assert page.locator("h1").count() == 1
    assert run_axe(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_label("Your password").fill("not my password")
    page.get_by_role("button", name="Delete my account").click()
    assert "That password is not right." in page.locator("#password-err").inner_text()
    screenshot(page, "wrong-password")
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Delete my account").click()
    page.wait_for_url(f"{url}/")
    assert "Your account is deleted." in page.content()
    page.goto(f"{url}/verify/{holder['code']}")
    assert "deleted account" in page.content().lower() and "N. H." not in page.content()
