"""The coverage dashboard in a real browser, filled by the demo data: looked at, and checked with axe."""

from __future__ import annotations

import pytest

from tests.browser.conftest import run_axe, sign_in
from tests.conftest import PASSWORD, REAL_CURRICULA

pytestmark = [
    pytest.mark.browser,
    # pytest-base-url (pulled in by pytest-playwright) defines a session fixture pytest 9 warns about
    pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning"),
]


@pytest.fixture
def live_config() -> dict:
    return {"ACADEMY_CURRICULA": str(REAL_CURRICULA)}


@pytest.fixture
def data(live_server):
    """The demo communities with people, certificates, sessions and targets; a coordinator and an admin."""
    from academy.accounts import service as accounts
    from academy.coverage import demo
    from academy.extensions import db

    with live_server.app.app_context():
        riverside = accounts.get_or_create_community("riverside", "Riverside Coalition")
        fraser = accounts.get_or_create_community("fraser-valley", "Fraser Valley Community Action Team")
        coordinator = accounts.create_user(
            email="coordinator@example.org", name="Cora Coordinator", password=PASSWORD, role="coordinator"
        )
        coordinator.coordinated_communities.append(riverside)
        accounts.create_user(email="admin@example.org", name="Ada Admin", password=PASSWORD, role="admin")
        demo.populate({"communities": {"riverside": riverside, "fraser-valley": fraser}, "users": {}})
        db.session.commit()
        yield
        db.session.remove()




def test_dashboard_looks_right_and_passes_axe(page, live_server, data, screenshot):
    sign_in(page, live_server.url, "coordinator@example.org")
    page.get_by_role("link", name="Open the coverage dashboard").click()
    assert page.locator("h1").inner_text() == "Coverage: Riverside Coalition"
    main = page.inner_text("main")
    assert "Police, prosecutors, judges and first responders trained: police " in main
    assert page.locator("svg.coverage-chart").count() == 2
    assert page.get_by_role("img", name="People trained per sector").count() == 1
    assert "Projection at the current pace" in main and "How these figures are counted" in main
    screenshot(page, "dashboard-desktop")
    assert run_axe(page) == []
    page.set_viewport_size({"width": 360, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "dashboard-360")


def test_changing_the_half_year_with_the_selector(page, live_server, data):
    sign_in(page, live_server.url, "coordinator@example.org")
    page.goto(f"{live_server.url}/coverage")
    options = page.locator("#period option")
    older = options.nth(2).get_attribute("value")
    page.get_by_label("Half-year", exact=True).select_option(older)
    page.get_by_role("button", name="Show").click()
    assert f"({older})" in page.inner_text("main p.lead")


def test_targets_page_saves_and_passes_axe(page, live_server, data, screenshot):
    sign_in(page, live_server.url, "coordinator@example.org")
    page.goto(f"{live_server.url}/coverage?community=riverside")
    page.get_by_role("link", name="Set targets").click()
    assert run_axe(page) == []
    page.get_by_label("Target for Judge (Law enforcement and justice)").fill("-3")
    page.get_by_role("button", name="Save targets").click()
    assert "Give a whole number from 0 to 1,000,000." in page.inner_text("main")
    assert run_axe(page) == []
    page.get_by_label("Target for Judge (Law enforcement and justice)").fill("4")
    page.get_by_role("button", name="Save targets").click()
    assert "saved" in page.inner_text(".flashes")
    screenshot(page, "targets-saved")


def test_comparison_and_tokens_pass_axe(page, live_server, data, screenshot):
    sign_in(page, live_server.url, "admin@example.org")
    page.goto(f"{live_server.url}/coverage/compare")
    assert "Fraser Valley Community Action Team" in page.inner_text("main")
    screenshot(page, "compare")
    assert run_axe(page) == []
    page.goto(f"{live_server.url}/account")
    page.get_by_label("Token name").fill("Report script")
    page.get_by_role("button", name="Create token").click()
    token = page.get_by_label("Token “Report script”").input_value()
    assert token.startswith("acd_")
    assert run_axe(page) == []
    page.goto(f"{live_server.url}/account")
    assert "Report script" in page.inner_text("main") and token not in page.content()
    assert run_axe(page) == []
