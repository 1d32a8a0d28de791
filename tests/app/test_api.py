"""The certificate API: look-up, bulk verification (one query), signed credentials and the status list."""

from __future__ import annotations

import json
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from jsonschema import Draft201909Validator
from sqlalchemy import event, select, update

from academy.certificates import codes, credentials, keys, publish, service
from academy.certificates.models import Certificate
from academy.extensions import db
from tests.certificates_fixtures import course, issue, signing_key  # noqa: F401 (fixtures)

W3C_DATA = Path(__file__).resolve().parents[1] / "data" / "w3c"
T0 = datetime(2025, 5, 6, 7, 8, 9, tzinfo=UTC)


@pytest.fixture
def cert(issue, make_user):
    return issue(make_user("trainee", email="holder@example.org", name="Priya Patel"), "policing", now=T0)


@contextmanager
def count_queries():
    """Count the SQL statements the app sends, by kind."""
    statements: list[str] = []

    def _record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement.lstrip().split()[0].upper())

    event.listen(db.engine, "before_cursor_execute", _record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", _record)


# --- GET /api/v1/certificates/<code> ---


def test_get_certificate_json(client, cert):
    response = client.get(f"/api/v1/certificates/{codes.group(cert.code)}")
    assert response.status_code == 200
    assert response.get_json() == {
        "code": codes.group(cert.code),
        "status": "valid",
        "course": {
            "slug": "policing",
            "title": "Test policing",
            "sector": "law-enforcement",
            "version": cert.version,
        },
        "issued_at": "2025-05-06T07:08:09Z",
        "expires_at": "2027-05-06T07:08:09Z",
        "holder": "P. P.",
    }
    assert response.headers["Cache-Control"] == "private, no-cache"  # no proxy keeps it; revalidated (ETag)
    assert "holder@example.org" not in response.get_data(as_text=True)


def test_get_certificate_forgives_the_typing(client, cert):
    typed = cert.code.lower().replace("0", "o").replace("1", "l")
    assert client.get(f"/api/v1/certificates/{typed}").get_json()["code"] == codes.group(cert.code)


@pytest.mark.parametrize("typed", ["7KQ2-M9XD-4T1B-8HNC-V", "garbage", "x" * 500])
def test_unknown_code_is_a_json_404(client, cert, typed):
    response = client.get(f"/api/v1/certificates/{typed}")
    assert response.status_code == 404
    assert response.is_json and "could not find" in response.get_json()["error"]


def test_deleted_account_holder(client, cert):
    from academy.accounts.privacy import delete_account

    delete_account(cert.user, revoke_certificates=False)
    db.session.commit()
    assert client.get(f"/api/v1/certificates/{cert.code}").get_json()["holder"] == "deleted account"


def test_statuses_in_the_api(client, issue, make_user):
    user = make_user("trainee")
    old = issue(user, now=T0 - timedelta(days=1000))
    issue(user)
    expired = issue(user, "policing", now=T0 - timedelta(days=1000))
    revoked = issue(make_user("trainee"))
    service.revoke_certificate(revoked, make_user("admin"), "x")
    db.session.commit()
    got = {
        c: client.get(f"/api/v1/certificates/{c.code}").get_json()["status"] for c in (old, expired, revoked)
    }
    assert list(got.values()) == ["superseded", "expired", "revoked"]


# --- POST /api/v1/certificates/verify ---


def test_bulk_verify_keeps_order_and_reports_unknowns(client, issue, make_user):
    certs = [issue(make_user("trainee")) for _ in range(3)]
    unknown = codes.new_code()
    sent = [
        codes.group(certs[2].code),
        unknown,
        certs[0].code.lower(),
        "not a code",
        codes.group(certs[2].code),
    ]
    response = client.post("/api/v1/certificates/verify", json={"codes": sent})
    assert response.status_code == 200
    results = response.get_json()["results"]
    assert [r["status"] for r in results] == ["valid", "not_found", "valid", "not_found", "valid"]
    assert [r["code"] for r in results] == [
        codes.group(certs[2].code),
        unknown,
        codes.group(certs[0].code),
        "not a code",
        codes.group(certs[2].code),
    ]
    assert results[0] == client.get(f"/api/v1/certificates/{certs[2].code}").get_json()
    assert results[1] == {"code": unknown, "status": "not_found"}


def test_bulk_verify_of_1000_codes_takes_one_select(client, issue, make_user):
    user = make_user("trainee")
    known = [issue(user, slug).code for slug in ("basics", "policing")]
    sent = [codes.new_code() for _ in range(998)] + known
    with count_queries() as statements:
        response = client.post("/api/v1/certificates/verify", json={"codes": sent})
    assert response.status_code == 200
    results = response.get_json()["results"]
    assert len(results) == 1000 and [r["status"] for r in results[-2:]] == ["valid", "valid"]
    assert statements.count("SELECT") == 1, statements


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"codes": ["A"] * 1001}, 413),
        ({"codes": "7KQ2-M9XD"}, 400),
        ({"codes": [1, 2]}, 400),
        ({"code": ["x"]}, 400),
        (["x"], 400),
    ],
)
def test_bulk_verify_refuses_bad_requests_with_json(client, body, status):
    response = client.post("/api/v1/certificates/verify", json=body)
    assert response.status_code == status
    assert response.is_json and response.get_json()["error"]


def test_bulk_verify_refuses_malformed_json(client):
    response = client.post("/api/v1/certificates/verify", data="{not json", content_type="application/json")
    assert response.status_code == 400 and "error" in response.get_json()


def test_bulk_verify_of_nothing_answers_nothing(client):
    assert client.post("/api/v1/certificates/verify", json={"codes": []}).get_json() == {"results": []}


class TestWithCsrf:
    @pytest.fixture
    def app_config(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_the_api_needs_no_csrf_token(self, client, cert):
        response = client.post("/api/v1/certificates/verify", json={"codes": [cert.code]})
        assert response.status_code == 200 and response.get_json()["results"][0]["status"] == "valid"

    def test_forms_still_need_one(self, client, cert):
        assert client.post(f"/verify/{cert.code}", data={"name": "x"}).status_code == 400


# --- signed credentials and the status list ---


@pytest.fixture(scope="module")
def ob_schema():
    path = W3C_DATA / "ob_v3p0_achievementcredential_schema.json"
    return Draft201909Validator(json.loads(path.read_text()))


def test_credential_is_a_signed_open_badge(client, app, cert, signing_key, ob_schema):
    response = client.get(f"/api/v1/certificates/{codes.group(cert.code)}/credential")
    assert response.status_code == 200
    document = response.get_json()
    assert credentials.verify(document).ok
    assert sorted(e.message for e in ob_schema.iter_errors(document)) == []
    did = keys.load_keyring(signing_key).active.did
    assert document["issuer"]["id"] == did and document["proof"][0]["verificationMethod"].startswith(did)
    assert [proof["cryptosuite"] for proof in document["proof"]] == ["eddsa-rdfc-2022", "eddsa-jcs-2022"]
    assert credentials.verify(document).checked == ("eddsa-rdfc-2022", "eddsa-jcs-2022")
    assert (document["validFrom"], document["validUntil"]) == ("2025-05-06T07:08:09Z", "2027-05-06T07:08:09Z")
    subject = document["credentialSubject"]
    assert subject["identifier"][0]["identityHash"] == credentials.identity_hash(
        "holder@example.org", cert.credential_salt
    )
    assert "name" not in subject and "Priya" not in response.get_data(as_text=True)
    assert "holder@example.org" not in response.get_data(as_text=True)
    assert subject["achievement"]["name"] == "Test policing"
    status = document["credentialStatus"]
    assert status["statusListCredential"] == "https://academy.test/api/v1/status-lists/1"
    assert status["statusListIndex"] == str(cert.status_index)


def test_credential_names_the_holder_only_when_chosen(client, cert, signing_key):
    cert.include_name = True
    db.session.commit()
    document = client.get(f"/api/v1/certificates/{cert.code}/credential").get_json()
    assert document["credentialSubject"]["name"] == "Priya Patel"
    assert credentials.verify(document).ok


def test_a_tampered_credential_fails(client, cert, signing_key):
    document = client.get(f"/api/v1/certificates/{cert.code}/credential").get_json()
    document["validUntil"] = "2099-01-01T00:00:00Z"
    assert not credentials.verify(document).ok


def _status(client, document) -> str:
    url = document["credentialStatus"]["statusListCredential"].removeprefix("https://academy.test")
    status_list = client.get(url).get_json()
    return credentials.check_status(document, status_list, now=datetime.now(UTC))


def test_revocation_shows_in_the_signed_status_list(client, cert, signing_key, make_user):
    document = client.get(f"/api/v1/certificates/{cert.code}/credential").get_json()
    assert _status(client, document) == "ok"
    service.revoke_certificate(cert, make_user("admin"), "mistake")
    db.session.commit()
    assert _status(client, document) == "revoked"
    status_list = client.get("/api/v1/status/1").get_json()
    assert credentials.verify(status_list).ok
    assert client.get("/api/v1/status-lists/1").get_json() == status_list
    assert client.get("/api/v1/status/2").status_code == 404


def test_status_list_follows_the_database_not_the_process(client, issue, make_user, signing_key):
    """Another worker revoking (straight in the database) must show here too, despite the cache."""
    certs = [issue(make_user("trainee")) for _ in range(2)]
    documents = [client.get(f"/api/v1/certificates/{c.code}/credential").get_json() for c in certs]
    assert [_status(client, d) for d in documents] == ["ok", "ok"]
    for cert in certs:
        db.session.execute(
            update(Certificate).where(Certificate.id == cert.id).values(revoked_at=datetime.now(UTC))
        )
        db.session.commit()
        assert _status(client, documents[certs.index(cert)]) == "revoked"
    assert [_status(client, d) for d in documents] == ["revoked", "revoked"]


def test_status_list_has_at_least_131072_entries(client, signing_key):
    from academy.certificates.statuslist import StatusList

    encoded = client.get("/api/v1/status/1").get_json()["credentialSubject"]["encodedList"]
    assert StatusList.decode(encoded).size >= 131_072


def test_old_credentials_verify_after_a_key_rotation(client, app, cert, signing_key):
    before = client.get(f"/api/v1/certificates/{cert.code}/credential").get_json()
    new_key = keys.rotate(signing_key)
    after = client.get(f"/api/v1/certificates/{cert.code}/credential").get_json()
    assert after["issuer"]["id"] == new_key.did != before["issuer"]["id"]
    assert credentials.verify(before).ok and credentials.verify(after).ok
    assert publish.keyring(app).dids == {before["issuer"]["id"], new_key.did}
    assert (
        credentials.check_status(
            before, client.get("/api/v1/status/1").get_json(), trusted_issuers=publish.keyring(app).dids
        )
        == "ok"
    )


def test_no_credential_for_a_deleted_account(client, cert):
    from academy.accounts.privacy import delete_account

    delete_account(cert.user, revoke_certificates=False)
    db.session.commit()
    response = client.get(f"/api/v1/certificates/{cert.code}/credential")
    assert response.status_code == 410 and response.is_json


def test_unknown_credential_is_a_json_404(client):
    response = client.get(f"/api/v1/certificates/{codes.new_code()}/credential")
    assert response.status_code == 404 and response.is_json


class TestBatchedVerificationLog:
    @pytest.fixture
    def app_config(self):
        return {"ACADEMY_VERIFY_LOG_DELAY": 30}

    def test_lookups_are_logged_in_one_batch(self, client, cert):
        from academy.certificates import verifylog
        from academy.certificates.models import AuditEvent

        def verified() -> list[AuditEvent]:
            db.session.expire_all()
            query = select(AuditEvent).where(AuditEvent.action == "certificate.verified")
            return db.session.scalars(query).all()

        with count_queries() as statements:
            for _ in range(3):
                assert client.get(f"/api/v1/certificates/{cert.code}").status_code == 200
        assert statements.count("INSERT") == 0 and verified() == []
        assert verifylog.buffer.flush() == 3
        events = verified()
        assert [(e.subject_id, e.detail["channel"]) for e in events] == [(codes.group(cert.code), "api")] * 3
        assert verifylog.buffer.flush() == 0


def test_status_list_is_valid_now_even_after_a_future_dated_revocation(client, cert, signing_key):
    """A row with a clock-skewed revoked_at must not make the whole list 'not valid yet'."""
    db.session.execute(
        update(Certificate)
        .where(Certificate.id == cert.id)
        .values(revoked_at=datetime.now(UTC) + timedelta(days=30))
    )
    db.session.commit()
    status_list = client.get("/api/v1/status/1").get_json()
    assert credentials.check_dates(status_list, datetime.now(UTC)).ok
    document = client.get(f"/api/v1/certificates/{cert.code}/credential").get_json()
    assert credentials.check_status(document, status_list, now=datetime.now(UTC)) == "revoked"


def test_the_short_cut_for_printed_codes_agrees_with_the_forgiving_parser():
    from academy.certificates import lookup

    for _ in range(300):
        grouped = codes.new_code()
        plain = grouped.replace("-", "")
        wrong_check = plain[:-1] + ("0" if plain[-1] != "0" else "1")
        swapped = plain[1] + plain[0] + plain[2:]
        for text in (grouped, plain, grouped.lower(), wrong_check, swapped, grouped + "-", " " + grouped):
            assert lookup.canonical(text) == codes.canonical(text), text


def test_each_credential_has_its_own_email_salt(client, issue, make_user, signing_key, ob_schema):
    holder = make_user("trainee", email="same.person@example.org")
    first, second = issue(holder, "policing"), issue(holder, "basics")
    identifiers = []
    for cert in (first, second):
        document = client.get(f"/api/v1/certificates/{cert.code}/credential").get_json()
        identifier = document["credentialSubject"]["identifier"][0]
        assert identifier["salt"] == cert.credential_salt
        assert identifier["identityHash"] == credentials.identity_hash("same.person@example.org", cert.credential_salt)
        identifiers.append(identifier)
    assert first.credential_salt != second.credential_salt
    assert identifiers[0]["identityHash"] != identifiers[1]["identityHash"]


def test_the_issuer_profile_names_the_academy_and_the_community(client, app, issue, make_user, make_community,
                                                               signing_key, ob_schema):
    community = make_community("riverside", name="Riverside Coalition")
    cert = issue(make_user("trainee", community=community), "policing")
    document = client.get(f"/api/v1/certificates/{cert.code}/credential").get_json()
    assert document["issuer"] == {
        "id": keys.load_keyring(signing_key).active.did,
        "type": ["Profile"],
        "name": app.config["ACADEMY_NAME"],
        "url": "https://academy.test",
        "description": f"{app.config['ACADEMY_NAME']}, for Riverside Coalition",
    }
    assert sorted(e.message for e in ob_schema.iter_errors(document)) == []
    assert credentials.verify(document).checked == ("eddsa-rdfc-2022", "eddsa-jcs-2022")
