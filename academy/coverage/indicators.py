"""The funders' questions, answered in words from the figures. Pure."""

from __future__ import annotations

from dataclasses import dataclass

from academy.coverage.arithmetic import NOT_AT_THIS_PACE, ON_PACE, signed
from academy.coverage.figures import Dashboard, Row

# The roles funders ask about by name: (sector, sub-role, plural as said in a sentence).
KEY_ROLES = (
    ("law-enforcement", "police", "police"),
    ("law-enforcement", "prosecutor", "prosecutors"),
    ("law-enforcement", "judge", "judges"),
    ("health", "first-responder", "first responders"),
)


@dataclass(frozen=True)
class Indicator:
    question: str
    answer: str


def join_words(words: list[str]) -> str:
    """Join 'a', 'b', 'c' as 'a, b and c'."""
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def _subrole(dashboard: Dashboard, sector: str, subrole: str) -> Row | None:
    for row in dashboard.rows:
        if row.sector == sector:
            return next((sub for sub in row.subroles if sub.subrole == subrole), None)
    return None


def key_roles(dashboard: Dashboard) -> Indicator | None:
    """'Police, prosecutors, judges and first responders trained: police 42, ..., judges 0 (none yet)'."""
    found = [
        (plural, row)
        for sector, subrole, plural in KEY_ROLES
        if (row := _subrole(dashboard, sector, subrole)) is not None
    ]
    if not found:
        return None
    names = join_words([plural for plural, _ in found])
    figures = ", ".join(
        f"{plural} {row.counts.trained}" + (" (none yet)" if not row.counts.trained else "") for plural, row in found
    )
    question = f"Have {names} been trained?"
    return Indicator(question, f"{names[0].upper()}{names[1:]} trained: {figures}.")


def untouched(dashboard: Dashboard) -> Indicator:
    """Which sectors have no one trained yet."""
    empty = [row.label for row in dashboard.rows if not row.counts.trained]
    answer = (
        f"No one trained yet in {len(empty)} sector{'s' if len(empty) != 1 else ''}: {join_words(empty)}."
        if empty
        else "Every sector has people trained."
    )
    return Indicator("Which sectors have no one trained yet?", answer)


def targets(dashboard: Dashboard) -> Indicator:
    """How many sector targets are met."""
    rows = dashboard.with_target
    if not rows:
        return Indicator("Are the targets met?", f"No sector targets are set for {dashboard.period}.")
    met = [row.label for row in rows if row.met]
    answer = f"{len(met)} of {len(rows)} sector targets met"
    answer += f": {join_words(met)}." if met else "."
    return Indicator("Are the targets met?", answer)


def projected(dashboard: Dashboard) -> Indicator:
    """Current and projected effort: when each sector with an unmet target gets there."""
    rows = [row for row in dashboard.with_target if not row.met]
    if not dashboard.with_target:
        return Indicator("When will the targets be reached?", "Set targets to see projections.")
    if not rows:
        return Indicator("When will the targets be reached?", "Every sector target is already reached.")
    parts = []
    for row in rows:
        if row.projection.status == ON_PACE:
            parts.append(f"{row.label} in {row.projection.period} ({row.projection.period.label})")
        elif row.projection.status == NOT_AT_THIS_PACE:
            parts.append(f"{row.label} not at this pace")
    answer = "At the pace of the last two half-years: " + "; ".join(parts) + "."
    return Indicator("When will the targets be reached?", answer)


def movement(dashboard: Dashboard) -> Indicator:
    """Newly trained, lapsed and the change since the start of the trend."""
    total = dashboard.total.counts
    history = total.history
    change = f" ({signed(history[-1] - history[0])} since the end of {dashboard.periods[0]})" if history else ""
    answer = (
        f"{total.trained} people trained in at least one sector at the end of {dashboard.period}{change}; "
        f"{total.newly} newly trained this half-year, {total.lapsed} lapsed (certificate expired, "
        "not renewed)."
    )
    return Indicator("How many people are trained, and is it growing?", answer)


def delivery(dashboard: Dashboard) -> Indicator:
    """In person against self-paced, and sessions held."""
    total = dashboard.total.counts
    activity = dashboard.activity
    share = f" ({total.in_person * 100 // total.trained}%)" if total.trained else ""
    answer = (
        f"{total.in_person} of {total.trained} trained people{share} hold a certificate earned in person, "
        f"{total.self_paced} self-paced. {activity.sessions} session{'s' if activity.sessions != 1 else ''} "
        f"held this half-year, {activity.attendance} attendance{'s' if activity.attendance != 1 else ''}."
    )
    return Indicator("How was the training delivered?", answer)


def indicators(dashboard: Dashboard) -> list[Indicator]:
    """Return the answers, most asked first."""
    found = [
        key_roles(dashboard),
        movement(dashboard),
        untouched(dashboard),
        targets(dashboard),
        projected(dashboard),
        delivery(dashboard),
    ]
    return [indicator for indicator in found if indicator is not None]
