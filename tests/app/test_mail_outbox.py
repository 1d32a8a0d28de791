"""The outbox: send_mail queues in the caller's transaction; `academy mail send` delivers each message once."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from academy.accounts.mail import send_mail
from academy.database import utcnow
from academy.extensions import db
from academy.mail import outbox
from academy.mail.models import MailMessage
from tests.mail_fixtures import html_part, inbox, mail_config_fixture, smtp_server, text_part  # noqa: F401


@pytest.fixture(name="app_config")
def app_config_fixture(mail_config):
    return mail_config


def test_send_mail_queues_until_the_caller_commits(app, inbox):
    send_mail("ana@example.org", "Hello", "Plain body", user_id=None)
    db.session.rollback()  # the caller's transaction failed: the message goes with it
    assert db.session.scalars(select(MailMessage)).all() == []
    send_mail("ana@example.org", "Hello", "Plain body", html="<p>Plain body</p>")
    db.session.commit()
    assert inbox.messages == []  # queued, not sent: the request never talks to a mail server
    report = outbox.send_due()
    assert report.sent == 1
    [message] = inbox.wait(1)
    assert message["To"] == "ana@example.org" and message["Subject"] == "Hello"
    assert text_part(message).strip() == "Plain body"
    assert html_part(message).strip() == "<p>Plain body</p>"
    assert db.session.scalar(select(MailMessage.status)) == "sent"
    assert outbox.send_due().sent == 0  # nothing twice


def test_unreachable_server_retries_with_back_off_then_delivers(app, inbox, smtp_server):
    send_mail("bo@example.org", "Later", "Body")
    db.session.commit()
    app.config["MAIL_PORT"] = 1  # nothing listens there
    report = outbox.send_due()
    assert (report.sent, report.retried) == (0, 1)
    message = db.session.scalar(select(MailMessage))
    assert message.status == "queued" and message.attempts == 1 and "Error" in message.last_error
    assert message.next_attempt_at > utcnow() + timedelta(seconds=30)
    app.config["MAIL_PORT"] = smtp_server[0]
    assert outbox.send_due().sent == 0  # not due yet: the back-off holds
    later = utcnow() + timedelta(minutes=2)
    assert outbox.send_due(now=lambda: later).sent == 1
    assert [m["To"] for m in inbox.wait(1)] == ["bo@example.org"]


def test_gives_up_after_the_last_attempt(app):
    app.config["MAIL_PORT"] = 1
    send_mail("cy@example.org", "Never", "Body")
    db.session.commit()
    moment = utcnow()
    for _ in range(outbox.MAX_ATTEMPTS):
        outbox.send_due(now=lambda at=moment: at)
        moment += timedelta(hours=7)
    message = db.session.scalar(select(MailMessage))
    assert (message.status, message.attempts) == ("failed", outbox.MAX_ATTEMPTS)


def test_a_dead_senders_claim_is_released(app, inbox):
    send_mail("di@example.org", "Stuck", "Body")
    db.session.commit()
    assert outbox.claim(10, "host-that-died:1") != []
    assert outbox.send_due().sent == 0  # claimed by another sender a moment ago: left alone
    later = utcnow() + outbox.STALE_CLAIM + timedelta(minutes=1)
    assert outbox.send_due(now=lambda: later).sent == 1
    assert len(inbox.wait(1)) == 1


def test_development_outbox_folder(app):
    app.config["MAIL_SERVER"] = None
    send_mail("ed@example.org", "Folder", "Body")
    db.session.commit()
    assert outbox.send_due().sent == 1
    [path] = (outbox.outbox_dir(app)).glob("*.eml")
    assert b"Subject: Folder" in path.read_bytes()


def test_several_senders_at_once_send_each_message_once(app, inbox):
    for n in range(60):
        send_mail(f"p{n}@example.org", f"Message {n}", "Body")
    db.session.commit()
    reports = []

    def sender():
        with app.app_context():
            reports.append(outbox.send_due(batch=5))
            db.session.remove()

    threads = [threading.Thread(target=sender) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(r.sent for r in reports) == 60
    received = [m["Subject"] for m in inbox.wait(60)]
    assert sorted(received) == sorted(f"Message {n}" for n in range(60))


def test_cli_mail_send(app, runner, inbox):
    send_mail("fa@example.org", "By command", "Body")
    db.session.commit()
    result = runner.invoke(args=["mail", "send"])
    assert result.exit_code == 0, result.output
    assert "1 sent" in result.output
    assert [m["Subject"] for m in inbox.wait(1)] == ["By command"]
