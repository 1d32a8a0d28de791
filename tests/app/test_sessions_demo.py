"""`academy demo` adds a closed session with attendance and one running now that a newcomer can scan."""

from __future__ import annotations

from sqlalchemy import func, select

from academy import demo
from academy.database import utcnow
from academy.extensions import db
from academy.sessions import service
from academy.sessions.demo import NEXT, PAST, RUNNING
from academy.sessions.models import Attendance, TrainingSession


def test_demo_sessions_are_idempotent_and_one_is_running_now(app, client):
    lines = demo.populate()
    mine = select(TrainingSession).where(TrainingSession.title.in_([PAST, RUNNING, NEXT]))
    first = {s.title: s.id for s in db.session.scalars(mine)}
    assert set(first) == {PAST, RUNNING, NEXT}
    assert any(f"/sessions/{first[RUNNING]}/display" in line for line in lines)
    demo.populate()
    db.session.expire_all()
    assert {s.title: s.id for s in db.session.scalars(mine)} == first
    past = db.session.get(TrainingSession, first[PAST])
    running = db.session.get(TrainingSession, first[RUNNING])
    assert past.status == "closed"
    assert db.session.scalar(select(func.count(Attendance.id)).where(Attendance.session_id == past.id)) == 4
    assert service.window_error(running, utcnow()) is None
    client.post("/login", data={"email": "trainer@demo.academy", "password": demo.DEMO_PASSWORD})
    assert client.get(f"/sessions/{running.id}/display").status_code == 200
