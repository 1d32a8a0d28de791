"""What the coalition did: closed sessions per kind, and stakeholder meetings that brought two or more sectors
together (from the sectors of the people who attended), for a community and half-year. Two queries."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select

from academy.accounts.models import User
from academy.coverage.periods import Period
from academy.extensions import db
from academy.sessions.kinds import MEETING
from academy.sessions.models import Attendance, TrainingSession


@dataclass(frozen=True)
class KindCount:
    events: int = 0
    attendance: int = 0


def _held(community_id: int, period: Period):
    return (
        TrainingSession.community_id == community_id,
        TrainingSession.status == "closed",
        TrainingSession.starts_at >= period.start,
        TrainingSession.starts_at < period.end,
    )


def by_kind(community_id: int, period: Period) -> dict[str, KindCount]:
    """Return closed events that started in the period and their attendances, per kind."""
    query = (
        select(TrainingSession.kind, func.count(func.distinct(TrainingSession.id)), func.count(Attendance.id))
        .outerjoin(Attendance, Attendance.session_id == TrainingSession.id)
        .where(*_held(community_id, period))
        .group_by(TrainingSession.kind)
    )
    return {kind: KindCount(int(events), int(attendance)) for kind, events, attendance in db.session.execute(query)}


@dataclass(frozen=True)
class Meetings:
    held: int = 0
    cross_sector: int = 0  # attended by people of two or more stakeholder sectors


def meetings(community_id: int, period: Period) -> Meetings:
    """Count stakeholder meetings held, and those whose attendees came from two or more sectors.

    A walk-in without an account, or a person who gave no sector, adds no sector.
    """
    sectors = (
        select(TrainingSession.id, func.count(func.distinct(User.sector)).label("sectors"))
        .outerjoin(Attendance, Attendance.session_id == TrainingSession.id)
        .outerjoin(User, User.id == Attendance.user_id)
        .where(*_held(community_id, period), TrainingSession.kind == MEETING)
        .group_by(TrainingSession.id)
        .subquery()
    )
    held, cross = db.session.execute(
        select(func.count(), func.coalesce(func.sum(case((sectors.c.sectors >= 2, 1), else_=0)), 0)).select_from(
            sectors
        )
    ).one()
    return Meetings(int(held), int(cross))
