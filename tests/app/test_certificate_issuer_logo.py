"""The signed certificate credential's issuer profile carries the community's logo when it has one."""

from __future__ import annotations

import io

from PIL import Image

from academy.accounts.communities import store_logo
from academy.certificates import codes, credentials
from academy.extensions import db
from tests.certificates_fixtures import course, issue, signing_key  # noqa: F401 (fixtures)


def _logo_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (200, 80), (29, 78, 137)).save(out, "PNG")
    return out.getvalue()


def test_the_issuer_profile_shows_the_communitys_logo_and_still_verifies(app, client, make_user, make_community,
                                                                       issue, signing_key):  # noqa: F811
    app.config["ACADEMY_PUBLIC_URL"] = "https://academy.example.org"
    branded = make_community("fraser-valley", "Fraser Valley Community Action Team", "ca-bc")
    branded.logo_filename = store_logo(app.instance_path, _logo_png())
    plain = make_community("riverside", "Riverside Coalition")
    db.session.commit()
    with_logo = issue(make_user("trainee", community=branded))
    without = issue(make_user("trainee", community=plain))

    document = client.get(f"/api/v1/certificates/{codes.group(with_logo.code)}/credential").get_json()
    image = document["issuer"]["image"]
    assert image["id"] == f"https://academy.example.org/communities/{branded.id}/logo" and image["type"] == "Image"
    served = client.get(f"/communities/{branded.id}/logo")
    assert served.status_code == 200 and served.mimetype == "image/png"
    assert credentials.verify(document).ok  # both proofs, with the image inside the signed document

    other = client.get(f"/api/v1/certificates/{codes.group(without.code)}/credential").get_json()
    assert "image" not in other["issuer"] and credentials.verify(other).ok
