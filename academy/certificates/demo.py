"""Demo certificates in every status (valid, expired, revoked, superseded) to try verification at once."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from academy.certificates import codes, service
from academy.certificates.models import Certificate
from academy.courses.catalog import curriculum
from academy.database import utcnow
from academy.extensions import db

STATUSES = ("valid", "expired", "revoked", "superseded")


def _course(slug: str):
    """Return a course of the loaded curriculum, preferring the slug given."""
    courses = curriculum().courses
    return courses.get(slug) or next(iter(courses.values()))


def _other_course(sector: str | None, besides: str):
    """Return the course of a sector, or any course other than the one given."""
    courses = curriculum().courses
    if sector in courses and sector != besides:
        return courses[sector]
    return next((c for c in courses.values() if c.slug != besides), _course(besides))


def _by_status(users) -> dict[str, Certificate]:
    """Return one certificate of each status held by the demo users."""
    ids = [user.id for user in users]
    now, found = utcnow(), {}
    for cert in db.session.scalars(
        select(Certificate).where(Certificate.user_id.in_(ids)).order_by(Certificate.id)
    ):
        found.setdefault(cert.status(now), cert)
    return found


def _has(user, slug: str) -> bool:
    query = select(Certificate.id).where(Certificate.user_id == user.id, Certificate.course_slug == slug)
    return db.session.scalar(query.limit(1)) is not None


def _fill(users: dict, present: dict) -> None:
    """Issue (and revoke) what is missing, each step only when its status is absent."""
    now = utcnow()
    trainee, trainer, admin = users["trainee"], users["trainer"], users["admin"]
    foundation = _course("foundation")
    if "superseded" not in present:
        if not _has(trainee, foundation.slug):
            service.issue_certificate(trainee, foundation, via="self-paced", now=now - timedelta(days=800))
        service.issue_certificate(trainee, foundation, via="self-paced", now=now - timedelta(days=20))
    elif "valid" not in present:
        service.issue_certificate(trainee, foundation, via="self-paced", now=now - timedelta(days=10))
    if "expired" not in present:
        months = (foundation.validity_months or 36) + 2
        service.issue_certificate(trainer, foundation, via="in-person", now=now - timedelta(days=31 * months))
    if "revoked" not in present:
        cert = service.issue_certificate(
            trainer,
            _other_course(trainer.sector, foundation.slug),
            via="self-paced",
            now=now - timedelta(days=60),
        )
        service.revoke_certificate(cert, admin, "Demo: issued to the wrong account by mistake.")


def populate(ctx: dict) -> list[str]:
    """Make sure demo certificates of every status exist; return lines printing one code of each."""
    users = ctx["users"]
    present = _by_status(users.values())
    if any(status not in present for status in STATUSES):
        _fill(users, present)
        db.session.flush()
        present = _by_status(users.values())
    base = current_app.config["ACADEMY_PUBLIC_URL"]
    lines = ["", "Demo certificates (try them at /verify):"]
    for status in STATUSES:
        if status in present:
            code = codes.group(present[status].code)
            lines.append(f"  {status:<11} {code}  {base}/verify/{code}")
    return lines
