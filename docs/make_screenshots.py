"""Take the README's screenshots of the main pages from a fresh demo academy.

    .venv/bin/python docs/make_screenshots.py [--out docs/screenshots]

Builds the demo academy (`academy demo`'s data, the real curricula) in a temporary instance folder, serves it
on a free port, and saves one PNG per main page with the system Chromium. Nothing outside the output folder is
touched. Look at every picture before committing it.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DESKTOP = {"width": 1280, "height": 820}
PHONE = {"width": 390, "height": 844}
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
from academy.demo import DEMO_PASSWORD as PASSWORD  # noqa: E402 (the path is set just above)


def build_demo(instance: str):
    """Create the app on a temporary instance with the demo data; return it and the facts the shots need."""
    os.environ["ACADEMY_INSTANCE_PATH"] = instance
    from academy import cli, create_app, demo
    from academy.extensions import db

    cli.ensure_secret_key(instance)
    app = create_app({"RATELIMIT_ENABLED": False})
    migrations = Path(app.extensions["migrate"].directory) / "versions"
    if any(migrations.glob("*.py")):
        cli.run_init(app)
    else:  # before the first migration exists, build the schema from the models as the tests do
        with app.app_context():
            import academy.models  # noqa: F401

            db.create_all()
        cli.run_init(app)
    with app.app_context():
        demo.populate()
        facts = _facts()
    return app, facts


def _facts() -> dict:
    """Ids and codes of demo records worth showing."""
    from sqlalchemy import select

    from academy.accounts.models import User
    from academy.certificates import codes
    from academy.certificates.models import Certificate
    from academy.database import utcnow
    from academy.extensions import db
    from academy.quizzes.models import QuizAttempt
    from academy.sessions import service as sessions
    from academy.sessions.models import TrainingSession

    trainee = db.session.scalar(select(User).where(User.email == "trainee@demo.academy"))
    attempt = db.session.scalar(select(QuizAttempt).where(QuizAttempt.user_id == trainee.id,
                                                          QuizAttempt.submitted_at.is_not(None))
                                .order_by(QuizAttempt.passed.desc(), QuizAttempt.id.desc()))
    quiz_next = _ready_for_the_foundation_quiz(trainee) if attempt is None else None
    valid = next(c for c in db.session.scalars(select(Certificate).order_by(Certificate.id))
                 if c.status() == "valid")
    now = utcnow()
    running = next(s for s in db.session.scalars(select(TrainingSession).order_by(TrainingSession.id))
                   if s.status == "scheduled" and sessions.window_error(s, now) is None)
    return {"attempt": f"/courses/{attempt.course_slug}/quiz/{attempt.id}" if attempt else None,
            "quiz_next": quiz_next.slug if quiz_next else None,
            "answers": {q.id: sorted(q.correct_ids) for q in quiz_next.quiz.questions} if quiz_next else {},
            "verify": f"/verify/{codes.group(valid.code)}", "session": running.id}


def _ready_for_the_foundation_quiz(trainee):
    """Read the rest of the foundation for the demo trainee (in the temporary instance), to show its quiz."""
    from academy.courses import service as courses
    from academy.courses.catalog import get_course
    from academy.extensions import db

    foundation = get_course("foundation")
    if foundation is None or foundation.quiz is None:
        return None
    if courses.get_enrolment(trainee, foundation.slug) is None:
        courses.enrol(trainee, foundation)
    for lesson in foundation.lessons:
        courses.mark_lesson_complete(trainee, foundation, lesson)
    db.session.commit()
    return foundation


def take_quiz(browser, url: str, facts: dict) -> str | None:
    """Pass the quiz the demo trainee is due to take, through the pages; return the result's path."""
    if not facts["quiz_next"]:
        return None
    page = signed_in(browser, url, "trainee", DESKTOP)
    page.goto(f"{url}/courses/{facts['quiz_next']}/quiz")
    start = page.locator("main form button[type=submit]")
    if not start.count():
        print(f"cannot start the {facts['quiz_next']} quiz: {page.locator('main').inner_text()[:300]!r}")
        return None
    start.click()
    page.wait_for_url(re.compile(r"/quiz/\d+$"))
    for option_ids in facts["answers"].values():
        for option_id in option_ids:
            page.check(f"#o-{option_id}")
    page.click("main form.quiz-form button[type=submit]")
    page.wait_for_load_state()
    return page.url.removeprefix(url)


def serve(app) -> tuple[str, object]:
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    app.config["ACADEMY_PUBLIC_URL"] = f"http://127.0.0.1:{server.server_port}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return app.config["ACADEMY_PUBLIC_URL"], server


def signed_in(browser, url: str, who: str | None, viewport: dict):
    """A browser page, signed in as the demo user of a role (None: a visitor)."""
    page = browser.new_context(viewport=viewport, device_scale_factor=1, locale="en-US").new_page()
    if who:
        page.goto(f"{url}/login")
        page.fill("#email", f"{who}@demo.academy")
        page.fill("#password", PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_url(f"{url}/")
    return page


def check_in_on_a_phone(browser, url: str, session_id: int, out: Path) -> None:
    """Read the code off the trainer's display and type it on a phone, as an attendee would."""
    desk = signed_in(browser, url, "trainer", DESKTOP)
    desk.goto(f"{url}/sessions/{session_id}/display")
    code = desk.locator("#display-code").inner_text().replace(" ", "")
    phone = signed_in(browser, url, None, PHONE)
    phone.goto(f"{url}/checkin")
    phone.fill("input[name=code]", code)
    phone.click("main button[type=submit]")
    phone.wait_for_url(re.compile(r"/checkin/t/"))
    phone.screenshot(path=str(out / "checkin-phone.png"))


def shots(facts: dict) -> list[tuple[str, str | None, str | None, dict]]:
    """(file name, who, path, viewport) of every picture in the README."""
    return [
        ("home-trainee", "trainee", "/", DESKTOP),
        ("home-public", None, "/", DESKTOP),
        ("catalogue", "trainee", "/courses", DESKTOP),
        ("lesson-phone", "trainee", "/courses/foundation/lessons/what-is-trafficking", PHONE),
        ("quiz-result", "trainee", facts["attempt"], DESKTOP),
        ("verify", None, facts["verify"], DESKTOP),
        ("trainer-display", "trainer", f"/sessions/{facts['session']}/display", DESKTOP),
        ("coverage", "coordinator", "/coverage", DESKTOP),
        ("resources", None, "/resources", DESKTOP),
        ("lesson-phone-es", "trainee-es", "/courses/foundation/lessons/who-is-at-risk", PHONE),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    out = Path(parser.parse_args().out)
    out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as instance:
        app, facts = build_demo(instance)
        url, server = serve(app)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            for name, who, path, viewport in shots(facts):
                if name == "quiz-result" and path is None:  # after the home page, which shows the course open
                    path = take_quiz(browser, url, facts)
                if path is None:
                    print(f"skipped {name}: nothing to show in the demo data")
                    continue
                spanish = who is not None and who.endswith("-es")
                page = signed_in(browser, url, who.removesuffix("-es") if who else None, viewport)
                if spanish:
                    menu = page.locator("[data-menu-toggle]")
                    if menu.is_visible():  # on a phone the languages are behind the Menu button
                        menu.click()
                    page.click(".lang-switch button[value=es]")
                page.goto(url + path)
                page.screenshot(path=str(out / f"{name}.png"))
                print(f"saved {out / name}.png")
            check_in_on_a_phone(browser, url, facts["session"], out)
            print(f"saved {out / 'checkin-phone'}.png")
            browser.close()
        server.shutdown()


if __name__ == "__main__":
    main()
