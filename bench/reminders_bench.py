"""Time `academy reminders run` over 300,000 certificates, and `academy mail send` against a local SMTP server.

Reminders: generate 100,000 people with about 300,000 certificates (bench/coverage_data.py; expiries spread
over 2026 to 2029), then time reminders.run_all() as cron would call it:
  - the first run ever (every certificate within 60 days of expiry gets its reminder: the catch-up),
  - the next day's run (the steady state: only what became due overnight),
  - a second run the same day (nothing due: the cost of the check alone).
The target: each run under 10 s.

Mail: queue N messages (plain text and HTML), start an aiosmtpd server on 127.0.0.1, and time
`outbox.send_due()`; report messages per second.

    python bench/reminders_bench.py [--people 100000] [--mails 2000] [--database sqlite:////tmp/x.sqlite3]
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import coverage_data  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from academy import create_app  # noqa: E402
from academy.extensions import db  # noqa: E402

TARGET_SECONDS = 10.0
NOW = datetime(2026, 12, 6, 8, 0, tzinfo=UTC)


def _app(url: str, instance: str, **extra):
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "INSTANCE_PATH": instance,
                       "ACADEMY_PUBLIC_URL": "https://academy.example.org", **extra})


def reminders(url: str, people: int) -> bool:
    from academy.certificates.models import Certificate
    from academy.mail import reminders as service
    from academy.mail.models import MailMessage

    started = time.perf_counter()
    written = coverage_data.generate(url, people)
    print(f"data: {written} certificates for {people} people in {time.perf_counter() - started:.1f} s")
    ok = True
    with tempfile.TemporaryDirectory() as instance, _app(url, instance).app_context():
        total = db.session.scalar(select(func.count(Certificate.id)))
        for label, moment in (("first run (catch-up)", NOW), ("next day", NOW + timedelta(days=1)),
                              ("same day again", NOW + timedelta(days=1, hours=1))):
            started = time.perf_counter()
            report = service.run_all(moment)
            db.session.commit()
            elapsed = time.perf_counter() - started
            ok &= elapsed < TARGET_SECONDS
            print(f"reminders, {label}: {elapsed:.2f} s over {total} certificates: {report} "
                  f"({'ok' if elapsed < TARGET_SECONDS else 'MISSED'}, target {TARGET_SECONDS:.0f} s)")
        queued = db.session.scalar(select(func.count(MailMessage.id)))
        print(f"outbox: {queued} messages queued in all")
    return ok


def mail(url: str, count: int) -> None:
    from aiosmtpd.controller import Controller

    from academy.mail import outbox

    class Sink:
        received = 0

        async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
            Sink.received += 1
            return "250 OK"

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    controller = Controller(Sink(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with tempfile.TemporaryDirectory() as instance:
            app = _app(url, instance, MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_USE_TLS=False)
            with app.app_context():
                db.session.execute(outbox.TABLE.delete())
                for n in range(count):
                    outbox.queue(f"person{n}@example.org", f"Message {n}", "Plain text body\n" * 20,
                                 html="<p>HTML body</p>" * 20, kind="bench", flush=False)
                db.session.commit()
                started = time.perf_counter()
                report = outbox.send_due(batch=100)
                elapsed = time.perf_counter() - started
        print(f"mail send: {report} in {elapsed:.2f} s: {report.sent / elapsed:.0f} messages/s "
              f"over one SMTP connection ({Sink.received} received by the server)")
    finally:
        controller.stop()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--mails", type=int, default=2000)
    parser.add_argument("--database", default="sqlite:////tmp/academy-reminders-bench.sqlite3")
    args = parser.parse_args()
    if args.database.startswith("sqlite:////"):
        path = args.database.removeprefix("sqlite:///")
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix):
                os.remove(path + suffix)
    ok = reminders(args.database, args.people)
    mail(args.database, args.mails)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
