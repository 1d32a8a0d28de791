"""The `academy` command group: thin wrappers over service functions."""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup, FlaskGroup


def _create_app():
    from flask.cli import NoAppException

    from academy import UnsafeConfiguration, create_app

    try:
        return create_app()
    except UnsafeConfiguration as error:  # a sentence saying what to do, not a traceback
        raise NoAppException(str(error)) from error


cli = FlaskGroup(create_app=_create_app, add_version_option=False, help="The academy's command line.")


def main() -> None:
    cli.main(prog_name="academy")


def instance_path() -> str:
    """Return the instance folder the app will use, without creating the app."""
    env = os.environ.get("ACADEMY_INSTANCE_PATH")
    if env:
        return os.path.abspath(env)
    return Flask("academy").instance_path


def ensure_secret_key(path: str) -> bool:
    """Write a random SECRET_KEY into instance/config.py unless one is configured; return True if written."""
    os.makedirs(path, exist_ok=True)
    config_file = Path(path) / "config.py"
    if os.environ.get("SECRET_KEY"):
        return False
    if config_file.exists() and "SECRET_KEY" in config_file.read_text():
        return False
    with config_file.open("a") as fh:
        fh.write(f"# Written by `academy init`. Keep it secret; back it up with the database.\n"
                 f"SECRET_KEY = {secrets.token_urlsafe(48)!r}\n")
    os.chmod(config_file, 0o600)
    return True


def run_init(app) -> list[str]:
    """Upgrade the database, create the signing key and load the curricula; return lines to print."""
    from flask_migrate import upgrade

    from academy.courses import service as courses
    from academy.extensions import db

    lines = []
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        lines.append(f"database ready: {_safe_url(app.config['SQLALCHEMY_DATABASE_URI'])}")
        lines.extend(_init_hooks(app))
        loaded = courses.sync_catalog()
        db.session.commit()
        lines.append(f"curricula loaded: {loaded} course(s) from {app.config['ACADEMY_CURRICULA']}")
    return lines


def _init_hooks(app) -> list[str]:
    """Let domains prepare what they need at init (e.g. the signing key)."""
    lines: list[str] = []
    try:
        from academy.certificates.service import init_keys
    except ImportError:
        return lines
    lines.extend(init_keys(app))
    return lines


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


@cli.command("init", with_appcontext=False)
def init_command() -> None:
    """Create or upgrade the database, create the signing key, load the curricula."""
    path = instance_path()
    if ensure_secret_key(path):
        click.echo(f"secret key written to {path}/config.py")
    from academy import create_app

    for line in run_init(create_app()):
        click.echo(line)


@cli.command("demo", with_appcontext=False)
def demo_command() -> None:
    """Initialise, then add demo communities, users, progress and certificates (idempotent)."""
    path = instance_path()
    ensure_secret_key(path)
    from academy import create_app, demo

    app = create_app()
    for line in run_init(app):
        click.echo(line)
    with app.app_context():
        for line in demo.populate():
            click.echo(line)


curricula = AppGroup("curricula", help="Check and reload the curricula.")
cli.add_command(curricula)


@curricula.command("check", with_appcontext=False)
@click.argument("directory", required=False)
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
def curricula_check(directory: str | None, strict: bool) -> None:
    """Validate curricula; print `path:line: message` per problem and exit 1 on errors."""
    from academy.curriculum import check_curriculum

    directory = directory or os.environ.get("ACADEMY_CURRICULA") or "curricula"
    if not os.path.isdir(directory):
        click.echo(f"{directory}:0: no such curricula folder", err=True)
        sys.exit(1)
    problems = check_curriculum(directory)
    errors = [p for p in problems if p.severity == "error" or strict]
    for problem in problems:
        click.echo(str(problem))
    if errors:
        click.echo(f"{len(errors)} error(s), {len(problems) - len(errors)} warning(s)", err=True)
        sys.exit(1)
    click.echo(f"ok: {directory} is valid ({len(problems)} warning(s))")


users = AppGroup("users", help="Manage user accounts.")
cli.add_command(users)


@users.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", type=click.Choice(["trainee", "trainer", "coordinator", "auditor", "admin"]),
              default="trainee", show_default=True)
@click.option("--community", "community_slug", help="Community slug (created if missing).")
@click.option("--password", help="Password; asked for when not given.")
def users_create(email: str, name: str, role: str, community_slug: str | None, password: str | None) -> None:
    """Create a user, for example the first admin."""
    from academy.accounts import service
    from academy.extensions import db

    if not password:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = service.create_user(email=email, name=name, password=password, role=role,
                                   community_slug=community_slug)
    except service.AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"created {user.role} {user.email} (id {user.id})")


def _register_domain_commands() -> None:
    """Domains that own commands (certificates, credentials, backup) add them to the group here."""
    import importlib

    for module in ("academy.certificates.cli", "academy.backup", "academy.admin.cli", "academy.mail.cli"):
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
            continue
        mod.register(cli)


_register_domain_commands()


def served_url(host: str, port: int) -> str:
    """The address `academy run` serves on, as a browser elsewhere on the network would reach it."""
    if host in ("0.0.0.0", "::", ""):  # noqa: S104 (naming the any-address, not binding to it)
        import socket

        try:
            host = socket.gethostbyname(socket.gethostname())
        except OSError:
            host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def _run_command() -> click.Command:
    """Flask's `run`, which first tells the app where it is served (the QR codes' URL, unless configured)."""
    from flask.cli import run_command

    @click.command("run", params=list(run_command.params), help=run_command.help,
                   short_help=run_command.short_help)
    @click.pass_context
    def run(ctx: click.Context, **options) -> None:
        os.environ["ACADEMY_SERVED_URL"] = served_url(options["host"], options["port"])
        ctx.invoke(run_command, **options)

    return run


cli.add_command(_run_command())
