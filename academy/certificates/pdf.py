"""The printable PDF certificate (fpdf2, DejaVu for any name's letters), with its verification QR code.

The words are in the language of the person asking for the PDF; the course title is the English one the
certificate recorded when it was issued, since a certificate is a record.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from babel.dates import format_date
from babel.numbers import format_decimal
from flask_babel import get_locale
from flask_babel import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos

FONTS = Path(__file__).resolve().parent.parent / "fonts"
INK, MUTED, BRAND = (28, 36, 48), (79, 91, 107), (29, 78, 137)


@dataclass(frozen=True)
class PrintedCertificate:
    """Everything printed on the certificate, already formatted."""

    holder_name: str
    course_title: str
    sector_label: str
    version: str
    hours: float
    issued_at: datetime
    expires_at: datetime | None
    grouped_code: str
    verify_url: str
    issuer: str
    status_words: str


def long_date(moment: datetime | None) -> str:
    """Format a date in full in the reader's language: '21 November 2025', '21 de noviembre de 2025'."""
    if moment is None:
        return _("does not expire")
    language = str(get_locale() or "en")
    return format_date(moment.date(), "d MMMM y" if language == "en" else "long", locale=language)


def _document() -> FPDF:
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_title(_("Certificate of completion"))
    pdf.set_creator("The academy")
    pdf.add_page()
    return pdf


def _line(pdf: FPDF, text: str, size: float, style: str = "", color=INK, gap: float = 2, width: float = 190):
    pdf.set_font("DejaVu", style, size)
    pdf.set_text_color(*color)
    pdf.set_x(20)
    pdf.multi_cell(width, size * 0.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_y(pdf.get_y() + gap)


def _frame(pdf: FPDF) -> None:
    pdf.set_draw_color(*BRAND)
    pdf.set_line_width(1.2)
    pdf.rect(8, 8, 281, 194)
    pdf.set_line_width(0.3)
    pdf.rect(11, 11, 275, 188)


def _body(pdf: FPDF, cert: PrintedCertificate) -> None:
    pdf.set_y(34)
    _line(pdf, cert.issuer.upper(), 11, "B", BRAND, 6)
    _line(pdf, _("Certificate of completion"), 28, "B", INK, 8)
    _line(pdf, _("This certifies that"), 12, "", MUTED, 1)
    _line(pdf, cert.holder_name, 24, "B", INK, 5)
    _line(pdf, _("has completed the course"), 12, "", MUTED, 1)
    _line(pdf, cert.course_title, 18, "B", INK, 2)
    about = _(
        "%(sector)s · version %(version)s · %(hours)s hours",
        sector=cert.sector_label,
        version=cert.version,
        hours=format_decimal(cert.hours, locale=str(get_locale() or "en")),
    )
    _line(pdf, about, 11, "", MUTED, 8)
    _line(pdf, _("Issued %(date)s", date=long_date(cert.issued_at)), 12, "", INK, 0)
    expiry = _("Valid until %(date)s", date=long_date(cert.expires_at)) if cert.expires_at else _("Does not expire")
    _line(pdf, expiry, 12, "", INK, 8)
    _line(pdf, _("Certificate code: %(code)s", code=cert.grouped_code), 13, "B", INK, 1)
    _line(pdf, _("Check it at %(url)s", url=cert.verify_url), 9, "", MUTED, 0)


def _qr(pdf: FPDF, png: bytes) -> None:
    """Place the QR code at 60 mm: about 1.3 mm a module, easy for any phone and for decoders."""
    pdf.image(io.BytesIO(png), x=216, y=70, w=60, h=60)
    pdf.set_font("DejaVu", "", 9)
    pdf.set_text_color(*MUTED)
    pdf.set_xy(216, 131)
    pdf.multi_cell(60, 4.5, _("Scan to verify this certificate"), align="C")


def render(cert: PrintedCertificate, qr_png: bytes) -> bytes:
    """Return the certificate as PDF bytes."""
    pdf = _document()
    _frame(pdf)
    _body(pdf, cert)
    _qr(pdf, qr_png)
    if cert.status_words != "Valid":
        # status_words is one of the English status names the pages translate too ("Expired", "Revoked"...)
        status = _(cert.status_words)
        _line(pdf, _("Status when printed: %(status)s", status=status), 11, "B", (161, 38, 42), 0)
    return bytes(pdf.output())
