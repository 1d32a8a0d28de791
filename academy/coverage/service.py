"""Coverage figures by SQL aggregation: a handful of GROUP BY queries per dashboard, never a loop over people.

Definitions (the page says the same in words):
- A person is counted once per group, by their account; a certificate whose account was deleted (user_id set
  to NULL) stands for a person of its own.
- Trained at the end of a period: holds a certificate of the sector's track, not revoked (whenever revoked),
  issued before the period's end and not expired at that moment (expires_at after the end; expiring exactly at
  the end is not valid). A superseded certificate still counts: superseding only means a renewal exists.
- Lapsed: not trained at the end, but held a certificate of the sector that had expired by then.
- Newly trained: their first (non-revoked) certificate of the sector was issued within the period.
- In person: trained, with a valid certificate earned at a session; self-paced: the other trained people.
- Sector, sub-role and community are the certificate's snapshot at issue.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from sqlalchemy import and_, case, func, literal_column, null, or_, select, union_all
from sqlalchemy.sql.elements import ColumnElement

from academy.certificates.models import Certificate
from academy.coverage.figures import Activity, Counts, Dashboard, build, trend_window
from academy.coverage.models import Target
from academy.coverage.periods import Period
from academy.curriculum.model import Sector
from academy.extensions import db
from academy.sessions.models import Attendance, TrainingSession

IN_PERSON = "in-person"


def holder() -> ColumnElement:
    """One key per person: the account, or the certificate itself once the account is deleted.

    Account ids are positive, so the negated certificate id of an orphaned certificate never collides.
    """
    return func.coalesce(Certificate.user_id, -Certificate.id)


def valid_at(moment: datetime) -> ColumnElement:
    """A (non-revoked) certificate that is valid at the moment: issued before it and not yet expired."""
    return and_(
        Certificate.issued_at < moment, or_(Certificate.expires_at.is_(None), Certificate.expires_at > moment)
    )


def _flag(condition: ColumnElement, name: str):
    return func.max(case((condition, 1), else_=0)).label(name)


def _flag_names(ends: int) -> list[str]:
    return [f"t{i}" for i in range(ends)] + ["in_person", "expired"]


def _people(keys: Sequence[str], where: Sequence[ColumnElement], period: Period, ends: Sequence[datetime]):
    """Per person and group: trained at each end, in person, expired by the end, first issue date."""
    group = [getattr(Certificate, key) for key in keys]
    columns = [
        *group,
        holder().label("holder"),
        *(_flag(valid_at(end), f"t{i}") for i, end in enumerate(ends)),
        _flag(and_(valid_at(period.end), Certificate.earned_via == IN_PERSON), "in_person"),
        _flag(Certificate.expires_at <= period.end, "expired"),
        func.min(Certificate.issued_at).label("first_issued"),
    ]
    query = select(*columns).where(
        Certificate.revoked_at.is_(None), Certificate.issued_at < period.end, *where
    )
    # PostgreSQL computes a CTE used several times once; SQLite recomputes it per UNION arm (as cheap as
    # separate queries, one round trip instead of three).
    return query.group_by(*group, holder()).cte("people").prefix_with("MATERIALIZED")


def _merge(people, keys: Sequence[str], ends: int):
    """Regroup people by fewer keys: a flag set in any group stays set, the first issue is the earliest."""
    columns = [people.c[key] for key in keys]
    flags = [func.max(people.c[name]).label(name) for name in _flag_names(ends)]
    merged = select(*columns, people.c.holder, *flags, func.min(people.c.first_issued).label("first_issued"))
    return merged.group_by(*columns, people.c.holder).subquery()


def _sums(source, level: str, keys: Sequence[str], all_keys: Sequence[str], period: Period, ends: int):
    """Count the people of each group: trained at each end, newly trained, lapsed, in person."""
    last = source.c[f"t{ends - 1}"]
    columns = [source.c[key] if key in keys else null().label(key) for key in all_keys]
    sums = [func.sum(source.c[f"t{i}"]) for i in range(ends)]
    newly = func.sum(case((source.c.first_issued >= period.start, 1), else_=0))
    lapsed = func.sum(case((and_(source.c.expired == 1, last == 0), 1), else_=0))
    return select(
        literal_column(f"'{level}'").label("level"),
        *columns,
        *sums,
        newly,
        lapsed,
        func.sum(source.c.in_person),
    ).group_by(*[source.c[key] for key in keys])


def rollup(
    levels: Mapping[str, Sequence[str]],
    where: Sequence[ColumnElement],
    period: Period,
    ends: Sequence[datetime],
) -> dict[str, dict[tuple, Counts]]:
    """Count distinct people at several groupings in one statement, e.g. {"sector": ["sector"], "any": []}.

    The first level is the finest: every other level groups by some of its columns. A person in two groups of
    the finest level (police, then prosecutor) is one person at a coarser level (law enforcement).
    """
    all_keys = list(next(iter(levels.values())))
    people = _people(all_keys, where, period, ends)
    parts = [
        _sums(
            people if list(keys) == all_keys else _merge(people, keys, len(ends)),
            name,
            keys,
            all_keys,
            period,
            len(ends),
        )
        for name, keys in levels.items()
    ]
    found: dict[str, dict[tuple, Counts]] = {name: {} for name in levels}
    for row in db.session.execute(union_all(*parts)):
        key = tuple(row[1 + all_keys.index(k)] for k in levels[row[0]])
        found[row[0]][key] = _counts(row[1 + len(all_keys) :], len(ends))
    return found


def _counts(values: Sequence, ends: int) -> Counts:
    history = tuple(int(value or 0) for value in values[:ends])
    newly, lapsed, in_person = (int(value or 0) for value in values[ends:])
    return Counts(trained=history[-1], newly=newly, lapsed=lapsed, in_person=in_person, history=history)


def counted(sectors: Iterable[Sector]) -> ColumnElement:
    """Leave out certificates of shared tracks (the foundation), which count for no sector."""
    shared = [s.id for s in sectors if s.shared]
    return Certificate.sector.not_in(shared) if shared else Certificate.sector.is_not(None)


def certificate_counts(community_id: int, period: Period, sectors: Iterable[Sector]):
    """Return counts by sector, by sector and sub-role, and for any sector, over the trend window."""
    where = [Certificate.community_id == community_id, counted(list(sectors))]
    ends = [p.end for p in trend_window(period)]
    found = rollup({"subrole": ["sector", "subrole"], "sector": ["sector"], "any": []}, where, period, ends)
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
    where = [counted(list(sectors)), Certificate.community_id.is_not(None)]
    if community_ids is not None:
        where.append(Certificate.community_id.in_(list(community_ids)))
    found = rollup(
        {"sector": ["community_id", "sector"], "any": ["community_id"]}, where, period, [period.end]
    )
    query = select(Target.community_id, Target.sector, Target.headcount).where(
        Target.period == str(period), Target.subrole == ""
    )
    targets = {(community, sector): headcount for community, sector, headcount in db.session.execute(query)}
    totals = {key[0]: counts for key, counts in found["any"].items()}
    return {"trained": found["sector"], "totals": totals, "targets": targets}


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
