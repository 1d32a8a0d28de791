"""The dashboard as CSV for the bi-annual report and as JSON for the API. Pure.

Both leave the coalition, so no count of 1 to 4 people leaves in them (academy/coverage/suppress.py): the CSV
says "fewer than 5", the JSON gives null and names the field in the row's `fewer_than_5` list. A share of the
target is left out with its count (with the target, it would give the count back), and so is the pace.
"""

from __future__ import annotations

from academy import csvfile
from academy.coverage.figures import Dashboard, Row
from academy.coverage.suppress import hidden, shown

CSV_HEADER = (
    "period",
    "community",
    "sector",
    "subrole",
    "label",
    "trained",
    "newly_trained",
    "lapsed",
    "target",
    "coverage_percent",
    "in_person",
    "self_paced",
    "sessions",
    "attendance",
    "projection",
)


def _csv_row(dashboard: Dashboard, community: str, row: Row) -> list[str]:
    counts, activity = row.counts, row.activity
    values = (
        dashboard.period,
        community,
        row.sector or "any",
        row.subrole,
        row.label,
        shown(counts.trained),
        shown(counts.newly),
        shown(counts.lapsed),
        row.target,
        None if hidden(counts.trained) else row.percent,
        shown(counts.in_person),
        shown(counts.self_paced),
        activity.sessions if activity else None,
        shown(activity.attendance) if activity else None,
        row.projection.words,
    )
    return list(values)


def to_csv(dashboard: Dashboard, community: str) -> str:
    """Return one line per sector and sub-role, then the any-sector total."""
    rows = [list(CSV_HEADER)]
    for row in dashboard.rows:
        rows.append(_csv_row(dashboard, community, row))
        rows.extend(_csv_row(dashboard, community, sub) for sub in row.subroles)
    rows.append(_csv_row(dashboard, community, dashboard.total))
    return csvfile.to_csv(rows)


def _suppressed(values: dict) -> dict:
    """The counts of people as they may leave: 1 to 4 as null, those fields listed in `fewer_than_5`."""
    fewer = [name for name, count in values.items() if hidden(count)]
    return {name: None if name in fewer else count for name, count in values.items()} | {"fewer_than_5": fewer}


def _row_json(dashboard: Dashboard, row: Row) -> dict:
    counts = row.counts
    people = {"trained": counts.trained, "newly_trained": counts.newly, "lapsed": counts.lapsed,
              "in_person": counts.in_person, "self_paced": counts.self_paced}
    if row.activity is not None:
        people["attendance"] = row.activity.attendance
    few = hidden(counts.trained)
    data = {
        "label": row.label,
        **_suppressed(people),
        "target": row.target,
        "coverage_percent": None if few else row.percent,
        "projection": {
            "status": row.projection.status,
            "period": str(row.projection.period) if row.projection.period else None,
            "pace_per_period": None if few else row.projection.pace,
        },
        "trend": [{"period": str(p), **_suppressed({"trained": n})}
                  for p, n in zip(dashboard.periods, counts.history, strict=True)],
    }
    if row.activity is not None:
        data["sessions"] = row.activity.sessions
    return data


def to_json(dashboard: Dashboard, community: dict) -> dict:
    """Return the dashboard as the API's JSON document."""
    period = dashboard.period
    sectors = []
    for row in dashboard.rows:
        subroles = [
            {"subrole": None if sub.subrole == "-" else sub.subrole, **_row_json(dashboard, sub)}
            for sub in row.subroles
        ]
        sectors.append({"sector": row.sector, **_row_json(dashboard, row), "subroles": subroles})
    return {
        "community": community,
        "period": str(period),
        "period_start": period.start.isoformat(),
        "period_end": period.end.isoformat(),
        "sectors": sectors,
        "any_sector": _row_json(dashboard, dashboard.total),
    }
