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


EXIT_INVALID = 1  # a proof fails, the credential expired or was revoked, or the file cannot be read
EXIT_UNTRUSTED = 3  # the signature is valid but the signer is not a trusted issuer
EXIT_STATUS_UNKNOWN = 4  # everything else holds, but whether it was revoked could not be read


def _named_status_list(credential: dict) -> str | None:
    """Return the status list URL a credential names, if any."""
    status = credential.get("credentialStatus") if isinstance(credential, dict) else None
    for entry in status if isinstance(status, list) else [status]:
        if isinstance(entry, dict) and isinstance(entry.get("statusListCredential"), str):
            return entry["statusListCredential"]
    return None


def _trusted_issuers(issuers: tuple[str, ...]) -> set[str]:
    """Return the DIDs given with --issuer, or else those of this instance's keys (old and new)."""
    from academy.certificates import keys, service

    return set(issuers) or set(keys.load_keyring(service.keys_dir(current_app)).dids)


def _local_status_list(url: str | None) -> dict | None:
    """Return one of this instance's own status lists, built from its database, when the URL names one."""
    from academy.certificates import publish, statuslist

    list_id = statuslist.list_id_of(current_app.config["ACADEMY_PUBLIC_URL"], url)
    if list_id is None or not publish.status_list_exists(list_id):
        return None
    return publish.status_list_credential(current_app, list_id)


def _status_list(document: dict, source: str | None, offline: bool) -> tuple[dict | None, str]:
    """Find the status list to check against; return it (or None) and where it came from (or why not)."""
    named = _named_status_list(document)
    if source is None and (local := _local_status_list(named)) is not None:
        return local, "this instance's database"
    source = source or named
    if source is None:
        return None, "the credential names no status list"
    if offline and source.startswith(("http://", "https://")):
        return None, f"offline: {source} was not fetched"
    try:
        return _load_json(source, "status list"), source
    except click.ClickException as exc:
        return None, exc.message


@credentials_group.command("verify")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--status-list",
    "status_source",
    metavar="FILE_OR_URL",
    help="The status list credential to check revocation against (default: this instance's own list, or "
    "fetch the one named).",
)
@click.option("--offline", is_flag=True, help="Never fetch anything over the network.")
@click.option(
    "--issuer",
    "issuers",
    multiple=True,
    metavar="DID",
    help="Trust this issuer DID instead of this instance's keys (repeatable).",
)
def verify_command(file: str, status_source: str | None, offline: bool, issuers: tuple[str, ...]) -> None:
    """Check a credential: both proofs (eddsa-rdfc-2022, eddsa-jcs-2022), issuer, dates, revocation.

    Exit status: 0 VALID; 1 INVALID; 3 signature valid, issuer not trusted; 4 status unknown.
    """
    from academy.certificates.credentials import INVALID, STATUS_UNKNOWN, UNTRUSTED, verdict, verify_file

    document = _load_json(file, "credential")
    status_list, origin = _status_list(document, status_source, offline)
    checks = verify_file(
        document,
        utcnow(),
        status_list,
        trusted_issuers=_trusted_issuers(issuers),
        status_unread=f"status unknown: {origin}",
    )
    for name, ok, detail in checks:
        mark = {True: "ok  ", False: "FAIL", None: "??  "}[ok]
        click.echo(f"{mark} {name}: {detail}")
    if status_list is not None:
        click.echo(f"     status list read from {origin}")
    result = verdict(checks)
    click.echo(result)
    codes = {INVALID: EXIT_INVALID, UNTRUSTED: EXIT_UNTRUSTED, STATUS_UNKNOWN: EXIT_STATUS_UNKNOWN}
    if result in codes:
        sys.exit(codes[result])


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
