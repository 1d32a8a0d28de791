"""`academy backup FILE` and `academy restore FILE`.

SQLite is copied with its online backup API: a consistent copy while the app keeps serving. PostgreSQL is left
to its own tools: the commands print the documented pg_dump / pg_restore line and exit 2.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from pathlib import Path

import click
from flask import current_app
from sqlalchemy.engine import URL, make_url

PG_EXIT = 2
REQUIRED_TABLES = {"user", "certificate", "audit_event"}


class BackupError(click.ClickException):
    """A backup or restore that cannot go ahead; the message says why."""


def sqlite_file(url: str) -> str | None:
    """Return the database file of an SQLite URL, or None for any other database."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    if not parsed.database or parsed.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return parsed.database


def libpq_url(url: str) -> str:
    """Return the URL for pg_dump/pg_restore: no driver, no password (those go in ~/.pgpass or PGPASSWORD)."""
    parsed = make_url(url)
    bare = URL.create("postgresql", username=parsed.username, host=parsed.host, port=parsed.port,
                      database=parsed.database, query=parsed.query)
    return bare.render_as_string(hide_password=False)


def _tables(connection: sqlite3.Connection) -> set[str]:
    return {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def _check(connection: sqlite3.Connection, what: str) -> None:
    """Refuse a file that is not a sound academy database."""
    try:
        result = connection.execute("PRAGMA integrity_check").fetchone()[0]
        tables = _tables(connection)
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{what} is not an SQLite database ({exc})") from exc
    if result != "ok":
        raise BackupError(f"{what} failed SQLite's integrity check: {result}")
    if not tables.issuperset(REQUIRED_TABLES):
        missing = ", ".join(sorted(REQUIRED_TABLES - tables))
        raise BackupError(f"{what} is not an academy database (no {missing})")


def copy_sqlite(source: str, target: str) -> None:
    """Copy one SQLite database into another with the online backup API, page by page."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        with dst:
            src.backup(dst, pages=1024)
    finally:
        src.close()
        dst.close()


def backup_sqlite(database: str, target: str) -> int:
    """Back up the live database to target; return the number of tables copied."""
    if not os.path.exists(database):
        raise BackupError(f"no database at {database}: run `academy init` first")
    partial = f"{target}.partial"  # written and checked aside, then renamed: a failed run never clobbers FILE
    if os.path.exists(partial):
        os.remove(partial)
    copy_sqlite(database, partial)
    copy = sqlite3.connect(partial)
    try:
        _check(copy, target)
        count = len(_tables(copy))
    finally:
        copy.close()
    os.replace(partial, target)
    return count


def restore_sqlite(source: str, database: str) -> None:
    """Replace the live database's content with a backup's, after checking the backup is sound."""
    check = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        _check(check, source)
    finally:
        check.close()
    copy_sqlite(source, database)


def _pg_hint(command: str) -> None:
    click.echo("This database is PostgreSQL: use its own tools (see docs/deploy.md), for example:", err=True)
    click.echo(command)
    sys.exit(PG_EXIT)


def _keys_reminder() -> None:
    click.echo(f"Keep {current_app.instance_path}/config.py and {current_app.instance_path}/keys/ with it: "
               "the secret key and the credential signing keys are not in the database.")


def register(cli: click.Group) -> None:
    """Add `backup` and `restore` to the `academy` command group."""

    @cli.command("backup")
    @click.argument("file", type=click.Path(dir_okay=False, writable=True))
    @click.option("--force", is_flag=True, help="Overwrite FILE if it exists.")
    def backup_command(file: str, force: bool) -> None:
        """Write a consistent copy of the database to FILE while the academy keeps running."""
        url = current_app.config["SQLALCHEMY_DATABASE_URI"]
        database = sqlite_file(url)
        if database is None:
            _pg_hint(f'pg_dump --format=custom --file="{file}" "{libpq_url(url)}"')
        if os.path.exists(file) and not force:
            raise BackupError(f"{file} exists: choose another name or add --force")
        count = backup_sqlite(database, str(Path(file)))
        click.echo(f"backed up {count} tables to {file}")
        _keys_reminder()

    @cli.command("restore")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False))
    @click.option("--yes", is_flag=True, help="Do not ask before replacing the database.")
    def restore_command(file: str, yes: bool) -> None:
        """Replace the database with the backup in FILE (stop the academy first)."""
        from academy.extensions import db

        url = current_app.config["SQLALCHEMY_DATABASE_URI"]
        database = sqlite_file(url)
        if database is None:
            _pg_hint(f'pg_restore --clean --if-exists --no-owner --dbname="{libpq_url(url)}" "{file}"')
        if not yes:
            click.confirm(f"Replace everything in {database} with {file}?", abort=True)
        db.session.remove()
        db.engine.dispose()  # no pooled connection may hold the old pages
        restore_sqlite(file, database)
        click.echo(f"restored {database} from {file}; run `academy init` to apply newer migrations")
