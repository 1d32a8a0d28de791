"""Numbers, shares and plurals in the reader's language, for templates and views (issue 21, item 12).

Use these instead of writing "87%", "1 hours" or "minute(s)": Babel knows how each language writes them.
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

from babel import Locale
from flask import Flask
from flask_babel import format_decimal, format_percent, get_locale, ngettext


def percent(value, whole=100) -> str:
    """Format value as a share of whole the way the interface's language writes it: 7 of 8 reads "87.5%" in
    English, "87,5 %" in French and Spanish. Rounded down to a tenth, so a share never overstates ("100 %" means
    all of it); "—" when there is no value or no whole to compare with.
    """
    if value is None or not whole:
        return "—"
    tenths = math.floor(Fraction(value) * 1000 / Fraction(whole))
    locale = get_locale() or Locale.parse("en")
    head, _zero, tail = locale.percent_formats[None].pattern.rpartition("0")
    return format_percent(Decimal(tenths) / 1000, format=f"{head}0.#{tail}")


def number(value) -> str:
    """Format a number the way the interface's language writes it: 1.5 or 1,5; 1,200 or 1 200."""
    return format_decimal(value)


def hours_text(hours) -> str:
    """A number of hours in the reader's language with the right plural: "1 hour", "1.5 hours", "2 heures"."""
    whole = float(hours).is_integer()
    return ngettext("%(hours)s hour", "%(hours)s hours", int(hours) if whole else 2, hours=number(hours))


def register(app: Flask) -> None:
    """Offer the helpers to templates: `x|percent`, `n|percent(total)`, `x|number`, `hours_text(h)`."""
    app.jinja_env.filters.update(percent=percent, number=number)
    app.jinja_env.globals.update(hours_text=hours_text)
