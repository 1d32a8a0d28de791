"""A WSGI fast path for a signed-in reader's lesson page, `GET /courses/<slug>/lessons/<lesson>`.

A lesson page is what readers load most, and once rendered it is cached whole (`fragments.cached_page`), keyed by
what it shows about its reader: their progress in the course, their language and role. Serving a cached page
through Flask still cost about 550 microseconds in-process, of which the page itself was 30: Flask's request
context and session, Flask-Login loading the reader through the ORM, the extension hooks and the response object
made up the rest, and the page reached only 0.35x the requests per second of a bare Flask route (bench/
lesson_page.py). This middleware serves the same page after one query (`progress.reader_statement`: the reader's
account and their progress in the course, a UNION ALL of indexed SELECTs, run as a `PreparedSelect`) in about a
seventh of that time.

It answers exactly what the view `courses.lesson` answers (status, headers in the same order, body bytes, and the
visit it records for "continue where you left off", through the same `service.record_visit`), under the rules of
`academy/fastpath.py`, and only for a reader Flask would serve without changing their session:
- a GET with no query string, for a lesson of the loaded curriculum, at a path the URL map routes to the view;
- a session cookie that this process has already verified (`CookieSessions.remembered`), still within its age,
  holding a signed-in reader and a CSRF token this process has already signed, and nothing Flask would act on:
  no flashed messages, no permanent session to refresh, no remember-cookie operation pending, and, under
  Flask-Login's session protection, the identifier of this browser (address and user agent);
- a reader whose account still exists and who is enrolled in the course (enrolling checks prerequisites: Flask);
- a page already in the cache for this key, language, role and mount point (the last lesson once done offers the
  reader's next step, a URL and label Flask builds: that page is Flask's too).
Everything else goes to Flask, which renders, writes and caches; the reader's next request can then come here.
A reader's first page after signing in is Flask's (it verifies the cookie), and so is the first reader of each
lesson, language, role and progress state in each worker. tests/app/test_lesson_fastpath.py compares both answers
and proves which side answered.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from hashlib import sha512

import flask_login.utils
from werkzeug.http import parse_cookie

from academy import fragments, web
from academy.courses.catalog import EXTENSION_KEY as CATALOG_KEY
from academy.courses.progress import reader_from_rows, reader_statement
from academy.courses.service import record_visit, visit_moves
from academy.courses.views import ends_course, lesson_page_key
from academy.database import utcnow
from academy.fastpath import FastPath, PreparedSelect
from academy.i18n import choose_language, locale_of

EXTENSION_KEY = "academy.lesson_fastpath"
PREFIX = "/courses/"
ENDPOINT = "courses.lesson"
CONTENT_TYPE = ("Content-Type", "text/html; charset=utf-8")
MAX_ROUTED = 4096  # paths known to reach the lesson view, per process (at most one per lesson while it lasts)


class LessonFastPath(FastPath):
    """Serve a steady reader's cached lesson page itself and pass every other request on."""

    extension_key = EXTENSION_KEY
    methods = ("GET",)
    prefix = PREFIX

    def __init__(self, app, wsgi_app) -> None:
        super().__init__(app, wsgi_app)
        self._routed: dict[str, bool] = {}
        self._prepared: PreparedSelect | None = None

    def answer(self, environ: dict) -> Callable[[dict, Callable], Iterable[bytes]] | None:
        app = self.app
        path = environ["PATH_INFO"]
        parts = path.split("/")
        if (len(parts) != 5 or parts[3] != "lessons" or not parts[2] or not parts[4] or not path.isascii()
                or "\x00" in path or environ.get("QUERY_STRING") or environ.get("HTTP_UPGRADE")
                or app.debug or self.flask_only() or app.config.get("LOGIN_DISABLED")):
            return None
        curriculum = app.extensions[CATALOG_KEY].current
        course = curriculum.courses.get(parts[2]) if curriculum is not None else None
        lesson = course.lesson(parts[4]) if course is not None else None
        if lesson is None or not self._routes_to_lesson(path):
            return None
        session = self._session(environ)
        if session is None:
            return None
        token = fragments.remembered_token(app, session[app.config["WTF_CSRF_FIELD_NAME"]])
        if token is None:
            return None
        rows = self._query().rows({"user_id": int(session["_user_id"]), "slug": course.slug})
        reader, progress = reader_from_rows(rows, course, utcnow())
        if reader is None or reader.deleted_at is not None:  # Flask-Login finds no one: Flask redirects
            return None
        if progress.enrolment is None or ends_course(course, lesson, progress):
            return None  # Flask enrols, or offers the next step
        language = str(locale_of(choose_language(app.config, reader.locale, session.get("locale"),
                                                 environ.get("HTTP_ACCEPT_LANGUAGE"))))
        script_root = environ.get("SCRIPT_NAME", "").rstrip("/")
        if not script_root.isascii():
            return None
        key = fragments.page_key(lesson_page_key(course, lesson, progress, None), language, reader.role,
                                 script_root, app.config["ACADEMY_NAME"])
        page = fragments.stored_page(app, key, curriculum)
        if page is None:
            return None  # Flask renders it and keeps it
        body = page.fill(token, path)
        # Last, once nothing can send the request on to Flask: what the view writes, the same way.
        if visit_moves(progress.enrolment, course, lesson):
            with self.engine.begin() as connection:
                record_visit(progress.enrolment, course, lesson, connection=connection)
        headers = [CONTENT_TYPE, ("Content-Length", str(len(body))), *self.closing_headers(environ)]

        def respond(environ: dict, start_response: Callable) -> Iterable[bytes]:
            start_response("200 OK", headers)
            return [body]

        return respond

    def _session(self, environ: dict) -> dict | None:
        """The signed-in reader's session, when Flask would neither change it nor refuse it; else None."""
        app = self.app
        header = environ.get("HTTP_COOKIE")
        interface = app.session_interface
        if not header or not isinstance(interface, web.CookieSessions):
            return None
        value = _cookie(header, interface.get_cookie_name(app))
        session = interface.remembered(app, value) if value else None
        if (session is None or "_user_id" not in session or session.get("_flashes") or session.get("_permanent")
                or "_remember" in session or app.config["WTF_CSRF_FIELD_NAME"] not in session
                or app.config["WTF_CSRF_TIME_LIMIT"] is not None):
            return None
        manager = app.login_manager
        if manager._user_callback is not web._load_user:
            return None
        if app.config.get("SESSION_PROTECTION", manager.session_protection) in ("basic", "strong"):
            if manager._session_identifier_generator is not flask_login.utils._create_identifier:
                return None
            if session.get("_id") != _browser_identifier(environ):
                return None  # Flask-Login marks the session not fresh, or drops it
        return session

    def _query(self) -> PreparedSelect:
        """The reader-and-progress query, compiled once for the app's database."""
        if self._prepared is None or self._prepared.engine is not self.engine:
            self._prepared = PreparedSelect(self.engine, reader_statement())
        return self._prepared

    def _routes_to_lesson(self, path: str) -> bool:
        """Tell whether Flask's URL map sends this path to the lesson view (asked once per path)."""
        known = self._routed.get(path)
        if known is None:
            try:
                endpoint, _args = self.app.url_map.bind("localhost").match(path, "GET")
            except Exception:  # not found, a redirect, a method not allowed: Flask's to answer
                endpoint = None
            known = endpoint == ENDPOINT
            if len(self._routed) >= MAX_ROUTED:
                self._routed.clear()
            self._routed[path] = known
        return known


@functools.lru_cache(maxsize=4096)
def _cookie(header: str, name: str) -> str | None:
    """The value of one cookie in a Cookie header, as Werkzeug reads it (a reader sends the same header each time)."""
    return parse_cookie(header).get(name)


def _browser_identifier(environ: dict) -> str:
    """Flask-Login's session identifier for this request (`flask_login.utils._create_identifier`)."""
    return _identifier(environ.get("HTTP_X_FORWARDED_FOR", environ.get("REMOTE_ADDR")), environ.get("HTTP_USER_AGENT"))


@functools.lru_cache(maxsize=4096)
def _identifier(address: str | None, agent: str | None) -> str:
    if address is not None:
        address = address.encode("utf-8").split(b",")[0].strip()
    if agent is not None:
        agent = agent.encode("utf-8")
    return sha512(f"{address}|{agent}".encode()).hexdigest()
