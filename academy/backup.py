"""`academy backup FILE` and `academy restore FILE`.

SQLite is copied with its online backup API: a consistent copy while the app keeps serving. PostgreSQL is left
to its own tools: the commands print the documented pg_dump / pg_restore line and exit 2.

The credential signing keys are not in the database, yet every credential issued refers to them: the backup
writes them beside FILE, as FILE.keys.tar (a secret: whoever holds it can sign in the academy's name), and the
restore puts them back, refusing to go on without them unless told to (--without-keys).
"""

from __future__ import annotations

import os
import sqlite3
import sys
import tarfile
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


KEY_SUFFIX = ".keys.tar"


def keys_archive_of(file: str) -> str:
    """Where the signing keys of a backup FILE live."""
    return f"{file}{KEY_SUFFIX}"


def backup_keys(keys_dir: Path, target: str) -> int:
    """Write the signing key files into a tar readable by its owner only; return how many were written."""
    files = sorted(keys_dir.glob("*.json")) if keys_dir.is_dir() else []
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w") as archive:
        for path in files:
            archive.add(path, arcname=path.name, recursive=False)
    os.chmod(target, 0o600)
    return len(files)


def restore_keys(source: str, keys_dir: Path) -> list[str]:
    """Put the key files of a keys archive into the instance (checked first; none overwritten); return names."""
    from academy.certificates import keys

    try:
        with tarfile.open(source, mode="r") as archive:
            members = [m for m in archive.getmembers() if m.isfile()]
            contents = {}
            for member in members:
                name = Path(member.name).name
                if name != member.name or not name.startswith("ed25519-") or not name.endswith(".json"):
                    raise BackupError(f"{source} holds {member.name!r}, which is not a signing key file")
                contents[name] = archive.extractfile(member).read()
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(f"{source} is not a keys archive of `academy backup` ({exc})") from exc
    keys_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    written = []
    for name, data in contents.items():
        staged = keys_dir / f".restore-{name}"
        fd = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        try:
            keys.load_key(staged)
        except (ValueError, KeyError, TypeError) as exc:
            staged.unlink()
            raise BackupError(f"{source}: {name} is not a valid signing key ({exc})") from exc
        target = keys_dir / name
        if target.exists() and target.read_bytes() != data:
            staged.unlink()
            raise BackupError(f"{target} exists and differs from the one in {source}: move it aside first")
        os.replace(staged, target)
        written.append(name)
    return written


def _keys_step(file: str, keys_path: str | None, without_keys: bool) -> None:
    """Restore the keys of a backup, or refuse, before the database is touched."""
    from academy.certificates.service import keys_dir

    source = keys_path or keys_archive_of(file)
    if not os.path.exists(source):
        if without_keys:
            click.echo(f"Restoring without signing keys ({source} not found): credentials issued before "
                       "will fail their status checks until the keys are put back.", err=True)
            return
        raise BackupError(f"no signing keys at {source}: give them with --keys PATH, or add --without-keys to "
                          "restore anyway (every credential issued before then fails its status check)")
    names = restore_keys(source, keys_dir(current_app))
    click.echo(f"restored {len(names)} signing key(s) into {keys_dir(current_app)}")


def _pg_hint(command: str) -> None:
    click.echo("This database is PostgreSQL: use its own tools (see docs/deploy.md), for example:", err=True)
    click.echo(command)
    sys.exit(PG_EXIT)


def _keys_backup(file: str) -> None:
    """Write the signing keys beside the backup and say that the file is a secret."""
    from academy.certificates.service import keys_dir

    target = keys_archive_of(file)
    count = backup_keys(keys_dir(current_app), target)
    click.echo(f"backed up {count} signing key(s) from {keys_dir(current_app)}/ to {target}. That file is a "
               "SECRET: whoever holds it can sign credentials in the academy's name. Keep it encrypted, with the "
               "backup, and restore both together.")
    click.echo(f"Keep {current_app.instance_path}/config.py safe too: the secret key is not in the database.")


def register(cli: click.Group) -> None:
    """Add `backup` and `restore` to the `academy` command group."""

    @cli.command("backup")
    @click.argument("file", type=click.Path(dir_okay=False, writable=True))
    @click.option("--force", is_flag=True, help="Overwrite FILE if it exists.")
    def backup_command(file: str, force: bool) -> None:
        """Write a consistent copy of the database to FILE while the academy keeps running."""
        url = current_app.config["SQLALCHEMY_DATABASE_URI"]
        database = sqlite_file(url)
        if os.path.exists(file) and not force and database is not None:
            raise BackupError(f"{file} exists: choose another name or add --force")
        if database is None:
            _keys_backup(file)
            _pg_hint(f'pg_dump --format=custom --file="{file}" "{libpq_url(url)}"')
        count = backup_sqlite(database, str(Path(file)))
        click.echo(f"backed up {count} tables to {file}")
        _keys_backup(file)

    @cli.command("restore")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False))
    @click.option("--yes", is_flag=True, help="Do not ask before replacing the database.")
    @click.option("--keys", "keys_path", type=click.Path(dir_okay=False),
                  help=f"The signing keys archive (default: FILE{KEY_SUFFIX}).")
    @click.option("--without-keys", is_flag=True,
                  help="Restore even without the signing keys (earlier credentials then fail their checks).")
    def restore_command(file: str, yes: bool, keys_path: str | None, without_keys: bool) -> None:
        """Replace the database with the backup in FILE and put back its signing keys (stop the academy first)."""
        from academy.extensions import db

        url = current_app.config["SQLALCHEMY_DATABASE_URI"]
        database = sqlite_file(url)
        if database is None:
            _keys_step(file, keys_path, without_keys)
            _pg_hint(f'pg_restore --clean --if-exists --no-owner --dbname="{libpq_url(url)}" "{file}"')
        if not yes:
            click.confirm(f"Replace everything in {database} with {file}?", abort=True)
        check = sqlite3.connect(f"file:{file}?mode=ro", uri=True)
        try:
            _check(check, file)  # a bad database file is refused before any key is written
        finally:
            check.close()
        _keys_step(file, keys_path, without_keys)
        db.session.remove()
        db.engine.dispose()  # no pooled connection may hold the old pages
        restore_sqlite(file, database)
        click.echo(f"restored {database} from {file}; run `academy init` to apply newer migrations")
