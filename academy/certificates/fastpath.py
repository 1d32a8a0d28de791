"""A WSGI fast path for the one-code look-up, `GET /api/v1/certificates/<code>`, answered without Flask's machinery.

It is the hottest public call: every QR scan of a certificate by an app and every auditor's script checking codes
one by one. Measured in-process (a raw WSGI call, no HTTP), the Flask view cost about 300 microseconds, of which
the look-up itself (`lookup.summaries`, one indexed SELECT) was about 70 and the app's Flask machinery (request
context, session, Flask-WTF, Flask-Login and Flask-Limiter hooks, security headers) about 130: the API reached
only 0.71x the requests per second of a bare Flask route doing one SELECT (bench/verify_api.py). This middleware
answers the same request in about 140 microseconds for a found code (80 for an unknown one).

It answers exactly what the view `certificates.api.certificate` answers (status, body bytes, headers in the same
order, the audit line) and nothing else. Whenever it is unsure it answers nothing and the request goes on to Flask,
unchanged, where that view remains the reference: any method but GET and HEAD, any other path, a code that is not
one ASCII path segment, a NUL character in the path or query (Flask refuses it with a 400), a request carrying
cookies (Flask may refresh or clear a session cookie) or asking for a WebSocket upgrade, configuration under which
Flask would answer otherwise (host checks or host routing, no secret key, Flask-Login's remember-cookie refresh),
and any exception raised by the look-up or the audit line (Flask then logs it and answers its usual 500).
tests/app/test_verify_fastpath.py compares both answers for every kind of code.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from flask import Flask, Response
from sqlalchemy.engine import Engine

from academy.certificates import lookup
from academy.extensions import db
from academy.web import HSTS, SECURITY_HEADERS

EXTENSION_KEY = "academy.verify_fastpath"
PREFIX = "/api/v1/certificates/"
# The blueprint's `_private` after-request hook (api.py), then the app-wide security headers (web.py), then the
# Vary that Flask adds because Flask-Login's after-request hook reads the session: the order Flask sends them in.
PRIVATE = (("Cache-Control", "no-store"), ("X-Robots-Tag", "noindex"))
VARY_COOKIE = ("Vary", "Cookie")

WSGIApp = Callable[[dict, Callable], Iterable[bytes]]


class VerifyFastPath:
    """WSGI middleware that answers the one-code look-up itself and passes every other request to `wsgi_app`."""

    def __init__(self, app: Flask, wsgi_app: WSGIApp) -> None:
        self.app = app
        self.wsgi_app = wsgi_app  # Flask's own WSGI app: every request the fast path does not answer goes here
        self._engine: Engine | None = None

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        code = self._code(environ)
        response = self._answer(environ, code) if code is not None else None
        if response is None:
            return self.wsgi_app(environ, start_response)
        return response(environ, start_response)

    def _code(self, environ: dict) -> str | None:
        """Return the code of a request the fast path may answer, or None to leave it to Flask."""
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return None
        path = environ.get("PATH_INFO", "")
        if not path.startswith(PREFIX):
            return None
        code = path[len(PREFIX) :]
        if not code or "/" in code or "\x00" in code or not code.isascii():
            return None
        query = environ.get("QUERY_STRING", "")
        if "\x00" in query or "%00" in query:
            return None
        # Cookies: Flask may refresh or clear the session; a WebSocket upgrade: Werkzeug's router answers 400.
        if environ.get("HTTP_COOKIE") or environ.get("HTTP_UPGRADE") or self._flask_only():
            return None
        return code

    def _flask_only(self) -> bool:
        """Tell whether the app's configuration makes Flask answer this request differently."""
        app = self.app
        return bool(
            app.config["TRUSTED_HOSTS"] is not None  # Flask checks the Host header
            or app.url_map.host_matching  # routes that depend on the host
            or app.subdomain_matching
            or not app.secret_key  # no session at all, so Flask sends no Vary: Cookie
            or app.config.get("REMEMBER_COOKIE_REFRESH_EACH_REQUEST")  # Flask-Login writes the session
        )

    def _answer(self, environ: dict, code: str) -> Response | None:
        """Look the code up and return the view's response, or None when anything fails (Flask then answers)."""
        app = self.app
        try:
            engine = self._engine or self._bind()
            result = lookup.summaries([code], engine=engine)[0]
            found = result["status"] != "not_found"
            response = app.json.response(result if found else {"error": lookup.NOT_FOUND})  # jsonify's exact bytes
            if not found:
                response.status_code = 404
            headers = [*PRIVATE, *SECURITY_HEADERS]
            secure = environ.get("wsgi.url_scheme") in ("https", "wss")  # as request.is_secure, after any ProxyFix
            if secure or app.config["ACADEMY_PUBLIC_URL"].startswith("https://"):
                headers.append(HSTS)
            headers.append(VARY_COOKIE)
            response.headers.extend(headers)
            if found:  # last: once the line is written, nothing may fail and send the request on to Flask
                lookup.log_verification(result["code"], "api", delay=lookup.log_delay(app.config), engine=engine)
        except Exception:  # Flask's view runs the same look-up again and reports any error its own way
            return None
        return response

    def _bind(self) -> Engine:
        """Remember the app's engine (Flask-SQLAlchemy hands it out inside an app context only)."""
        with self.app.app_context():
            self._engine = db.engine
        return self._engine



def install(app: Flask) -> VerifyFastPath:
    """Wrap the app's WSGI app in the fast path; call before any ProxyFix, which must stay outermost."""
    fastpath = VerifyFastPath(app, app.wsgi_app)
    app.wsgi_app = fastpath
    app.extensions[EXTENSION_KEY] = fastpath
    return fastpath
