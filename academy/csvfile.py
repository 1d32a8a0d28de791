"""CSV files that spreadsheet programs open safely: a cell never runs as a formula (CSV injection).

Every CSV the academy writes (certificate register, audit results, rosters, coverage) goes through `write_rows`
or `to_csv`. Text that a spreadsheet would read as a formula (starting with = + - @, a tab or a carriage return)
gets a leading apostrophe, as OWASP advises; numbers, and text that is just a number such as "-3", stay as they
are.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def safe_cell(value: object) -> object:
    """Return the cell as written: numbers unchanged, text that could run as a formula after an apostrophe."""
    if value is None:
        return ""
    if isinstance(value, int | float):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS) and not _is_number(text):
        return "'" + text
    return text


def write_rows(rows: Iterable[Iterable[object]], out, *, lineterminator: str = "\r\n") -> None:
    """Write rows as CSV to a text stream, every cell made safe."""
    writer = csv.writer(out, lineterminator=lineterminator)
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])


def to_csv(rows: Iterable[Iterable[object]], *, lineterminator: str = "\r\n") -> str:
    """Return rows as CSV text, every cell made safe."""
    out = io.StringIO()
    write_rows(rows, out, lineterminator=lineterminator)
    return out.getvalue()
