"""Links a holder uses to share a certificate: LinkedIn's public add-to-profile form, prefilled."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

LINKEDIN_ADD_TO_PROFILE = "https://www.linkedin.com/profile/add"


def linkedin_url(
    *,
    name: str,
    organization: str,
    issued: datetime,
    expires: datetime | None,
    cert_id: str,
    cert_url: str,
) -> str:
    """Return LinkedIn's add-to-profile link for a certification, with its name, issuer, dates, code and URL."""
    fields = {
        "startTask": "CERTIFICATION_NAME",
        "name": name,
        "organizationName": organization,
        "issueYear": issued.year,
        "issueMonth": issued.month,
    }
    if expires is not None:
        fields |= {"expirationYear": expires.year, "expirationMonth": expires.month}
    fields |= {"certId": cert_id, "certUrl": cert_url}
    return f"{LINKEDIN_ADD_TO_PROFILE}?{urlencode(fields)}"
