"""Fixtures for the sessions tests: curricula with blended courses, sessions, check-in helpers."""

from __future__ import annotations

import re
import shutil
from datetime import timedelta

import pytest
from flask import g

from academy.database import utcnow
from academy.extensions import db
from academy.sessions import codes
from academy.sessions.models import TrainingSession
from tests.conftest import APP_CURRICULA

COURSES = {
    # slug: (completion, with quiz)
    "blended": ("[attendance, quiz]", True),
    "workshop": ("[attendance]", False),
    "lecture": ("[attendance]", True),  # has a quiz its rule does not require: a session may require it
}


def _course(slug: str, completion: str, quiz: bool) -> dict[str, str]:
    files = {
        "course.md": (f"---\nslug: {slug}\ntitle: Test {slug}\nsector: law-enforcement\n"
                      "summary: In person.\naudience: Officers.\nvalidity_months: 24\nprerequisites: []\n"
                      f"completion: {completion}\nsources:\n  - The test suite\n---\n\nTaught in a room.\n"),
        "01-room.md": ("---\ntitle: In the room\nminutes: 60\nsources: [The test suite]\n---\n\n"
                       "## Together\n\nWhat we cover in the room.\n"),
    }
    if quiz:
        files["quiz.md"] = ("---\ntitle: Quiz\nsources: [The test suite]\n---\n\n## Is consent a defence?\n\n"
                            "- [ ] Yes\n- [x] No\n\n> See the session.\n")
    return files


@pytest.fixture(scope="session", name="sessions_curricula")
def sessions_curricula_fixture(tmp_path_factory):
    """The app test curricula plus in-person courses (see COURSES)."""
    root = tmp_path_factory.mktemp("sessions-curricula") / "curricula"
    shutil.copytree(APP_CURRICULA, root)
    for slug, (completion, quiz) in COURSES.items():
        folder = root / slug
        folder.mkdir()
        for name, text in _course(slug, completion, quiz).items():
            (folder / name).write_text(text)
    return root


@pytest.fixture(name="app_config")
def app_config_fixture(sessions_curricula):
    return {"ACADEMY_CURRICULA": str(sessions_curricula)}


@pytest.fixture(name="make_person")
def make_person_fixture(app):
    """Return a function creating an attendee account without a password (hashing one takes 0.4 s here)."""
    from academy.accounts import service

    counter = {"n": 0}

    def _make(name: str | None = None, *, email: str | None = None, sector: str = "law-enforcement",
              subrole: str | None = "police"):
        counter["n"] += 1
        user = service.create_user(email=email or f"person{counter['n']}@example.org",
                                   name=name or f"Person {counter['n']}", password=None, sector=sector,
                                   subrole=subrole)
        db.session.commit()
        return user

    return _make


@pytest.fixture(name="make_session")
def make_session_fixture(app, make_user):
    """Create a session (running now by default) taught by a new trainer unless one is given."""

    def _make(*, course_slug: str = "blended", trainers=None, starts_in: timedelta = timedelta(minutes=-10),
              hours: float = 2, capacity: int | None = None, community=None, require_quiz: bool = False,
              status: str = "scheduled", title: str | None = None) -> TrainingSession:
        starts = utcnow() + starts_in
        session = TrainingSession(course_slug=course_slug, title=title or f"Session on {course_slug}",
                                  starts_at=starts, ends_at=starts + timedelta(hours=hours),
                                  place="Town hall",
                                  community_id=community.id if community is not None else None,
                                  capacity=capacity, require_quiz=require_quiz, status=status)
        session.trainers = list(trainers) if trainers is not None else [make_user("trainer")]
        db.session.add(session)
        db.session.commit()
        return session

    return _make


def forget_user() -> None:
    """Let the next request load its user from its own cookie.

    The `app` fixture keeps an app context pushed, so `g` (where Flask-Login caches the user) outlives a
    request; a second test client would otherwise act as the first one's user.
    """
    g.pop("_login_user", None)


def current_token(session: TrainingSession, at=None) -> tuple[str, str]:
    """The session's QR token and short code now."""
    return codes.code_at(session.secret, session.id, (at or utcnow()).timestamp())


def scan(client, session: TrainingSession, token: str | None = None):
    """Open the QR code's address; return the response (a redirect to the ticket when the code is good)."""
    token = token or current_token(session)[0]
    return client.get(f"/checkin/{session.id}/{token}")


def ticket_path(response) -> str:
    """The confirm page a good scan redirects to."""
    assert response.status_code == 302, response.get_data(as_text=True)[:400]
    location = response.headers["Location"]
    assert re.search(r"/checkin/t/[^/]+$", location), location
    return location
