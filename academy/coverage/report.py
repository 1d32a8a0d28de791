"""The bi-annual report of a community: coverage, what people learned, what they thought, what the coalition
did, the checklist and local services, each of the seeds' questions answered in words, with counts of 1 to 4
people shown as "fewer than 5". Built from about a dozen aggregate queries, never a loop over people.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from academy import numbers
from academy.coverage import activity, checklist, feedback, learning, service
from academy.coverage.figures import Dashboard
from academy.coverage.indicators import ENGLISH, Indicator, Words, join_words, projected, targets
from academy.coverage.periods import Period
from academy.coverage.suppress import FEWER, enough, hidden, shown
from academy.curriculum.model import Sector
from academy.resources import service as resources
from academy.sessions.kinds import KINDS, MEETING, TRAINING

IDENTIFY, HOTLINE = "identifies-trafficking", "knows-hotline"
ENGAGEMENT = ("outreach", "workshop", "listening-group", "campaign")


@dataclass(frozen=True)
class Report:
    community: dict  # slug and name
    period: Period
    dash: Dashboard
    gains: dict  # (course, sector): learning.Gain
    shares: dict  # (indicator, stage): learning.Share, this period
    earlier_shares: dict  # the same, the period before
    kinds: dict  # kind: activity.KindCount
    meetings: activity.Meetings
    checklist: dict  # question: ChecklistAnswer | None
    resources: list  # resources.CategorySummary
    feedback: feedback.Summary
    answers: list[Indicator]

    @property
    def gain_total(self) -> learning.Gain:
        return learning.total(self.gains)

    def gains_by(self, by: int) -> dict:
        return learning.grouped(self.gains, by)


def build(
    community, period: Period, sectors: Iterable[Sector], course_sectors: Mapping[str, str], w: Words = ENGLISH
) -> Report:
    """Gather every figure of the report for a community and half-year."""
    sectors = list(sectors)
    dash = service.dashboard(community.id, period, sectors, course_sectors)
    parts = {
        "gains": learning.gains(community.id, period),
        "shares": learning.indicator_shares(community.id, period),
        "earlier_shares": learning.indicator_shares(community.id, period.previous()),
        "kinds": activity.by_kind(community.id, period),
        "meetings": activity.meetings(community.id, period),
        "checklist": checklist.current(community.id, period),
        "resources": resources.summary(resources.entries(community.id)),
        "feedback": feedback.summary(community.id, period),
    }
    report = Report({"slug": community.slug, "name": community.name}, period, dash, answers=[], **parts)
    report.answers.extend(answers(report, w))
    return report


def people(count: int, w: Words = ENGLISH) -> str:
    """A count of people for a sentence: '12 people', 'fewer than 5 people', 'no one'."""
    if not count:
        return w.gettext("no one")
    if hidden(count):
        return w.gettext("fewer than 5 people")
    return w.ngettext("%(num)d person", "%(num)d people", count)


def percent(value: float | None) -> str:
    """A share of 0 to 100 in the reader's language ("87.5%", "87,5 %"), rounded down to a tenth; "—" if none."""
    return numbers.percent(value, 100) if value is not None else "—"


def _share_words(report: Report, tag: str, question: str, w: Words) -> Indicator:
    _ = w.gettext
    pre, post = report.shares.get((tag, "pre")), report.shares.get((tag, "post"))
    earlier = report.earlier_shares.get((tag, "post"))
    if post is None or not enough(post.people):
        return Indicator(question, _("Not enough answers yet: fewer than 5 people answered the questions on this "
                                     "in a quiz this half-year."))
    text = _("%(after)s of answers right after training", after=percent(post.percent))
    if pre is not None and enough(pre.people):
        text += _(", against %(before)s before it (pre-test)", before=percent(pre.percent))
    if earlier is not None and enough(earlier.people):
        change = post.percent - earlier.percent
        text += _("; %(change)s points since %(period)s", change=f"{change:+.0f}", period=report.period.previous())
    return Indicator(question, text + ".")


def _kinds_words(report: Report, w: Words) -> Indicator:
    _ = w.gettext
    held = [(kind, report.kinds[kind].events) for kind in ENGAGEMENT if kind in report.kinds]
    question = _("How many community engagement events (awareness/outreach, workshops, listening groups, "
                 "campaigns) have been hosted?")
    if not held:
        return Indicator(question, _("None this half-year."))
    parts = [f"{str(KINDS[kind]).lower()} {events}" for kind, events in held]
    return Indicator(question, _("%(total)s this half-year: %(parts)s.", total=sum(e for _k, e in held),
                                 parts=", ".join(parts)))


def _meetings_words(report: Report, w: Words) -> Indicator:
    _ = w.gettext
    m = report.meetings
    question = _("How many community stakeholder meetings take place between two or more stakeholders?")
    return Indicator(question, _("%(cross)s of %(held)s stakeholder meetings held this half-year brought people of "
                                 "two or more sectors together (from the sectors of those who checked in).",
                                 cross=m.cross_sector, held=m.held))


def _gain_words(report: Report, w: Words) -> Indicator:
    _ = w.gettext
    total = report.gain_total
    question = _("How much did people learn?")
    if not enough(total.learners):
        return Indicator(question, _("Not enough answers yet: fewer than 5 people took both a pre-test and the "
                                     "quiz this half-year."))
    return Indicator(question, _("%(people)s took a pre-test and then the quiz: %(before)s right before, "
                                 "%(after)s after, a gain of %(gain)s points.", people=people(total.learners, w),
                                 before=percent(total.pre), after=percent(total.post), gain=f"{total.gain:+.0f}"))


def _resources_words(report: Report, w: Words) -> Indicator:
    _ = w.gettext
    parts = []
    for s in report.resources:
        if not s.services:
            parts.append(_("%(category)s: none yet", category=s.label.lower()))
            continue
        text = w.ngettext("%(num)d service", "%(num)d services", s.services)
        if s.languages:
            text += _(", in %(languages)s", languages=join_words(list(s.languages), w))
        parts.append(f"{s.label.lower()}: {text}")
    question = _("Have resources been identified for the recovery of victims, in a language victims understand?")
    return Indicator(question, "; ".join(parts) + ".")


def _trained_words(report: Report, w: Words) -> list[Indicator]:
    _ = w.gettext
    total = report.dash.total.counts
    rows = "; ".join(f"{r.label} {shown(r.counts.trained)}" for r in report.dash.rows)
    return [
        Indicator(_("How many people are trained?"),
                  _("%(people)s trained in at least one sector at the end of %(period)s (%(newly)s newly this "
                    "half-year): %(rows)s.", people=people(total.trained, w), period=report.period,
                    newly=shown(total.newly), rows=rows)),
        targets(report.dash, w),
        projected(report.dash, w),
    ]


def _feedback_words(report: Report, w: Words) -> Indicator:
    _ = w.gettext
    f = report.feedback
    question = _("What did people think of the training?")
    if not f.shown:
        return Indicator(question, _("Fewer than 5 feedback forms this half-year: not shown."))
    return Indicator(question, _("%(num)s responses: relevance %(relevance).1f of 5; confidence to act %(before).1f "
                                 "before and %(after).1f after (asked afterwards).", num=f.responses,
                                 relevance=f.relevance, before=f.confidence_before, after=f.confidence_after))


def _checklist_words(report: Report, w: Words) -> list[Indicator]:
    out = []
    for key, question in checklist.QUESTIONS.items():
        row = report.checklist.get(key)
        if row is None:
            out.append(Indicator(str(question), w.gettext("Not answered yet.")))
        else:
            word = w.gettext("Yes") if row.answer == "yes" else w.gettext("No")
            out.append(Indicator(str(question), f"{word}. {row.note}".strip()))
    return out


def answers(report: Report, w: Words = ENGLISH) -> list[Indicator]:
    """Answer every one of the seeds' questions in words, small numbers suppressed."""
    _ = w.gettext
    return [
        *_trained_words(report, w),
        _share_words(report, IDENTIFY, _("Are more people able to identify the risks and definition of human "
                                         "trafficking?"), w),
        _share_words(report, HOTLINE, _("Do people know where and how to get help, including the hotline?"), w),
        _gain_words(report, w),
        _kinds_words(report, w),
        _meetings_words(report, w),
        _resources_words(report, w),
        _feedback_words(report, w),
        *_checklist_words(report, w),
    ]


def N_(text: str) -> str:
    """Mark a message for pybabel extraction without translating it here (Babel's default `N_` keyword)."""
    return text


METHOD = N_(
    "Trained: holds a certificate of a course of the sector, not revoked, issued before the end of the half-year "
    "and not expired then; a person counts once per sector and once in the total. Knowledge gain: people who "
    "took a course's pre-test (before the first lesson, never graded) and then its quiz; the average share of "
    "questions answered right on each, in the half-year of the quiz. Indicator shares: answers to the quiz "
    "questions tagged with the indicator. Events: closed sessions that started in the half-year, by kind; a "
    "meeting counts as between sectors when people of two or more sectors checked in. Feedback: anonymous "
    "forms; averages of 1 to 5. Small numbers: a count of 1 to 4 people is shown as \"fewer than 5\", and no "
    "average of fewer than 5 people is shown."
)  # English in the CSV and JSON exports; gettext(METHOD) in the HTML and PDF
FEWER_THAN_5 = FEWER
KIND_ORDER = (TRAINING, *ENGAGEMENT, MEETING)
