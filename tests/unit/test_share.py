"""LinkedIn's add-to-profile link for a certificate."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

from academy.certificates.share import linkedin_url


def test_a_certificate_that_does_not_expire_has_no_expiration_fields():
    url = linkedin_url(
        name="Recognising exploitation & next steps",
        organization="Riverside Academy",
        issued=datetime(2025, 12, 31, 23, 0, tzinfo=UTC),
        expires=None,
        cert_id="ABCD-EFGH-JKMN-PQRS-T",
        cert_url="https://academy.example/verify/ABCD-EFGH-JKMN-PQRS-T",
    )
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "https://www.linkedin.com/profile/add"
    assert parse_qs(parts.query) == {
        "startTask": ["CERTIFICATION_NAME"],
        "name": ["Recognising exploitation & next steps"],
        "organizationName": ["Riverside Academy"],
        "issueYear": ["2025"],
        "issueMonth": ["12"],
        "certId": ["ABCD-EFGH-JKMN-PQRS-T"],
        "certUrl": ["https://academy.example/verify/ABCD-EFGH-JKMN-PQRS-T"],
    }
