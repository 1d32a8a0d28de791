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
from flask_babel import get_locale
from flask_babel import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from academy.numbers import hours_text

FONTS = Path(__file__).resolve().parent.parent / "fonts"
INK, MUTED, BRAND = (28, 36, 48), (79, 91, 107), (29, 78, 137)


PAPERS = {"a4": ("A4", 297.0, 210.0), "letter": ("Letter", 279.4, 215.9)}  # landscape width x height, mm
WARNING = (161, 38, 42)


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
    status: str = "valid"  # valid, expired, revoked, superseded
    community_name: str | None = None  # the coalition that trains and signs
    logo: Path | None = None  # its logo, PNG or JPEG
    signatory_name: str | None = None
    signatory_title: str | None = None
    revoked_at: datetime | None = None
    replacement_code: str | None = None  # the certificate that superseded this one, grouped
    paper: str = "a4"


def long_date(moment: datetime | None) -> str:
    """Format a date in full in the reader's language: '21 November 2025', '21 de noviembre de 2025'."""
    if moment is None:
        return _("does not expire")
    language = str(get_locale() or "en")
    return format_date(moment.date(), "d MMMM y" if language == "en" else "long", locale=language)


def _document(paper: str) -> FPDF:
    pdf = FPDF(orientation="L", unit="mm", format=PAPERS[paper][0])
    pdf.set_auto_page_break(False)
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_title(_("Certificate of completion"))
    pdf.set_creator("The academy")
    pdf.add_page()
    return pdf


def _line(pdf: FPDF, text: str, size: float, style: str = "", color=INK, gap: float = 2, width: float = 190,
          x: float = 20, align: str = "L"):
    pdf.set_font("DejaVu", style, size)
    pdf.set_text_color(*color)
    pdf.set_x(x)
    pdf.multi_cell(width, size * 0.5, text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_y(pdf.get_y() + gap)


def _frame(pdf: FPDF) -> None:
    pdf.set_draw_color(*BRAND)
    pdf.set_line_width(1.2)
    pdf.rect(8, 8, pdf.w - 16, pdf.h - 16)
    pdf.set_line_width(0.3)
    pdf.rect(11, 11, pdf.w - 22, pdf.h - 22)


def _heading(pdf: FPDF, cert: PrintedCertificate) -> None:
    """The coalition's logo and name, then the academy's, along the top."""
    x = 20
    if cert.logo is not None:
        try:
            info = pdf.image(str(cert.logo), x=20, y=17, h=18)
            x = 20 + info.rendered_width + 6
        except (OSError, ValueError, RuntimeError):  # a logo the PDF library cannot read is left out
            x = 20
    pdf.set_y(19)
    width = pdf.w - 20 - x
    if cert.community_name:
        _line(pdf, cert.community_name.upper(), 12, "B", BRAND, 1, width=width, x=x)
        _line(pdf, cert.issuer, 9, "", MUTED, 0, width=width, x=x)
    else:
        _line(pdf, cert.issuer.upper(), 11, "B", BRAND, 0, width=width, x=x)


def _body(pdf: FPDF, cert: PrintedCertificate) -> None:
    width = pdf.w - 40
    pdf.set_y(44)
    _line(pdf, _("Certificate of completion"), 28, "B", INK, 7, width)
    _line(pdf, _("This certifies that"), 12, "", MUTED, 1, width)
    _line(pdf, cert.holder_name, 24, "B", INK, 4, width)
    _line(pdf, _("has completed the course"), 12, "", MUTED, 1, width)
    _line(pdf, cert.course_title, 18, "B", INK, 2, width)
    about = _(
        "%(sector)s · version %(version)s · %(hours)s",
        sector=cert.sector_label,
        version=cert.version,
        hours=hours_text(cert.hours),  # "1 hour", "1.5 hours", "0,25 horas"
    )
    _line(pdf, about, 11, "", MUTED, 0, width)


def _validity(cert: PrintedCertificate) -> tuple[str, tuple]:
    """What the certificate says about its validity: never 'valid until' on one that is not valid."""
    if cert.status == "revoked":
        return _("Revoked on %(date)s: no longer valid", date=long_date(cert.revoked_at or cert.issued_at)), WARNING
    if cert.status == "superseded":
        return _("Replaced by certificate %(code)s", code=cert.replacement_code or "?"), WARNING
    if cert.status == "expired":
        return _("Expired on %(date)s", date=long_date(cert.expires_at)), WARNING
    if cert.expires_at:
        return _("Valid until %(date)s", date=long_date(cert.expires_at)), INK
    return _("Does not expire"), INK


def _lower_third(pdf: FPDF, cert: PrintedCertificate, png: bytes) -> None:
    """Dates and code on the left, the signature in the middle, the QR code on the right."""
    top, qr_size = pdf.h - 78, 50
    pdf.set_draw_color(*MUTED)
    pdf.set_line_width(0.2)
    pdf.line(20, top - 4, pdf.w - 20, top - 4)
    left = (pdf.w - 40 - qr_size) * 0.56
    pdf.set_y(top + 4)
    _line(pdf, _("Issued %(date)s", date=long_date(cert.issued_at)), 12, "", INK, 1, left)
    validity, color = _validity(cert)
    _line(pdf, validity, 12, "B" if color == WARNING else "", color, 6, left)
    _line(pdf, _("Certificate code: %(code)s", code=cert.grouped_code), 12, "B", INK, 1, left)
    _line(pdf, _("Check it at %(url)s", url=cert.verify_url), 8, "", MUTED, 0, left)
    # the signature block
    sx, sw = 20 + left + 8, pdf.w - 40 - qr_size - left - 16
    line_y = pdf.h - 40
    pdf.line(sx, line_y, sx + sw, line_y)
    pdf.set_y(line_y + 2)
    if cert.signatory_name:
        _line(pdf, cert.signatory_name, 11, "B", INK, 0, sw, sx, "C")
        if cert.signatory_title:
            _line(pdf, cert.signatory_title, 9, "", MUTED, 0, sw, sx, "C")
    else:
        _line(pdf, cert.community_name or cert.issuer, 10, "", MUTED, 0, sw, sx, "C")
    # the QR code: at 50 mm about 1.1 mm a module, easy for any phone and for decoders
    qx = pdf.w - 20 - qr_size
    pdf.image(io.BytesIO(png), x=qx, y=top - 1, w=qr_size, h=qr_size)
    pdf.set_font("DejaVu", "", 8)
    pdf.set_text_color(*MUTED)
    pdf.set_xy(qx, top + qr_size - 1)
    pdf.multi_cell(qr_size, 4, _("Scan to verify this certificate"), align="C")


def _stamp(pdf: FPDF, cert: PrintedCertificate) -> None:
    """Mark a revoked or replaced certificate plainly, across the whole page."""
    words = {"revoked": _("REVOKED"), "superseded": _("REPLACED")}.get(cert.status)
    if not words:
        return
    with pdf.local_context(fill_opacity=0.22, text_color=WARNING):
        pdf.set_font("DejaVu", "B", 110)
        width = pdf.get_string_width(words)
        with pdf.rotation(angle=25, x=pdf.w / 2, y=pdf.h / 2):
            pdf.text(pdf.w / 2 - width / 2, pdf.h / 2 + 14, words)


def render(cert: PrintedCertificate, qr_png: bytes) -> bytes:
    """Return the certificate as PDF bytes."""
    pdf = _document(cert.paper if cert.paper in PAPERS else "a4")
    _frame(pdf)
    _heading(pdf, cert)
    _body(pdf, cert)
    _lower_third(pdf, cert, qr_png)
    _stamp(pdf, cert)
    if cert.status_words != "Valid":
        # status_words is one of the English status names the pages translate too ("Expired", "Revoked"...)
        status = _(cert.status_words)
        pdf.set_y(pdf.h - 20)
        _line(pdf, _("Status when printed: %(status)s", status=status), 10, "B", WARNING, 0, pdf.w - 40)
    return bytes(pdf.output())
