"""The certificate as a PDF file, for the download and for the mail that announces it."""

from __future__ import annotations

from flask import current_app

from academy.certificates import codes, pdf, qr
from academy.certificates.models import Certificate

STATUS_WORDS = {"valid": "Valid", "expired": "Expired", "revoked": "Revoked", "superseded": "Superseded"}


def certificate_pdf(certificate: Certificate) -> tuple[str, bytes]:
    """Return the file name and the bytes of the certificate's PDF."""
    from academy.certificates.views import sector_label

    url = qr.verify_url(current_app.config["ACADEMY_PUBLIC_URL"], certificate.code)
    printed = pdf.PrintedCertificate(
        holder_name=certificate.holder_name,
        course_title=certificate.course_title,
        sector_label=sector_label(certificate.sector),
        version=certificate.version,
        hours=certificate.hours,
        issued_at=certificate.issued_at,
        expires_at=certificate.expires_at,
        grouped_code=codes.group(certificate.code),
        verify_url=url,
        issuer=current_app.config["ACADEMY_NAME"],
        status_words=STATUS_WORDS[certificate.status()],
    )
    body = pdf.render(printed, qr.png(url, box_size=10))
    return f"certificate-{certificate.course_slug}-{codes.group(certificate.code)}.pdf", body
