"""`academy users set-role`, `academy users import FILE`, `academy communities create`: the console, for scripts."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

communities = AppGroup("communities", help="Manage communities.")


@click.command("set-role")
@click.argument("email")
@click.argument("role", type=click.Choice(["trainee", "trainer", "coordinator", "auditor", "admin"]))
def set_role(email: str, role: str) -> None:
    """Give the person with EMAIL a new ROLE (their sign-ins end)."""
    from academy.accounts import people, service
    from academy.extensions import db

    user = service.find_by_email(email)
    if user is None or user.deleted_at is not None:
        raise click.ClickException(f"no account uses {email}")
    try:
        changed = people.change_role(user, role, actor=None)
    except people.PeopleError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"{user.email} is now {role}" if changed else f"{user.email} was already {role}")


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--no-invitations", is_flag=True, help="Create the accounts without mailing invitations.")
def import_users(file: Path, no_invitations: bool) -> None:
    """Create or update people from a CSV FILE (name, email, role, community, organisation, sector, sub-role).

    Every bad row is reported as `FILE:ROW: message` and left out; the exit status is 1 when there was one.
    """
    from academy.accounts import importing, invitations
    from academy.courses.catalog import curriculum
    from academy.extensions import db

    preview = importing.read(importing.decode(file.read_bytes()), sectors=curriculum().sectors)
    for problem in preview.problems:
        click.echo(f"{file}: {problem}", err=True)
    # Mail text is translated through Flask-Babel, whose locale selector reads the request: give it one.
    with current_app.test_request_context("/"):
        outcome = importing.apply(preview, actor=None,
                                  invite=None if no_invitations else invitations.send_invitation)
    db.session.commit()
    for row in preview.bad + outcome.skipped:
        click.echo(f"{file}:row {row.line}: {' '.join(row.errors)}", err=True)
    click.echo(f"{outcome.created} created, {outcome.updated} updated, "
               f"{len(preview.bad) + len(outcome.skipped)} left out")
    if preview.problems or preview.bad or outcome.skipped:
        sys.exit(1)


@communities.command("create")
@click.argument("slug")
@click.option("--name", help="Its name as people read it (default: from the slug).")
@click.option("--timezone", default="UTC", show_default=True, help="IANA zone, e.g. America/Vancouver.")
@click.option("--jurisdiction", default="us", show_default=True, help="us, ca or ca-bc.")
@click.option("--signatory-name", help="Who signs its certificates.")
@click.option("--signatory-title", help="Their title.")
def create_community(slug: str, name: str | None, timezone: str, jurisdiction: str, signatory_name: str | None,
                     signatory_title: str | None) -> None:
    """Create a community (or update the one with this SLUG)."""
    from sqlalchemy import select

    from academy.accounts import communities as service
    from academy.accounts.models import Community
    from academy.accounts.people import PeopleError
    from academy.extensions import db

    existing = db.session.scalar(select(Community).where(Community.slug == slug))
    try:
        community = service.save_community(
            existing, actor=None, slug=slug, name=name or (existing.name if existing else slug.replace("-", " ")
                                                           .title()),
            timezone=timezone, jurisdiction=jurisdiction, signatory_name=signatory_name,
            signatory_title=signatory_title)
    except PeopleError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"{'updated' if existing else 'created'} community {community.slug} ({community.timezone})")


def register(cli) -> None:
    users = cli.commands["users"]
    users.add_command(set_role)
    users.add_command(import_users)
    cli.add_command(communities)
