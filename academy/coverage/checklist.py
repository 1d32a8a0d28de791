"""The coordinator's checklist: the seeds' yes/no questions that no figure can answer, per community and
half-year. Each answer is a new row, so the history of who answered what, and when, is kept."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from academy.coverage.models import ChecklistAnswer
from academy.coverage.periods import Period
from academy.database import utcnow
from academy.extensions import db

QUESTIONS = {
    "research-discovery": _l("Have the coalition's members undertaken the research and discovery process?"),
    "resource-directory": _l(
        "Has a resource directory been compiled that includes international, national, state and local "
        "organisations?"
    ),
    "recovery-resources": _l(
        "Have resources been identified for the physical, psychological, spiritual and social recovery of "
        "victims, such as housing and counselling, in a language victims understand?"
    ),
    "response-protocol": _l("Has a protocol for responding to a suspected case been agreed with local services?"),
    "survivor-input": _l("Have survivors been invited, safely and with pay, to shape the coalition's work?"),
}
ANSWERS = ("yes", "no")


def answer(
    community_id: int,
    period: Period,
    question: str,
    value: str,
    *,
    note: str,
    evidence_url: str | None,
    actor,
    now: datetime | None = None,
) -> ChecklistAnswer:
    """Record an answer; earlier answers stay as history."""
    if question not in QUESTIONS or value not in ANSWERS:
        raise ValueError("unknown checklist question or answer")
    row = ChecklistAnswer(
        community_id=community_id,
        period=str(period),
        question=question,
        answer=value,
        note=note.strip(),
        evidence_url=(evidence_url or "").strip() or None,
        answered_by_id=actor.id,
        answered_at=now or utcnow(),
    )
    db.session.add(row)
    db.session.flush()
    return row


def history(community_id: int, period: Period) -> dict[str, list[ChecklistAnswer]]:
    """Return every answer per question for the half-year, the current one first."""
    query = (
        select(ChecklistAnswer)
        .where(ChecklistAnswer.community_id == community_id, ChecklistAnswer.period == str(period))
        .order_by(ChecklistAnswer.answered_at.desc(), ChecklistAnswer.id.desc())
    )
    found: dict[str, list[ChecklistAnswer]] = {q: [] for q in QUESTIONS}
    for row in db.session.scalars(query):
        found.setdefault(row.question, []).append(row)
    return found


def current(community_id: int, period: Period) -> dict[str, ChecklistAnswer | None]:
    """Return the latest answer per question (None where not answered yet)."""
    return {q: rows[0] if rows else None for q, rows in history(community_id, period).items()}
