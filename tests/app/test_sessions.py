"""Trainers' session pages: who may do what, scheduling, editing, cancelling, and the projector display."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from academy.certificates.models import AuditEvent
from academy.database import utcnow
from academy.extensions import db
from academy.sessions import codes
from academy.sessions.models import TrainingSession
from tests.sessions_fixtures import (  # noqa: F401  (fixtures)
    current_token,
    make_session_fixture,
    sessions_curricula_fixture,
)


@pytest.fixture
def app_config(sessions_curricula):
    return {"ACADEMY_CURRICULA": str(sessions_curricula), "ACADEMY_TIMEZONE": "America/Vancouver"}


def text(response) -> str:
    return response.get_data(as_text=True)


# --- who may do what: one table, walked for every role ------------------------------------------------------

ROUTES = [  # (method, path template, what a manager gets)
    ("GET", "/sessions", 200),
    ("GET", "/sessions/new", 200),
    ("GET", "/sessions/{id}", 200),
    ("GET", "/sessions/{id}/edit", 200),
    ("GET", "/sessions/{id}/cancel", 200),
    ("GET", "/sessions/{id}/close", 200),
    ("GET", "/sessions/{id}/display", 200),
    ("GET", "/sessions/{id}/display.json", 200),
    ("GET", "/sessions/{id}/roster.csv", 200),
    ("GET", "/sessions/{id}/sign-in-sheet.pdf", 200),
    ("GET", "/sessions/{id}/paper", 200),
    ("POST", "/sessions/{id}/walk-in", 302),
    ("POST", "/sessions/{id}/mark", 400),  # no one chosen: shown on the page, but authorized
    ("POST", "/sessions/{id}/attendance/{aid}/remove", 302),
    ("POST", "/sessions/{id}/paper", 302),
    ("POST", "/sessions/{id}/cancel", 302),
    ("POST", "/sessions/{id}/close", 302),
]
SESSION_FREE = {"/sessions", "/sessions/new"}
FORM = {"/sessions/{id}/walk-in": {"name": "Walk In"}, "/sessions/{id}/paper": {"names": "Paper Person"},
        "/sessions/{id}/cancel": {"reason": "Snow"},
        "/sessions/{id}/attendance/{aid}/remove": {"reason": "x"}}

# who: (role, relation to the session) -> allowed on the session's pages?
WHO = {
    "anonymous": None,
    "trainee": False,
    "auditor": False,
    "trainer (teaches it)": True,
    "trainer (does not)": False,
    "coordinator (its community)": True,
    "coordinator (another)": False,
    "admin": True,
}


def _sign_in(who, auth, login, make_community, town, teacher) -> None:
    if who == "anonymous":
        return
    if who == "trainer (teaches it)":
        assert auth.login(teacher).status_code == 302
    elif who == "coordinator (its community)":
        login("coordinator", coordinates=[town])
    elif who == "coordinator (another)":
        login("coordinator", coordinates=[make_community("elsewhere")])
    else:
        login(who.split()[0])


@pytest.mark.parametrize("who", list(WHO))
def test_authorization_table(client, auth, login, make_user, make_community, make_session, who):
    """Every session route, for every kind of visitor (a fresh session per route: some routes change it)."""
    from academy.sessions import service

    town = make_community("riverside")
    teacher = make_user("trainer")
    _sign_in(who, auth, login, make_community, town, teacher)
    allowed = WHO[who]
    for method, path, ok in ROUTES:
        session = make_session(trainers=[teacher], community=town)
        walk = service.add_walk_in(session, "Someone Walking", teacher)
        db.session.commit()
        url = path.format(id=session.id, aid=walk.id)
        response = client.get(url) if method == "GET" else client.post(url, data=FORM.get(path, {}))
        if allowed is None:
            expected = 302
            assert "/login" in response.headers["Location"]
        elif path in SESSION_FREE:
            expected = ok if who.split()[0] in ("trainer", "coordinator", "admin") else 403
        else:
            expected = ok if allowed else 403
        assert response.status_code == expected, (method, url, text(response)[:300])


# --- list and home panel ------------------------------------------------------------------------------------


def test_list_shows_only_the_trainers_own_sessions(client, login, make_session):
    from academy.sessions import service

    trainer = login("trainer")
    running = make_session(trainers=[trainer], title="Mine running", capacity=30)
    service.add_walk_in(running, "Wanda Walker", trainer)
    db.session.commit()
    make_session(trainers=[trainer], title="Mine last year", starts_in=timedelta(days=-365))
    make_session(title="Someone else's")
    page = text(client.get("/sessions"))
    assert "Mine running" in page and "Mine last year" in page and "Someone else&#39;s" not in page
    assert page.index("Mine running") < page.index("Past") < page.index("Mine last year")
    assert re.search(r'<td class="num">1 / 30</td>', page)


def test_coordinator_sees_the_sessions_of_their_communities(client, login, make_session, make_community):
    town, other = make_community("riverside"), make_community("elsewhere")
    login("coordinator", coordinates=[town])
    make_session(community=town, title="In town")
    make_session(community=other, title="Out of town")
    page = text(client.get("/sessions"))
    assert "In town" in page and "Out of town" not in page


def test_home_panel_shows_the_trainers_next_session(client, login, make_session):
    trainer = login("trainer")
    make_session(trainers=[trainer], title="Later one", starts_in=timedelta(days=2))
    make_session(trainers=[trainer], title="Soon one", starts_in=timedelta(hours=1))
    page = text(client.get("/"))
    assert "Your next session" in page
    assert page.index("Soon one") < page.index("Later one")
    assert "Show check-in" in page


# --- scheduling ---------------------------------------------------------------------------------------------


def _form(**overrides) -> dict:
    data = {"course": "blended", "title": "", "starts_at": "2031-03-04T09:00", "ends_at": "2031-03-04T12:30",
            "place": "Room 4, City Hall", "community": "", "capacity": "40"}
    data.update(overrides)
    return data


def test_trainer_schedules_a_session_in_local_time(client, login):
    trainer = login("trainer")
    response = client.post("/sessions/new", data=_form())
    assert response.status_code == 302
    session = db.session.scalar(select(TrainingSession))
    assert response.headers["Location"].endswith(f"/sessions/{session.id}")
    # 09:00 in Vancouver (PST, UTC-8) in March 2031 is 17:00 UTC
    assert session.starts_at == datetime(2031, 3, 4, 17, 0, tzinfo=UTC)
    assert session.ends_at == datetime(2031, 3, 4, 20, 30, tzinfo=UTC)
    assert (session.title, session.capacity, session.status) == ("Test blended", 40, "scheduled")
    assert [t.id for t in session.trainers] == [trainer.id]
    assert session.require_quiz is True  # the blended course's rule includes its quiz
    page = text(client.get(f"/sessions/{session.id}"))
    assert "Tue 04 Mar 2031, 09:00 – 12:30" in page
    assert db.session.scalar(select(AuditEvent.action)) == "session.scheduled"


@pytest.mark.parametrize(("field", "value", "message"), [
    ("ends_at", "2031-03-04T08:00", "The session must end after it starts."),
    ("course", "", "Choose the course taught."),
    ("course", "made-up", "Not a valid choice."),
    ("place", "", "This field is required."),
    ("capacity", "0", "Number must be between 1 and 10000."),
    ("require_quiz", "y", "This course has no quiz."),
])
def test_schedule_errors_are_shown_next_to_the_field(client, login, field, value, message):
    login("trainer")
    data = _form(course="workshop") if field == "require_quiz" else _form()
    response = client.post("/sessions/new", data={**data, field: value})
    assert response.status_code == 200
    assert re.search(rf'id="{field}-err">[^<]*{re.escape(message)}', text(response)), text(response)
    assert db.session.scalar(select(TrainingSession)) is None


def test_coordinator_schedules_only_for_their_communities(client, login, make_community):
    town, other = make_community("riverside"), make_community("elsewhere")
    login("coordinator", coordinates=[town])
    page = text(client.get("/sessions/new"))
    assert "Riverside" in page and "Elsewhere" not in page
    response = client.post("/sessions/new", data=_form(community=str(other.id)))
    assert re.search(r'id="community-err">Not a valid choice', text(response))
    assert client.post("/sessions/new", data=_form(community=str(town.id))).status_code == 302


def test_trainer_cannot_remove_themselves_from_their_session(client, login, make_user, make_session):
    trainer = login("trainer")
    colleague = make_user("trainer", name="Colleague Trainer")
    session = make_session(trainers=[trainer])
    response = client.post(f"/sessions/{session.id}/edit",
                           data=_form(trainers=str(colleague.id), title="Renamed", capacity=""))
    assert response.status_code == 302
    db.session.expire_all()
    assert session.title == "Renamed" and session.capacity is None
    assert {t.id for t in session.trainers} == {trainer.id, colleague.id}


def test_edit_form_shows_the_stored_values_in_local_time(client, login, make_session):
    trainer = login("trainer")
    session = make_session(trainers=[trainer])
    session.starts_at = datetime(2031, 7, 1, 16, 0, tzinfo=UTC)  # 09:00 PDT
    db.session.commit()
    page = text(client.get(f"/sessions/{session.id}/edit"))
    assert 'value="2031-07-01T09:00"' in page and 'value="Town hall"' in page


def test_cancel_needs_a_reason_and_stops_check_in(client, login, make_session):
    trainer = login("trainer")
    session = make_session(trainers=[trainer])
    response = client.post(f"/sessions/{session.id}/cancel", data={"reason": ""})
    assert re.search(r'id="reason-err">Say why', text(response))
    client.post(f"/sessions/{session.id}/cancel", data={"reason": "Snow storm"})
    db.session.expire_all()
    assert session.status == "cancelled"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "session.cancelled"))
    assert event.detail == {"reason": "Snow storm"} and event.actor_id == trainer.id
    scanned = client.get(f"/checkin/{session.id}/{current_token(session)[0]}")
    assert "This session was cancelled." in text(scanned)
    edit = client.get(f"/sessions/{session.id}/edit", follow_redirects=True)
    assert "it can no longer be edited" in text(edit)


# --- the projector display ----------------------------------------------------------------------------------


def test_display_shows_a_qr_code_the_short_code_and_the_count(client, login, make_session):
    trainer = login("trainer")
    session = make_session(trainers=[trainer], capacity=30, title="Briefing for Riverside PD")
    page = text(client.get(f"/sessions/{session.id}/display"))
    assert "Briefing for Riverside PD" in page
    assert re.search(r'<img id="display-qr" src="data:image/png;base64,[A-Za-z0-9+/=]+"', page)
    shown = re.search(r'id="display-code">([^<]+)<', page).group(1)
    assert re.fullmatch(r"[A-Z2-9]{3} [A-Z2-9]{3}", shown)
    assert codes.verify(session.secret, session.id, shown, utcnow().timestamp())
    assert "https://academy.test/checkin" in page and "30 seats" in page
    one = make_session(trainers=[trainer], capacity=1)
    assert "1 seat<" in text(client.get(f"/sessions/{one.id}/display"))
    trainer.locale = "es"
    db.session.commit()
    assert "· 1 plaza</p>" in text(client.get(f"/sessions/{one.id}/display"))
    assert '<script src="/static/sessions.js"' in page and "<script>" not in page


def test_display_json_gives_the_current_code_and_count(client, login, make_session, make_user):
    from academy.sessions import service

    trainer = login("trainer")
    session = make_session(trainers=[trainer])
    service.check_in(session, make_user(), method="qr")
    db.session.commit()
    response = client.get(f"/sessions/{session.id}/display.json")
    data = response.get_json()
    assert response.headers["Cache-Control"] == "no-store"
    assert data["count"] == 1 and data["message"] is None and 0 < data["seconds_left"] <= 15
    assert data["qr"].startswith("data:image/png;base64,")
    token = data["url"].rsplit("/", 1)[1]
    assert data["url"] == f"https://academy.test/checkin/{session.id}/{token}"
    now = utcnow().timestamp()
    assert codes.verify(session.secret, session.id, token, now)
    assert codes.verify(session.secret, session.id, data["code"], now)


def test_display_json_says_when_check_in_is_not_open(client, login, make_session):
    trainer = login("trainer")
    session = make_session(trainers=[trainer], starts_in=timedelta(days=1))
    data = client.get(f"/sessions/{session.id}/display.json").get_json()
    assert data["message"] == "Check-in opens 30 minutes before the session starts."


def test_display_json_refusal_is_json(client, login, make_session):
    login("trainee")
    session = make_session()
    response = client.get(f"/sessions/{session.id}/display.json", headers={"Accept": "application/json"})
    assert response.status_code == 403 and "error" in response.get_json()


def test_unknown_session_is_404(client, login):
    login("admin")
    assert client.get("/sessions/999").status_code == 404
