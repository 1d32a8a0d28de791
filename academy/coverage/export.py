"""The dashboard as CSV for the bi-annual report and as JSON for the API. Pure."""

from __future__ import annotations

from academy import csvfile
from academy.coverage.figures import Dashboard, Row

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
        counts.trained,
        counts.newly,
        counts.lapsed,
        row.target,
        row.percent,
        counts.in_person,
        counts.self_paced,
        activity.sessions if activity else None,
        activity.attendance if activity else None,
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


def _row_json(dashboard: Dashboard, row: Row) -> dict:
    counts = row.counts
    data = {
        "label": row.label,
        "trained": counts.trained,
        "newly_trained": counts.newly,
        "lapsed": counts.lapsed,
        "in_person": counts.in_person,
        "self_paced": counts.self_paced,
        "target": row.target,
        "coverage_percent": row.percent,
        "projection": {
            "status": row.projection.status,
            "period": str(row.projection.period) if row.projection.period else None,
            "pace_per_period": row.projection.pace,
        },
        "trend": [{"period": str(p), "trained": n} for p, n in zip(dashboard.periods, counts.history, strict=True)],
    }
    if row.activity is not None:
        data |= {"sessions": row.activity.sessions, "attendance": row.activity.attendance}
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
