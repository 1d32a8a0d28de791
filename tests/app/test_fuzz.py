"""Bad input, proven by fuzzing: quiz answers, certificate codes, check-in tokens of any shape never 500.

With TESTING on, an unexpected exception propagates out of the test client: a crash fails these tests loudly.
(The curriculum loader is fuzzed in tests/unit/test_curriculum_fuzz.py.)
"""

from __future__ import annotations

from urllib.parse import quote

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from academy.extensions import db
from academy.quizzes.models import QuizAttempt
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
