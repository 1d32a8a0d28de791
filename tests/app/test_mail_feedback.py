"""Closing a session invites its attendees to the feedback form by mail, in each one's language, through a real
SMTP server; the invitation is optional mail (unsubscribe link, preferences)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from academy.accounts import service as accounts
from academy.database import utcnow
from academy.extensions import db
from academy.mail import outbox, prefs
from academy.mail.models import MailMessage
from academy.sessions import closing
from academy.sessions.models import Attendance, TrainingSession
from tests.mail_fixtures import html_part, inbox, mail_config_fixture, smtp_server, text_part  # noqa: F401


@pytest.fixture(name="app_config")
def app_config_fixture(mail_config):
    return mail_config


def _person(email: str, name: str, locale: str, community):
    user = accounts.create_user(email=email, name=name, password=None, sector="law-enforcement", subrole="police",
                                community_id=community.id)
    user.locale = locale
    return user


@pytest.fixture(name="closed")
def closed_fixture(app, make_user):
    """A session in Riverside that took place yesterday, attended by Ana (Spanish), Bea (English), Cy (who turned
    the invitation off) and a walk-in without an account, then closed by its trainer; the outbox is emptied of
    anything else (certificates)."""
    community = accounts.get_or_create_community("riverside", "Riverside Coalition")
    start = (utcnow() - timedelta(days=1)).replace(microsecond=0)
    session = TrainingSession(course_slug="basics", title="Basics at the library", place="Library",
                              starts_at=start, ends_at=start + timedelta(hours=2), community_id=community.id,
                              kind="stakeholder-meeting")
    db.session.add(session)
    people = [_person("ana@example.org", "Ana Díaz", "es", community),
              _person("bea@example.org", "Bea Brown", "en", community),
              _person("cy@example.org", "Cy Quiet", "en", community)]
    db.session.flush()
    prefs.set_choice(people[2].id, "feedback-invitation", False)
    for user in people:
        db.session.add(Attendance(session_id=session.id, user_id=user.id, method="qr"))
    db.session.add(Attendance(session_id=session.id, walk_in_name="A walk-in", method="manual"))
    db.session.commit()
    closing.close_session(session, make_user("trainer"))
    db.session.commit()
    return session


def test_closing_a_session_invites_its_attendees_in_their_language(app, inbox, closed):
    report = outbox.send_due()
    assert report.sent == 2, report
    by_person = {m["To"]: m for m in inbox.wait(2)}
    assert set(by_person) == {"ana@example.org", "bea@example.org"}  # not Cy (opted out), not the walk-in
    link = f"https://academy.test/feedback/session/{closed.id}"
    spanish, english = by_person["ana@example.org"], by_person["bea@example.org"]
    assert spanish["Content-Language"] == "es"
    assert spanish["Subject"] == "Su opinión sobre Basics at the library"
    body = text_part(spanish)
    assert "Hola, Ana Díaz:" in body and "Gracias por venir a «Basics at the library»" in body
    assert "Dos minutos, de forma anónima" in body and link in body
    assert f'href="{link}"' in html_part(spanish) and "Dar su opinión" in html_part(spanish)
    assert english["Subject"] == "Your feedback on Basics at the library"
    assert "Thank you for coming to \"Basics at the library\"" in text_part(english) and link in text_part(english)
    assert english["List-Unsubscribe"].strip("<>").startswith("https://academy.test/mail/unsubscribe/")


def test_the_invitation_opens_the_form_and_can_be_turned_off(app, client, inbox, closed):
    outbox.send_due()
    message = next(m for m in inbox.wait(2) if m["To"] == "bea@example.org")
    client.post("/login", data={"email": "bea@example.org", "password": "x"})  # no password: only the link works
    path = message["List-Unsubscribe"].strip("<>").removeprefix("https://academy.test")
    assert client.post(path).status_code == 200
    bea = db.session.scalar(select(MailMessage.user_id).where(MailMessage.to_addr == "bea@example.org"))
    assert prefs.choices(bea)["feedback-invitation"] is False

