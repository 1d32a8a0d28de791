"""Outgoing mail: SMTP in production, an outbox folder in development."""

from __future__ import annotations

import logging
import smtplib
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

from flask import current_app

log = logging.getLogger(__name__)


def send_mail(to: str, subject: str, body: str, *, user_id: int | None = None) -> None:
    """Send a plain-text message; logs carry the user id, never the address."""
    msg = EmailMessage()
    msg["From"] = current_app.config["MAIL_FROM"]
    msg["To"] = to
    msg["Subject"] = subject
    msg.set_content(body)
    server = current_app.config.get("MAIL_SERVER")
    if server:
        with smtplib.SMTP(server, current_app.config["MAIL_PORT"], timeout=10) as smtp:
            smtp.starttls()
            if current_app.config.get("MAIL_USERNAME"):
                smtp.login(current_app.config["MAIL_USERNAME"], current_app.config["MAIL_PASSWORD"])
            smtp.send_message(msg)
        log.info("mail %r sent to user %s", subject, user_id)
        return
    outbox = Path(current_app.instance_path) / "outbox"
    outbox.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    path = outbox / f"{stamp}-{user_id or 'anon'}.eml"
    path.write_bytes(bytes(msg))
    log.info("mail %r for user %s written to %s", subject, user_id, path)
