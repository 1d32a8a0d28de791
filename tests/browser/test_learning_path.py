"""The whole self-paced path in Chromium: sign up, read, pass the quiz, see the course complete."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from academy.courses.catalog import curriculum
from tests.accounts_fixtures import last_mail, mail_text
from tests.browser.conftest import run_axe
from tests.conftest import PASSWORD

pytestmark = [
    pytest.mark.browser,
    # pytest-base-url (pulled in by pytest-playwright) defines a session fixture as a method; not ours to fix
    pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning"),
]


def correct_answers(live_server, slug: str = "basics") -> dict[str, set[str]]:
    """The marked answers, read from the served app's curriculum (never typed into the test)."""
    with live_server.app.app_context():
        return {q.id: set(q.correct_ids) for q in curriculum().courses[slug].quiz.questions}


def assert_accessible(page: Page) -> None:
    violations = run_axe(page)
    assert violations == [], violations


def sign_up(page: Page, live_server, email: str) -> None:
    base = live_server.url
    page.goto(base + "/register")
    page.get_by_label("Full name").fill("Rae Tester")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Your sector and role").select_option("law-enforcement/police")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Create account").click()
    expect(page.locator("h1")).to_have_text("Check your email")
    body = mail_text(last_mail(live_server.app))  # sign-up is finished from the mailed link
    page.goto(base + re.search(r"https?://\S+?(/register/\S+)", body).group(1))
    page.locator("main").get_by_role("button", name="Create my account").click()
    expect(page).to_have_url(base + "/courses")


def shown_options(page: Page) -> list[tuple[str, str, list[str]]]:
    """[(question id, input type, [option ids in the order shown])] of the quiz form."""
    return page.eval_on_selector_all(".question", """sets => sets.map(set => [
        set.id.slice(3), set.querySelector('input').type,
        [...set.querySelectorAll('input')].map(input => input.value)])""")


def test_sign_up_read_pass_and_complete(page: Page, live_server, screenshot):
    base = live_server.url
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_up(page, live_server, "rae@example.org")
    expect(page.locator("h1")).to_have_text("Courses")
    expect(page.locator(".start-here")).to_contain_text("Start here")
    assert_accessible(page)

    page.get_by_role("link", name="Test basics").first.click()
    expect(page.locator("h1")).to_have_text("Test basics")
    page.get_by_role("button", name="Enrol and start").click()
    expect(page.locator("h1")).to_have_text("The first lesson")
    expect(page.locator(".lesson-resources")).to_contain_text("National Human Trafficking Hotline")
    screenshot(page, "lesson-1280")
    assert_accessible(page)

    page.set_viewport_size({"width": 360, "height": 800})
    page.reload()
    screenshot(page, "lesson-360")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("button", name="Mark complete and continue").click()
    expect(page.locator("h1")).to_have_text("The second lesson")
    page.get_by_role("button", name="Mark complete").click()
    expect(page.locator("h1")).to_have_text("Basics quiz")
    assert_accessible(page)

    page.get_by_role("button", name="Start the quiz").click()
    expect(page.locator(".quiz-form .question")).to_have_count(3)
    assert_accessible(page)
    answers = correct_answers(live_server)
    for question_id, _kind, option_ids in shown_options(page):
        for option_id in option_ids:
            if option_id in answers[question_id]:
                page.locator(f"#o-{option_id}").check()
    page.get_by_role("button", name="Submit answers").click()

    expect(page.locator("h1")).to_have_text("You passed")
    expect(page.locator(".score")).to_contain_text("100%")
    expect(page.locator(".result-hero")).to_contain_text("Course complete")
    expect(page.locator(".explanation")).to_have_count(3)
    screenshot(page, "result-1280")
    assert_accessible(page)

    page.goto(base + "/courses/basics")
    expect(page.locator(".complete-box")).to_contain_text("Course complete")
    page.goto(base + "/learning")
    expect(page.locator(".completed-list")).to_contain_text("Test basics")


def test_a_quiz_can_be_answered_with_the_keyboard_alone(page: Page, live_server):
    base = live_server.url
    sign_up(page, live_server, "kim@example.org")
    page.goto(base + "/courses/basics/quiz")
    page.get_by_role("button", name="Start the quiz").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".quiz-form .question")).to_have_count(3)
    answers = correct_answers(live_server)
    page.locator("h1").click()  # from the top of the page, Tab past the links to the first answer
    for _ in range(30):
        if page.evaluate("document.activeElement.type") in ("radio", "checkbox"):
            break
        page.keyboard.press("Tab")
    for number, (question_id, kind, option_ids) in enumerate(shown_options(page)):
        if kind == "radio":  # a radio group is one Tab stop; Space picks, arrows move the choice
            if number:
                page.keyboard.press("Tab")
            assert page.evaluate("document.activeElement.name") == f"q-{question_id}"
            target = next(i for i, oid in enumerate(option_ids) if oid in answers[question_id])
            page.keyboard.press("Space")
            for _ in range(target):
                page.keyboard.press("ArrowDown")
        else:  # each checkbox is its own Tab stop
            for index, option_id in enumerate(option_ids):
                if number or index:
                    page.keyboard.press("Tab")
                assert page.evaluate("document.activeElement.value") == option_id
                if option_id in answers[question_id]:
                    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Submit answers"
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("You passed")
