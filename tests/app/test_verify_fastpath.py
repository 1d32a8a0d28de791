"""The verify API's WSGI fast path answers exactly what the Flask view answers, and leaves everything else to Flask."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from werkzeug.middleware.proxy_fix import ProxyFix

from academy.certificates import codes, fastpath, lookup, service, verifylog
from academy.certificates.models import AuditEvent
from academy.extensions import db
from academy.web import HSTS
from tests.certificates_fixtures import course, issue  # noqa: F401 (fixtures)
from tests.fastpath_fixtures import call, flask_requests  # noqa: F401 (fixtures)

T0 = datetime(2025, 5, 6, 7, 8, 9, tzinfo=UTC)
API = "/api/v1/certificates/"


@pytest.fixture
def fast(app) -> fastpath.VerifyFastPath:
    """Return the app's fast path (installed by create_app, the outermost WSGI layer when no ProxyFix is set)."""
    return app.extensions[fastpath.EXTENSION_KEY]


@pytest.fixture
def certs(issue, make_user) -> dict:
    """Issue one certificate in each state; return their canonical codes by state."""
    user = make_user("trainee", name="Priya Patel")
    superseded = issue(user, now=T0 - timedelta(days=1000))
    issue(user)
    expired = issue(user, "policing", now=T0 - timedelta(days=1000))
    valid = issue(make_user("trainee", name="Ana María de la Cruz"), "policing")
    revoked = issue(make_user("trainee"))
    service.revoke_certificate(revoked, make_user("admin"), "issued by mistake")
    db.session.commit()
    return {"valid": valid.code, "expired": expired.code, "revoked": revoked.code, "superseded": superseded.code}


def verified_lines(code: str | None = None) -> int:
    """Count the certificate.verified audit lines (for one grouped code, if given)."""
    query = select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "certificate.verified")
    if code is not None:
        query = query.where(AuditEvent.subject_id == code)
    return db.session.scalar(query)


TYPED = {
    "valid": lambda c: codes.group(c["valid"]),
    "expired": lambda c: codes.group(c["expired"]),
    "revoked": lambda c: codes.group(c["revoked"]),
    "superseded": lambda c: codes.group(c["superseded"]),
    "lowercase, no dashes": lambda c: c["valid"].lower(),
    "look-alikes": lambda c: codes.group(c["valid"]).lower().replace("0", "o").replace("1", "l"),
    "unknown, well formed": lambda c: codes.new_code(),
    "malformed": lambda c: "garbage",
    "very long": lambda c: "x" * 500,
    "the POST-only sibling": lambda c: "verify",
    "escaped characters": lambda c: "%3Cb%3E%20%22x%22",
}


@pytest.mark.parametrize("method", ["GET", "HEAD"])
@pytest.mark.parametrize("case", list(TYPED))
def test_the_fast_path_answers_what_the_view_answers(app, fast, flask_requests, certs, case, method):
    path = API + TYPED[case](certs)
    answer = call(app, path, method)
    assert flask_requests == []  # answered by the fast path
    reference = call(fast.wsgi_app, path, method)  # Flask's own answer
    assert len(flask_requests) == 1
    assert answer == reference
    status, headers, body = answer
    assert status in ("200 OK", "404 NOT FOUND")
    assert ("Cache-Control", "no-store") in headers and HSTS in headers  # the test app's public URL is https
    assert (body == b"") == (method == "HEAD")



def test_the_statuses_come_through(app, certs, flask_requests):
    got = {state: json.loads(call(app, API + code)[2])["status"] for state, code in certs.items()}
    assert got == {"valid": "valid", "expired": "expired", "revoked": "revoked", "superseded": "superseded"}
    assert flask_requests == []


def test_a_query_string_changes_nothing(app, fast, flask_requests, certs):
    path = API + codes.group(certs["valid"])
    answer = call(app, path, query_string="utm_source=qr&x=%01")
    assert flask_requests == []
    assert answer == call(fast.wsgi_app, path, query_string="utm_source=qr&x=%01")


@pytest.mark.parametrize(
    ("method", "suffix", "query", "status"),
    [
        ("GET", "x%00y", "", "400 BAD REQUEST"),  # a NUL in the path
        ("GET", "{code}", "q=%00", "400 BAD REQUEST"),  # %00 in the query
        ("POST", "{code}", "", "405 METHOD NOT ALLOWED"),
        ("OPTIONS", "{code}", "", "200 OK"),
        ("GET", "{code}/", "", "404 NOT FOUND"),  # a trailing slash
        ("GET", "%C3%A9", "", "404 NOT FOUND"),  # not ASCII
        ("GET", "", "", "404 NOT FOUND"),  # no code at all
    ],
)
def test_what_the_fast_path_does_not_answer_goes_to_flask(app, fast, flask_requests, certs, method, suffix, query,
                                                          status):
    path = API + suffix.format(code=codes.group(certs["valid"]))
    answer = call(app, path, method, query_string=query)
    assert len(flask_requests) == 1  # Flask answered
    assert answer[0] == status
    assert answer == call(fast.wsgi_app, path, method, query_string=query)
    if status.startswith("400"):
        assert b"NUL characters" in answer[2]


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({"Cookie": "session=whatever"}, "200 OK"),  # Flask may refresh or clear a session cookie
        ({"Connection": "Upgrade", "Upgrade": "websocket"}, "400 BAD REQUEST"),  # no WebSocket route here
    ],
)
def test_requests_with_these_headers_go_to_flask(app, fast, flask_requests, certs, headers, status):
    path = API + codes.group(certs["valid"])
    answer = call(app, path, headers=headers)
    assert len(flask_requests) == 1
    assert answer == call(fast.wsgi_app, path, headers=headers)
    assert answer[0] == status


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("TRUSTED_HOSTS", ["academy.test"]),  # the test request's host is localhost: Flask answers 400
        ("SECRET_KEY", None),  # no session, so no Vary: Cookie
        ("REMEMBER_COOKIE_REFRESH_EACH_REQUEST", True),  # Flask-Login writes (here: clears) the session cookie
    ],
)
def test_settings_under_which_flask_answers_otherwise_leave_it_to_flask(app, fast, flask_requests, certs, setting,
                                                                        value):
    app.config[setting] = value
    path = API + codes.group(certs["valid"])
    answer = call(app, path)
    assert len(flask_requests) == 1
    assert answer == call(fast.wsgi_app, path)


def test_no_other_get_route_is_one_segment_under_the_fast_path(app):
    """A new GET route at /api/v1/certificates/<one segment> would be hidden by the fast path."""
    single = [rule.endpoint for rule in app.url_map.iter_rules()
              if rule.rule.startswith(API) and "/" not in rule.rule[len(API):] and "GET" in rule.methods]
    assert single == ["certificates_api.certificate"]


def test_one_audit_line_per_found_lookup_and_none_for_unknown_codes(app, flask_requests, certs):
    grouped = codes.group(certs["valid"])
    assert verified_lines() == 0
    for _ in range(3):
        assert call(app, API + grouped)[0] == "200 OK"
    assert verified_lines(grouped) == 3  # written and committed at once: the delay is 0 under TESTING
    assert call(app, API + certs["valid"].lower(), "HEAD")[0] == "200 OK"
    assert verified_lines(grouped) == 4
    for typed in (codes.new_code(), "garbage"):
        assert call(app, API + typed)[0] == "404 NOT FOUND"
    assert verified_lines() == 4
    assert flask_requests == []
    query = select(AuditEvent.detail).where(AuditEvent.action == "certificate.verified",
                                            AuditEvent.subject_id == grouped)
    assert db.session.scalars(query).all() == [{"channel": "api"}] * 4


@pytest.mark.parametrize("app_config", [{"ACADEMY_VERIFY_LOG_DELAY": 30}])
def test_audit_lines_are_batched_when_a_delay_is_set(app, flask_requests, certs):
    grouped = codes.group(certs["valid"])
    for _ in range(2):
        assert call(app, API + grouped)[0] == "200 OK"
    assert flask_requests == [] and verified_lines() == 0
    assert verifylog.buffer.flush() == 2
    assert verified_lines(grouped) == 2


def test_a_failing_lookup_is_left_to_flask_and_logged_once(app, flask_requests, certs, monkeypatch):
    calls = {"n": 0}
    real = lookup.summaries

    def _fails_once(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("the database went away")
        return real(*args, **kwargs)

    monkeypatch.setattr(lookup, "summaries", _fails_once)
    grouped = codes.group(certs["valid"])
    status, _headers, body = call(app, API + grouped)
    assert (status, calls["n"], len(flask_requests)) == ("200 OK", 2, 1)  # the view looked it up again
    assert grouped.encode() in body
    assert verified_lines(grouped) == 1


@pytest.mark.parametrize("app_config", [{"ACADEMY_PROXY_FIX": 1, "ACADEMY_PUBLIC_URL": "http://academy.test"}])
def test_a_proxy_fix_stays_outside_and_https_from_the_proxy_adds_hsts(app, fast, flask_requests, certs):
    assert isinstance(app.wsgi_app, ProxyFix) and app.wsgi_app.app is fast
    reference = ProxyFix(fast.wsgi_app, x_for=1, x_proto=1, x_host=1, x_port=1)
    path = API + codes.group(certs["valid"])
    for headers, hsts in (({"X-Forwarded-Proto": "https"}, True), ({}, False)):
        answer = call(app, path, headers=headers)
        assert answer == call(reference, path, headers=headers)
        assert (HSTS in answer[1]) is hsts
    assert len(flask_requests) == 2  # only the reference calls


@pytest.mark.parametrize("app_config", [{"ACADEMY_PUBLIC_URL": "http://academy.test"}])
def test_no_hsts_over_plain_http(app, fast, flask_requests, certs):
    path = API + codes.group(certs["valid"])
    answer = call(app, path)
    assert flask_requests == []
    assert answer == call(fast.wsgi_app, path)
    assert not any(name == HSTS[0] for name, _value in answer[1])
