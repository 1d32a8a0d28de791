"""Request plumbing: user loading, error pages, security headers, template helpers."""

from __future__ import annotations

import functools
import time

from flask import Flask, abort, jsonify, render_template, request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge, TooManyRequests
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from academy.extensions import db, login_manager

DB_INT_MAX = 2**31 - 1  # the largest id an INTEGER column holds on PostgreSQL (SQLite stops at 2**63 - 1)


class DatabaseInt(IntegerConverter):
    """An `<int:...>` URL part that fits a database id; a larger number is not found (404, not a 500)."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = DB_INT_MAX,
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits, min, max, signed)


def parse_id(text: str | None) -> int | None:
    """Read a database id typed into a query string or form: ASCII digits that fit the column, else None."""
    text = (text or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 10:
        return None
    number = int(text)
    return number if number <= DB_INT_MAX else None


def init_app(app: Flask) -> None:
    from academy import fragments, logs

    _harden(app)
    app.session_interface = CookieSessions()
    fragments.init_app(app)
    logs.install(app.logger)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = lazy_gettext("Please sign in to continue.")
    login_manager.login_message_category = "info"
    login_manager.localize_callback = str  # the lazy message, translated when flashed
    from academy.accounts.signin import load_user

    login_manager.user_loader(load_user)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(TooManyRequests, _too_many)
    app.register_error_handler(RequestEntityTooLarge, _too_large)
    app.register_error_handler(Exception, _unexpected_error)
    app.before_request(_refuse_nul_characters)
    app.after_request(_security_headers)
    app.context_processor(_template_globals)
    _register_catalog_error(app)
    _lighter_hooks(app)


def _lighter_hooks(app: Flask) -> None:
    """Spare every request the extension hooks that have nothing to do on it.

    Flask-WTF's check runs before every request only to return at once unless the method can change data; the
    rate limiter's after- and teardown-request hooks run on every request, though only decorated views have limits
    (academy/__init__.py removed its before-request check); and Flask asks of every hook, on every request, whether
    it is a coroutine. Together about 25 microseconds a request. tests/app/test_csrf.py and test_rate_limits.py
    prove the checks and limits still hold.
    """
    from flask.globals import _cv_request

    from academy.extensions import limiter

    unsafe = frozenset(app.config["WTF_CSRF_METHODS"])

    def on_unsafe_methods(hook):
        return functools.wraps(hook)(lambda: hook() if request.method in unsafe else None)

    def when_limited(hook):
        def hook_when_limited(*args):
            ctx = _cv_request.get(None)
            if ctx is not None and hasattr(ctx, "_limiter_request_context"):  # where Flask-Limiter keeps its state
                return hook(*args)
            return args[0] if args else None  # an after-request hook hands the response back

        return hook_when_limited

    def is_limiter_hook(hook) -> bool:
        owner = getattr(hook, "__self__", None) or (hook.args[0] if isinstance(hook, functools.partial) else None)
        return owner is limiter

    before = app.before_request_funcs.get(None, [])
    before[:] = [on_unsafe_methods(h) if h.__qualname__.startswith("CSRFProtect.") else h for h in before]
    for hooks in (app.after_request_funcs.get(None, []), app.teardown_request_funcs.get(None, [])):
        hooks[:] = [when_limited(h) if is_limiter_hook(h) else h for h in hooks]
    app.ensure_sync = _remembering(app.ensure_sync)


def _remembering(ensure_sync):
    """Flask's ensure_sync, answered once per function (views and hooks live as long as the app)."""
    known: dict = {}

    def remembered(func):
        found = known.get(func)
        if found is None:
            found = ensure_sync(func)
            if len(known) < 2048:  # bounded, should anything hand it a new function on every request
                known[func] = found
        return found

    return remembered


def _harden(app: Flask) -> None:
    """Secure cookies when served over HTTPS; trust a reverse proxy's X-Forwarded-* only when told to."""
    if app.config["ACADEMY_PUBLIC_URL"].startswith("https://"):
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True
    hops = int(app.config.get("ACADEMY_PROXY_FIX") or 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)


def _has_nul(value) -> bool:
    """Tell whether text, or any text inside JSON-like data, holds a NUL character."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    return False


def _refuse_nul_characters() -> None:
    """Refuse NUL characters in the path, query, form or JSON: PostgreSQL can neither store nor find them."""
    query = request.query_string
    found = "\x00" in request.path or b"\x00" in query or b"%00" in query  # %00 is the only way to write NUL
    if request.method == "POST" and request.is_json and not request.path.startswith("/api/"):
        # Flask-WTF reads a JSON body as the form's data; a list or nested object there was a 500. The pages'
        # forms are posted as forms; only the JSON API takes JSON.
        abort(415, _("This address takes a form, not JSON."))
    if not found and request.method == "POST":
        found = any(_has_nul(k) or _has_nul(v) for k, v in request.form.items(multi=True))
        try:
            found = found or (request.is_json and _has_nul(request.get_json(silent=True)))
        except RecursionError:  # JSON nested deeper than the parser goes (3,000 levels): refused, not a 500
            abort(400, _("JSON nested this deeply cannot be accepted."))
    if found:
        abort(400, _("Text with NUL characters cannot be accepted."))


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def _http_error(exc: HTTPException):
    if wants_json():
        return jsonify(error=exc.description or exc.name), exc.code
    custom = exc.description if exc.description != type(exc).description else None
    return render_template("error.html", code=exc.code, name=exc.name, description=exc.description,
                           custom_description=custom), exc.code


def _too_many(exc: TooManyRequests):
    """Answer a rate limit kindly (Flask-Limiter adds Retry-After); JSON under /api/."""
    message = _("Too many attempts. Please wait a minute, then try again.")
    if wants_json():
        return jsonify(error=message), 429
    return render_template("error.html", code=429, name=_("Too many attempts"), description=message,
                           custom_description=message), 429


def _too_large(exc: RequestEntityTooLarge):
    """Refuse an oversized upload with a message that says what the limit is."""
    from flask import current_app

    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    message = _("That upload is too large: the limit is %(mb)s MB. Split the file into smaller ones and send "
                "them one at a time.", mb=f"{limit / (1024 * 1024):g}")
    if wants_json():
        return jsonify(error=message), 413
    return render_template("error.html", code=413, name=_("File too large"), description=message,
                           custom_description=message), 413


def _unexpected_error(exc: Exception):
    from flask import current_app

    if current_app.testing and current_app.config.get("PROPAGATE_TEST_ERRORS", True):
        raise exc
    current_app.logger.exception("unhandled error on %s %s", request.method, request.path)
    db.session.rollback()
    if wants_json():
        return jsonify(error="internal error"), 500
    return render_template("error.html", code=500, name=_("Something went wrong"),
                           description=_("The error has been logged. Please try again.")), 500


def _register_catalog_error(app: Flask) -> None:
    from academy.courses.catalog import CurriculumUnavailable

    @app.errorhandler(CurriculumUnavailable)
    def _unavailable(exc):
        app.logger.error("curriculum unavailable: %s", exc)
        return render_template("error.html", code=503, name=_("Courses unavailable"),
                               description=_("The course catalogue could not be loaded.")), 503


CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


SECURITY_HEADERS = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
)
HSTS = ("Strict-Transport-Security", "max-age=31536000; includeSubDomains")


def _security_headers(response):
    """Add the security headers a view has not set itself (one pass over the headers, not one per header)."""
    from flask import current_app

    headers = response.headers
    present = {key.lower() for key, _value in headers.items()}
    wanted = list(SECURITY_HEADERS)
    if request.is_secure or current_app.config["ACADEMY_PUBLIC_URL"].startswith("https://"):
        # Browsers ignore HSTS over plain HTTP, so sending it whenever the public URL is HTTPS is safe.
        wanted.append(HSTS)
    headers.extend([(key, value) for key, value in wanted if key.lower() not in present])
    return response


class CookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with the signer built once per secret and verified cookies remembered.

    A reader's cookie stays the same string from page to page until the session changes, yet checking it (base64,
    HMAC, zlib, JSON) cost every signed-in page about 60 microseconds. A cookie string already verified under the
    current secret is served from a bounded per-process table; its age is still checked on every request, and
    only sessions whose values are all immutable (no flashed-message lists) are kept, so no request can change
    another's copy.
    """

    MAX_REMEMBERED = 4096

    def __init__(self) -> None:
        self._signers: dict[tuple, URLSafeTimedSerializer | None] = {}
        self._verified: dict[str, tuple[dict, float]] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        key = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        if key not in self._signers:
            self._signers.clear()  # a new secret retires the old signer and every cookie verified with it
            self._verified.clear()
            self._signers[key] = super().get_signing_serializer(app)
        return self._signers[key]

    def open_session(self, app: Flask, request) -> SecureCookieSession | None:
        signer = self.get_signing_serializer(app)
        if signer is None:
            return None
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return self.session_class()  # no cookie (API clients, first visits): nothing to verify
        max_age = int(app.permanent_session_lifetime.total_seconds())
        known = self._verified.get(value)
        if known is not None:
            data = self._unexpired(app, value, known)
            return self.session_class() if data is None else self.session_class(data)
        try:
            data, signed_at = signer.loads(value, max_age=max_age, return_timestamp=True)
        except BadSignature:
            return self.session_class()
        if isinstance(data, dict) and all(isinstance(v, _IMMUTABLE) for v in data.values()):
            if len(self._verified) >= self.MAX_REMEMBERED:
                del self._verified[next(iter(self._verified))]  # the oldest
            self._verified[value] = (data, signed_at.timestamp())
        return self.session_class(data)

    def remembered(self, app: Flask, value: str) -> dict | None:
        """Return the data of a cookie verified earlier under the current secret and not yet expired, else None.

        The data is shared by every request sending that cookie: read it, never change it.
        """
        self.get_signing_serializer(app)  # a changed secret forgets every cookie verified under the old one
        known = self._verified.get(value)
        return None if known is None else self._unexpired(app, value, known)

    def _unexpired(self, app: Flask, value: str, known: tuple[dict, float]) -> dict | None:
        """The remembered data while the cookie is younger than the session lifetime; else forget it."""
        data, signed_at = known
        if 0 <= time.time() - signed_at <= int(app.permanent_session_lifetime.total_seconds()):
            return data
        self._verified.pop(value, None)
        return None


_IMMUTABLE = (str, int, float, bool, type(None))


def _template_globals() -> dict:
    from flask import current_app

    from academy.fragments import form_token

    # csrf_token replaces Flask-WTF's own context processor's (registered earlier), so cached pages get a mark.
    return {"academy_name": current_app.config["ACADEMY_NAME"], "csrf_token": form_token}
