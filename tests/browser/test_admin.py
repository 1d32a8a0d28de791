"""The admin console and an organisation lead's view in a real browser, with screenshots and axe checks."""

from __future__ import annotations

import pytest

from tests.browser.conftest import run_axe, sign_in
from tests.conftest import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning"),
]

HIDDEN = "Quillon Undercover-Vance"


@pytest.fixture
def data(live_server):
    """An admin, a community with an organisation, its lead, a sharing member and a member who did not agree."""
    from academy.accounts import service as accounts
    from academy.certificates import service
    from academy.courses.catalog import get_course
    from academy.extensions import db
    from academy.organisations.models import Organisation

    with live_server.app.app_context():
        community = accounts.get_or_create_community("riverside", "Riverside Coalition")
        community.timezone = "America/Chicago"
        accounts.create_user(email="admin@example.org", name="Ada Admin", password=PASSWORD, role="admin")
        organisation = Organisation(community_id=community.id, name="Riverside Police Department",
                                    sector="law-enforcement")
        db.session.add(organisation)
        db.session.flush()
        people = {}
        for email, name, shares in (("lead@example.org", "Lena Lead", True), ("sam@example.org", "Sam Sharer", True),
                                    ("hidden@example.org", HIDDEN, False)):
            people[email] = accounts.create_user(email=email, name=name, password=PASSWORD,
                                                 sector="law-enforcement", subrole="police",
                                                 community_id=community.id)
            people[email].organisation_id, people[email].shares_with_organisation = organisation.id, shares
        organisation.leads.append(people["lead@example.org"])
        service.init_keys(live_server.app)
        service.issue_certificate(people["sam@example.org"], get_course("basics"), via="self-paced")
        service.issue_certificate(people["hidden@example.org"], get_course("basics"), via="self-paced")
        db.session.commit()
        yield {"organisation": organisation.id, "sam": people["sam@example.org"].id}
        db.session.remove()


def test_admin_finds_a_person_changes_their_role_and_creates_a_community(page, live_server, data, screenshot):
    url = live_server.url
    sign_in(page, url, "admin@example.org")
    page.goto(f"{url}/admin/")
    page.locator("#f-q").fill("sharer")
    page.locator("form[role=search] button").click()
    assert "Sam Sharer" in page.inner_text("main") and "Lena Lead" not in page.inner_text("main")
    screenshot(page, "people-search")
    assert run_axe(page) == []
    page.get_by_role("link", name="Sam Sharer").click()
    page.locator("#role").select_option("trainer")
    page.get_by_role("button", name="Change role").click()
    assert "The role is changed" in page.inner_text("main")
    screenshot(page, "person")
    assert run_axe(page) == []
    page.goto(f"{url}/admin/communities/new")
    page.locator("#name").fill("Fraser Valley Community Action Team")
    page.locator("#slug").fill("fraser-valley")
    page.locator("#timezone").select_option("America/Vancouver")
    page.locator("#jurisdiction").select_option("ca-bc")
    page.locator("#signatory_name").fill("Dana Lee")
    page.locator("#signatory_title").fill("Chair")
    screenshot(page, "community-form")
    assert run_axe(page) == []
    page.get_by_role("button", name="Save community").click()
    page.wait_for_url(f"{url}/admin/communities")
    assert "America/Vancouver" in page.inner_text("main") and "Dana Lee" in page.inner_text("main")
    screenshot(page, "communities")


def test_the_lead_sees_sharing_members_and_only_a_count_of_the_others(page, live_server, data, screenshot):
    url = live_server.url
    sign_in(page, url, "lead@example.org")
    page.goto(f"{url}/organisations/{data['organisation']}")
    main = page.inner_text("main")
    assert "Sam Sharer" in main and "valid" in main
    assert HIDDEN not in page.content() and "1 of them has not agreed" in main
    page.set_viewport_size({"width": 1100, "height": 900})
    screenshot(page, "lead-view")
    assert run_axe(page) == []
    page.set_viewport_size({"width": 360, "height": 800})
    screenshot(page, "lead-view-360")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
