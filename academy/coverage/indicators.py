"""The funders' questions, answered in words from the figures. Pure.

The words are translated with the gettext catalogue the caller passes (Flask-Babel's `get_translations()` in a
request), and are English without one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from babel.support import NullTranslations

from academy.coverage.arithmetic import NOT_AT_THIS_PACE, ON_PACE, signed
from academy.coverage.figures import Dashboard, Row
from academy.coverage.periods import Period

# The roles funders ask about by name: (sector, sub-role).
KEY_ROLES = (
    ("law-enforcement", "police"),
    ("law-enforcement", "prosecutor"),
    ("law-enforcement", "judge"),
    ("health", "first-responder"),
)


@dataclass(frozen=True)
class Indicator:
    question: str
    answer: str


class Words:
    """gettext and ngettext over a catalogue, filling in %(name)s placeholders as Flask-Babel does."""

    def __init__(self, translations: Any = None):
        self.catalogue = translations if translations is not None else NullTranslations()

    def gettext(self, message: str, **values: Any) -> str:
        text = self.catalogue.gettext(message)
        return text % values if values else text

    def ngettext(self, singular: str, plural: str, num: int, **values: Any) -> str:
        return self.catalogue.ngettext(singular, plural, num) % {"num": num, **values}


ENGLISH = Words()


def join_words(words: list[str], w: Words = ENGLISH) -> str:
    """Join 'a', 'b', 'c' as 'a, b and c'."""
    if len(words) <= 1:
        return "".join(words)
    return w.gettext("%(first)s and %(last)s", first=", ".join(words[:-1]), last=words[-1])


def _role_names(w: Words) -> dict[str, str]:
    """Each key role's plural, as said in a sentence."""
    _ = w.gettext
    return {
        "police": _("police"),
        "prosecutor": _("prosecutors"),
        "judge": _("judges"),
        "first-responder": _("first responders"),
    }


def _period_words(period: Period, w: Words) -> str:
    """Return the half-year in words: 'July to December 2026'."""
    _ = w.gettext
    if period.half == 1:
        return _("January to June %(year)s", year=period.year)
    return _("July to December %(year)s", year=period.year)


def _subrole(dashboard: Dashboard, sector: str, subrole: str) -> Row | None:
    for row in dashboard.rows:
        if row.sector == sector:
            return next((sub for sub in row.subroles if sub.subrole == subrole), None)
    return None


def key_roles(dashboard: Dashboard, w: Words = ENGLISH) -> Indicator | None:
    """'Police, prosecutors, judges and first responders trained: police 42, ..., judges 0 (none yet)'."""
    _, names_of = w.gettext, _role_names(w)
    found = [
        (names_of[subrole], row)
        for sector, subrole in KEY_ROLES
        if (row := _subrole(dashboard, sector, subrole)) is not None
    ]
    if not found:
        return None
    names = join_words([plural for plural, _row in found], w)
    figures = ", ".join(
        _("%(role)s %(count)s (none yet)", role=plural, count=row.counts.trained)
        if not row.counts.trained
        else _("%(role)s %(count)s", role=plural, count=row.counts.trained)
        for plural, row in found
    )
    question = _("Have %(roles)s been trained?", roles=names)
    return Indicator(
        question, _("%(roles)s trained: %(figures)s.", roles=f"{names[0].upper()}{names[1:]}", figures=figures)
    )


def untouched(dashboard: Dashboard, w: Words = ENGLISH) -> Indicator:
    """Which sectors have no one trained yet."""
    empty = [row.label for row in dashboard.rows if not row.counts.trained]
    answer = (
        w.ngettext(
            "No one trained yet in %(num)d sector: %(sectors)s.",
            "No one trained yet in %(num)d sectors: %(sectors)s.",
            len(empty),
            sectors=join_words(empty, w),
        )
        if empty
        else w.gettext("Every sector has people trained.")
    )
    return Indicator(w.gettext("Which sectors have no one trained yet?"), answer)


def targets(dashboard: Dashboard, w: Words = ENGLISH) -> Indicator:
    """How many sector targets are met."""
    _ = w.gettext
    question = _("Are the targets met?")
    rows = dashboard.with_target
    if not rows:
        return Indicator(question, _("No sector targets are set for %(period)s.", period=dashboard.period))
    met = [row.label for row in rows if row.met]
    if met:
        answer = _(
            "%(met)s of %(total)s sector targets met: %(sectors)s.",
            met=len(met),
            total=len(rows),
            sectors=join_words(met, w),
        )
    else:
        answer = _("%(met)s of %(total)s sector targets met.", met=0, total=len(rows))
    return Indicator(question, answer)


def projected(dashboard: Dashboard, w: Words = ENGLISH) -> Indicator:
    """Current and projected effort: when each sector with an unmet target gets there."""
    _ = w.gettext
    question = _("When will the targets be reached?")
    rows = [row for row in dashboard.with_target if not row.met]
    if not dashboard.with_target:
        return Indicator(question, _("Set targets to see projections."))
    if not rows:
        return Indicator(question, _("Every sector target is already reached."))
    parts = []
    for row in rows:
        if row.projection.status == ON_PACE:
            period = row.projection.period
            parts.append(
                _(
                    "%(sector)s in %(period)s (%(months)s)",
                    sector=row.label,
                    period=period,
                    months=_period_words(period, w),
                )
            )
        elif row.projection.status == NOT_AT_THIS_PACE:
            parts.append(_("%(sector)s not at this pace", sector=row.label))
    return Indicator(question, _("At the pace of the last two half-years: %(parts)s.", parts="; ".join(parts)))


def movement(dashboard: Dashboard, w: Words = ENGLISH) -> Indicator:
    """Newly trained, lapsed and the change since the start of the trend."""
    _ = w.gettext
    total = dashboard.total.counts
    history = total.history
    change = (
        _(
            " (%(change)s since the end of %(period)s)",
            change=signed(history[-1] - history[0]),
            period=dashboard.periods[0],
        )
        if history
        else ""
    )
    answer = w.ngettext(
        "%(num)d person trained in at least one sector at the end of %(period)s%(change)s; "
        "%(newly)s newly trained this half-year, %(lapsed)s lapsed (certificate expired, not renewed).",
        "%(num)d people trained in at least one sector at the end of %(period)s%(change)s; "
        "%(newly)s newly trained this half-year, %(lapsed)s lapsed (certificate expired, not renewed).",
        total.trained,
        period=dashboard.period,
        change=change,
        newly=total.newly,
        lapsed=total.lapsed,
    )
    return Indicator(_("How many people are trained, and is it growing?"), answer)


def delivery(dashboard: Dashboard, w: Words = ENGLISH) -> Indicator:
    """In person against self-paced, and sessions held."""
    _ = w.gettext
    total = dashboard.total.counts
    activity = dashboard.activity
    share = _(" (%(percent)s%%)", percent=total.in_person * 100 // total.trained) if total.trained else ""
    people = _(
        "%(in_person)s of %(trained)s trained people%(share)s hold a certificate earned in person, "
        "%(self_paced)s self-paced.",
        in_person=total.in_person,
        trained=total.trained,
        share=share,
        self_paced=total.self_paced,
    )
    sessions = w.ngettext(
        "%(num)d session held this half-year", "%(num)d sessions held this half-year", activity.sessions
    )
    attendance = w.ngettext("%(num)d attendance", "%(num)d attendances", activity.attendance)
    return Indicator(_("How was the training delivered?"), f"{people} {sessions}, {attendance}.")


def indicators(dashboard: Dashboard, translations: Any = None) -> list[Indicator]:
    """Return the answers, most asked first, in the language of the gettext catalogue given (else English)."""
    w = Words(translations) if translations is not None else ENGLISH
    found = [
        key_roles(dashboard, w),
        movement(dashboard, w),
        untouched(dashboard, w),
        targets(dashboard, w),
        projected(dashboard, w),
        delivery(dashboard, w),
    ]
    return [indicator for indicator in found if indicator is not None]
