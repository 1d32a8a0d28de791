"""The outbox: queue a message in the caller's transaction; claim, deliver and retry from `academy mail send`.

Queuing only adds a row: the request that causes a mail never waits for, nor fails with, a mail server. The
sender claims due rows in a short transaction of its own (`FOR UPDATE SKIP LOCKED` on PostgreSQL, a write lock
taken up front on SQLite), so several senders on several hosts never take the same message, then delivers each
one and records it as sent at once.
"""

from __future__ import annotations

import logging
import os
import smtplib
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import select, update

from academy.database import utcnow
from academy.extensions import db
from academy.mail.models import MailMessage

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8  # then the message is marked failed and left for a person to look at
STALE_CLAIM = timedelta(minutes=15)  # a sender that died mid-batch: its claims go back in the queue
TABLE = MailMessage.__table__


def queue(to: str, subject: str, body: str, *, user_id: int | None = None, html: str | None = None,
          kind: str = "notice", locale: str | None = None, attachments: Iterable[dict] = (),
          headers: dict | None = None, now: datetime | None = None, flush: bool = True,
          render: dict | None = None) -> MailMessage:
    """Add a message to the outbox in the current transaction; it goes out once the caller commits."""
    message = MailMessage(kind=kind, user_id=user_id, to_addr=to, locale=locale, subject=subject[:300],
                          body_text=body, body_html=html, attachments=list(attachments), headers=dict(headers or {}),
                          render=render,
                          status="queued", attempts=0, next_attempt_at=now or utcnow(), created_at=now or utcnow())
    db.session.add(message)
    if flush:  # a reminder run adds hundreds and flushes once
        db.session.flush()
        log.info("mail %s (%s) queued for user %s", message.id, kind, user_id)
    return message


def row(to: str, *, kind: str, user_id: int | None, locale: str | None, render: dict,
        now: datetime | None = None) -> dict:
    """The column values of a message to render when sent, for a bulk INSERT (a reminder run)."""
    now = now or utcnow()
    return {"kind": kind, "user_id": user_id, "to_addr": to, "locale": locale, "subject": f"({kind})",
            "body_text": "", "body_html": None, "attachments": [], "headers": {}, "render": render,
            "status": "queued", "attempts": 0, "next_attempt_at": utcnow(), "created_at": now}


def backoff(attempts: int) -> timedelta:
    """How long to wait after a failed attempt: 1, 2, 4 ... minutes, at most six hours."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), timedelta(hours=6))


def worker_name() -> str:
    """Name this sender in the rows it claims: host and process."""
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def _begin_write() -> None:
    """On SQLite, take the write lock before reading what to claim, so two senders claim one after another."""
    connection = db.session.connection()
    if connection.dialect.name == "sqlite" and not connection.connection.dbapi_connection.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def release_stale(now: datetime) -> int:
    """Put back in the queue the messages a sender claimed and never finished (it died); return how many."""
    result = db.session.execute(
        update(TABLE).where(TABLE.c.status == "sending", TABLE.c.claimed_at < now - STALE_CLAIM)
        .values(status="queued", claimed_by=None))
    return result.rowcount or 0


def claim(limit: int, worker: str, now: datetime | None = None) -> list[int]:
    """Claim up to `limit` due messages for this worker and commit the claim; return their ids, oldest first."""
    now = now or utcnow()
    _begin_write()
    due = (select(TABLE.c.id).where(TABLE.c.status == "queued", TABLE.c.next_attempt_at <= now)
           .order_by(TABLE.c.id).limit(limit).with_for_update(skip_locked=True))
    statement = (update(TABLE).where(TABLE.c.id.in_(due.scalar_subquery()), TABLE.c.status == "queued")
                 .values(status="sending", claimed_at=now, claimed_by=worker, attempts=TABLE.c.attempts + 1)
                 .returning(TABLE.c.id))
    ids = sorted(db.session.execute(statement).scalars())
    db.session.commit()
    return ids


def _finish(message_id: int, worker: str, **values) -> None:
    db.session.execute(update(TABLE).where(TABLE.c.id == message_id, TABLE.c.claimed_by == worker).values(**values))
    db.session.commit()


@dataclass
class SendReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    dropped: int = 0

    def __str__(self) -> str:
        return f"{self.sent} sent, {self.retried} to retry, {self.failed} failed, {self.dropped} dropped"


def send_due(*, batch: int = 50, limit: int | None = None, now: Callable[[], datetime] = utcnow) -> SendReport:
    """Deliver due messages until none is left (or `limit` were tried); each message is sent once."""
    from academy.mail.delivery import Transport

    report, worker = SendReport(), worker_name()
    release_stale(now())
    db.session.commit()
    with Transport.from_config(current_app) as transport:
        while limit is None or report.sent + report.retried + report.failed + report.dropped < limit:
            size = batch if limit is None else min(batch, limit - report.sent - report.retried - report.failed)
            ids = claim(size, worker, now())
            if not ids:
                break
            for message_id in ids:
                _deliver_one(transport, message_id, worker, report, now)
    return report


def _deliver_one(transport, message_id: int, worker: str, report: SendReport, now) -> None:
    message = db.session.get(MailMessage, message_id)
    if message.render:
        from academy.mail.messages import render_deferred

        rendered = render_deferred(message)
        if rendered is None:  # the person deleted their account or turned this kind off meanwhile
            _finish(message_id, worker, status="dropped", claimed_by=None)
            report.dropped += 1
            return
        message.subject, message.body_text, message.body_html = rendered.subject, rendered.text, rendered.html
        message.headers, message.render = rendered.headers, None
        db.session.commit()  # what is sent is what the row shows
    try:
        transport.send(message)
    except (OSError, smtplib.SMTPException) as exc:
        attempts = message.attempts
        failed = attempts >= MAX_ATTEMPTS or isinstance(exc, smtplib.SMTPRecipientsRefused)
        error = f"{type(exc).__name__}: {exc}"[:500]
        db.session.rollback()
        _finish(message_id, worker, status="failed" if failed else "queued", claimed_by=None,
                last_error=error, next_attempt_at=now() + backoff(attempts))
        if failed:
            report.failed += 1
            log.warning("mail %s failed for good after %s attempt(s): %s", message_id, attempts, error)
        else:
            report.retried += 1
            log.info("mail %s not sent (attempt %s), retrying later: %s", message_id, attempts, error)
        transport.reset()
        return
    _finish(message_id, worker, status="sent", sent_at=now(), last_error=None)
    report.sent += 1
    log.info("mail %s (%s) sent to user %s", message_id, message.kind, message.user_id)


def outbox_dir(app) -> Path:
    """The development outbox folder: one .eml file per message."""
    return Path(app.instance_path) / "outbox"
