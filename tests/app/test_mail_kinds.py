"""Every kind of message, through a real SMTP server, in English and Spanish: the subject and the words of the
body in the reader's language (plain text and HTML), the links, the attachments."""

from __future__ import annotations

from datetime import timedelta

import icalendar
import pytest
from sqlalchemy import select

from academy.accounts import service as accounts
from academy.certificates import codes
from academy.certificates import service as certificates
from academy.courses.catalog import get_course
from academy.database import utcnow
from academy.extensions import db
from academy.mail import notices, outbox, prefs
from academy.mail.models import MailMessage
from academy.sessions import registration
from academy.sessions.models import TrainingSession
from tests.mail_fixtures import (  # noqa: F401  (fixtures)
    attachments,
    html_part,
    inbox,
    mail_config_fixture,
    smtp_server,
    text_part,
)

LOCALES = ["en", "es"]


@pytest.fixture(name="app_config")
def app_config_fixture(mail_config):
    return mail_config


@pytest.fixture(name="person")
def person_fixture(app):
    """Return a function creating a person of a community (Riverside, America/Chicago) in a language."""
    def _make(locale: str = "en", email: str = "ana@example.org", name: str = "Ana Doe"):
        community = accounts.get_or_create_community("riverside", "Riverside Coalition")
        community.timezone = "America/Chicago"
        user = accounts.create_user(email=email, name=name, password=None, sector="law-enforcement",
                                    subrole="police", community_id=community.id)
        user.locale = locale
        db.session.commit()
        return user

    return _make


def deliver(inbox, count: int = 1):
    report = outbox.send_due()
    assert report.sent == count, report
    return inbox.wait(count)


@pytest.mark.parametrize("locale", LOCALES)
def test_certificate_issued_carries_the_verify_link_and_the_pdf(app, inbox, person, locale):
    user = person(locale)
    certificates.init_keys(app)
    certificate = certificates.issue_certificate(user, get_course("basics"), via="self-paced")
    db.session.commit()
    [message] = deliver(inbox)
    link = f"https://academy.test/verify/{codes.group(certificate.code)}"
    assert message["To"] == "ana@example.org" and message["Content-Language"] == locale
    assert link in text_part(message) and f'href="{link}"' in html_part(message)
    assert "Riverside Coalition" in text_part(message)
    [(name, pdf)] = attachments(message).items()
    assert name.endswith(".pdf") and pdf.startswith(b"%PDF")
    if locale == "en":
        assert "has been issued" in text_part(message) and "valid until" in text_part(message)
        assert "Stop these emails" not in text_part(message)  # not optional mail: no unsubscribe
    else:
        assert message["Subject"].startswith("Su certificado de ")
        body = text_part(message)
        assert body.startswith("Hola, Ana Doe:") and "Se ha emitido su certificado de «" in body
        assert "Es válido hasta el " in body and "El certificado va adjunto en PDF." in body
        assert "Enviado por la academia de Riverside Coalition." in body
        assert "Dejar de recibir" not in body  # not optional mail: no unsubscribe
        assert "Se ha emitido su certificado de «" in html_part(message)


@pytest.mark.parametrize("locale", LOCALES)
def test_certificate_revoked_never_carries_the_private_reason(app, inbox, person, make_user, locale):
    user = person(locale)
    certificates.init_keys(app)
    certificate = certificates.issue_certificate(user, get_course("basics"), via="self-paced")
    db.session.commit()
    deliver(inbox)
    inbox.messages.clear()
    certificates.revoke_certificate(certificate, make_user("admin"), "Confidential: misconduct report 7")
    db.session.commit()
    [message] = deliver(inbox)
    assert message["Content-Language"] == locale
    assert "misconduct" not in message.as_string()
    assert codes.group(certificate.code) in text_part(message)
    if locale == "en":
        assert "withdrawn" in message["Subject"] and "no longer valid" in text_part(message)
    else:
        assert message["Subject"].startswith("Se ha retirado su certificado de ")
        assert "se ha retirado y ya no es válido." in text_part(message)
        assert "póngase en contacto con la coordinación de Riverside Coalition" in text_part(message)


@pytest.mark.parametrize("locale", LOCALES)
def test_set_password_link_for_a_walk_in(app, inbox, person, locale):
    user = person(locale)
    session = TrainingSession(course_slug="basics", title="Basics in the hall", place="Hall",
                              starts_at=utcnow(), ends_at=utcnow() + timedelta(hours=1))
    db.session.add(session)
    notices.set_password(user, session, "https://academy.test/reset/TOKEN123")
    db.session.commit()
    [message] = deliver(inbox)
    assert "https://academy.test/reset/TOKEN123" in text_part(message)
    assert 'href="https://academy.test/reset/TOKEN123"' in html_part(message)
    assert message["Content-Language"] == locale and "List-Unsubscribe" not in message  # security mail
    if locale == "en":
        assert "set a password" in text_part(message)
    else:
        assert message["Subject"] == "Su asistencia está registrada: establezca su contraseña de la academia"
        assert "Su asistencia a «Basics in the hall» está registrada." in text_part(message)
        assert "Use este enlace en el plazo de una hora" in text_part(message)


def _session(capacity=None, starts_in=timedelta(days=3), title="Basics at the library"):
    community = accounts.get_or_create_community("riverside", "Riverside Coalition")
    community.timezone = "America/Chicago"
    start = (utcnow() + starts_in).replace(microsecond=0)
    session = TrainingSession(course_slug="basics", title=title, place="Library, room 2", capacity=capacity,
                              starts_at=start, ends_at=start + timedelta(hours=2), community_id=community.id)
    db.session.add(session)
    db.session.commit()
    return session


def _invite(message) -> icalendar.Calendar:
    files = attachments(message)
    assert "session.ics" in files, list(files)
    data = files["session.ics"]
    return icalendar.Calendar.from_ical(data if isinstance(data, (bytes, str)) else bytes(data))


@pytest.mark.parametrize("locale", LOCALES)
def test_registration_confirmed_with_an_ics_in_the_community_time_zone(app, inbox, person, locale):
    user = person(locale)
    session = _session()
    registration.register(session, user)
    db.session.commit()
    [message] = deliver(inbox)
    assert message["Content-Language"] == locale and "Library, room 2" in text_part(message)
    assert "(America/Chicago)" in text_part(message)  # the time is shown in the community's zone, named
    calendar = _invite(message)
    [event] = calendar.walk("VEVENT")
    assert str(calendar["METHOD"]) == "REQUEST" and str(event["SUMMARY"]) == "Basics at the library"
    start = event.decoded("DTSTART")
    assert str(start.tzinfo) == "America/Chicago" and start == session.starts_at
    assert event.decoded("DTEND") == session.ends_at
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["America/Chicago"]
    if locale == "en":
        assert message["Subject"] == "Registered: Basics at the library"
    else:
        assert message["Subject"] == "Inscripción: Basics at the library"
        body = text_part(message)
        assert "Está inscrito/a en «Basics at the library»." in body and "Cuándo:" in body
        assert "Dónde: Library, room 2" in body and "La invitación de calendario va adjunta." in body
        assert "Sus sesiones: https://academy.test/" in body
        assert "Está inscrito/a en «Basics at the library»." in html_part(message)


@pytest.mark.parametrize("locale", LOCALES)
def test_waiting_list_then_promotion_then_session_change_and_cancellation(app, inbox, person, locale):
    first, second = person(locale, "first@example.org", "First"), person(locale, "second@example.org", "Second")
    session = _session(capacity=1)
    registration.register(session, first)
    waiting = registration.register(session, second)
    db.session.commit()
    assert waiting.status == "waiting"
    confirmed, queued = deliver(inbox, 2)
    assert "session.ics" not in attachments(queued)  # no invite until there is a place
    if locale == "en":
        assert "waiting list (number 1)" in text_part(queued)
    else:
        assert queued["Subject"] == "Lista de espera: Basics at the library"
        assert "está en la lista de espera (número 1)" in text_part(queued)
    inbox.messages.clear()
    registration.cancel(registration.registration_of(session.id, first.id))
    db.session.commit()
    by_person = {m["To"]: m for m in deliver(inbox, 2)}
    assert by_person["second@example.org"]["Content-Language"] == locale
    assert _invite(by_person["second@example.org"])  # promoted: now with the invite
    if locale == "en":
        assert by_person["first@example.org"]["Subject"].startswith("Registration cancelled")
        assert by_person["second@example.org"]["Subject"].startswith("A place opened")
    else:
        assert by_person["first@example.org"]["Subject"] == "Inscripción cancelada: Basics at the library"
        assert "se ha cancelado, como pidió." in text_part(by_person["first@example.org"])
        assert by_person["second@example.org"]["Subject"] == "Se liberó una plaza: Basics at the library"
        assert "ya está inscrito/a en «Basics at the library»" in text_part(by_person["second@example.org"])
    inbox.messages.clear()
    session.place = "Library, room 5"
    registration.session_changed(session)
    db.session.commit()
    [changed] = deliver(inbox)
    assert changed["To"] == "second@example.org" and "Library, room 5" in text_part(changed)
    inbox.messages.clear()
    session.status = "cancelled"
    registration.session_cancelled(session, None)
    db.session.commit()
    [cancelled] = deliver(inbox)
    [event] = _invite(cancelled).walk("VEVENT")
    assert str(event["STATUS"]) == "CANCELLED"
    if locale == "en":
        assert cancelled["Subject"] == "Cancelled: Basics at the library"
    else:
        assert changed["Subject"] == "Cambios: Basics at the library"
        assert "«Basics at the library» ha cambiado." in text_part(changed)
        assert cancelled["Subject"] == "Cancelada: Basics at the library"
        assert "Sentimos el cambio de planes." in text_part(cancelled)


@pytest.mark.parametrize("locale", LOCALES)
def test_optional_mail_has_an_unsubscribe_link_that_works_signed_out(app, client, inbox, person, locale):
    user = person(locale)
    session = _session(starts_in=timedelta(hours=20))
    registration.register(session, user)
    db.session.commit()
    from academy.mail import reminders

    reminders.run_all()
    db.session.commit()
    confirmed, reminder = deliver(inbox, 2)
    assert "List-Unsubscribe" not in confirmed and "List-Unsubscribe" in reminder
    link = reminder["List-Unsubscribe"].strip("<>")
    assert link in text_part(reminder) and link.startswith("https://academy.test/mail/unsubscribe/")
    path = link.removeprefix("https://academy.test")
    assert client.get(path).status_code == 200  # nobody signed in
    assert client.post(path).status_code == 200
    assert prefs.opted_out(user.id, "session-reminder")
    assert client.get(path[:-3] + "xyz").status_code == 404  # a forged token


def test_preferences_page_turns_reminders_off_but_not_security_mail(app, client, login):
    user = login("trainee")
    assert 'href="/account/mail"' in client.get("/account").get_data(as_text=True)
    page = client.get("/account/mail").get_data(as_text=True)
    assert "Reminders before my certificates expire" in page and "password" not in page.lower()
    response = client.post("/account/mail", data={"session_reminder": "y", "digest": "y"})
    assert response.status_code == 302
    assert prefs.choices(user.id) == {"expiry-reminder": False, "session-reminder": True, "digest": True,
                                      "feedback-invitation": False}
    assert db.session.scalar(select(MailMessage)) is None


@pytest.mark.parametrize("locale", LOCALES)
def test_session_reminder_the_day_before_arrives_in_the_readers_language(app, inbox, person, locale):
    from academy.mail import reminders

    user = person(locale)
    session = _session(starts_in=timedelta(hours=20), title="Basics at the library")
    registration.register(session, user)
    db.session.commit()
    deliver(inbox)  # the confirmation
    inbox.messages.clear()
    assert "1 session reminders" in str(reminders.run_all())
    db.session.commit()
    [message] = deliver(inbox)
    body, html = text_part(message), html_part(message)
    assert message["Content-Language"] == locale and "(America/Chicago)" in body
    assert "Library, room 2" in body and "https://academy.test/my/sessions" in body
    assert message["List-Unsubscribe"] and "https://academy.test/mail/unsubscribe/" in body
    if locale == "en":
        assert message["Subject"] == "Tomorrow: Basics at the library"
        assert 'A reminder: "Basics at the library" is tomorrow.' in body and "Stop these emails:" in body
    else:
        assert message["Subject"] == "Mañana: Basics at the library"
        assert body.startswith("Hola, Ana Doe:")
        assert "Un recordatorio: «Basics at the library» es mañana." in body
        assert "Cuándo:" in body and "Dónde: Library, room 2" in body and "Sus sesiones:" in body
        assert "Dejar de recibir estos correos:" in body and "Preferencias de correo electrónico:" in body
        assert "Un recordatorio: «Basics at the library» es mañana." in html and "Dejar de recibir" in html


@pytest.mark.parametrize("locale", LOCALES)
def test_monthly_digest_arrives_in_the_coordinators_language(app, inbox, person, make_user, locale):
    from academy.mail import reminders
    from academy.resources.models import LocalResource

    holder = person("en", "holder@example.org", "Holder One")
    certificates.init_keys(app)
    certificate = certificates.issue_certificate(holder, get_course("basics"), via="self-paced")
    db.session.commit()
    deliver(inbox)  # the certificate
    inbox.messages.clear()
    community = holder.community
    coordinator = make_user("coordinator", email="coord@example.org", name="Cora Ordo", community=community,
                            coordinates=[community])
    coordinator.locale = locale
    moment = certificate.expires_at - timedelta(days=50)
    clinic = LocalResource(community_id=community.id, name="Old Clinic", category="medical",
                           verified_on=(moment - timedelta(days=400)).date())
    db.session.add(clinic)
    db.session.commit()
    reminders.run_all(moment)
    db.session.commit()
    message = {m["To"]: m for m in deliver(inbox, 2)}["coord@example.org"]  # and the holder's expiry reminder
    body, html = text_part(message), html_part(message)
    assert message["To"] == "coord@example.org" and message["Content-Language"] == locale
    assert f"https://academy.test/resources/local/{clinic.id}" in body
    assert f'href="https://academy.test/resources/local/{clinic.id}"' in html
    assert "Holder One" not in body  # has not agreed to share: only counted
    if locale == "en":
        assert message["Subject"] == "Certificates expiring in Riverside Coalition"
        assert "Certificates of Riverside Coalition expiring in the next 60 days: 1." in body
        assert "1 more, held by members who have not agreed to share their progress." in body
        assert "Local services of Riverside Coalition not checked for 12 months or more: 1." in body
    else:
        assert message["Subject"] == "Certificados que caducan en Riverside Coalition"
        assert body.startswith("Hola, Cora Ordo:")
        assert "Certificados de Riverside Coalition que caducan en los próximos 60 días: 1." in body
        assert "1 más, de miembros que no aceptaron compartir su progreso." in body
        assert "Servicios locales de Riverside Coalition sin comprobar desde hace 12 meses o más: 1." in body
        assert "Old Clinic (comprobado por última vez el " in body and "Todos los servicios locales:" in body
        assert "Llame o acuda en persona" in html
