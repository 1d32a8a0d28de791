"""Every main page, for every role, at desktop (1280 px) and phone (360 px) widths: axe finds no WCAG 2.1
A/AA violation and nothing scrolls sideways. Keyboard-only use of the quiz and of check-in. Screenshots are
saved in test-results/screenshots for a person to look at."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests.browser.conftest import run_axe, sign_in
from tests.conftest import PASSWORD

pytestmark = [
    pytest.mark.browser,
    # pytest-base-url (pulled in by pytest-playwright) defines a session fixture pytest 9 warns about
    pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning"),
]

WIDTHS = {"desktop": 1280, "phone": 360}
ROLES = ("trainee", "trainer", "coordinator", "auditor", "admin")


@pytest.fixture
def world(live_server):
    """People of every role, a lesson in progress, an open and a passed quiz, a certificate, a session."""
    from academy.accounts import service as accounts
    from academy.certificates.codes import group
    from academy.certificates.models import Certificate
    from academy.courses import service as courses
    from academy.courses.catalog import get_course
    from academy.database import utcnow
    from academy.extensions import db
    from academy.quizzes import service as quizzes
    from academy.sessions import service as sessions

    with live_server.app.app_context():
        community = accounts.get_or_create_community("riverside", "Riverside Coalition")
        people = {role: accounts.create_user(
            email=f"{role}@example.org", name=f"{role.title()} Person", password=PASSWORD, role=role,
            sector="law-enforcement", subrole="police", community_id=community.id) for role in ROLES}
        holder = accounts.create_user(email="holder@example.org", name="Priya Patel", password=PASSWORD,
                                      sector="law-enforcement", subrole="police", community_id=community.id)
        basics = get_course("basics")
        # the trainee: one lesson read, a quiz attempt open
        courses.enrol(people["trainee"], basics)
        courses.mark_lesson_complete(people["trainee"], basics, basics.lessons[0])
        open_attempt = quizzes.start_attempt(people["trainee"], basics)
        # the holder: lessons read and the quiz passed, so a certificate exists
        courses.enrol(holder, basics)
        for lesson in basics.lessons:
            courses.mark_lesson_complete(holder, basics, lesson)
        passed = quizzes.start_attempt(holder, basics)
        answers = {q.id: sorted(q.correct_ids) for q in basics.quiz.questions}
        quizzes.submit_attempt(holder, basics, passed, answers)
        certificate = db.session.scalar(db.select(Certificate).where(Certificate.user_id == holder.id))
        now = utcnow()
        session = sessions.save_session(
            None, people["trainer"], course_slug="policing", title="Interviewing with care",
            starts_at=now - timedelta(minutes=10), ends_at=now + timedelta(hours=2),
            place="Town hall, room 2", community_id=community.id, capacity=20, require_quiz=False,
            trainers=[people["trainer"]])
        db.session.commit()
        yield {"open_attempt": open_attempt.id, "passed_attempt": passed.id, "session": session.id,
               "code": group(certificate.code) if certificate else None}
        db.session.remove()


def pages_for(role: str, world: dict) -> dict[str, str]:
    """The pages a role uses most, by name."""
    if role == "anonymous":
        return {"home": "/", "catalogue": "/courses", "course": "/courses/basics", "resources": "/resources",
                "sign-in": "/login", "register": "/register", "reset": "/reset", "verify-form": "/verify",
                "verify": f"/verify/{world['code']}", "check-in": "/checkin", "language": "/language",
                "not-found": "/no-such-page"}
    pages = {"home": "/", "account": "/account"}
    if role == "trainee":
        pages |= {"catalogue": "/courses", "lesson": "/courses/basics/lessons/first",
                  "quiz-start": "/courses/basics/quiz",
                  "quiz": f"/courses/basics/quiz/{world['open_attempt']}", "my-learning": "/learning",
                  "my-certificates": "/certificates", "my-sessions": "/my/sessions"}
    elif role == "holder":
        pages |= {"quiz-result": f"/courses/basics/quiz/{world['passed_attempt']}",
                  "certificate": f"/certificates/{world['code']}", "my-certificates": "/certificates"}
    elif role == "trainer":
        session = f"/sessions/{world['session']}"
        pages |= {"sessions": "/sessions", "new-session": "/sessions/new", "roster": session,
                  "display": f"{session}/display", "paper": f"{session}/paper", "close": f"{session}/close"}
    elif role == "coordinator":
        pages |= {"coverage": "/coverage", "targets": "/coverage/targets", "sessions": "/sessions"}
    elif role == "auditor":
        pages |= {"audit": "/audit", "register": "/audit/register", "audit-log": "/audit/log",
                  "coverage": "/coverage"}
    elif role == "admin":
        pages |= {"coverage": "/coverage", "compare": "/coverage/compare", "audit": "/audit",
                  "sessions": "/sessions", "revoke": f"/certificates/{world['code']}/revoke"}
    return pages




def check_pages(page, live_server, pages: dict[str, str], label: str, width: int, screenshot) -> list[str]:
    """Visit each page at the width; return what is wrong with each (status, axe, sideways scrolling)."""
    page.set_viewport_size({"width": width, "height": 900})
    problems = []
    for name, path in pages.items():
        response = page.goto(live_server.url + path)
        expected = 404 if name == "not-found" else 200
        if response is None or response.status != expected:
            problems.append(f"{label} {name} {path}: HTTP {response.status if response else '?'}")
            continue
        if page.locator("h1").count() != 1:
            problems.append(f"{label} {name} {path}: {page.locator('h1').count()} h1 elements")
        scroll = page.evaluate("document.documentElement.scrollWidth")
        if scroll > width:
            problems.append(f"{label} {name} {path}: scrolls sideways at {width} px ({scroll} px wide)")
        screenshot(page, f"{label}-{name}-{width}")
        for violation in run_axe(page):
            problems.append(f"{label} {name} {path}: axe {violation['id']} ({violation['impact']}): "
                            f"{violation['help']} at {violation['nodes']}")
    return problems


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
@pytest.mark.parametrize("role", ("anonymous", *ROLES, "holder"))
def test_every_main_page_is_accessible_and_fits(page, live_server, world, screenshot, role, width):
    if role != "anonymous":
        sign_in(page, live_server.url, f"{role}@example.org")
    problems = check_pages(page, live_server, pages_for(role, world), role, width, screenshot)
    assert not problems, "\n".join(problems)


def test_pages_in_spanish_are_accessible_and_fit(page, live_server, world, screenshot):
    """Spanish words are longer: the phone layout must still hold, and the page must say it is Spanish."""
    page.goto(live_server.url + "/")
    page.locator(".lang-switch button[value=es]").click()
    assert page.locator("html").get_attribute("lang") == "es"
    sign_in(page, live_server.url, "trainee@example.org")
    quiz = f"/courses/basics/quiz/{world['open_attempt']}"
    pages = {"home": "/", "catalogue": "/courses", "course": "/courses/basics",
             "lesson": "/courses/basics/lessons/first", "quiz-start": "/courses/basics/quiz", "quiz": quiz,
             "account": "/account"}
    problems = check_pages(page, live_server, pages, "es-trainee", WIDTHS["phone"], screenshot)
    assert page.locator("html").get_attribute("lang") == "es"
    assert not problems, "\n".join(problems)
    # take the quiz in Spanish (basics/quiz.es.md): Spanish words, the English option ids, a pass
    page.goto(live_server.url + quiz)
    assert page.locator("h1").inner_text() == "Cuestionario de nociones básicas"
    assert "¿El consentimiento previo impide que haya un delito de trata?" in page.locator("main").inner_text()
    with live_server.app.app_context():
        from academy.courses.catalog import get_course

        answers = [o for q in get_course("basics").quiz.questions for o in sorted(q.correct_ids)]
    for option_id in answers:
        page.locator(f'input[value="{option_id}"]').check()
    with page.expect_navigation():
        page.locator("form.quiz-form button[type=submit]").click()
    page.wait_for_load_state()
    main = page.locator("main").inner_text()
    assert "100\u00a0%" in main and "Ha aprobado" in main  # Spanish writes a (no-break) space before %
    assert "El consentimiento no cuenta" in main and "Consent is irrelevant" not in main
    screenshot(page, "es-trainee-quiz-result-360")
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS["phone"]
    assert run_axe(page) == []


def _tab_to(page, predicate: str, limit: int = 80) -> bool:
    """Press Tab until the focused element satisfies the JS predicate (given `el`); False if never."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return !!({predicate}); }})()"):
            return True
    return False


def test_the_quiz_can_be_taken_with_the_keyboard_alone(page, live_server, world, screenshot):
    page.set_viewport_size({"width": WIDTHS["phone"], "height": 900})
    sign_in(page, live_server.url, "trainee@example.org")
    page.goto(f"{live_server.url}/courses/basics/quiz/{world['open_attempt']}")
    answered: set[str] = set()
    for _ in range(120):
        page.keyboard.press("Tab")
        focused = page.evaluate("({tag: document.activeElement.tagName, type: document.activeElement.type,"
                                " name: document.activeElement.name})")
        if focused["type"] in ("radio", "checkbox") and focused["name"] not in answered:
            ring = page.evaluate("[document.activeElement, document.activeElement.closest('label')]"
                                 ".map(el => getComputedStyle(el).outlineStyle)")
            assert ring != ["none", "none"], "the focused option shows no focus ring"
            page.keyboard.press("Space")
            answered.add(focused["name"])
        elif focused["tag"] == "BUTTON" and focused["type"] == "submit" and answered:
            screenshot(page, "keyboard-quiz-submit")
            with page.expect_navigation():  # the result page, after the POST's redirect
                page.keyboard.press("Enter")
            break
    page.wait_for_load_state()
    assert len(answered) == 3
    assert re.search(r"/courses/basics/quiz/\d+$", page.url)
    assert "%" in page.locator("main").inner_text()  # the score is shown
    assert run_axe(page) == []


def test_checking_in_on_a_phone_with_the_keyboard_alone(browser, browser_context_args, live_server, world,
                                                        screenshot):
    """The trainer shows the code; a walk-in on a phone types it and registers, never touching a mouse."""
    desktop = {"width": WIDTHS["desktop"], "height": 900}
    desk = browser.new_context(**{**browser_context_args, "viewport": desktop}).new_page()
    sign_in(desk, live_server.url, "trainer@example.org")
    desk.goto(f"{live_server.url}/sessions/{world['session']}/display")
    screenshot(desk, "display-1280")
    assert run_axe(desk) == []
    code = desk.locator("#display-code").inner_text().replace(" ", "")
    phone_size = {"width": WIDTHS["phone"], "height": 780}
    phone = browser.new_context(**{**browser_context_args, "viewport": phone_size, "is_mobile": True,
                                   "has_touch": True}).new_page()
    phone.goto(f"{live_server.url}/checkin")
    assert _tab_to(phone, "el.name === 'code'")
    phone.keyboard.type(code)
    phone.keyboard.press("Enter")
    phone.wait_for_url(re.compile(r"/checkin/t/"))
    screenshot(phone, "checkin-register-360")
    assert run_axe(phone) == []
    assert phone.evaluate("document.documentElement.scrollWidth") <= WIDTHS["phone"]
    assert _tab_to(phone, "el.tagName === 'INPUT' && el.type !== 'hidden'")
    phone.keyboard.type("Sam Walker")
    assert _tab_to(phone, "el.name === 'email'", limit=4)
    phone.keyboard.type("sam@example.org")
    assert _tab_to(phone, "el.name === 'sector'", limit=4)
    phone.keyboard.press("ArrowDown")  # the first sector and role after "Choose your sector and role"
    assert phone.evaluate("document.activeElement.value") != ""
    assert _tab_to(phone, "el.tagName === 'BUTTON' && el.type === 'submit'")
    phone.keyboard.press("Enter")
    phone.wait_for_selector("text=check your email")
    screenshot(phone, "checkin-done-360")
    assert run_axe(phone) == []
    assert phone.evaluate("document.documentElement.scrollWidth") <= WIDTHS["phone"]
