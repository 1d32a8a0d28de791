"""Bad input, proven by fuzzing: quiz answers, certificate codes, check-in tokens, uploads of any shape never 500.

With TESTING on, an unexpected exception propagates out of the test client: a crash fails these tests loudly.
(The curriculum loader is fuzzed in tests/unit/test_curriculum_fuzz.py.)
"""

from __future__ import annotations

import io
import re
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from academy.extensions import db
from academy.quizzes.models import QuizAttempt
from tests.authz_table import ALLOWED
from tests.courses_fixtures import course, start_attempt
from tests.hardening_fixtures import world_fixture  # noqa: F401  (fixture)

FUZZ = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
junk = st.text(max_size=40)
codeish = st.one_of(junk, st.from_regex(r"[0-9A-Za-z\-\s]{0,30}", fullmatch=True),
                    st.text(alphabet="0123456789ABCDEFGHJKMNPQRSTVWXYZ-ilo ", max_size=25))


def path_segment(text: str) -> str:
    return quote(text, safe="") or "%20"


# --- quiz submissions --------------------------------------------------------------------------------------


def quiz_pairs():
    quiz = course("basics").quiz
    questions = [q.id for q in quiz.questions]
    options = [o.id for q in quiz.questions for o in q.options]
    question = st.one_of(st.sampled_from(questions), junk)
    option = st.one_of(st.sampled_from(options), st.just(""), junk)
    return st.lists(st.tuples(question, option), max_size=8)


def expected(pairs) -> str:
    """What the rules say should happen: 'invalid' (400), 'missing' (the form again) or 'graded'."""
    quiz = course("basics").quiz
    by_id = {q.id: q for q in quiz.questions}
    chosen: dict[str, list[str]] = {}
    for question, option in pairs:
        chosen.setdefault(question, [])
        if option != "":
            chosen[question].append(option)
    for question, options in chosen.items():
        known = by_id.get(question)
        if known is None or len(set(options)) != len(options):
            return "invalid"
        if any(o not in {opt.id for opt in known.options} for o in options):
            return "invalid"
        if known.kind != "multiple" and len(options) > 1:
            return "invalid"
    return "missing" if any(not chosen.get(q) for q in by_id) else "graded"


def _reopen(attempt_id: int) -> None:
    attempt = db.session.get(QuizAttempt, attempt_id)
    attempt.submitted_at, attempt.answers, attempt.score, attempt.passed = None, None, None, None
    db.session.commit()


def test_quiz_submissions_of_any_shape_are_refused_or_graded_cleanly(client, login):
    login("trainee")
    attempt_id = start_attempt(client, "basics")
    url = f"/courses/basics/quiz/{attempt_id}"

    @FUZZ
    @given(pairs=quiz_pairs())
    def check(pairs):
        response = client.post(url, data=MultiDict([(f"q-{question}", option) for question, option in pairs]))
        attempt = db.session.get(QuizAttempt, attempt_id)
        db.session.refresh(attempt)
        outcome = expected(pairs)
        if outcome == "invalid":
            assert response.status_code == 400, (pairs, response.status_code)
            assert attempt.submitted_at is None
        elif outcome == "missing":
            assert response.status_code == 200 and attempt.submitted_at is None, pairs
        else:
            assert response.status_code == 303 and attempt.submitted_at is not None, pairs
            _reopen(attempt_id)

    check()


# --- certificate codes --------------------------------------------------------------------------------------


def test_certificate_codes_of_any_shape_never_crash_the_pages(client, world):
    @FUZZ
    @given(code=codeish)
    def check(code):
        segment = path_segment(code.replace("/", ""))  # a "/" would only make another route match
        page = client.get(f"/verify/{segment}")
        nul = (400,) if "\x00" in code else ()  # NUL is refused up front: PostgreSQL cannot compare it
        assert page.status_code in (200, 404, *nul), code
        assert client.get("/verify", query_string={"code": code}).status_code in (200, 302, 404, *nul)
        for path in (f"/api/v1/certificates/{segment}", f"/api/v1/certificates/{segment}/credential"):
            response = client.get(path)
            assert response.status_code in (200, 404, 410, *nul), (path, response.status_code)
            assert response.is_json
            if response.status_code != 200:
                assert "error" in response.get_json()

    check()


json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | junk,
                           lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(junk, inner, max_size=4),
                           max_leaves=12)


def test_the_bulk_api_answers_any_body_with_json(client, world):
    @FUZZ
    @given(body=st.one_of(st.fixed_dictionaries({"codes": st.lists(codeish, max_size=20)}),
                          st.dictionaries(junk, json_values, max_size=3), json_values))
    def check(body):
        response = client.post("/api/v1/certificates/verify", json=body)
        assert response.is_json and response.status_code in (200, 400, 413), (body, response.status_code)
        if response.status_code == 200:
            assert len(response.get_json()["results"]) == len(body["codes"])
        else:
            assert "error" in response.get_json()

    check()


@given(raw=st.binary(max_size=200))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_the_bulk_api_answers_raw_bytes_with_json(client, raw):
    response = client.post("/api/v1/certificates/verify", data=raw, content_type="application/json")
    assert response.is_json and response.status_code in (200, 400, 413)


# --- check-in codes, tokens and tickets ---------------------------------------------------------------------


def test_check_in_tokens_and_tickets_of_any_shape_never_crash(client, world):
    real_session = world.args["session_id"]

    @FUZZ
    @given(session_id=st.one_of(st.just(real_session), st.integers(min_value=0, max_value=2**70),
                                     st.sampled_from([2**31, 2**63, 2**64])),
           token=junk, ticket=junk)
    def check(session_id, token, ticket):
        scan = client.get(f"/checkin/{session_id}/{path_segment(token)}")
        # 308: a "/" in the text makes a double slash, which Werkzeug redirects to the merged path
        assert scan.status_code in (302, 308, 400, 404, 409), (session_id, token, scan.status_code)
        for method in (client.get, client.post):
            response = method(f"/checkin/t/{path_segment(ticket)}")
            assert response.status_code in (308, 400, 404), (ticket, response.status_code)
        typed = client.post("/checkin", data={"code": token})
        nul = (400,) if "\x00" in token else ()
        assert typed.status_code in (200, 302, *nul), (token, typed.status_code)

    check()


# --- numbers typed into query strings and forms -------------------------------------------------------------

numbers = st.one_of(junk, st.integers(min_value=-(2**70), max_value=2**70).map(str),
                    st.sampled_from(["²", "٣", "0" * 40, str(2**31), str(2**63), "-1", " 1", "1e3"]))


def test_number_arguments_of_any_shape_never_crash(client, world):
    """Filters, pages and picked people arrive as text: digits of other scripts and huge numbers included."""
    from tests.hardening_fixtures import sign_in_as

    sign_in_as(client, world, "admin")
    session_id = world.args["session_id"]

    @settings(FUZZ, max_examples=30)
    @given(value=numbers, name=st.sampled_from(["community", "page", "period", "status", "course", "action"]))
    def check(value, name):
        for path in ("/audit/register", "/audit/log", "/coverage", "/coverage/compare", "/coverage/targets"):
            response = client.get(path, query_string={name: value, "page": value})
            assert response.status_code in (200, 400, 403, 404), (path, name, value, response.status_code)
        marked = client.post(f"/sessions/{session_id}/mark", data={"user_id": value, "reason": "fuzz"})
        assert marked.status_code in (302, 400, 409), (value, marked.status_code)

    check()


# --- every form, every upload, JSON of any depth (issue 15: 0 server errors) --------------------------------

# Text people type: any Unicode (NUL included: refused with 400), long runs for the 200-character columns.
typed = st.one_of(st.text(max_size=60), st.text(min_size=190, max_size=420),
                  st.sampled_from(["%", "_", "%%", "a@b", "dana@@bad", "x" * 201, "'; --", "<b>", "²", "😀" * 70]))
GENERIC_FIELDS = ("name", "email", "code", "reason", "names", "user_id", "password", "confirm", "q", "find")
# Signing out or deleting the account would leave the rest of the walk without its user.
NOT_FUZZED = {"accounts.logout", "privacy.delete"}
PREFERRED = ("admin", "trainer", "coordinator", "trainee", "auditor", "anonymous")


def _form_fields(page: str) -> list[str]:
    names = re.findall(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"', page)
    return sorted({n for n in names if n != "csrf_token"} | set(GENERIC_FIELDS))


def _poster(route) -> str | None:
    """The role that may POST here (the most privileged one), or None if nobody may."""
    allowed = [role for role, answer in (route.post or {}).items() if answer == ALLOWED]
    return next((role for role in PREFERRED if role in allowed), None)


def _form_fuzzer(client, path: str, endpoint: str, fields: list[str]):
    @settings(FUZZ, max_examples=8)
    @given(values=st.fixed_dictionaries({}, optional=dict.fromkeys(fields, typed)))
    def check(values):
        response = client.post(path, data=values)
        assert response.status_code < 500, (endpoint, values, response.status_code)

    return check


def test_every_form_takes_any_text_without_a_server_error(app, client, world):
    """POST random text into every field of every form, as a role allowed to post it: never a 500."""
    from tests.hardening_fixtures import sign_in_as, walk

    tried = 0
    for rule, route, path in list(walk(app, world, "POST")):
        role = _poster(route)
        if rule.endpoint in NOT_FUZZED or role is None or rule.rule.startswith("/api/"):
            continue
        sign_in_as(client, world, role)
        page = client.get(path).get_data(as_text=True) if route.get else ""
        fields = _form_fields(page)

        _form_fuzzer(client, path, rule.endpoint, fields)()
        tried += 1
        client.post("/logout")
    assert tried >= 25, tried


def _nested(depth: int, kind: str) -> str:
    if kind == "list":
        return "[" * depth + "]" * depth
    return '{"a":' * depth + "1" + "}" * depth


@pytest.mark.parametrize("depth", [10, 999, 3_000, 50_000])
@pytest.mark.parametrize("kind", ["list", "dict"])
def test_json_of_any_depth_is_answered_with_json(client, depth, kind):
    response = client.post("/api/v1/certificates/verify", data=_nested(depth, kind).encode(),
                           content_type="application/json")
    assert response.status_code == 400 and response.is_json and "error" in response.get_json()
    form = client.post("/checkin", data=_nested(depth, kind).encode(), content_type="application/json")
    assert form.status_code == 415


@given(depth=st.integers(min_value=1, max_value=6_000), kind=st.sampled_from(["list", "dict"]),
       wrap=st.booleans())
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_json_depth_fuzz(client, depth, kind, wrap):
    body = _nested(depth, kind)
    body = '{"codes": ' + body + "}" if wrap else body
    response = client.post("/api/v1/certificates/verify", data=body.encode(), content_type="application/json")
    assert response.is_json and response.status_code in (200, 400, 413)


# --- the paper sign-in sheet: typed names and CSV files of any line ending and encoding ---------------------

lines = st.lists(st.one_of(typed, st.builds(lambda n, e: f"{n} {e}", st.text(max_size=30),
                                            st.emails().map(str))), max_size=12)
endings = st.sampled_from(["\n", "\r", "\r\n", "\u2028", "\x0b"])
encodings = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "latin-1", "cp1252", "mac_roman"])


def test_paper_sheets_of_any_shape_are_imported_or_refused(client, world):
    from tests.hardening_fixtures import sign_in_as

    sign_in_as(client, world, "trainer")
    url = f"/sessions/{world.args['session_id']}/paper"

    @settings(FUZZ, max_examples=40)
    @given(rows=lines, ending=endings, encoding=encodings, raw=st.one_of(st.none(), st.binary(max_size=300)))
    def check(rows, ending, encoding, raw):
        text = ending.join(rows)
        typed_in = client.post(url, data={"names": text})
        assert typed_in.status_code in (302, 400), (text, typed_in.status_code)
        data = raw if raw is not None else ("name,email" + ending + text).encode(encoding, errors="replace")
        uploaded = client.post(url, data={"file": (io.BytesIO(data), "sheet.csv")},
                               content_type="multipart/form-data")
        assert uploaded.status_code in (302, 400), (data[:80], uploaded.status_code)

    check()


def test_the_door_registration_takes_any_names_and_codes(client, world):
    """Scan, then register with random details: refused with a message or checked in, never a 500."""
    from academy.database import utcnow
    from academy.sessions import codes as checkin_codes
    from academy.sessions.models import TrainingSession

    session = db.session.get(TrainingSession, world.args["session_id"])

    @settings(FUZZ, max_examples=25)
    @given(name=typed, email=st.one_of(typed, st.emails().map(str)), organisation=typed, sector=typed,
           code=codeish)
    def check(name, email, organisation, sector, code):
        token = checkin_codes.code_at(session.secret, session.id, utcnow().timestamp())[0]
        scanned = client.get(f"/checkin/{session.id}/{token}")
        assert scanned.status_code == 302
        response = client.post(scanned.headers["Location"], data={
            "name": name, "email": email, "organisation": organisation, "sector": sector})
        assert response.status_code in (200, 400, 409), response.status_code
        typed_code = client.post("/checkin", data={"code": code})
        assert typed_code.status_code in (200, 302, 400)

    check()


# --- every other upload: the auditor's codes CSV, the people import, a community's logo ---------------------

file_endings = st.sampled_from(["\n", "\r", "\r\n"])
file_encodings = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1252", "latin-1",
                                  "mac_roman"])


def _saved(rows: list[list[str]], separator: str, ending: str, encoding: str) -> bytes:
    return ending.join(separator.join(row) for row in rows).encode(encoding, errors="replace")


def text_files(cells, header: list[str]):
    """Files a spreadsheet (or a mistake) could produce: rows of cells in any encoding and line ending, random
    bytes, and lines of up to 1.1 MB (past the csv module's field limit and the codes check's 1 MB)."""
    rows = st.lists(st.lists(cells, min_size=1, max_size=4), max_size=10)
    saved = st.builds(lambda head, body, sep, ending, enc: _saved(([header] if head else []) + body, sep, ending,
                                                                  enc),
                      st.booleans(), rows, st.sampled_from([",", ";", "\t"]), file_endings, file_encodings)
    huge = st.builds(lambda head, byte, size: head + byte * size,
                     st.sampled_from([b"", ",".join(header).encode() + b"\n"]),
                     st.sampled_from([b"A", b"\x00", b"\xff", b"\r", b'"', b","]),
                     st.integers(min_value=100_000, max_value=1_100_000))
    return st.one_of(saved, st.binary(max_size=2000), huge)


def test_codes_csv_uploads_of_any_shape_are_checked_or_refused_with_a_message(client, world):
    from tests.hardening_fixtures import sign_in_as

    sign_in_as(client, world, "auditor")
    code_cells = st.one_of(codeish, st.sampled_from([world.args["code"], "Zoë Müller", "=SUM(A1)", '"x,y"']))

    @settings(FUZZ, max_examples=40)
    @given(data=text_files(code_cells, ["name", "code"]))
    def check(data):
        response = client.post("/audit", data={"codes": "", "upload": (io.BytesIO(data), "codes.csv")},
                               content_type="multipart/form-data")
        page = response.get_data(as_text=True)
        assert response.status_code in (200, 400, 413), (data[:80], response.status_code)
        if response.status_code == 200:
            assert "<tbody>" in page, data[:80]  # one result per code read
        else:
            assert 'id="check-error"' in page, data[:80]  # and why not, above the form

    check()


def test_people_imports_of_any_shape_are_previewed_or_refused_with_a_message(client, world):
    from tests.hardening_fixtures import sign_in_as

    sign_in_as(client, world, "admin")
    person_cells = st.one_of(typed, st.emails().map(str), st.sampled_from(["trainee", "admin", "riverside", ""]))

    @settings(FUZZ, max_examples=40)
    @given(data=text_files(person_cells, ["name", "email", "role", "community"]))
    def check(data):
        response = client.post("/admin/import", data={"file": (io.BytesIO(data), "people.csv")},
                               content_type="multipart/form-data")
        page = response.get_data(as_text=True)
        assert response.status_code in (200, 400), (data[:80], response.status_code)
        if response.status_code == 200:
            assert 'id="preview-h"' in page, data[:80]  # what the import would do, row by row
        else:
            assert 'id="file-err"' in page, data[:80]  # why not, next to the file field

    check()


def _image(magic: bytes):
    return st.builds(lambda rest: magic + rest, st.binary(max_size=500))


def test_community_logos_of_any_shape_are_saved_or_refused_next_to_the_field(client, world):
    from tests.hardening_fixtures import sign_in_as

    sign_in_as(client, world, "admin")
    url = f"/admin/communities/{world.args['community_id']}"
    fields = {"name": "Riverside", "slug": "riverside", "timezone": "UTC", "jurisdiction": "us"}
    huge = st.builds(lambda magic, size: magic + b"\x00" * size,
                     st.sampled_from([b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff"]),
                     st.integers(min_value=1024 * 1024, max_value=1_900_000))
    logos = st.one_of(st.binary(max_size=2000), _image(b"\x89PNG\r\n\x1a\n"), _image(b"\xff\xd8\xff"),
                      _image(b"GIF89a"), _image(b"<svg "), _image(b"PK\x03\x04"), huge)
    names = st.sampled_from(["logo.png", "logo.jpg", "logo.JPEG", "logo.gif", "logo.svg", "logo.exe", "logo",
                             "logo.png.exe", ".png"])

    @settings(FUZZ, max_examples=40)
    @given(data=logos, filename=names)
    def check(data, filename):
        response = client.post(url, data={**fields, "logo": (io.BytesIO(data), filename)},
                               content_type="multipart/form-data")
        assert response.status_code in (302, 400), (filename, data[:40], response.status_code)
        if response.status_code == 400:
            assert 'id="logo-err"' in response.get_data(as_text=True), (filename, data[:40])

    check()
