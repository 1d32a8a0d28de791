"""Quick exit, the phone menu and the favicon, as a reader meets them in Chromium."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


@pytest.fixture
def exit_url(live_server):
    """A neutral page on this machine standing in for the public site the button goes to."""
    url = f"{live_server.url}/healthz"
    live_server.app.config["ACADEMY_QUICK_EXIT_URL"] = url
    return url


def test_escape_replaces_the_page_and_its_history_entry(page, live_server, exit_url):
    page.goto(f"{live_server.url}/")
    page.goto(f"{live_server.url}/resources")
    page.keyboard.press("Escape")
    page.wait_for_url(exit_url)
    page.go_back()
    page.wait_for_load_state()
    assert page.url == f"{live_server.url}/"  # the page they were reading is gone from the back button


def test_one_tap_on_a_phone_leaves_the_site(page, live_server, exit_url, screenshot):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/courses")
    button = page.get_by_role("link", name="Quick exit")
    assert button.is_visible()
    box = button.bounding_box()
    assert box["height"] >= 44 and box["y"] < 60  # at the top, big enough for a thumb
    screenshot(page, "phone-header")
    button.click()
    page.wait_for_url(exit_url)


def test_the_phone_header_is_one_row_with_a_menu(page, live_server):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/")
    header = page.locator(".site-header").bounding_box()
    assert header["height"] <= 0.12 * 844, header
    courses = page.locator(".main-nav").get_by_role("link", name="Courses")
    assert not courses.is_visible()
    menu = page.get_by_role("button", name="Menu")
    menu.click()
    assert menu.get_attribute("aria-expanded") == "true"
    assert courses.is_visible()
    page.keyboard.press("Escape")  # closes the menu first; it does not leave the site
    assert not courses.is_visible()
    assert page.url == f"{live_server.url}/"


def test_a_wide_screen_shows_the_whole_navigation_and_no_page_asks_for_a_missing_file(page, live_server):
    missing = []
    page.on("response", lambda response: missing.append(response.url) if response.status == 404 else None)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server.url}/")
    page.wait_for_load_state("networkidle")
    assert page.locator(".main-nav").get_by_role("link", name="Courses").is_visible()
    assert not page.get_by_role("button", name="Menu").is_visible()
    page.goto(f"{live_server.url}/favicon.ico")
    assert not missing, missing
