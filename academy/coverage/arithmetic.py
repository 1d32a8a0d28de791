"""Coverage arithmetic: percentages against targets and the projection at the recent pace. Pure."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from academy.coverage.periods import Period

PACE_PERIODS = 2  # the pace is the average change over the last two half-years
HORIZON = 20  # half-years: a target further away than ten years is "not at this pace"

REACHED, ON_PACE, NOT_AT_THIS_PACE, NO_TARGET = "reached", "on-pace", "not-at-this-pace", "no-target"


def coverage_percent(trained: int, target: int | None) -> int | None:
    """Return trained as a percentage of the target, rounded down (100 means reached); None without one."""
    if not target or target <= 0:
        return None
    return (max(trained, 0) * 100) // target


def pace(history: Sequence[int], periods: int = PACE_PERIODS) -> float | None:
    """Return the average change per half-year over the last `periods` of a history (oldest first)."""
    if len(history) < periods + 1:
        return None
    return (history[-1] - history[-1 - periods]) / periods


@dataclass(frozen=True)
class Projection:
    """When a target is reached at the recent pace."""

    status: str  # reached, on-pace, not-at-this-pace, no-target
    period: Period | None = None  # the half-year the target is reached in (reached: the current one)
    pace: float | None = None  # people per half-year, net of lapses

    @property
    def words(self) -> str:
        """Return the projection as a short phrase for a table cell."""
        if self.status == REACHED:
            return "reached"
        if self.status == ON_PACE and self.period is not None:
            return str(self.period)
        if self.status == NOT_AT_THIS_PACE:
            return "not at this pace"
        return "no target"


def project(history: Sequence[int], target: int | None, current: Period, horizon: int = HORIZON) -> Projection:
    """Project when the trained headcount reaches the target, at the pace of the last two half-years.

    `history` holds the people trained at the end of consecutive half-years, oldest first, the last one being
    `current`. The pace is net of lapses, so a sector that loses people as fast as it trains them never
    reaches its target. Reached within the current half-year counts as reached.
    """
    trained = history[-1] if history else 0
    rate = pace(history)
    if not target or target <= 0:
        return Projection(NO_TARGET, pace=rate)
    if trained >= target:
        return Projection(REACHED, current, rate)
    if rate is None or rate <= 0:
        return Projection(NOT_AT_THIS_PACE, pace=rate)
    steps = math.ceil((target - trained) / rate)
    if steps > horizon:
        return Projection(NOT_AT_THIS_PACE, pace=rate)
    return Projection(ON_PACE, current.next(steps), rate)


def signed(number: float | int | None) -> str:
    """Return a change with its sign, '+6', '-2', '0' or '1.5'; an em dash when unknown."""
    if number is None:
        return "—"
    text = f"{round(number, 1):g}" if isinstance(number, float) and not number.is_integer() else str(int(number))
    return f"+{text}" if number > 0 else text.replace("-", "−")
