"""Fixtures for the coverage tests: certificates inserted directly, with the snapshot the test needs."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pytest

from academy.extensions import db


def at(year: int, month: int, day: int, *rest: int) -> datetime:
    """A UTC moment, shortly."""
    return datetime(year, month, day, *rest, tzinfo=UTC)


@pytest.fixture(name="cert")
def cert_fixture(app):
    """Return a function that inserts (and commits) one certificate row and returns it."""
    from academy.certificates.models import Certificate

    counter = itertools.count(1)

    def _cert(
        user=None,
        *,
        issued: datetime,
        sector: str = "law-enforcement",
        subrole: str | None = "police",
        community=None,
        expires: datetime | None = None,
        revoked: datetime | None = None,
        via: str = "self-paced",
        superseded_by=None,
        course: str | None = None,
    ):
        n = next(counter)
        certificate = Certificate(
            code=f"T{n:016d}",
            user_id=getattr(user, "id", None),
            holder_name=getattr(user, "name", ""),
            course_slug=course or ("basics" if sector == "foundation" else "policing"),
            course_title="A course",
            sector=sector,
            subrole=subrole,
            community_id=getattr(community, "id", None),
            version="v1",
            hours=1.5,
            earned_via=via,
            issued_at=issued,
            expires_at=expires,
            revoked_at=revoked,
            superseded_by_id=getattr(superseded_by, "id", None),
            status_index=n,
        )
        db.session.add(certificate)
        db.session.commit()
        return certificate

    return _cert


@pytest.fixture(name="person")
def person_fixture(app):
    """Return a function that inserts a trainee without a password (hashing one is slow), committed."""
    from academy.accounts.models import User

    counter = itertools.count(1)

    def _person(community=None, sector: str = "law-enforcement", subrole: str | None = "police"):
        n = next(counter)
        user = User(
            email=f"person{n}@example.org",
            name=f"Person {n}",
            role="trainee",
            sector=sector,
            subrole=subrole,
            community_id=getattr(community, "id", None),
        )
        db.session.add(user)
        db.session.commit()
        return user

    return _person


@pytest.fixture(name="town")
def town_fixture(make_community):
    """Two communities: a (the one under test) and b (another coalition's)."""
    return {"a": make_community("town-a", "Town A"), "b": make_community("town-b", "Town B")}


@pytest.fixture(name="figures")
def figures_fixture(app):
    """Return a function computing the dashboard of a community for a period such as '2026H1'."""
    from academy.courses.catalog import curriculum
    from academy.coverage import periods, service

    def _figures(community, period: str = "2026H1"):
        courses = {slug: c.sector for slug, c in curriculum().courses.items()}
        return service.dashboard(community.id, periods.parse(period), curriculum().sectors.values(), courses)

    return _figures


def row(dashboard, sector: str, subrole: str = ""):
    """Return the dashboard row of a sector or one of its sub-roles."""
    found = next(r for r in dashboard.rows if r.sector == sector)
    return found if not subrole else next(s for s in found.subroles if s.subrole == subrole)


def fresh_get(app, path: str, headers: dict | None = None):
    """GET with a new client, as a new visitor would.

    The test's app context is shared by every request, and Flask-Login keeps the loaded user in `g`; forget it
    before and after, so neither an earlier sign-in nor this request leaks into the next one.
    """
    from flask import g

    g.pop("_login_user", None)
    try:
        return app.test_client().get(path, headers=headers or {})
    finally:
        g.pop("_login_user", None)
