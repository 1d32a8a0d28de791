"""Turn an outbox row into a MIME message and hand it to SMTP, or to the outbox folder in development."""

from __future__ import annotations

import contextlib
import smtplib
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from pathlib import Path

from flask import Flask
from flask_babel import force_locale

from academy.mail.models import MailMessage


def build(message: MailMessage, sender: str, sender_name: str | None = None) -> EmailMessage:
    """Return the MIME message: plain text, an HTML alternative, then the attachments."""
    mime = EmailMessage()
    mime["From"] = formataddr((sender_name, sender)) if sender_name else sender
    mime["To"] = message.to_addr
    mime["Subject"] = message.subject
    mime["Message-ID"] = make_msgid(idstring=f"academy-{message.id}", domain=sender.rpartition("@")[2] or None)
    mime["Auto-Submitted"] = "auto-generated"
    for name, value in (message.headers or {}).items():
        mime[name] = value
    mime.set_content(message.body_text)
    if message.body_html:
        mime.add_alternative(message.body_html, subtype="html")
    for spec in message.attachments or []:
        with force_locale(message.locale or "en"):  # outside a request: the reader's language, not a browser's
            filename, maintype, subtype, data = attachment(spec)
        mime.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    if message.locale:  # last: set_content and add_attachment move Content-* headers into the parts
        mime["Content-Language"] = message.locale
    return mime


def attachment(spec: dict) -> tuple[str, str, str, bytes]:
    """Materialise one attachment spec: (filename, maintype, subtype, bytes)."""
    if spec["type"] == "certificate-pdf":
        from academy.certificates.printing import certificate_pdf
        from academy.certificates.service import find

        certificate = find(spec["code"])
        if certificate is None:
            raise LookupError(f"certificate {spec['code']} is gone")
        filename, data = certificate_pdf(certificate)
        return filename, "application", "pdf", data
    if spec["type"] == "ics":
        return spec.get("filename", "invite.ics"), "text", "calendar", spec["content"].encode()
    raise ValueError(f"unknown attachment type {spec['type']!r}")


class Transport:
    """One SMTP connection per run of the sender (opened on first use), or the outbox folder."""

    def __init__(self, *, server: str | None, port: int, username: str | None, password: str | None,
                 starttls: bool, folder: Path, sender: str, sender_name: str | None):
        self.server, self.port, self.username, self.password = server, port, username, password
        self.starttls, self.folder, self.sender, self.sender_name = starttls, folder, sender, sender_name
        self.smtp: smtplib.SMTP | None = None

    @classmethod
    def from_config(cls, app: Flask) -> Transport:
        config = app.config
        return cls(server=config.get("MAIL_SERVER"), port=int(config.get("MAIL_PORT", 587)),
                   username=config.get("MAIL_USERNAME"), password=config.get("MAIL_PASSWORD"),
                   starttls=bool(config.get("MAIL_USE_TLS", True)), folder=Path(app.instance_path) / "outbox",
                   sender=config["MAIL_FROM"], sender_name=config.get("ACADEMY_NAME"))

    def __enter__(self) -> Transport:
        return self

    def __exit__(self, *exc) -> None:
        self.reset()

    def reset(self) -> None:
        """Drop the connection (after an error, or at the end)."""
        if self.smtp is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):  # a broken connection is dropped anyway
                self.smtp.quit()
            self.smtp = None

    def _connection(self) -> smtplib.SMTP:
        if self.smtp is None:
            smtp = smtplib.SMTP(self.server, self.port, timeout=30)
            if self.starttls:
                smtp.starttls()
            if self.username:
                smtp.login(self.username, self.password or "")
            self.smtp = smtp
        return self.smtp

    def send(self, message: MailMessage) -> None:
        """Deliver one message; raises OSError or SMTPException when it did not go."""
        try:
            mime = build(message, self.sender, self.sender_name)
        except LookupError as exc:
            raise smtplib.SMTPRecipientsRefused({message.to_addr: (550, str(exc).encode())}) from exc
        if not self.server:
            self.folder.mkdir(parents=True, exist_ok=True)
            # Named by the message id: writing the same message again replaces the file, never a second copy.
            (self.folder / f"{message.id:08d}-{message.kind}.eml").write_bytes(bytes(mime))
            return
        self._connection().send_message(mime)
