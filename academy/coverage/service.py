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

from sqlalchemy import and_, case, func, or_, select
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
    return and_(Certificate.issued_at < moment,
                or_(Certificate.expires_at.is_(None), Certificate.expires_at > moment))


def _flag(condition: ColumnElement, name: str):
    return func.max(case((condition, 1), else_=0)).label(name)


def _people(group: Sequence[ColumnElement], where: Sequence[ColumnElement], period: Period,
            ends: Sequence[datetime]):
    """Per person and group: trained at each end, in person, expired by the end, first issue date."""
    columns = [*group, holder().label("holder"),
               *(_flag(valid_at(end), f"t{i}") for i, end in enumerate(ends)),
               _flag(and_(valid_at(period.end), Certificate.earned_via == IN_PERSON), "in_person"),
               _flag(Certificate.expires_at <= period.end, "expired"),
               func.min(Certificate.issued_at).label("first_issued")]
    query = select(*columns).where(Certificate.revoked_at.is_(None), Certificate.issued_at < period.end, *where)
    return query.group_by(*group, holder()).subquery()


def _grouped(group: Sequence[ColumnElement], where: Sequence[ColumnElement], period: Period,
             ends: Sequence[datetime]):
    """Sum the per-person flags into counts per group (the last end must be the period's)."""
    people = _people(group, where, period, ends)
    keys = [people.c[column.key] for column in group]
    last = people.c[f"t{len(ends) - 1}"]
    lapsed = func.sum(case((and_(people.c.expired == 1, last == 0), 1), else_=0))
    newly = func.sum(case((people.c.first_issued >= period.start, 1), else_=0))
    sums = [func.sum(people.c[f"t{i}"]) for i in range(len(ends))]
    return select(*keys, *sums, newly, lapsed, func.sum(people.c.in_person)).group_by(*keys)


def _counts(row: Sequence, key_width: int, ends: int) -> Counts:
    history = tuple(int(value or 0) for value in row[key_width:key_width + ends])
    newly, lapsed, in_person = (int(value or 0) for value in row[key_width + ends:])
    return Counts(trained=history[-1], newly=newly, lapsed=lapsed, in_person=in_person, history=history)


def counted(sectors: Iterable[Sector]) -> ColumnElement:
    """Leave out certificates of shared tracks (the foundation), which count for no sector."""
    shared = [s.id for s in sectors if s.shared]
    return Certificate.sector.not_in(shared) if shared else Certificate.sector.is_not(None)


def certificate_counts(community_id: int, period: Period, sectors: Iterable[Sector]):
    """Return counts by sector, by sector and sub-role, and for any sector, over the trend window."""
    where = [Certificate.community_id == community_id, counted(list(sectors))]
    ends = [p.end for p in trend_window(period)]
    by_sector = {row[0]: _counts(row, 1, len(ends))
                 for row in db.session.execute(_grouped([Certificate.sector], where, period, ends))}
    by_subrole = {(row[0], row[1]): _counts(row, 2, len(ends)) for row in
                  db.session.execute(_grouped([Certificate.sector, Certificate.subrole], where, period, ends))}
    total_row = db.session.execute(_grouped([], where, period, ends)).first()
    total = _counts(total_row, 0, len(ends)) if total_row else Counts(history=(0,) * len(ends))
    return by_sector, by_subrole, total


def session_activity(community_id: int, period: Period, course_sectors: Mapping[str, str]) -> dict:
    """Return closed sessions that started in the period, and their attendances, per course sector."""
    query = (select(TrainingSession.course_slug, func.count(func.distinct(TrainingSession.id)),
                    func.count(Attendance.id))
             .outerjoin(Attendance, Attendance.session_id == TrainingSession.id)
             .where(TrainingSession.community_id == community_id, TrainingSession.status == "closed",
                    TrainingSession.starts_at >= period.start, TrainingSession.starts_at < period.end)
             .group_by(TrainingSession.course_slug))
    found: dict[str | None, Activity] = {}
    for slug, sessions, attendance in db.session.execute(query):
        sector = course_sectors.get(slug)
        before = found.get(sector, Activity())
        found[sector] = Activity(before.sessions + sessions, before.attendance + attendance)
    return found


def targets_for(community_id: int, period: Period) -> dict[tuple[str, str], int]:
    """Return the community's targets for a period, keyed by (sector, sub-role or "")."""
    query = select(Target.sector, Target.subrole, Target.headcount).where(
        Target.community_id == community_id, Target.period == str(period))
    return {(sector, subrole or ""): headcount for sector, subrole, headcount in db.session.execute(query)}


def dashboard(community_id: int, period: Period, sectors: Iterable[Sector],
              course_sectors: Mapping[str, str]) -> Dashboard:
    """Compute a community's coverage for a period: figures, targets, sessions, trend and projections."""
    sectors = list(sectors)
    by_sector, by_subrole, total = certificate_counts(community_id, period, sectors)
    return build(period, sectors, by_sector=by_sector, by_subrole=by_subrole, total=total,
                 targets=targets_for(community_id, period),
                 activity=session_activity(community_id, period, course_sectors))


def comparison(period: Period, sectors: Iterable[Sector], community_ids: Iterable[int] | None = None) -> dict:
    """Return trained people at the period's end per community and sector, with targets, in three queries."""
    sectors = list(sectors)
    where = [counted(sectors), Certificate.community_id.is_not(None)]
    if community_ids is not None:
        where.append(Certificate.community_id.in_(list(community_ids)))
    ends = [period.end]
    group = [Certificate.community_id, Certificate.sector]
    trained = {(row[0], row[1]): _counts(row, 2, 1) for row in db.session.execute(_grouped(group, where, period, ends))}
    totals = {row[0]: _counts(row, 1, 1)
              for row in db.session.execute(_grouped([Certificate.community_id], where, period, ends))}
    query = select(Target.community_id, Target.sector, Target.headcount).where(
        Target.period == str(period), Target.subrole == "")
    targets = {(community, sector): headcount for community, sector, headcount in db.session.execute(query)}
    return {"trained": trained, "totals": totals, "targets": targets}


def save_targets(community_id: int, period: Period, values: Mapping[tuple[str, str], int | None]) -> int:
    """Set, change or clear (None) targets for a community and period; return how many changed."""
    existing = {(t.sector, t.subrole or ""): t for t in db.session.scalars(select(Target).where(
        Target.community_id == community_id, Target.period == str(period)))}
    changed = 0
    for (sector, subrole), headcount in values.items():
        target = existing.get((sector, subrole))
        if headcount is None:
            if target is not None:
                db.session.delete(target)
                changed += 1
        elif target is None:
            db.session.add(Target(community_id=community_id, sector=sector, subrole=subrole,
                                  period=str(period), headcount=headcount))
            changed += 1
        elif target.headcount != headcount:
            target.headcount = headcount
            changed += 1
    db.session.flush()
    return changed
