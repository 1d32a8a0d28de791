"""The dashboard's figures, assembled from the counts the queries return. Pure: no Flask, no database."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from academy.coverage.arithmetic import Projection, coverage_percent, project
from academy.coverage.periods import Period, window
from academy.curriculum.model import Sector

TREND_PERIODS = 4
NOT_RECORDED = "Sub-role not recorded"


@dataclass(frozen=True)
class Counts:
    """Distinct people in one group (sector, sector and sub-role, or any sector) for one period."""

    trained: int = 0
    newly: int = 0
    lapsed: int = 0
    in_person: int = 0
    history: tuple[int, ...] = ()  # trained at the end of each trend period, oldest first

    @property
    def self_paced(self) -> int:
        """Trained people without a valid certificate earned in person."""
        return self.trained - self.in_person


@dataclass(frozen=True)
class Activity:
    """Closed sessions that started within the period, and their attendances."""

    sessions: int = 0
    attendance: int = 0


@dataclass(frozen=True)
class Row:
    """One line of the dashboard: a sector, or one of its sub-roles."""

    sector: str
    subrole: str  # "" for the whole sector
    label: str
    counts: Counts
    target: int | None
    projection: Projection
    activity: Activity | None = None  # sessions are counted per sector only
    subroles: tuple[Row, ...] = ()

    @property
    def percent(self) -> int | None:
        return coverage_percent(self.counts.trained, self.target)

    @property
    def met(self) -> bool:
        return self.target is not None and self.target > 0 and self.counts.trained >= self.target


@dataclass(frozen=True)
class Dashboard:
    """Everything the coverage page, the CSV and the API show for one community and period."""

    period: Period
    periods: tuple[Period, ...]  # the trend window, oldest first, ending with `period`
    rows: tuple[Row, ...]
    total: Row  # people trained in any sector, counted once
    other_activity: Activity = field(default_factory=Activity)  # foundation sessions, which count for no sector

    @property
    def activity(self) -> Activity:
        """Sessions and attendances of every kind in the period."""
        rows = [r.activity for r in self.rows if r.activity] + [self.other_activity]
        return Activity(sum(a.sessions for a in rows), sum(a.attendance for a in rows))

    @property
    def with_target(self) -> list[Row]:
        return [row for row in self.rows if row.target]


def trend_window(period: Period) -> tuple[Period, ...]:
    """Return the periods the trend shows, oldest first, ending with `period`."""
    return tuple(window(period, TREND_PERIODS))


def _row(
    sector: str, subrole: str, label: str, counts: Counts | None, target: int | None, period: Period, **extra
) -> Row:
    counts = counts or Counts(history=(0,) * TREND_PERIODS)
    return Row(sector, subrole, label, counts, target, project(counts.history, target, period), **extra)


def _subrole_rows(
    sector: Sector,
    period: Period,
    counts: Mapping[tuple[str, str | None], Counts],
    targets: Mapping[tuple[str, str], int],
) -> tuple[Row, ...]:
    """Rows for the curriculum's sub-roles, then any others the certificates recorded."""
    known = [(r.id, r.label) for r in sector.subroles]
    ids = {sub for sub, _ in known}
    extra = sorted((sub for sec, sub in counts if sec == sector.id and sub is not None and sub not in ids))
    rows = [(sub, label) for sub, label in known] + [(sub, sub) for sub in extra]
    built = [
        _row(sector.id, sub, label, counts.get((sector.id, sub)), targets.get((sector.id, sub)), period)
        for sub, label in rows
    ]
    if (sector.id, None) in counts and rows:
        built.append(_row(sector.id, "-", NOT_RECORDED, counts[(sector.id, None)], None, period))
    return tuple(built)


def _sectors(sectors: Iterable[Sector], present: Iterable[str]) -> list[Sector]:
    """The curriculum's counted sectors, then sectors found only on certificates (a course since removed)."""
    listed = [s for s in sectors if not s.shared]
    known = {s.id for s in sectors}
    listed += [Sector(s, s, "") for s in sorted(set(present) - known)]
    return listed


def build(
    period: Period,
    sectors: Iterable[Sector],
    *,
    by_sector: Mapping[str, Counts],
    by_subrole: Mapping[tuple[str, str | None], Counts],
    total: Counts,
    targets: Mapping[tuple[str, str], int],
    activity: Mapping[str | None, Activity],
) -> Dashboard:
    """Assemble the dashboard from grouped counts; groups without certificates show zeros."""
    rows = []
    for sector in _sectors(list(sectors), by_sector):
        rows.append(
            _row(
                sector.id,
                "",
                sector.label,
                by_sector.get(sector.id),
                targets.get((sector.id, "")),
                period,
                activity=activity.get(sector.id, Activity()),
                subroles=_subrole_rows(sector, period, by_subrole, targets),
            )
        )
    ids = {row.sector for row in rows}
    other = [a for key, a in activity.items() if key not in ids]
    other_activity = Activity(sum(a.sessions for a in other), sum(a.attendance for a in other))
    total_row = _row("", "", "Any sector", total, None, period)
    return Dashboard(period, trend_window(period), tuple(rows), total_row, other_activity)
