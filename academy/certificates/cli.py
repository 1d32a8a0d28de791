"""Commands: `academy certificates export`, `academy credentials verify`, `academy keys rotate|list`."""

from __future__ import annotations

import json
import sys
import urllib.request
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from academy.database import utcnow

certificates = AppGroup("certificates", help="The certificate register.")
credentials_group = AppGroup("credentials", help="Signed Open Badges 3.0 credentials.")
keys_group = AppGroup("keys", help="The academy's signing keys.")
FETCH_TIMEOUT = 10


@certificates.command("export")
def export_command() -> None:
    """Write the certificate register as CSV to standard output."""
    from academy.certificates import register

    register.write_csv(register.export_rows(), sys.stdout)


def _load_json(source: str, what: str) -> dict:
    """Read a JSON document from a file or an http(s) URL; raise ClickException if it cannot be read."""
    try:
        if source.startswith(("https://", "http://")):
            request = urllib.request.Request(source, headers={"Accept": "application/json"})  # noqa: S310
            with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT) as response:  # noqa: S310 (http(s))
                return json.loads(response.read(16 * 1024 * 1024))
        return json.loads(Path(source).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise click.ClickException(f"cannot read the {what} {source}: {exc}") from exc


def _named_status_list(credential: dict) -> str | None:
    """Return the status list URL a credential names, if any."""
    status = credential.get("credentialStatus") if isinstance(credential, dict) else None
    for entry in status if isinstance(status, list) else [status]:
        if isinstance(entry, dict) and isinstance(entry.get("statusListCredential"), str):
            return entry["statusListCredential"]
    return None


def _trusted_issuers() -> set[str] | None:
    """Return the DIDs of this instance's keys (old and new), or None when it has none."""
    from academy.certificates import keys, service

    dids = keys.load_keyring(service.keys_dir(current_app)).dids
    return set(dids) or None


@credentials_group.command("verify")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--status-list",
    "status_source",
    metavar="FILE_OR_URL",
    help="The status list credential to check revocation against (default: fetch the one named).",
)
@click.option(
    "--offline", is_flag=True, help="Never fetch anything; skip the status unless --status-list is a file."
)
def verify_command(file: str, status_source: str | None, offline: bool) -> None:
    """Check a credential offline: signature, issuer, dates, and revocation when a status list is at hand."""
    from academy.certificates.credentials import verify_file

    document = _load_json(file, "credential")
    status_list, note = None, None
    source = status_source or (None if offline else _named_status_list(document))
    if source and not (offline and source.startswith(("http://", "https://"))):
        try:
            status_list = _load_json(source, "status list")
        except click.ClickException as exc:
            note = f"skip status: {exc.message}"
    checks = verify_file(document, utcnow(), status_list, trusted_issuers=_trusted_issuers())
    for name, ok, detail in checks:
        click.echo(f"{'ok  ' if ok else 'FAIL'} {name}: {detail}")
    if note or status_list is None:
        click.echo(note or "skip status: no status list given (use --status-list FILE_OR_URL)")
    valid = all(ok for _, ok, _ in checks)
    click.echo("VALID" if valid else "INVALID")
    if not valid:
        sys.exit(1)


@keys_group.command("rotate")
def rotate_command() -> None:
    """Add a new signing key; older keys stay to verify what they signed."""
    from academy.certificates import keys, service

    folder = service.keys_dir(current_app)
    record = keys.rotate(folder)
    count = len(keys.load_keyring(folder).keys)
    click.echo(f"new signing key: {record.did}")
    click.echo(f"{count} key(s) in {folder}; the older ones still verify what they signed")


@keys_group.command("list")
def list_command() -> None:
    """List the signing keys, oldest first; the last one signs."""
    from academy.certificates import keys, service

    ring = keys.load_keyring(service.keys_dir(current_app))
    for record in ring.keys:
        mark = "signing" if record is ring.active else "verify only"
        click.echo(f"{record.created:%Y-%m-%d %H:%M} {mark:<11} {record.did}")
    if not ring.keys:
        click.echo("no signing key yet: run `academy init`")


def register(cli) -> None:
    """Add the certificate command groups to the `academy` group."""
    for group in (certificates, credentials_group, keys_group):
        cli.add_command(group)
