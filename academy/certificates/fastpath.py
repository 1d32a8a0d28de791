"""A WSGI fast path for the one-code look-up, `GET /api/v1/certificates/<code>`, answered without Flask's machinery.

It is the hottest public call: every QR scan of a certificate by an app and every auditor's script checking codes
one by one. Measured in-process (a raw WSGI call, no HTTP), the Flask view cost about 300 microseconds, of which
the look-up itself (`lookup.summaries`, one indexed SELECT) was about 70 and the app's Flask machinery (request
context, session, Flask-WTF, Flask-Login and Flask-Limiter hooks, security headers) about 130: the API reached
only 0.71x the requests per second of a bare Flask route doing one SELECT (bench/verify_api.py). This middleware
answers the same request in about 140 microseconds for a found code (80 for an unknown one).

It answers exactly what the view `certificates.api.certificate` answers (status, body bytes, headers in the same
order, the audit line) and nothing else, under the rules of `academy/fastpath.py`. It leaves to Flask: any method
but GET and HEAD, any other path, a code that is not one ASCII path segment, a NUL character in the path or query
(Flask refuses it with a 400), a request carrying cookies (Flask may refresh or clear a session cookie) or asking
for a WebSocket upgrade, configuration under which Flask would answer otherwise, and any exception raised by the
look-up or the audit line. tests/app/test_verify_fastpath.py compares both answers for every kind of code.
"""

from __future__ import annotations

from flask import Response

from academy.certificates import lookup
from academy.fastpath import FastPath

EXTENSION_KEY = "academy.verify_fastpath"
PREFIX = "/api/v1/certificates/"
# The blueprint's `_private` after-request hook (api.py), sent before the app-wide headers (FastPath).
PRIVATE = (("Cache-Control", "no-store"), ("X-Robots-Tag", "noindex"))


class VerifyFastPath(FastPath):
    """Answer the one-code look-up itself and pass every other request on."""

    extension_key = EXTENSION_KEY
    prefix = PREFIX

    def answer(self, environ: dict) -> Response | None:
        code = self._code(environ)
        if code is None:
            return None
        app = self.app
        engine = self.engine
        result = lookup.summaries([code], engine=engine)[0]
        found = result["status"] != "not_found"
        response = app.json.response(result if found else {"error": lookup.NOT_FOUND})  # jsonify's exact bytes
        if not found:
            response.status_code = 404
        response.headers.extend([*PRIVATE, *self.closing_headers(environ)])
        if found:  # last: once the line is written, nothing may fail and send the request on to Flask
            lookup.log_verification(result["code"], "api", delay=lookup.log_delay(app.config), engine=engine)
        return response

    def _code(self, environ: dict) -> str | None:
        """Return the code of a request the fast path may answer, or None to leave it to Flask."""
        code = environ["PATH_INFO"][len(PREFIX) :]
        if not code or "/" in code or "\x00" in code or not code.isascii():
            return None
        query = environ.get("QUERY_STRING", "")
        if "\x00" in query or "%00" in query:
            return None
        # Cookies: Flask may refresh or clear the session; a WebSocket upgrade: Werkzeug's router answers 400.
        if environ.get("HTTP_COOKIE") or environ.get("HTTP_UPGRADE") or self.flask_only():
            return None
        return code
