"""Outgoing mail, as every domain calls it: `send_mail` queues the message in the database outbox.

The message is added in the caller's transaction and goes out once the caller commits; `academy mail send`
delivers it (SMTP in production, instance/outbox in development). Nothing here talks to a mail server, so a
request never waits for one nor fails because of one. See academy/mail/.
"""

from __future__ import annotations

from collections.abc import Iterable

from academy.mail import outbox


def send_mail(to: str, subject: str, body: str, *, user_id: int | None = None, html: str | None = None,
              kind: str = "notice", locale: str | None = None, attachments: Iterable[dict] = (),
              headers: dict | None = None):
    """Queue a message (plain text, optionally HTML and attachments); logs carry the user id, never the address.

    attachments: dicts such as {"type": "ics", "filename": "x.ics", "content": "..."} or
    {"type": "certificate-pdf", "code": "<certificate code>"}, built when the message is sent.
    """
    return outbox.queue(to, subject, body, user_id=user_id, html=html, kind=kind, locale=locale,
                        attachments=attachments, headers=headers)
