"""Who may see which community's coverage, and reading the community and period a request asks for."""

from __future__ import annotations

from flask import abort
from sqlalchemy import select

from academy.accounts.models import Community
from academy.accounts.permissions import can_view_community, community_ids
from academy.courses.catalog import curriculum
from academy.coverage import periods
from academy.coverage.periods import Period
from academy.database import utcnow
from academy.extensions import db

VIEWERS = ("coordinator", "auditor", "admin")


def visible_communities(user) -> list[Community]:
    """Return the communities whose figures the user may see, by name."""
    allowed = community_ids(user)
    query = select(Community).order_by(Community.name)
    if allowed is not None:
        query = query.where(Community.id.in_(allowed))
    return list(db.session.scalars(query))


def own_first(user, communities: list[Community]) -> list[Community]:
    """Put the user's own community first, so pages open on it rather than on the first by name."""
    own = [c for c in communities if c.id == getattr(user, "community_id", None)]
    return own + [c for c in communities if c not in own]


def load_community(user, slug: str | None, default: list[Community]) -> Community | None:
    """Return the community asked for (404 unknown, 403 not the user's), or the first visible one."""
    if not slug:
        default = own_first(user, default)
        return default[0] if default else None
    community = db.session.scalar(select(Community).where(Community.slug == slug))
    if community is None:
        abort(404, f"There is no community {slug!r}.")
    if not can_view_community(user, community.id):
        abort(403, "You can see the coverage of your own communities only.")
    return community


def current_period() -> Period:
    return periods.containing(utcnow())


def read_period(text: str | None) -> Period:
    """Return the period asked for, the current one when none is given; 400 when it cannot be read."""
    if not text:
        return current_period()
    try:
        return periods.parse(text)
    except ValueError as exc:
        abort(400, str(exc))


def period_choices(selected: Period, before: int = 7, after: int = 0) -> list[Period]:
    """Return half-years around the current one, newest first, always including the selected one."""
    now = current_period()
    choices = {now.next(step) for step in range(-before, after + 1)} | {selected}
    return sorted(choices, reverse=True)


def course_sectors() -> dict[str, str]:
    """Map every course slug to its sector, for counting sessions by sector."""
    return {slug: course.sector for slug, course in curriculum().courses.items()}
