"""Fixtures for the certificate tests: courses from the test curriculum and a certificate factory."""

from __future__ import annotations

import dataclasses
from datetime import datetime

import pytest

from academy.extensions import db


@pytest.fixture
def course(app):
    """Return a function giving a test course by slug, optionally with changed fields."""
    from academy.courses.catalog import get_course

    def _course(slug: str = "basics", **changes):
        found = get_course(slug)
        assert found is not None, slug
        return dataclasses.replace(found, **changes) if changes else found

    return _course


@pytest.fixture
def issue(app, make_user, course):
    """Return a function that issues (and commits) a certificate, making a trainee when no user is given."""
    from academy.certificates import service

    def _issue(
        user=None,
        slug: str = "basics",
        *,
        via: str = "self-paced",
        now: datetime | None = None,
        **course_changes,
    ):
        user = user or make_user("trainee", name="Priya Patel")
        certificate = service.issue_certificate(user, course(slug, **course_changes), via=via, now=now)
        db.session.commit()
        return certificate

    return _issue


@pytest.fixture
def signing_key(app):
    """Create the instance's signing key, as `academy init` does."""
    from academy.certificates import service

    service.init_keys(app)
    return service.keys_dir(app)
