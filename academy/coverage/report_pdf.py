"""The bi-annual report as a printable PDF (fpdf2): charts drawn with rectangles, every question answered in
words, the checklist and the note of method. Counts of 1 to 4 people read "fewer than 5"."""

from __future__ import annotations

from flask_babel import format_date, gettext, ngettext
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from academy import numbers
from academy.coverage.arithmetic import pace
from academy.coverage.chart import IN_PERSON, SELF_PACED, TRACK
from academy.coverage.checklist import QUESTIONS
from academy.coverage.report import KIND_ORDER, METHOD, Report, percent
from academy.coverage.suppress import enough, hidden
from academy.sessions.kinds import KINDS
from academy.sessions.pdf import use_unicode_font

INK, MUTED = (28, 36, 48), (79, 91, 107)


def _rgb(color: str) -> tuple[int, int, int]:
    return tuple(int(color[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


class ReportPdf(FPDF):
    def __init__(self, title: str):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.title_text = title
        self.face = use_unicode_font(self)
        self.set_auto_page_break(auto=True, margin=15)
        self.set_margins(15, 15, 15)

    def t(self, text) -> str:
        text = str(text)
        return text if self.face == "DejaVu" else text.encode("latin-1", "replace").decode("latin-1")

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(self.face, "", 8)
        self.set_text_color(*MUTED)
        self.cell(0, 5, self.t(gettext("%(title)s · page %(page)s", title=self.title_text,
                                       page=numbers.number(self.page_no()))), align="C")
        self.set_text_color(*INK)

    def heading(self, text: str) -> None:
        if self.get_y() > 250:
            self.add_page()
        self.ln(3)
        self.set_font(self.face, "B", 12)
        self.multi_cell(0, 6.5, self.t(text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)  # wraps if long
        self.set_font(self.face, "", 9.5)

    def para(self, text: str, size: float = 9.5, bold: bool = False) -> None:
        self.set_font(self.face, "B" if bold else "", size)
        self.multi_cell(0, 4.8, self.t(text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def fit(self, text: str, width: float) -> str:
        """Shorten a label with an ellipsis until it fits the width (mm) in the current font."""
        if self.get_string_width(self.t(text)) <= width:
            return text
        while text and self.get_string_width(self.t(text + "…")) > width:
            text = text[:-1]
        return text.rstrip() + "…"

    def bars(self, rows: list[tuple[str, int, int, int | None, str]]) -> None:
        """Horizontal bars: label, first part, second part, target marker, value words."""
        scale = max([1] + [a + b for _l, a, b, _t, _w in rows] + [t or 0 for _l, _a, _b, t, _w in rows])
        self.set_font(self.face, "", 8.5)
        words_width = max([0.0] + [self.get_string_width(self.t(w)) for _l, _a, _b, _t, w in rows])
        left = self.l_margin + 52  # the bars give way to the value words, which some languages make longer
        width = max(50.0, min(95.0, self.w - self.r_margin - left - 3 - words_width))
        for label, first, second, target, words in rows:
            if self.get_y() > 270:
                self.add_page()
            y = self.get_y()
            self.set_font(self.face, "", 8.5)
            self.set_xy(self.l_margin, y)
            self.cell(50, 5, self.t(self.fit(label, 49)))
            self.set_fill_color(*_rgb(TRACK))
            self.rect(left, y + 0.5, width, 4, style="F")
            self.set_fill_color(*_rgb(IN_PERSON))
            self.rect(left, y + 0.5, width * first / scale, 4, style="F")
            self.set_fill_color(*_rgb(SELF_PACED))
            self.rect(left + width * first / scale, y + 0.5, width * second / scale, 4, style="F")
            if target:
                self.set_fill_color(*INK)
                self.rect(left + min(width * target / scale, width - 0.8), y - 0.5, 0.8, 6, style="F")
            self.set_xy(left + width + 2, y)
            self.cell(0, 5, self.t(words))
            self.set_xy(self.l_margin, y + 6.5)


def _count_bar(value: int) -> int:
    """Draw a suppressed count as an empty bar, so its length reveals nothing."""
    return 0 if hidden(value) else value


def _count(value: int | None) -> str:
    """A count in the reader's language; 1 to 4 people read "fewer than 5"."""
    if value is None:
        return "—"
    return gettext("fewer than 5") if hidden(value) else numbers.number(value)


def _period_words(period) -> str:
    """The half-year in words, as the report's sentences say it: 'July to December 2026'."""
    if period.half == 1:
        return gettext("January to June %(year)s", year=period.year)
    return gettext("July to December %(year)s", year=period.year)


def render(report: Report) -> bytes:
    """Return the report as PDF bytes, in the language of the request (Flask-Babel)."""
    _ = gettext
    name, period = report.community["name"], report.period
    pdf = ReportPdf(_("Report: %(community)s, %(period)s", community=name, period=period))
    pdf.add_page()
    pdf.set_font(pdf.face, "B", 16)
    pdf.multi_cell(0, 8, pdf.t(_("Bi-annual report: %(community)s, %(period)s", community=name, period=period)),
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    when = _period_words(period)
    pdf.para(f"{when[:1].upper()}{when[1:]}. " + _("Counts of 1 to 4 people are shown as “fewer than 5”: this "
                                                   "report is meant to leave the coalition."), 9.5)

    pdf.heading(_("The seeds' questions, answered"))
    for answer in report.answers:
        pdf.para(answer.question, 9.5, bold=True)
        pdf.para(answer.answer)
        pdf.ln(1.2)

    dash = report.dash
    pdf.heading(_("People trained per sector, against target"))
    pdf.para(_("Dark: a certificate earned in person; light: self-paced; the black mark is the target."), 8.5)
    pdf.ln(1)
    pdf.bars([
        (r.label, _count_bar(r.counts.in_person) if not hidden(r.counts.trained) else 0,
         _count_bar(r.counts.self_paced) if not hidden(r.counts.trained) else 0, r.target,
         _("%(trained)s of %(target)s", trained=_count(r.counts.trained), target=numbers.number(r.target))
         if r.target else _count(r.counts.trained))
        for r in dash.rows
    ])

    pdf.heading(_("Trend and projection (people trained in at least one sector)"))
    history = list(dash.total.counts.history)
    rows = [(str(p), _count_bar(n), 0, None, _count(n)) for p, n in zip(dash.periods, history, strict=True)]
    step = pace(history)
    if step and step > 0 and not hidden(history[-1]):  # at the pace of the last two half-years, drawn lighter
        rows += [(_("%(period)s (projected)", period=period.next(k)), 0, round(history[-1] + step * k), None,
                  _("about %(count)s", count=numbers.number(round(history[-1] + step * k)))) for k in (1, 2)]
    pdf.bars(rows)
    pdf.para(_("Dark: people trained at the end of each half-year; light: projected at the pace of the last two."),
             8.5)
    for answer in report.answers[1:3]:
        pdf.para(answer.answer, 8.5)

    pdf.heading(_("Knowledge gain: pre-test and quiz (share of answers right)"))
    gains = report.gains_by(0)
    rows = [(slug, g) for slug, g in sorted(gains.items()) if enough(g.learners)]
    if rows:
        for slug, g in rows:
            after = ngettext("%(after)s (%(gain)s points, %(people)s person)",
                             "%(after)s (%(gain)s points, %(people)s people)", g.learners,
                             after=percent(g.post), gain=f"{g.gain:+.0f}", people=numbers.number(g.learners))
            pdf.bars([(_("%(course)s: before", course=slug), round(g.pre), 0, None, percent(g.pre)),
                      (_("%(course)s: after", course=slug), 0, round(g.post), None, after)])
    else:
        pdf.para(_("Not enough answers yet: fewer than 5 people took both a pre-test and the quiz this half-year."))

    pdf.heading(_("Events by kind"))
    pdf.bars([(str(KINDS[k]), report.kinds[k].events, 0, None, numbers.number(report.kinds[k].events))
              for k in KIND_ORDER if k in report.kinds] or [(_("None this half-year."), 0, 0, None, "0")])

    pdf.heading(_("The coordinator's checklist"))
    for key, question in QUESTIONS.items():
        row = report.checklist.get(key)
        pdf.para(str(question), 9, bold=True)
        if row is None:
            pdf.para(_("Not answered yet."), 9)
        else:
            word = _("Yes") if row.answer == "yes" else _("No")
            text = f"{word}. {row.note}".strip()
            if row.evidence_url:
                text += " " + _("Evidence: %(url)s", url=row.evidence_url)
            text += " " + _("(answered %(date)s)", date=format_date(row.answered_at, "long"))
            pdf.para(text, 9)
    pdf.heading(_("Method"))
    pdf.para(_(METHOD), 8.5)
    return bytes(pdf.output())
