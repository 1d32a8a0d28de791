"""The lesson page's WSGI fast path serves exactly what the Flask view serves, to the right reader, and leaves
everything it cannot vouch for to Flask."""

from __future__ import annotations

import copy
import re
from datetime import datetime, timedelta

import pytest
from flask import request
from flask_login.utils import _create_identifier
from sqlalchemy import bindparam, event, select
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.test import EnvironBuilder

import academy.web
from academy.accounts.models import User
from academy.certificates.fastpath import VerifyFastPath
from academy.courses import fastpath
from academy.courses.catalog import EXTENSION_KEY as CATALOG_KEY
from academy.courses.catalog import curriculum
from academy.courses.models import CourseCompletion, Enrolment, LessonProgress
from academy.courses.progress import reader_from_rows, reader_statement
from academy.database import UTCDateTime, utcnow
from academy.extensions import db
from academy.fastpath import PreparedSelect
from academy.fragments import CSRF_MARK, NEXT_MARK, PagePieces, fill
from academy.quizzes.models import QuizAttempt
from academy.web import HSTS
from tests.certificates_fixtures import course, issue  # noqa: F401 (fixtures)
from tests.fastpath_fixtures import ADDRESS, flask_requests  # noqa: F401 (fixtures)
from tests.fastpath_fixtures import call as call_wsgi

LESSON = "/courses/basics/lessons/{}"
AGENT = "Reader's browser/1.0"


@pytest.fixture
def fast(app) -> fastpath.LessonFastPath:
    return app.extensions[fastpath.EXTENSION_KEY]


def call(wsgi_app, path: str, cookie: str | None = None, method: str = "GET", headers: dict | None = None,
         **kwargs) -> tuple[str, list[tuple[str, str]], bytes]:
    """Send one request straight to a WSGI app as the reader's browser; return status, headers in order, body."""
    sent = {"User-Agent": AGENT, **(headers or {})}
    if cookie is not None:
        sent["Cookie"] = f"session={cookie}"
    return call_wsgi(wsgi_app, path, method, headers=sent, **kwargs)


def lessons() -> list[str]:
    return [lesson.slug for lesson in curriculum().courses["basics"].lessons]


class Reader:
    """A signed-in reader's browser: a test client sending the same user agent and address as `call`."""

    def __init__(self, app, user, *, remember: bool = False, **environ):
        self.app, self.user = app, user
        self.client = app.test_client()
        self.client.environ_base.update({"HTTP_USER_AGENT": AGENT, "REMOTE_ADDR": ADDRESS, **environ})
        form = {"email": user.email, "password": "correct horse battery", **({"remember": "y"} if remember else {})}
        assert self.client.post("/login", data=form).status_code == 302

    @property
    def cookie(self) -> str:
        return self.client.get_cookie("session").value

    def open(self, lesson: str, **kwargs) -> str:
        """Read a lesson through Flask (the test client skips no layer, so this may be the fast path too)."""
        response = self.client.get(LESSON.format(lesson), **kwargs)
        assert response.status_code == 200
        return response.get_data(as_text=True)

    def complete(self, lesson: str) -> None:
        assert self.client.post(f"/courses/basics/lessons/{lesson}/complete").status_code == 302

    def settle(self, fast, lesson: str, **kwargs) -> str:
        """Open the lesson through Flask until the session cookie stops changing (the CSRF token is added on the
        first page, the visit recorded): what a reader looks like on their next request. Return the cookie."""
        for _ in range(3):
            before = self.client.get_cookie("session").value
            status, headers, _body = call(fast.wsgi_app, LESSON.format(lesson), before, **kwargs)
            assert status == "200 OK"
            set_cookie = [value for name, value in headers if name == "Set-Cookie"]
            if not set_cookie:
                return before
            self.client.set_cookie("session", set_cookie[0].split(";")[0].split("=", 1)[1])
        raise AssertionError("the session cookie keeps changing")


@pytest.fixture
def reader(app, make_user) -> Reader:
    return Reader(app, make_user("trainee"))


def remember(app, cookie: str) -> None:
    """Have the app's session interface verify a cookie, as Flask does on its first request with it."""
    with app.test_request_context(headers={"Cookie": f"session={cookie}"}):
        app.session_interface.open_session(app, request)


def served_fast(app, fast, flask_requests, path: str, cookie: str, **kwargs):
    """Ask Flask, then the app (fast path first); assert the fast path answered, with Flask's very answer."""
    before = len(flask_requests)
    reference = call(fast.wsgi_app, path, cookie, **kwargs)
    assert len(flask_requests) == before + 1
    answer = call(app, path, cookie, **kwargs)
    assert len(flask_requests) == before + 1, "Flask answered: the fast path left this request alone"
    assert answer == reference
    return answer


def left_to_flask(app, fast, flask_requests, path: str, cookie: str | None, **kwargs):
    """Ask the app; assert Flask answered it."""
    before = len(flask_requests)
    answer = call(app, path, cookie, **kwargs)
    assert len(flask_requests) == before + 1, "the fast path answered"
    return answer


# --- what the fast path serves ------------------------------------------------------------------------------


def test_a_steady_reader_gets_flasks_page_from_the_fast_path(app, fast, flask_requests, reader):
    first = lessons()[0]
    cookie = reader.settle(fast, first)
    status, headers, body = served_fast(app, fast, flask_requests, LESSON.format(first), cookie)
    html = body.decode()
    assert status == "200 OK" and not any(name == "Set-Cookie" for name, _ in headers)
    assert ("Vary", "Cookie") in headers and HSTS in headers  # the test app's public URL is https
    assert CSRF_MARK not in html and NEXT_MARK not in html
    token = re.search(r'<form method="post" action="/courses/basics/lessons/[^"]+/complete">.*?name="csrf_token" '
                      r'value="([^"]+)"', html, re.S).group(1)
    assert token in reader.open(first)  # the same session token Flask puts in the page
    assert f'name="next" value="{LESSON.format(first)}"' in html  # the language switcher returns here
    assert "0 of 3 steps done" in html


@pytest.mark.parametrize("app_config", [{"ACADEMY_PUBLIC_URL": "http://academy.test"}])
def test_no_hsts_over_plain_http_and_hsts_over_https(app, fast, flask_requests, reader):
    first = lessons()[0]
    cookie = reader.settle(fast, first)
    plain = served_fast(app, fast, flask_requests, LESSON.format(first), cookie)
    assert not any(name == HSTS[0] for name, _ in plain[1])
    secure = served_fast(app, fast, flask_requests, LESSON.format(first), cookie, base_url="https://academy.test")
    assert HSTS in secure[1]


def test_each_reader_sees_their_own_progress_and_token(app, fast, flask_requests, make_user):
    first, second = lessons()[:2]
    ahead, behind = Reader(app, make_user("trainee")), Reader(app, make_user("trainee"))
    ahead.open(first)
    ahead.complete(first)
    pages = {}
    for name, who in (("ahead", ahead), ("behind", behind)):
        cookie = who.settle(fast, second)
        pages[name] = served_fast(app, fast, flask_requests, LESSON.format(second), cookie)[2].decode()
    assert "1 of 3 steps done" in pages["ahead"] and "0 of 3 steps done" in pages["behind"]
    tokens = {name: re.findall(r'name="csrf_token" value="([^"]+)"', html) for name, html in pages.items()}
    assert tokens["ahead"] and tokens["behind"] and not set(tokens["ahead"]) & set(tokens["behind"])


def test_progress_made_shows_at_once(app, fast, flask_requests, reader):
    first = lessons()[0]
    cookie = reader.settle(fast, first)
    before = call(app, LESSON.format(first), cookie)[2].decode()
    assert "You have completed this lesson." not in before
    reader.complete(first)  # then the reader comes back to the lesson
    cookie = reader.settle(fast, first)
    after = served_fast(app, fast, flask_requests, LESSON.format(first), cookie)[2].decode()
    assert "You have completed this lesson." in after and "1 of 3 steps done" in after


@pytest.mark.parametrize(
    ("account", "chosen", "browser", "expected"),
    [
        (None, None, None, "en"),
        (None, None, "es-MX,es;q=0.9,en;q=0.5", "es"),  # the browser's best
        (None, "fr", "es", "fr"),  # chosen in this browser
        ("es", "fr", "fr", "es"),  # the account's choice wins
        ("xx", None, "fr;q=0.5, de", "fr"),  # an account language the academy lacks
    ],
)
def test_the_readers_language_is_flasks_choice(app, fast, flask_requests, reader, account, chosen, browser,
                                               expected):
    reader.user.locale = account
    db.session.commit()
    if chosen:
        with reader.client.session_transaction() as session:
            session["locale"] = chosen
    headers = {"Accept-Language": browser} if browser else {}
    first = lessons()[0]
    cookie = reader.settle(fast, first, headers=headers)
    html = served_fast(app, fast, flask_requests, LESSON.format(first), cookie, headers=headers)[2].decode()
    assert f'<html lang="{expected}">' in html


def test_a_changed_role_changes_the_header_at_once(app, fast, flask_requests, reader):
    first = lessons()[0]
    cookie = reader.settle(fast, first)
    assert ">Coverage<" not in call(app, LESSON.format(first), cookie)[2].decode()
    db.session.get(User, reader.user.id).role = "coordinator"
    db.session.commit()
    left_to_flask(app, fast, flask_requests, LESSON.format(first), cookie)  # a coordinator's page is not cached yet
    html = served_fast(app, fast, flask_requests, LESSON.format(first), cookie)[2].decode()
    assert ">Coverage<" in html


@pytest.mark.parametrize("app_config", [{"SESSION_PROTECTION": None}])
def test_without_session_protection_another_browser_is_served_too(app, fast, flask_requests, reader):
    first = lessons()[0]
    cookie = reader.settle(fast, first)
    served_fast(app, fast, flask_requests, LESSON.format(first), cookie, headers={"User-Agent": "another/2"})


def test_under_a_mount_point_the_links_keep_it(app, fast, flask_requests, reader):
    first = lessons()[0]
    cookie = reader.settle(fast, first, environ_overrides={"SCRIPT_NAME": "/academy"})
    html = served_fast(app, fast, flask_requests, LESSON.format(first), cookie,
                       environ_overrides={"SCRIPT_NAME": "/academy"})[2].decode()
    assert 'href="/academy/courses/basics"' in html


# --- what the fast path leaves to Flask ---------------------------------------------------------------------


def _steady(app, fast, reader) -> tuple[str, str]:
    first = lessons()[0]
    return first, reader.settle(fast, first)


@pytest.mark.parametrize(
    ("case", "path", "kwargs", "status"),
    [
        ("a query string", "{lesson}", {"query_string": "from=home"}, "200 OK"),
        ("HEAD", "{lesson}", {"method": "HEAD"}, "200 OK"),
        ("another browser (session protection)", "{lesson}", {"headers": {"User-Agent": "other/1"}}, "200 OK"),
        ("another address (session protection)", "{lesson}", {"headers": {"X-Forwarded-For": "198.51.100.7"}},
         "200 OK"),
        ("a trailing slash", "{lesson}/", {}, "404 NOT FOUND"),
        ("a doubled slash", "/courses//basics/lessons/{first}", {}, "308 PERMANENT REDIRECT"),
        ("an unknown lesson", "/courses/basics/lessons/nope", {}, "404 NOT FOUND"),
        ("an unknown course", "/courses/nope/lessons/{first}", {}, "404 NOT FOUND"),
        ("a NUL character", "/courses/basics/lessons/x%00y", {}, "400 BAD REQUEST"),
        ("not ASCII", "/courses/basics/lessons/%C3%A9", {}, "404 NOT FOUND"),
        ("a course not enrolled in, with prerequisites", "/courses/policing/lessons/interviews", {},
         "403 FORBIDDEN"),
    ],
)
def test_requests_the_fast_path_cannot_vouch_for_go_to_flask(app, fast, flask_requests, reader, case, path,
                                                            kwargs, status):
    first, cookie = _steady(app, fast, reader)
    path = path.format(lesson=LESSON.format(first), first=first)
    answer = left_to_flask(app, fast, flask_requests, path, cookie, **kwargs)
    assert answer[0] == status
    assert (answer[2] == b"") == (kwargs.get("method") == "HEAD")


def test_no_cookie_a_forged_one_or_one_verified_elsewhere_goes_to_flask(app, fast, flask_requests, reader):
    first, cookie = _steady(app, fast, reader)
    path = LESSON.format(first)
    assert left_to_flask(app, fast, flask_requests, path, None)[0] == "302 FOUND"  # to the sign-in page
    assert left_to_flask(app, fast, flask_requests, path, cookie[:-2] + "xx")[0] == "302 FOUND"
    app.session_interface._verified.clear()  # as in another worker, which has not checked this cookie yet
    assert left_to_flask(app, fast, flask_requests, path, cookie)[0] == "200 OK"
    served_fast(app, fast, flask_requests, path, cookie)  # checked now, by Flask


def test_an_expired_cookie_goes_to_flask_which_asks_to_sign_in(app, fast, flask_requests, reader, monkeypatch):
    first, cookie = _steady(app, fast, reader)
    later = academy.web.time.time() + app.permanent_session_lifetime.total_seconds() + 60
    monkeypatch.setattr(academy.web.time, "time", lambda: later)
    answer = left_to_flask(app, fast, flask_requests, LESSON.format(first), cookie)
    assert answer[0] == "302 FOUND" and "/login" in dict(answer[1])["Location"]


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("_flashes", [("info", "Welcome back")]),  # shown once, then gone: the session changes
        ("_permanent", True),  # Flask refreshes a permanent session's cookie
        ("_remember", "set"),  # Flask-Login sets the remember-me cookie
    ],
)
def test_sessions_flask_would_change_go_to_flask(app, fast, flask_requests, reader, key, value):
    first = lessons()[0]
    reader.settle(fast, first)
    with reader.client.session_transaction() as session:
        session[key] = value
    remember(app, reader.cookie)  # as if this worker had verified the cookie already (lists never are)
    answer = left_to_flask(app, fast, flask_requests, LESSON.format(first), reader.cookie)
    assert any(name == "Set-Cookie" for name, _ in answer[1])
    if key == "_flashes":
        assert b"Welcome back" in answer[2]


def test_a_deleted_account_goes_to_flask_which_signs_it_out(app, fast, flask_requests, reader):
    first, cookie = _steady(app, fast, reader)
    db.session.get(User, reader.user.id).deleted_at = utcnow()
    db.session.commit()
    answer = left_to_flask(app, fast, flask_requests, LESSON.format(first), cookie)
    assert answer[0] == "302 FOUND" and "/login" in dict(answer[1])["Location"]


def _enrolment(reader) -> Enrolment:
    db.session.expire_all()
    return db.session.scalars(db.select(Enrolment).where(Enrolment.user_id == reader.user.id)).one()


def test_moving_to_another_lesson_is_recorded_by_the_fast_path(app, fast, flask_requests, reader):
    first, second = lessons()[:2]
    _first, cookie = _steady(app, fast, reader)
    reader.open(second)  # the page for this progress is made once (by Flask or the fast path)...
    reader.open(first)  # ...and the reader goes back to the first lesson
    assert _enrolment(reader).last_lesson_slug == first
    before, moved_at = len(flask_requests), _enrolment(reader).last_seen_at
    answer = call(app, LESSON.format(second), cookie)
    assert len(flask_requests) == before  # the fast path answered
    enrolment = _enrolment(reader)
    assert enrolment.last_lesson_slug == second and enrolment.last_seen_at > moved_at  # and wrote it down
    assert answer == call(fast.wsgi_app, LESSON.format(second), cookie)  # Flask's page is the same


def test_an_enrolment_on_an_older_version_is_brought_up_to_date(app, fast, flask_requests, reader):
    first, cookie = _steady(app, fast, reader)
    db.session.execute(db.update(Enrolment).where(Enrolment.user_id == reader.user.id).values(version="old"))
    db.session.commit()
    before = len(flask_requests)
    assert call(app, LESSON.format(first), cookie)[0] == "200 OK"
    assert len(flask_requests) == before
    enrolment = _enrolment(reader)
    assert enrolment.version == curriculum().courses["basics"].version
    assert enrolment.last_seen_at > utcnow() - timedelta(minutes=1)


def test_a_new_course_is_enrolled_by_flask(app, fast, flask_requests, reader):
    _first, cookie = _steady(app, fast, reader)
    db.session.execute(db.delete(Enrolment).where(Enrolment.user_id == reader.user.id))
    db.session.commit()
    assert left_to_flask(app, fast, flask_requests, LESSON.format(lessons()[0]), cookie)[0] == "200 OK"
    assert db.session.scalar(db.select(db.func.count()).select_from(Enrolment)) == 1


def test_the_last_lesson_once_done_goes_to_flask(app, fast, flask_requests, reader):
    last = lessons()[-1]
    reader.open(last)
    reader.complete(last)
    cookie = reader.settle(fast, last)
    html = left_to_flask(app, fast, flask_requests, LESSON.format(last), cookie)[2].decode()
    assert "You have completed this lesson." in html


def test_a_reloaded_curriculum_goes_to_flask_until_the_page_is_made_again(app, fast, flask_requests, reader):
    first, cookie = _steady(app, fast, reader)
    catalog = app.extensions[CATALOG_KEY]
    catalog._curriculum = copy.copy(catalog.current)  # a new curriculum object, as after a reload
    left_to_flask(app, fast, flask_requests, LESSON.format(first), cookie)
    served_fast(app, fast, flask_requests, LESSON.format(first), cookie)


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        # (TRUSTED_HOSTS and the other settings of FastPath.flask_only: test_verify_fastpath.py)
        ("REMEMBER_COOKIE_REFRESH_EACH_REQUEST", True),  # Flask-Login writes the session
        ("LOGIN_DISABLED", True),
        ("SESSION_PROTECTION", "strong"),  # still checked: served fast only from the same browser
        ("DEBUG", True),
    ],
)
def test_settings_under_which_flask_answers_otherwise_leave_it_to_flask(app, fast, flask_requests, reader,
                                                                        setting, value):
    first, cookie = _steady(app, fast, reader)
    app.config[setting] = value
    if setting == "SESSION_PROTECTION":
        served_fast(app, fast, flask_requests, LESSON.format(first), cookie)
        left_to_flask(app, fast, flask_requests, LESSON.format(first), cookie, headers={"User-Agent": "other/1"})
        return
    if setting == "DEBUG":
        app.debug = True
    left_to_flask(app, fast, flask_requests, LESSON.format(first), cookie)


def test_a_failing_query_is_left_to_flask(app, fast, flask_requests, reader, monkeypatch):
    first, cookie = _steady(app, fast, reader)

    def _fails(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(fastpath.PreparedSelect, "rows", _fails)
    assert left_to_flask(app, fast, flask_requests, LESSON.format(first), cookie)[0] == "200 OK"


# --- the pieces it shares with Flask -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {"User-Agent": AGENT},
        {"User-Agent": "Navigateur à accents/2"},
        {},
        {"User-Agent": AGENT, "X-Forwarded-For": " 198.51.100.7 , 10.0.0.1"},
    ],
)
def test_the_browser_identifier_is_flask_logins(app, headers):
    environ = EnvironBuilder(path="/", headers=headers).get_environ()
    environ["REMOTE_ADDR"] = ADDRESS
    with app.request_context(environ):
        assert fastpath._browser_identifier(environ) == _create_identifier()


@pytest.mark.parametrize(
    ("html", "token", "path"),
    [
        (f"<a>{CSRF_MARK}</a><b>{NEXT_MARK}</b>{CSRF_MARK}", "abc.def-ghi", "/courses/x/lessons/y"),
        (f"no marks at all, but é and 漢字 {NEXT_MARK}", "t", '/a?b="<c>"&d'),
        (f"{NEXT_MARK}{NEXT_MARK}{CSRF_MARK}", "<t>", "/p"),
    ],
)
def test_filling_the_split_page_gives_fragments_fill(html, token, path):
    assert PagePieces(html).fill(token, path) == fill(html, token, path).encode()


def test_both_fast_paths_sit_in_front_of_flask(app, fast):
    verify = app.extensions[VerifyFastPath.extension_key]
    assert app.wsgi_app is verify and verify.wsgi_app is fast and fast.wsgi_app == app.__class__.wsgi_app.__get__(app)


@pytest.mark.parametrize("app_config", [{"ACADEMY_PROXY_FIX": 1}])
def test_behind_a_proxy_the_forwarded_address_is_the_readers(app, fast, flask_requests, make_user):
    first = lessons()[0]
    forwarded = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
    assert isinstance(app.wsgi_app, ProxyFix)
    reader = Reader(app, make_user("trainee"), HTTP_X_FORWARDED_FOR="203.0.113.9")
    cookie = reader.settle(fast, first, headers=forwarded)
    reference = ProxyFix(fast.wsgi_app, x_for=1, x_proto=1, x_host=1, x_port=1)
    expected = call(reference, LESSON.format(first), cookie, headers=forwarded)
    before = len(flask_requests)
    assert call(app, LESSON.format(first), cookie, headers=forwarded) == expected
    assert len(flask_requests) == before and HSTS in expected[1]


def test_no_other_get_route_hides_behind_the_lesson_path(app):
    """A new GET route of the shape /courses/<a>/lessons/<b> would be hidden by the fast path (it asks the URL map,
    but only for lessons of the curriculum)."""
    shaped = [rule.endpoint for rule in app.url_map.iter_rules()
              if re.fullmatch(r"/courses/[^/]+/lessons/[^/]+", rule.rule) and "GET" in rule.methods]
    assert shaped == ["courses.lesson"]


def test_a_session_with_messages_waiting_is_never_served_fast(app, fast, flask_requests, reader):
    """Sessions holding lists (flashed messages) are never remembered; were one remembered, it still goes to Flask."""
    first, cookie = _steady(app, fast, reader)
    data, signed_at = app.session_interface._verified[cookie]
    app.session_interface._verified[cookie] = ({**data, "_flashes": (("info", "Welcome back"),)}, signed_at)
    left_to_flask(app, fast, flask_requests, LESSON.format(first), cookie)


def test_the_prepared_query_reads_what_sqlalchemy_reads(app, make_user, issue):
    """Every kind of row (account, enrolment, lessons, passed attempt, completion, certificate), every type."""
    user = make_user("trainee")
    when = utcnow() - timedelta(days=3)
    db.session.add_all([
        Enrolment(user_id=user.id, course_slug="basics", version="v1", enrolled_at=when, last_lesson_slug="second",
                  last_seen_at=when + timedelta(hours=1)),
        *(LessonProgress(user_id=user.id, course_slug="basics", lesson_slug=slug, version="v1", completed_at=when)
          for slug in lessons()),
        QuizAttempt(user_id=user.id, course_slug="basics", version="v1", layout=[], submitted_at=when, score=90,
                    passed=True),
        QuizAttempt(user_id=user.id, course_slug="basics", version="v1", layout=[], submitted_at=when, score=10,
                    passed=False),
        CourseCompletion(user_id=user.id, course_slug="basics", version="v1", completed_at=when),
    ])
    db.session.commit()
    issue(user)
    user.deleted_at = utcnow()  # a timestamp on the account's own row too
    db.session.commit()
    statement, params = reader_statement(), {"user_id": user.id, "slug": "basics"}
    prepared = PreparedSelect(db.engine, statement)
    assert prepared.direct  # straight to the driver on this database
    with db.engine.connect() as connection:
        expected = [tuple(row) for row in connection.execute(statement, params)]
    got = prepared.rows(params)
    assert got == expected
    assert {row[0] for row in got} == {"u", "e", "l", "q", "c", "x"}
    assert all(value.tzinfo is not None for row in got for value in row if isinstance(value, datetime))
    reader, progress = reader_from_rows(got, curriculum().courses["basics"], utcnow())
    assert reader.id == user.id and reader.deleted_at is not None
    assert progress.complete and progress.lessons_done and progress.certificate is not None


def test_statements_the_driver_cannot_take_as_they_are_go_through_sqlalchemy(app):
    expanding = select(Enrolment.id).where(Enrolment.course_slug.in_(bindparam("slugs", expanding=True)))
    before = bindparam("before", type_=UTCDateTime)  # a timestamp parameter is converted on its way in
    converted = select(CourseCompletion.id).where(CourseCompletion.completed_at < before)
    for statement, params in ((expanding, {"slugs": ["basics", "policing"]}), (converted, {"before": utcnow()})):
        prepared = PreparedSelect(db.engine, statement)
        assert not prepared.direct
        assert prepared.rows(params) == []


def test_recorded_queries_are_not_bypassed(app, make_user):
    """An engine with cursor listeners (Flask-SQLAlchemy's query recording, a profiler) sees every query."""
    seen = []

    def _record(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", _record)
    try:
        prepared = PreparedSelect(db.engine, reader_statement())
        assert not prepared.direct
        user_id = make_user("trainee").id
        seen.clear()
        assert prepared.rows({"user_id": user_id, "slug": "basics"})[0][0] == "u"
        assert len(seen) == 1
    finally:
        event.remove(db.engine, "before_cursor_execute", _record)


def test_a_reader_who_asked_to_be_remembered_is_served_fast_with_both_cookies(app, fast, flask_requests, make_user):
    reader = Reader(app, make_user("trainee"), remember=True)
    remember = reader.client.get_cookie("remember_token")
    assert remember is not None  # Flask-Login set the remember-me cookie
    first = lessons()[0]
    cookie = reader.settle(fast, first)
    both = {"Cookie": f"remember_token={remember.value}; session={cookie}"}
    answer = served_fast(app, fast, flask_requests, LESSON.format(first), None, headers=both)
    assert answer[0] == "200 OK" and not any(name == "Set-Cookie" for name, _ in answer[1])
