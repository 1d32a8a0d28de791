"""The bi-annual report as JSON (the API) and CSV: counts of 1 to 4 people as "fewer than 5". Pure."""

from __future__ import annotations

import csv
import io

from academy.coverage.learning import Gain
from academy.coverage.report import METHOD, Report
from academy.coverage.suppress import enough, shown
from academy.csvfile import safe_cell


def _gain(gain: Gain) -> dict:
    if not enough(gain.learners):
        return {"learners": shown(gain.learners), "pre_percent": None, "post_percent": None, "gain_points": None}
    return {
        "learners": gain.learners,
        "pre_percent": round(gain.pre, 1),
        "post_percent": round(gain.post, 1),
        "gain_points": round(gain.gain, 1),
    }


def _share(share) -> dict | None:
    if share is None or not enough(share.people):
        return None
    return {"people": share.people, "percent_right": round(share.percent, 1)}


def to_json(report: Report) -> dict:
    """Return the report as the API's JSON document."""
    dash = report.dash
    tags = sorted({tag for tag, _stage in report.shares} | {tag for tag, _stage in report.earlier_shares})
    return {
        "community": report.community,
        "period": str(report.period),
        "trained": [
            {"sector": r.sector, "label": r.label, "trained": shown(r.counts.trained), "target": r.target,
             "newly_trained": shown(r.counts.newly)}
            for r in dash.rows
        ],
        "trained_any_sector": shown(dash.total.counts.trained),
        "trend": [{"period": str(p), "trained": shown(n)} for p, n in zip(dash.periods, dash.total.counts.history,
                                                                          strict=True)],
        "knowledge_gain": {
            "all": _gain(report.gain_total),
            "by_course": {slug: _gain(g) for slug, g in report.gains_by(0).items()},
            "by_sector": {sector or "": _gain(g) for sector, g in report.gains_by(1).items()},
        },
        "indicators": {
            tag: {
                "before": _share(report.shares.get((tag, "pre"))),
                "after": _share(report.shares.get((tag, "post"))),
                "after_previous_period": _share(report.earlier_shares.get((tag, "post"))),
            }
            for tag in tags
        },
        "events_by_kind": {k: {"events": c.events, "attendance": shown(c.attendance)} for k, c in report.kinds.items()},
        "stakeholder_meetings": {"held": report.meetings.held, "two_or_more_sectors": report.meetings.cross_sector},
        "checklist": {
            key: None if row is None else {"answer": row.answer, "note": row.note, "evidence_url": row.evidence_url,
                                           "answered_at": row.answered_at.isoformat()}
            for key, row in report.checklist.items()
        },
        "local_resources": [
            {"category": s.category, "services": s.services, "languages": list(s.languages)} for s in report.resources
        ],
        "feedback": {
            "responses": shown(report.feedback.responses),
            "relevance": report.feedback.relevance,
            "confidence_before": report.feedback.confidence_before,
            "confidence_after": report.feedback.confidence_after,
        },
        "answers": [{"question": a.question, "answer": a.answer} for a in report.answers],
        "method": METHOD,
    }


def to_csv(report: Report) -> str:
    """Return the report's questions and answers, then its figures, one per line (section, item, value)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(("period", "community", "section", "item", "value"))
    head = (str(report.period), report.community["name"])

    def row(section: str, item: str, value) -> None:
        writer.writerow([safe_cell(v) for v in (*head, section, item, value)])

    for answer in report.answers:
        row("question", answer.question, answer.answer)
    for r in report.dash.rows:
        row("trained", r.label, shown(r.counts.trained))
        row("target", r.label, r.target)
    data = to_json(report)
    for key, value in data["knowledge_gain"]["all"].items():
        row("knowledge gain", key, value)
    for kind, counts in data["events_by_kind"].items():
        row("events", kind, counts["events"])
    row("meetings", "held", report.meetings.held)
    row("meetings", "two or more sectors", report.meetings.cross_sector)
    row("method", "note", METHOD)
    return out.getvalue()
