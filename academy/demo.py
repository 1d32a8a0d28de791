"""Idempotent demo data: communities, one user per role, progress, certificates, sessions, coverage, and a
trained-organisation rule with one awarded organisation and one that does not meet it."""

from __future__ import annotations

import importlib

from academy.accounts import service as accounts
from academy.extensions import db

DEMO_PASSWORD = "demo-password-1"  # noqa: S105 - printed on purpose: the demo's shared login

COMMUNITIES = [
    ("riverside", "Riverside Coalition", "us"),
    ("fraser-valley", "Fraser Valley Community Action Team", "ca-bc"),
]

DEMO_ZONES = {"riverside": "America/Chicago", "fraser-valley": "America/Vancouver"}

USERS = [
    # email, name, role, sector, subrole, community
    ("admin@demo.academy", "Ada Admin", "admin", None, None, "riverside"),
    ("coordinator@demo.academy", "Cora Coordinator", "coordinator", None, None, "riverside"),
    ("auditor@demo.academy", "Otto Auditor", "auditor", None, None, None),
    ("trainer@demo.academy", "Tess Trainer", "trainer", "faith-ngo", "ngo-staff", "riverside"),
    ("trainee@demo.academy", "Priya Patel", "trainee", "law-enforcement", "police", "riverside"),
]

# Domains that add demo data, in order; each module has populate(ctx) -> list[str].
DOMAIN_MODULES = ("academy.courses.demo", "academy.certificates.demo", "academy.sessions.demo",
                  "academy.coverage.demo", "academy.organisations.demo")


def populate() -> list[str]:
    """Create the demo data if missing and return the lines to print (logins, codes)."""
    communities = {slug: accounts.get_or_create_community(slug, name, jurisdiction)
                   for slug, name, jurisdiction in COMMUNITIES}
    for slug, zone in DEMO_ZONES.items():  # set once; an admin may change it later
        if communities[slug].timezone == "UTC":
            communities[slug].timezone = zone
    users = {}
    for email, name, role, sector, subrole, community in USERS:
        user = accounts.find_by_email(email)
        if user is None:
            user = accounts.create_user(email=email, name=name, password=DEMO_PASSWORD, role=role, sector=sector,
                                        subrole=subrole, community_id=communities[community].id if community else None)
        users[role] = user
    coordinator = users["coordinator"]
    for community in communities.values():
        if community not in coordinator.coordinated_communities:
            coordinator.coordinated_communities.append(community)
    db.session.commit()
    ctx = {"users": users, "communities": communities}
    lines = ["", f"Demo logins (password for all: {DEMO_PASSWORD}):"]
    lines += [f"  {role:<12} {user.email}" for role, user in users.items()]
    for name in DOMAIN_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        lines += module.populate(ctx)
        db.session.commit()
    lines += ["", "Open http://127.0.0.1:5000 and sign in with one of the logins above."]
    return lines
