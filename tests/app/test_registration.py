"""Registering for sessions: pages, the waiting list in order, concurrency, the roster and My sessions."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from academy.accounts import service as accounts
from academy.database import utcnow
from academy.extensions import db
from academy.sessions import registration
from academy.sessions.models import Registration, TrainingSession


def _session(capacity=None, title="Basics at the library", starts_in=timedelta(days=2), community=None):
    start = utcnow() + starts_in
    session = TrainingSession(course_slug="basics", title=title, place="Library", capacity=capacity,
                              starts_at=start, ends_at=start + timedelta(hours=2),
                              community_id=community.id if community else None)
    db.session.add(session)
    db.session.commit()
    return session


def _people(n: int) -> list:
    people = [accounts.create_user(email=f"p{i}@example.org", name=f"Person {i:02d}", password=None)
              for i in range(n)]
    db.session.commit()
    return people


def test_trainee_finds_registers_and_sees_it_in_my_sessions(client, login, make_community):
    riverside = make_community("riverside", "Riverside")
    other = make_community("hilltop", "Hilltop")
    ours = _session(capacity=1, community=riverside)
    _session(title="Elsewhere", community=other)
    user = login("trainee", community=riverside)
    home = client.get("/").get_data(as_text=True)
    assert 'href="/my/sessions"' in home  # in the menu, before any check-in
    page = client.get("/sessions/upcoming").get_data(as_text=True)
    assert "Basics at the library" in page and "Elsewhere" not in page  # the trainee's community by default
    assert "1 place left" in page
    assert "Elsewhere" in client.get("/sessions/upcoming?community=hilltop").get_data(as_text=True)
    response = client.post(f"/sessions/{ours.id}/register")
    assert response.status_code == 302 and response.headers["Location"].endswith("/my/sessions")
    mine = client.get("/my/sessions").get_data(as_text=True)
    assert "Basics at the library" in mine and "Cancel my registration" in mine
    assert registration.registration_of(ours.id, user.id).status == "registered"
    client.post(f"/sessions/{ours.id}/unregister")
    assert registration.registration_of(ours.id, user.id).status == "cancelled"


def test_full_session_takes_a_waiting_list_promoted_in_order(app):
    session = _session(capacity=2)
    people = _people(5)
    for person in people:
        registration.register(session, person)
    db.session.commit()
    statuses = [registration.registration_of(session.id, p.id).status for p in people]
    assert statuses == ["registered", "registered", "waiting", "waiting", "waiting"]
    registration.cancel(registration.registration_of(session.id, people[1].id))
    db.session.commit()
    assert registration.registration_of(session.id, people[2].id).status == "registered"
    assert registration.position(registration.registration_of(session.id, people[4].id)) == 2


def test_started_or_cancelled_sessions_take_no_registration(app):
    person = _people(1)[0]
    started = _session(starts_in=timedelta(minutes=-5))
    with pytest.raises(registration.SessionError):
        registration.register(started, person)


def test_concurrent_cancellations_promote_each_waiting_person_once_in_order(app):
    """Ten people cancel at the same moment from ten connections; ten waiting people move up, in order."""
    capacity, waiting = 10, 15
    session = _session(capacity=capacity)
    people = _people(capacity + waiting)
    for person in people:
        registration.register(session, person)
    db.session.commit()
    ids = [registration.registration_of(session.id, p.id).id for p in people[:capacity]]
    errors = []
    barrier = threading.Barrier(len(ids))

    def cancel(registration_id: int) -> None:
        with app.app_context():
            try:
                barrier.wait()
                registration.cancel(db.session.get(Registration, registration_id))
                db.session.commit()
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=cancel, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    db.session.expire_all()
    rows = db.session.scalars(select(Registration).where(Registration.session_id == session.id)
                              .order_by(Registration.created_at, Registration.id)).all()
    by_user = {r.user_id: r.status for r in rows}
    assert [by_user[p.id] for p in people[capacity:capacity + 10]] == ["registered"] * 10  # the first ten waiting
    assert [by_user[p.id] for p in people[capacity + 10:]] == ["waiting"] * 5
    assert sum(status == "registered" for status in by_user.values()) == capacity


def test_roster_shows_registered_waiting_attended_and_self_paced_progress(client, login, app):
    from academy.courses import service as courses
    from academy.courses.catalog import get_course
    from academy.sessions import service

    trainer = login("trainer")
    session = _session(capacity=1, starts_in=timedelta(minutes=10))
    session.trainers = [trainer]
    first, second = _people(2)
    registration.register(session, first)
    registration.register(session, second)
    basics = get_course("basics")
    courses.mark_lesson_complete(first, basics, basics.lessons[0])
    service.check_in(session, first, method="manual", marked_by=trainer)
    db.session.commit()
    page = client.get(f"/sessions/{session.id}").get_data(as_text=True)
    assert "1 registered" in page and "1 waiting" in page and "1 attended" in page
    assert "Waiting, number 1" in page
    assert f"1 of {len(basics.lessons)} lessons" in page and f"0 of {len(basics.lessons)} lessons" in page
    trainer.locale = "es"
    db.session.commit()
    spanish = client.get(f"/sessions/{session.id}").get_data(as_text=True)
    assert "1 inscrito ·" in spanish and "1 asistió<" in spanish  # the singular, not "1 inscritos"


def test_cancelling_a_session_tells_everyone_registered(client, login):
    from academy.mail.models import MailMessage

    trainer = login("trainer")
    session = _session(capacity=1)
    session.trainers = [trainer]
    first, second = _people(2)
    registration.register(session, first)
    registration.register(session, second)
    db.session.commit()
    response = client.post(f"/sessions/{session.id}/cancel", data={"reason": "Storm warning"})
    assert response.status_code == 302
    told = db.session.scalars(select(MailMessage.to_addr).where(MailMessage.kind == "session-cancelled")).all()
    assert sorted(told) == ["p0@example.org", "p1@example.org"]
    assert all("Storm" not in m.body_text for m in db.session.scalars(select(MailMessage)))


def test_check_in_still_admits_walk_ins_without_registration(app, make_user):
    from academy.sessions import service

    trainer = make_user("trainer")
    session = _session(capacity=1, starts_in=timedelta(minutes=-5))
    walk_in = service.add_walk_in(session, "Dana Walker", trainer)
    person = _people(1)[0]
    assert service.check_in(session, person, method="manual", marked_by=trainer).created
    db.session.commit()
    assert walk_in is not None and registration.active(session.id) == []


@pytest.mark.parametrize(("locale", "capacity", "shown"), [
    ("en", 1, "1 place left"), ("en", 2, "2 places left"), ("en", 12_000, "12,000 places left"),
    ("es", 1, "Queda 1 plaza"), ("es", 2, "Quedan 2 plazas"), ("es", 12_000, "Quedan 12.000 plazas"),
    ("fr", 1, "1 place restante"), ("fr", 2, "2 places restantes"),
])
def test_places_left_take_the_plural_and_number_of_the_readers_language(client, login, make_community, locale,
                                                                         capacity, shown):
    riverside = make_community("riverside", "Riverside")
    _session(capacity=capacity, community=riverside)
    user = login("trainee", community=riverside)
    user.locale = locale
    db.session.commit()
    page = client.get("/sessions/upcoming").get_data(as_text=True)
    assert shown in page
    assert "1 places" not in page and "1 plazas" not in page
