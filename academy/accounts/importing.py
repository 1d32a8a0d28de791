"""Bulk import of people from CSV: read and check every row first (the preview), then create or update them.

Columns (a header row, any order, case-insensitive): name, email, role, community, organisation, sector,
sub-role. Only name and email are required. Existing emails are updated, never duplicated; new people get an
invitation to set their password. Files may be UTF-8 (with or without a byte-order mark), UTF-16 with a BOM,
or Windows-1252, with any line endings.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy import insert, select

from academy import csvfile
from academy.accounts import signin
from academy.accounts.models import ROLES, Community, User
from academy.accounts.people import PeopleError, record
from academy.curriculum.model import Sector
from academy.extensions import db
from academy.organisations.models import Organisation

COLUMNS = ("name", "email", "role", "community", "organisation", "sector", "sub-role")
ALIASES = {"subrole": "sub-role", "sub_role": "sub-role", "organization": "organisation", "e-mail": "email"}
EMAIL = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>.]+$")
MAX_ROWS = 50_000
CHUNK = 500


@dataclass
class Row:
    line: int  # the row's number in the file, the header being row 1
    name: str = ""
    email: str = ""
    role: str = "trainee"
    community: str = ""
    organisation: str = ""
    sector: str = ""
    subrole: str = ""
    errors: list[str] = field(default_factory=list)
    exists: bool = False  # an account already uses the email: it will be updated


@dataclass
class Preview:
    rows: list[Row]
    problems: list[str] = field(default_factory=list)  # about the file as a whole

    @property
    def good(self) -> list[Row]:
        return [r for r in self.rows if not r.errors]

    @property
    def bad(self) -> list[Row]:
        return [r for r in self.rows if r.errors]


@dataclass
class Outcome:
    created: int = 0
    invited: list[User] = field(default_factory=list)
    updated: int = 0
    skipped: list[Row] = field(default_factory=list)


def decode(data: bytes) -> str:
    """Text of an uploaded file, whatever spreadsheet saved it (`csvfile.read_text`); bytes that are not text
    come back as U+FFFD, so every line is still reported. Views that can say "this is not a CSV" next to the
    field call `csvfile.read_text` and catch `csvfile.NotText`."""
    return csvfile.read_text(data, lossy=True)


def _header(cells: list[str]) -> list[str]:
    names = [c.strip().lower().replace(" ", "-") for c in cells]
    return [ALIASES.get(n, n) for n in names]


def read(text: str, *, sectors: dict[str, Sector]) -> Preview:
    """Parse and check every row; nothing is written."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = _header(next(reader))
    except StopIteration:
        return Preview([], ["The file is empty."])
    except csv.Error as exc:
        return Preview([], [f"This is not a CSV file we can read ({exc})."])
    missing = [c for c in ("name", "email") if c not in header]
    if missing:
        return Preview([], [f"The first row must name the columns; missing: {', '.join(missing)}."])
    rows: list[Row] = []
    try:
        for number, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue
            if len(rows) >= MAX_ROWS:
                return Preview(rows, [f"Import at most {MAX_ROWS} rows at a time."])
            values = {name: (cells[i].strip() if i < len(cells) else "") for i, name in enumerate(header)}
            rows.append(Row(line=number, name=values.get("name", ""), email=values.get("email", "").lower(),
                            role=values.get("role", "").lower() or "trainee",
                            community=values.get("community", ""), organisation=values.get("organisation", ""),
                            sector=values.get("sector", "").lower(), subrole=values.get("sub-role", "").lower()))
    except csv.Error as exc:
        return Preview(rows, [f"The file could not be read past row {len(rows) + 1} ({exc})."])
    _check(rows, sectors)
    return Preview(rows)


def _communities() -> dict[str, Community]:
    found = {}
    for community in db.session.scalars(select(Community)):
        found[community.slug.lower()] = community
        found[community.name.lower()] = community
    return found


def _existing(emails: Iterable[str]) -> dict[str, User]:
    emails, found = list(emails), {}
    for start in range(0, len(emails), CHUNK):
        for user in db.session.scalars(select(User).where(User.email.in_(emails[start:start + CHUNK]))):
            found[user.email] = user
    return found


def _check(rows: list[Row], sectors: dict[str, Sector]) -> None:
    communities, seen = _communities(), {}
    for row in rows:
        if not row.name:
            row.errors.append("The name is missing.")
        elif len(row.name) > 200:
            row.errors.append("The name is longer than 200 characters.")
        if not EMAIL.match(row.email) or len(row.email) > 254:
            row.errors.append(f"“{row.email[:60]}” is not an email address." if row.email else
                              "The email is missing.")
        elif row.email in seen:
            row.errors.append(f"The same email is on row {seen[row.email]}.")
        else:
            seen[row.email] = row.line
        if row.role not in ROLES:
            row.errors.append(f"Unknown role “{row.role[:30]}”; use one of {', '.join(ROLES)}.")
        if row.community and row.community.lower() not in communities:
            row.errors.append(f"No community is called “{row.community[:60]}”.")
        if row.organisation and not row.community:
            row.errors.append("Name the community the organisation belongs to.")
        if len(row.organisation) > 200:
            row.errors.append("The organisation's name is longer than 200 characters.")
        sector = sectors.get(row.sector) if row.sector else None
        if row.sector and sector is None:
            row.errors.append(f"Unknown sector “{row.sector[:40]}”.")
        elif row.subrole and (sector is None or row.subrole not in {r.id for r in sector.subroles}):
            row.errors.append(f"Unknown sub-role “{row.subrole[:40]}” for this sector.")
    existing = _existing(r.email for r in rows if not r.errors)
    for row in rows:
        user = existing.get(row.email)
        row.exists = user is not None
        if user is not None and user.deleted_at is not None:
            row.errors.append("This email belonged to a deleted account.")


def apply(preview: Preview, *, actor: User | None, invite: Callable[[User], None] | None = None) -> Outcome:
    """Create or update the people of every good row; `invite(user)` is called for each new account."""
    outcome, communities = Outcome(), _communities()
    organisations = {(o.community_id, o.name.lower()): o for o in db.session.scalars(select(Organisation))}
    good = preview.good
    existing = _existing(r.email for r in good)
    new: list[dict] = []
    coordinators: list[tuple[str, Community]] = []
    for row in good:
        community = communities.get(row.community.lower()) if row.community else None
        organisation = None
        if row.organisation and community is not None:
            key = (community.id, row.organisation.lower())
            organisation = organisations.get(key)
            if organisation is None:
                organisation = Organisation(community_id=community.id, name=row.organisation, sector=row.sector or None)
                db.session.add(organisation)
                db.session.flush()
                organisations[key] = organisation
        user = existing.get(row.email)
        if user is None:
            new.append({"email": row.email, "name": row.name, "role": row.role,
                        "community_id": community.id if community else None,
                        "organisation_id": organisation.id if organisation else None,
                        "sector": row.sector or None, "subrole": (row.subrole or None) if row.sector else None})
            if row.role == "coordinator" and community is not None:
                coordinators.append((row.email, community))
            continue
        if user.role != row.role:
            if user.role == "admin":
                row.errors.append("An admin's role is changed on their own page, not by import.")
                outcome.skipped.append(row)
                continue
            user.role = row.role
            signin.end_all(user)
        user.name = row.name
        outcome.updated += 1
        if community is not None:
            user.community = community
            if row.role == "coordinator" and community not in user.coordinated_communities:
                user.coordinated_communities.append(community)
        if organisation is not None:
            user.organisation_id = organisation.id
        if row.sector:
            user.sector, user.subrole = row.sector, row.subrole or None
    if new:  # one multi-row INSERT: the ORM unit of work costs about a millisecond a person
        db.session.execute(insert(User), new)
        outcome.created = len(new)
        # load the new accounts back only when they are needed: to invite them, or to link coordinators
        wanted = [r["email"] for r in new] if invite is not None else [email for email, _ in coordinators]
        created = _existing(wanted)
        for email, community in coordinators:
            created[email].coordinated_communities.append(community)
        if invite is not None:
            outcome.invited = [created[email] for email in wanted]
    db.session.flush()
    for user in outcome.invited:
        invite(user)
    record(actor, "user.imported", "import", "-", created=outcome.created, updated=outcome.updated,
           skipped=len(outcome.skipped) + len(preview.bad))
    db.session.flush()
    return outcome


__all__ = ["COLUMNS", "Outcome", "PeopleError", "Preview", "Row", "apply", "decode", "read"]
