"""Reporting periods: half-years, written 2026H1 (January to June) and 2026H2 (July to December). Pure."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

PATTERN = re.compile(r"^\s*(\d{4})\s*-?\s*[Hh]\s*([12])\s*$")
MIN_YEAR, MAX_YEAR = 2000, 2200


@dataclass(frozen=True, order=True)
class Period:
    """One half-year. Its end is the first instant of the next half-year (UTC), which it does not include."""

    year: int
    half: int  # 1 or 2

    def __post_init__(self) -> None:
        if self.half not in (1, 2):
            raise ValueError(f"a half-year is 1 or 2, not {self.half}")
        if not MIN_YEAR <= self.year <= MAX_YEAR:
            raise ValueError(f"the year must be between {MIN_YEAR} and {MAX_YEAR}")

    def __str__(self) -> str:
        return f"{self.year}H{self.half}"

    @property
    def start(self) -> datetime:
        """Return the first instant of the half-year, in UTC."""
        return datetime(self.year, 1 if self.half == 1 else 7, 1, tzinfo=UTC)

    @property
    def end(self) -> datetime:
        """Return the first instant of the next half-year: the moment the period's figures are taken."""
        return self.next().start

    @property
    def label(self) -> str:
        """Return the period in words, e.g. 'July to December 2026'."""
        months = "January to June" if self.half == 1 else "July to December"
        return f"{months} {self.year}"

    @property
    def last_day(self) -> str:
        """Return the last day of the period in words, e.g. '31 December 2026'."""
        return f"30 June {self.year}" if self.half == 1 else f"31 December {self.year}"

    def next(self, steps: int = 1) -> Period:
        """Return the period `steps` half-years later (earlier when negative)."""
        index = self.year * 2 + (self.half - 1) + steps
        return Period(index // 2, index % 2 + 1)

    def previous(self, steps: int = 1) -> Period:
        """Return the period `steps` half-years earlier."""
        return self.next(-steps)

    def contains(self, moment: datetime) -> bool:
        """Tell whether a moment falls within the period (its start included, its end not)."""
        return self.start <= moment < self.end


def parse(text: str | None) -> Period:
    """Read '2026H2' (also '2026-h2', ' 2026 H2 '); raise ValueError with a message fit to show."""
    match = PATTERN.match(text or "")
    if not match:
        raise ValueError("Write the period as a year and a half, like 2026H1 (January to June) or 2026H2.")
    return Period(int(match.group(1)), int(match.group(2)))


def containing(moment: datetime) -> Period:
    """Return the half-year a moment falls in (in UTC)."""
    moment = moment.astimezone(UTC) if moment.tzinfo else moment
    return Period(moment.year, 1 if moment.month <= 6 else 2)


def window(last: Period, count: int) -> list[Period]:
    """Return `count` consecutive periods ending with `last`, oldest first."""
    return [last.previous(steps) for steps in range(count - 1, -1, -1)]


def between(first: Period, last: Period) -> int:
    """Return how many half-years `last` is after `first` (negative when before)."""
    return (last.year * 2 + last.half) - (first.year * 2 + first.half)
