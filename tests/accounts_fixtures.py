"""Helpers for signing up: registration is finished from a mailed link (academy/accounts/registration.py)."""

from __future__ import annotations

import re
from email import message_from_bytes
from email.policy import default
from pathlib import Path


def deliver(app) -> Path:
    """Do what `academy mail send` does (the queue to the development outbox); return the outbox folder."""
    from academy.mail import outbox

    with app.app_context():
        outbox.send_due()
    return Path(app.instance_path, "outbox")


def last_mail(app):
    """The newest message in the development outbox, once `academy mail send` has delivered the queue."""
    deliver(app)
    newest = max(Path(app.instance_path, "outbox").glob("*.eml"))
    return message_from_bytes(newest.read_bytes(), policy=default)


def mail_text(message) -> str:
    """The plain-text part of a message, whether or not it also has an HTML one."""
    return message.get_body(preferencelist=("plain",)).get_content()


def register(client, data: dict, next_url: str | None = None):
    """Fill in the sign-up form, open the mailed link and confirm; return the confirming POST's response."""
    url = f"/register?next={next_url}" if next_url else "/register"
    sent = client.post(url, data=data)
    assert sent.status_code == 200, sent.data[:500]  # "check your email", in the reader's language
    body = mail_text(last_mail(client.application))
    link = re.search(r"https://academy\.test(/register/\S+)", body).group(1)
    return client.post(link)
