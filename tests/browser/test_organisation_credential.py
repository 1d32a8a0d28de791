"""The trained organisation credential in a real browser: a coordinator previews and awards, anyone checks it."""

from __future__ import annotations

import pytest

from tests.browser.conftest import run_axe, sign_in
from tests.conftest import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning"),  # see test_certificates.py
]

SECRET = "Quillon Undercover-Vance"


@pytest.fixture
def town(live_server):
    """A coordinator, a rule for law enforcement, and a police department whose 5 members all hold the course."""
    from academy.accounts import service as accounts
    from academy.certificates import service
    from academy.courses.catalog import get_course
    from academy.extensions import db
    from academy.organisations import awards
    from academy.organisations.models import Organisation

    with live_server.app.app_context():
        community = accounts.get_or_create_community("riverside", "Riverside Coalition")
        community.timezone = "America/Vancouver"
        coordinator = accounts.create_user(email="coord@example.org", name="Cora Coordinator", password=PASSWORD,
                                           role="coordinator")
        coordinator.coordinated_communities.append(community)
        organisation = Organisation(community_id=community.id, name="Riverside Police Department",
                                    sector="law-enforcement")
        db.session.add(organisation)
        db.session.flush()
        for n in range(5):
            member = accounts.create_user(email=f"member{n}@example.org", name=SECRET, password=PASSWORD,
                                          sector="law-enforcement", community_id=community.id)
            member.organisation_id = organisation.id
            service.issue_certificate(member, get_course("policing"), via="self-paced")
        organisation.leads.append(member)  # the last member leads it
        rule = awards.save_rule(community, "law-enforcement", course_slug="policing", threshold_percent=80,
                                min_members=5, active=True, actor=coordinator)
        db.session.commit()
        yield {"rule_id": rule.id, "organisation_id": organisation.id}
        db.session.remove()


def test_a_coordinator_awards_and_the_public_page_passes_axe(page, live_server, town, screenshot):
    sign_in(page, live_server.url, "coord@example.org")
    page.goto(f"{live_server.url}/organisations/credential-rules")
    assert run_axe(page) == []
    page.goto(f"{live_server.url}/organisations/credential-rules/{town['rule_id']}")
    row = page.get_by_role("row", name="Riverside Police Department")
    assert row.inner_text().split("\t")[:4] == ["Riverside Police Department", "5", "5 (100%)", "yes"]
    assert run_axe(page) == []
    row.get_by_role("button", name="Award").click()
    assert page.locator("#status").inner_text() == "Valid"
    main = page.inner_text("main")
    assert "Riverside Police Department" in main and "America/Vancouver" in main
    assert "At least 80% of members hold a current certificate of Test policing." in main
    assert SECRET not in page.content()
    screenshot(page, "organisation-credential")
    assert run_axe(page) == []
    public_url = page.url
    page.context.clear_cookies()
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(public_url)
    assert page.locator("#status").inner_text() == "Valid"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert run_axe(page) == []
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, live_server.url, "member4@example.org")
    page.goto(f"{live_server.url}/organisations/{town['organisation_id']}")
    assert page.get_by_label("Share link").input_value() == public_url
    assert run_axe(page) == []
