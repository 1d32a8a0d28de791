"""Coverage figures for a community and period: people counted by SQL aggregation (see rollup.py for the
definitions), targets, and sessions held. A dashboard costs three queries, never a loop over people.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy import func, select

from academy.coverage.figures import Activity, Counts, Dashboard, build, trend_window
from academy.coverage.models import Target
from academy.coverage.periods import Period
from academy.coverage.rollup import rollup
from academy.curriculum.model import Sector
from academy.extensions import db
from academy.sessions.models import Attendance, TrainingSession

COMMUNITY_LEVELS = (("subrole", ("sector", "subrole")), ("sector", ("sector",)), ("any", ()))
COMPARISON_LEVELS = (("sector", ("community_id", "sector")), ("any", ("community_id",)))


def shared_sectors(sectors: Iterable[Sector]) -> list[str]:
    """The shared tracks (the foundation), which count for no sector."""
    return [s.id for s in sectors if s.shared]


def certificate_counts(community_id: int, period: Period, sectors: Iterable[Sector]):
    """Return counts by sector, by sector and sub-role, and for any sector, over the trend window."""
    ends = [p.end for p in trend_window(period)]
    found = rollup(COMMUNITY_LEVELS, period, ends, shared_sectors(sectors), community=community_id)
    by_sector = {key[0]: counts for key, counts in found["sector"].items()}
    total = found["any"].get((), Counts(history=(0,) * len(ends)))
    return by_sector, found["subrole"], total


def session_activity(community_id: int, period: Period, course_sectors: Mapping[str, str]) -> dict:
    """Return closed sessions that started in the period, and their attendances, per course sector."""
    query = (
        select(
            TrainingSession.course_slug,
            func.count(func.distinct(TrainingSession.id)),
            func.count(Attendance.id),
        )
        .outerjoin(Attendance, Attendance.session_id == TrainingSession.id)
        .where(
            TrainingSession.community_id == community_id,
            TrainingSession.status == "closed",
            TrainingSession.starts_at >= period.start,
            TrainingSession.starts_at < period.end,
        )
        .group_by(TrainingSession.course_slug)
    )
    found: dict[str | None, Activity] = {}
    for slug, sessions, attendance in db.session.execute(query):
        sector = course_sectors.get(slug)
        before = found.get(sector, Activity())
        found[sector] = Activity(before.sessions + sessions, before.attendance + attendance)
    return found


def targets_for(community_id: int, period: Period) -> dict[tuple[str, str], int]:
    """Return the community's targets for a period, keyed by (sector, sub-role or "")."""
    query = select(Target.sector, Target.subrole, Target.headcount).where(
        Target.community_id == community_id, Target.period == str(period)
    )
    return {(sector, subrole or ""): headcount for sector, subrole, headcount in db.session.execute(query)}


def dashboard(
    community_id: int, period: Period, sectors: Iterable[Sector], course_sectors: Mapping[str, str]
) -> Dashboard:
    """Compute a community's coverage for a period: figures, targets, sessions, trend and projections."""
    sectors = list(sectors)
    by_sector, by_subrole, total = certificate_counts(community_id, period, sectors)
    return build(
        period,
        sectors,
        by_sector=by_sector,
        by_subrole=by_subrole,
        total=total,
        targets=targets_for(community_id, period),
        activity=session_activity(community_id, period, course_sectors),
    )


def comparison(period: Period, sectors: Iterable[Sector], community_ids: Iterable[int] | None = None) -> dict:
    """Return people trained at the period's end per community and sector, and in any sector, with targets."""
    some = list(community_ids) if community_ids is not None else None
    found = rollup(COMPARISON_LEVELS, period, [period.end], shared_sectors(sectors), communities=some)
    query = select(Target.community_id, Target.sector, Target.headcount).where(
        Target.period == str(period), Target.subrole == ""
    )
    targets = {(community, sector): headcount for community, sector, headcount in db.session.execute(query)}
    totals = {key[0]: counts for key, counts in found["any"].items()}
    return {"trained": found["sector"], "totals": totals, "targets": targets}


def copy_targets(community_id: int, period: Period) -> int:
    """Copy a half-year's targets to the next one where the next has none yet; return how many were copied."""
    following = period.next()
    have = targets_for(community_id, following)
    copied = {key: n for key, n in targets_for(community_id, period).items() if key not in have}
    return save_targets(community_id, following, copied) if copied else 0


def save_targets(community_id: int, period: Period, values: Mapping[tuple[str, str], int | None]) -> int:
    """Set, change or clear (None) targets for a community and period; return how many changed."""
    existing = {
        (t.sector, t.subrole or ""): t
        for t in db.session.scalars(
            select(Target).where(Target.community_id == community_id, Target.period == str(period))
        )
    }
    changed = 0
    for (sector, subrole), headcount in values.items():
        target = existing.get((sector, subrole))
        if headcount is None:
            if target is not None:
                db.session.delete(target)
                changed += 1
        elif target is None:
            db.session.add(
                Target(
                    community_id=community_id,
                    sector=sector,
                    subrole=subrole,
                    period=str(period),
                    headcount=headcount,
                )
            )
            changed += 1
        elif target.headcount != headcount:
            target.headcount = headcount
            changed += 1
    db.session.flush()
    return changed
