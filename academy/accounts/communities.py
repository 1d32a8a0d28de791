"""Communities as an admin keeps them: name, slug, time zone, jurisdiction, logo and certificate signatory."""

from __future__ import annotations

import re
import secrets
from pathlib import Path

from sqlalchemy import select

from academy import timezones
from academy.accounts.models import Community, User
from academy.accounts.people import PeopleError, record
from academy.extensions import db

# Which hotlines and services the resource directory shows (academy/courses resources): value -> label.
JURISDICTIONS = {"us": "United States", "ca": "Canada", "ca-bc": "Canada, British Columbia"}
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
LOGO_TYPES = {b"\x89PNG\r\n\x1a\n": ".png", b"\xff\xd8\xff": ".jpg"}
MAX_LOGO_BYTES = 1_000_000
LOGO_FOLDER = "logos"


def logo_path(instance_path: str, community: Community) -> Path | None:
    """Where a community's logo lives under the instance path, or None when it has none."""
    if not community.logo_filename:
        return None
    path = Path(instance_path) / LOGO_FOLDER / community.logo_filename
    return path if path.is_file() else None


def store_logo(instance_path: str, data: bytes) -> str:
    """Keep an uploaded PNG or JPEG under the instance path; return its file name. Raise PeopleError if not one."""
    if len(data) > MAX_LOGO_BYTES:
        raise PeopleError("The logo must be smaller than 1 MB.")
    suffix = next((s for magic, s in LOGO_TYPES.items() if data.startswith(magic)), None)
    if suffix is None:
        raise PeopleError("The logo must be a PNG or JPEG image.")
    folder = Path(instance_path) / LOGO_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    name = secrets.token_hex(8) + suffix
    (folder / name).write_bytes(data)
    return name


def save_community(community: Community | None, *, actor: User | None, slug: str, name: str, timezone: str,
                   jurisdiction: str, signatory_name: str | None = None, signatory_title: str | None = None,
                   logo_filename: str | None = None) -> Community:
    """Create or update a community; raise PeopleError on a taken slug, an unknown zone or jurisdiction."""
    slug = (slug or "").strip().lower()
    if not SLUG.match(slug):
        raise PeopleError("Use lower-case letters, digits and hyphens for the short name.")
    taken = db.session.scalar(select(Community).where(Community.slug == slug))
    if taken is not None and taken is not community:
        raise PeopleError("Another community already uses this short name.")
    if not timezones.is_valid(timezone):
        raise PeopleError("Choose a time zone from the list.")
    if jurisdiction not in JURISDICTIONS:
        raise PeopleError("Choose a country or province from the list.")
    created = community is None
    if created:
        community = Community(slug=slug, name=name.strip())
        db.session.add(community)
    community.slug, community.name, community.timezone, community.jurisdiction = slug, name.strip(), timezone, \
        jurisdiction
    community.signatory_name = (signatory_name or "").strip() or None
    community.signatory_title = (signatory_title or "").strip() or None
    if logo_filename:
        community.logo_filename = logo_filename
    db.session.flush()
    record(actor, "community.created" if created else "community.changed", "community", community.id,
           slug=slug, timezone=timezone)
    return community


def all_communities() -> list[Community]:
    return list(db.session.scalars(select(Community).order_by(Community.name)))
