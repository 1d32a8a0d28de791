"""Database ids in URLs and forms: a number too big for the id column is simply not found."""

from __future__ import annotations

from werkzeug.routing import IntegerConverter

DB_INT_MAX = 2**31 - 1  # the largest id an INTEGER column holds on PostgreSQL (SQLite stops at 2**63 - 1)


class DatabaseInt(IntegerConverter):
    """An `<int:...>` URL part that fits a database id; a larger number is not found (404, not a 500)."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = DB_INT_MAX,
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits, min, max, signed)


def parse_id(text: str | None) -> int | None:
    """Read a database id typed into a query string or form: ASCII digits that fit the column, else None."""
    text = (text or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 10:
        return None
    number = int(text)
    return number if number <= DB_INT_MAX else None
