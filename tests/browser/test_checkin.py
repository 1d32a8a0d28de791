"""The issue's proof: a QR code read off the trainer's screen checks a newcomer in on a phone."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from PIL import Image
from pyzbar.pyzbar import decode as decode_qr

from tests.browser.conftest import run_axe, sign_in
from tests.conftest import PASSWORD
from tests.sessions_fixtures import (  # noqa: F401  (fixtures)
    sessions_curricula_fixture,
)

pytestmark = [
    pytest.mark.browser,
    # pytest-base-url (pulled in by pytest-playwright) defines a session fixture pytest 9 warns about
    pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning"),
]
PHONE = {"width": 360, "height": 740}


@pytest.fixture
def live_config(sessions_curricula):
    return {"ACADEMY_CURRICULA": str(sessions_curricula)}


@pytest.fixture
def data(live_server):
    """A trainer teaching a session running now, in the served app's database."""
    from academy.accounts import service as accounts
    from academy.database import utcnow
    from academy.extensions import db
    from academy.sessions.models import TrainingSession

    with live_server.app.app_context():
        town = accounts.get_or_create_community("riverside", "Riverside Coalition")
        trainer = accounts.create_user(email="trainer@example.org", name="Tess Trainer", password=PASSWORD,
                                       role="trainer", community_id=town.id)
        start = utcnow() - timedelta(minutes=5)
        session = TrainingSession(course_slug="blended", title="Recognising trafficking: Riverside PD",
                                  starts_at=start, ends_at=start + timedelta(hours=2),
                                  place="Room 4, City Hall",
                                  community_id=town.id, capacity=40, trainers=[trainer])
        db.session.add(session)
        db.session.commit()
        yield {"session_id": session.id}
        db.session.remove()




def read_qr(path) -> str:
    found = decode_qr(Image.open(path))
    assert len(found) == 1, f"expected one QR code in {path}, found {len(found)}"
    return found[0].data.decode()


def test_newcomer_scans_the_projected_code_registers_and_appears_on_the_roster(
        page, browser, browser_context_args, live_server, data, screenshot):
    sid = data["session_id"]
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, live_server.url, "trainer@example.org")
    page.goto(f"{live_server.url}/sessions/{sid}/display")
    shot = screenshot(page, "display")
    url = read_qr(shot)
    assert re.fullmatch(rf"{re.escape(live_server.url)}/checkin/{sid}/[A-Za-z0-9_-]{{24}}", url), url
    assert page.locator("#display-count").inner_text() == "0 checked in"
    assert run_axe(page) == []

    phone = browser.new_context(**{**browser_context_args, "viewport": PHONE})
    attendee = phone.new_page()
    attendee.goto(url)
    assert re.search(r"/checkin/t/", attendee.url)
    assert "Check in to “Recognising trafficking: Riverside PD”" in attendee.inner_text("h1")
    assert attendee.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(attendee, "phone-form")
    assert run_axe(attendee) == []
    attendee.get_by_label("Full name").fill("Ana Newcomer")
    attendee.get_by_label("Email").fill("ana@example.org")
    attendee.get_by_label("Your sector and role").select_option("law-enforcement/police")
    attendee.get_by_label("Organisation").fill("Riverside PD")
    attendee.get_by_role("button", name="Check me in").click()
    attendee.wait_for_selector("text=check your email")  # the door signs no browser in: the mail finishes it
    screenshot(attendee, "phone-done")
    assert run_axe(attendee) == []
    phone.close()

    # The display picks up the new count by itself (sessions.js polls), without a reload.
    page.wait_for_function("document.getElementById('display-count').textContent === '1 checked in'", timeout=8000)
    page.goto(f"{live_server.url}/sessions/{sid}")
    roster = page.locator("table.roster").inner_text()
    assert "Ana Newcomer" in roster and "Scanned QR" in roster
    screenshot(page, "roster")
    assert run_axe(page) == []


def test_display_rotates_the_code_without_reloading(page, live_server, data):
    sid = data["session_id"]
    sign_in(page, live_server.url, "trainer@example.org")
    page.goto(f"{live_server.url}/sessions/{sid}/display")
    page.evaluate("window.notReloaded = true")
    first = page.locator("#display-code").inner_text()
    page.wait_for_function(f"document.getElementById('display-code').textContent !== {first!r}",
                           timeout=20000)
    assert page.evaluate("window.notReloaded") is True
    assert re.fullmatch(r"[A-Z2-9]{3} [A-Z2-9]{3}", page.locator("#display-code").inner_text())


def test_typed_code_on_a_phone(page, live_server, data, screenshot):
    from academy.database import utcnow
    from academy.sessions import codes
    from academy.sessions.models import TrainingSession

    with live_server.app.app_context():
        from academy.extensions import db

        session = db.session.get(TrainingSession, data["session_id"])
        short = codes.code_at(session.secret, session.id, utcnow().timestamp())[1]
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/checkin")
    assert run_axe(page) == []
    page.get_by_label("Code on the screen").fill(short.lower())
    page.get_by_role("button", name="Continue").click()
    assert "Check in to" in page.inner_text("h1")
    page.goto(f"{live_server.url}/checkin")
    page.get_by_label("Code on the screen").fill("ZZZZZ2")
    page.get_by_role("button", name="Continue").click()
    assert "That code is not right" in page.inner_text("main")
    screenshot(page, "typed-wrong")
    assert run_axe(page) == []
