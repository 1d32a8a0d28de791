"""The certificate as a PDF file, for the download and for the mail that announces it."""

from __future__ import annotations

from flask import current_app

from academy.accounts.communities import logo_path
from academy.accounts.models import Community
from academy.certificates import codes, qr
from academy.certificates.models import Certificate
from academy.extensions import db

STATUS_WORDS = {"valid": "Valid", "expired": "Expired", "revoked": "Revoked", "superseded": "Superseded"}


def certificate_pdf(certificate: Certificate, paper: str = "a4") -> tuple[str, bytes]:
    """Return the file name and the bytes of the certificate's PDF (A4, or US Letter with paper="letter")."""
    # fpdf2 and the font tools it brings weigh about 35 MB in every worker: they load with the first PDF.
    from academy.certificates import pdf
    from academy.certificates.views import sector_label

    url = qr.verify_url(current_app.config["ACADEMY_PUBLIC_URL"], certificate.code)
    community = db.session.get(Community, certificate.community_id) if certificate.community_id else None
    replacement = db.session.get(Certificate, certificate.superseded_by_id) if certificate.superseded_by_id else None
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
        status=certificate.status(),
        community_name=community.name if community else None,
        logo=logo_path(current_app.instance_path, community) if community else None,
        signatory_name=community.signatory_name if community else None,
        signatory_title=community.signatory_title if community else None,
        revoked_at=certificate.revoked_at,
        replacement_code=codes.group(replacement.code) if replacement else None,
        paper=paper if paper in pdf.PAPERS else "a4",
    )
    body = pdf.render(printed, qr.png(url, box_size=10))
    suffix = "-letter" if printed.paper == "letter" else ""
    return f"certificate-{certificate.course_slug}-{codes.group(certificate.code)}{suffix}.pdf", body
