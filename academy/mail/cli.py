"""`academy mail send` and `academy reminders run`: thin wrappers over the outbox and the reminders."""

from __future__ import annotations

import time

import click
from flask.cli import AppGroup


def register(cli) -> None:
    mail = AppGroup("mail", help="Send the queued mail.")
    reminders = AppGroup("reminders", help="Queue the reminders that are due.")
    cli.add_command(mail)
    cli.add_command(reminders)

    @mail.command("send")
    @click.option("--batch", default=50, show_default=True, help="Messages claimed at a time.")
    @click.option("--limit", type=int, help="Stop after trying this many.")
    @click.option("--loop", type=float, help="Keep running, looking for new mail every this many seconds.")
    def send(batch: int, limit: int | None, loop: float | None) -> None:
        """Deliver queued mail: SMTP when MAIL_SERVER is set, else instance/outbox; safe on several hosts."""
        from academy.mail import outbox

        while True:
            report = outbox.send_due(batch=batch, limit=limit)
            click.echo(f"mail: {report}")
            if not loop:
                break
            time.sleep(loop)

    @reminders.command("run")
    def run() -> None:
        """Queue the reminders and digests that are due, and re-check organisation credentials (idempotent)."""
        from academy.extensions import db
        from academy.mail import reminders as service

        report = service.run_all()
        db.session.commit()
        click.echo(f"reminders: {report}")
