"""The public verification pages: forgiving look-up, masked holder, name check, headers, calm not-found."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from academy.certificates import codes, service
from academy.certificates.models import AuditEvent
from academy.extensions import db
from tests.certificates_fixtures import course, issue  # noqa: F401 (fixtures)

T0 = datetime(2025, 3, 4, 10, 0, tzinfo=UTC)


@pytest.fixture
def cert(issue, make_user):
    user = make_user("trainee", email="priya.secret@example.org", name="Priya Patel")
    return issue(user, "policing", now=T0)


def variants(grouped: str) -> list[str]:
    """Ways people type a code: lower case, no dashes, spaces, look-alike letters."""
    plain = grouped.replace("-", "")
    look_alike = plain.replace("0", "O").replace("1", "I")
    return [
        grouped,
        grouped.lower(),
        plain,
        plain.lower(),
        " ".join(grouped.split("-")),
        look_alike,
        look_alike.lower().replace("i", "l"),
        plain.replace("1", "L"),
    ]


def test_verify_page_shows_status_course_dates_issuer_and_masked_holder(client, cert):
    response = client.get(f"/verify/{codes.group(cert.code)}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    for text in (
        "Valid",
        "status-valid",
        "Test policing",
        "Law enforcement and justice",
        cert.version,
        "4 March 2025",
        "4 March 2027",
        "The Academy",
        "P. P.",
        codes.group(cert.code),
    ):
        assert text in page, text
    assert "Priya" not in page and "Patel" not in page
    assert "priya.secret@example.org" not in page and "@" not in page.split("<main")[1].split("</main>")[0]


def test_verify_page_is_noindex_private_and_revalidated(client, cert):
    response = client.get(f"/verify/{codes.group(cert.code)}")
    assert response.headers["X-Robots-Tag"] == "noindex"
    assert response.headers["Cache-Control"] == "private, no-cache"  # no proxy keeps it; a browser asks again
    assert '<meta name="robots" content="noindex">' in response.get_data(as_text=True)


def test_lookup_forgives_case_separators_and_look_alikes(client, cert):
    grouped = codes.group(cert.code)
    for typed in variants(grouped):
        response = client.get(f"/verify/{typed}")
        assert response.status_code == 200, typed
        assert grouped in response.get_data(as_text=True)


def test_slashes_typed_into_the_address_still_find_the_certificate(client, cert):
    grouped = codes.group(cert.code)
    response = client.get(f"/verify/{grouped.replace('-', '/').lower()}")
    assert response.status_code == 200 and grouped in response.get_data(as_text=True)


def test_the_form_sends_a_typed_code_to_its_page(client, cert):
    grouped = codes.group(cert.code)
    response = client.get("/verify", query_string={"code": f"  {grouped.lower().replace('-', ' ')} "})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/verify/{grouped}")


def test_the_form_asks_for_a_code(client):
    page = client.get("/verify").get_data(as_text=True)
    assert "<h1>Verify a certificate</h1>" in page and 'name="code"' in page
    empty = client.get("/verify", query_string={"code": ""}).get_data(as_text=True)
    assert "Type the code printed on the certificate." in empty


@pytest.mark.parametrize("typed", ["7KQ2-M9XD-4T1B-8HNC-V", "nonsense", "x" * 300, "%25", "ÄÖÜ", "0" * 17, "a%0Ab"])
def test_unknown_or_malformed_codes_get_a_calm_404(client, cert, typed):
    response = client.get(f"/verify/{typed}")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "We could not find a certificate with this code" in page
    assert response.headers["X-Robots-Tag"] == "noindex"


def test_a_malformed_code_in_the_form_gets_the_calm_page(client):
    response = client.get("/verify", query_string={"code": "ABC-123"})
    assert response.status_code == 404
    assert "We could not find a certificate with this code" in response.get_data(as_text=True)


def test_a_code_with_a_wrong_check_symbol_is_not_found(client, cert):
    grouped = codes.group(cert.code)
    wrong = grouped[:-1] + ("A" if grouped[-1] != "A" else "B")
    assert client.get(f"/verify/{wrong}").status_code == 404


@pytest.mark.parametrize(
    ("typed", "answer"),
    [
        ("Priya Patel", "Match"),
        ("  priya   PATEL ", "Match"),
        ("Príyá Pátel", "Match"),
        ("PriyaPatel", "Match"),
        ("Priya Patil", "No match"),
        ("P. P.", "No match"),
    ],
)
def test_name_check(client, cert, typed, answer):
    response = client.post(f"/verify/{codes.group(cert.code)}", data={"name": typed})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"{answer}:" in page
    assert ("No match:" in page) == (answer == "No match")
    assert "Priya" not in page.replace(typed, "")  # only echo of what was typed, never the stored name


def test_name_check_with_accents_in_the_stored_name(client, issue, make_user):
    cert = issue(make_user("trainee", name="José Ángel Núñez"))
    page = client.post(f"/verify/{codes.group(cert.code)}", data={"name": "jose angel nunez"}).get_data(
        as_text=True
    )
    assert "Match:" in page and "J. Á. N." in page


def test_statuses_in_words_and_colour(client, issue, make_user):
    user = make_user("trainee")
    first = issue(user, now=T0 - timedelta(days=900))
    renewed = issue(user)
    expired = issue(user, "policing", now=T0 - timedelta(days=900))
    revoked = issue(make_user("trainee"))
    service.revoke_certificate(revoked, make_user("admin"), "secret reason")
    db.session.commit()
    for cert, words in (
        (first, "Superseded"),
        (renewed, "Valid"),
        (expired, "Expired"),
        (revoked, "Revoked"),
    ):
        page = client.get(f"/verify/{codes.group(cert.code)}").get_data(as_text=True)
        assert f'class="status status-{words.lower()}" id="status">{words}<' in page
    assert "secret reason" not in client.get(f"/verify/{codes.group(revoked.code)}").get_data(as_text=True)


def test_a_deleted_account_shows_as_deleted(client, cert):
    from academy.accounts.privacy import delete_account

    delete_account(cert.user, revoke_certificates=False)
    db.session.commit()
    page = client.get(f"/verify/{codes.group(cert.code)}").get_data(as_text=True)
    assert "Deleted account" in page and "Check the name printed" not in page


def test_every_verification_is_audited_without_personal_data(client, cert):
    client.get(f"/verify/{codes.group(cert.code)}", environ_base={"REMOTE_ADDR": "203.0.113.9"})
    client.post(f"/verify/{codes.group(cert.code)}", data={"name": "Priya Patel"})
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "certificate.verified")).all()
    assert [e.detail["channel"] for e in events] == ["web", "web-name-check"]
    assert all(e.subject_id == codes.group(cert.code) and e.actor_id is None for e in events)
    assert "203.0.113.9" not in str([e.detail for e in events]) and "Priya" not in str(
        [e.detail for e in events]
    )


def test_signed_in_coordinator_of_the_community_sees_the_revoke_link(
    client, auth, issue, make_user, make_community
):
    community = make_community("riverside")
    cert = issue(make_user("trainee", community=community))
    url = f"/verify/{codes.group(cert.code)}"
    assert "Revoke this certificate" not in client.get(url).get_data(as_text=True)
    auth.login(make_user("coordinator", coordinates=[community]))
    assert "Revoke this certificate" in client.get(url).get_data(as_text=True)


class TestRateLimit:
    @pytest.fixture
    def app_config(self):
        return {"RATELIMIT_ENABLED": True, "ACADEMY_VERIFY_RATE_LIMIT": "3 per minute"}

    def test_verification_is_rate_limited(self, client, cert):
        url = f"/verify/{codes.group(cert.code)}"
        assert [client.get(url).status_code for _ in range(4)] == [200, 200, 200, 429]
