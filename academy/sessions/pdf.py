"""The paper sign-in sheet (fpdf2): the fallback when the network is down, typed back in afterwards.

The sheet is printed in the language of the trainer who asks for it.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from pathlib import Path

from babel.dates import format_datetime
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from academy.sessions.models import TrainingSession

FONT_DIRS = (Path(__file__).resolve().parent.parent / "fonts", Path("/usr/share/fonts/truetype/dejavu"))
COLUMNS = (
    (_l("No."), 10),
    (_l("Full name (as on the certificate)"), 62),
    (_l("Email, if you have an account"), 58),
    (_l("Organisation"), 32),
    (_l("Signature"), 28),
)
ROW_HEIGHT = 9
MIN_ROWS, MAX_ROWS = 25, 400


def _font_dir() -> Path | None:
    return next((d for d in FONT_DIRS if (d / "DejaVuSans.ttf").exists()), None)


def use_unicode_font(pdf: FPDF) -> str:
    """Add DejaVu (regular and bold) to a PDF when the machine has it; return the face to write with."""
    fonts = _font_dir()
    if fonts is None:
        return "Helvetica"  # core fonts: Latin-1 only
    pdf.add_font("DejaVu", "", str(fonts / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(fonts / "DejaVuSans-Bold.ttf"))
    return "DejaVu"


class Sheet(FPDF):
    """An A4 sheet whose header and column titles repeat on every page."""

    def __init__(self, heading: list[str]):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.heading = heading
        self.face = use_unicode_font(self)
        self.set_auto_page_break(auto=True, margin=15)
        self.set_margins(10, 10, 10)

    def text_of(self, text: str) -> str:
        """Core fonts only know Latin-1; DejaVu knows the rest."""
        return text if self.face == "DejaVu" else text.encode("latin-1", "replace").decode("latin-1")

    def header(self) -> None:
        self.set_font(self.face, "B", 14)
        self.cell(0, 7, self.text_of(self.heading[0]), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(self.face, "", 9)
        for line in self.heading[1:]:
            self.multi_cell(0, 4.5, self.text_of(line), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(2)
        self.set_font(self.face, "B", 8.5)
        self.set_fill_color(230, 234, 240)
        for title, width in COLUMNS:
            self.cell(width, 7, self.text_of(str(title)), border=1, fill=True)
        self.ln(7)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(self.face, "", 8)
        self.cell(0, 6, self.text_of(_("Page %(page)s of %(pages)s", page=self.page_no(), pages="{nb}")), align="C")


def _when(starts: datetime, ends: datetime) -> str:
    """The session's day and times, day and month names in the reader's language."""
    language = str(get_locale() or "en")
    if language == "en":
        day, start, end = f"{starts:%A %d %B %Y}", f"{starts:%H:%M}", f"{ends:%H:%M}"
    else:
        day = format_datetime(starts, "EEEE d MMMM y", locale=language)
        start, end = format_datetime(starts, "HH:mm", locale=language), format_datetime(ends, "HH:mm", locale=language)
    return _("%(day)s, %(start)s to %(end)s (%(zone)s)", day=day, start=start, end=end, zone=f"{starts:%Z}")


def heading_lines(session: TrainingSession, course_title: str, tz: tzinfo, public_url: str) -> list[str]:
    starts, ends = session.starts_at.astimezone(tz), session.ends_at.astimezone(tz)
    trainers = ", ".join(t.display_name for t in session.trainers) or "-"
    return [
        _("Sign-in sheet: %(title)s", title=session.title),
        _("Course: %(course)s   ·   Session number %(number)s", course=course_title, number=session.id),
        f"{_when(starts, ends)}   ·   {session.place}",
        _("Trainer(s): %(names)s", names=trainers),
        _(
            "Write your name as it should appear on your certificate. Write the email of your academy account so "
            "your attendance counts towards your certificate; without one you are counted as a walk-in, without a "
            "certificate. You can also check in at %(url)s once the network is back.",
            url=f"{public_url}/checkin",
        ),
    ]


def sign_in_sheet(session: TrainingSession, *, course_title: str, tz: tzinfo, public_url: str) -> bytes:
    """Return a PDF with numbered blank rows: the capacity, at least 25."""
    pdf = Sheet(heading_lines(session, course_title, tz, public_url))
    pdf.set_title(pdf.text_of(_("Sign-in sheet: %(title)s", title=session.title)))
    pdf.set_creator("The Academy")
    pdf.alias_nb_pages()
    pdf.add_page()
    pdf.set_font(pdf.face, "", 10)
    rows = min(max(session.capacity or 0, MIN_ROWS), MAX_ROWS)
    for number in range(1, rows + 1):
        for index, (_title, width) in enumerate(COLUMNS):
            pdf.cell(width, ROW_HEIGHT, str(number) if index == 0 else "", border=1)
        pdf.ln(ROW_HEIGHT)
    return bytes(pdf.output())
