"""Small-number suppression for anything that leaves the coalition. Pure.

A count of people from 1 to 4 is shown as "fewer than 5": with a sector, a community and a half-year, so few
people could be told apart. Zero identifies no one and stays 0 (funders need "none yet"). An average over fewer
than 5 answers is not shown at all.
"""

from __future__ import annotations

MIN_COUNT = 5
FEWER = "fewer than 5"


def hidden(count: int | None) -> bool:
    """Tell whether a count of people must not be shown as a number."""
    return count is not None and 0 < count < MIN_COUNT


def shown(count: int | None) -> int | str | None:
    """Return the count, or "fewer than 5" when it is 1 to 4."""
    return FEWER if hidden(count) else count


def enough(responses: int) -> bool:
    """Tell whether an aggregate over this many responses or learners may be shown."""
    return responses >= MIN_COUNT
