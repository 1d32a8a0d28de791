"""Request hardening: who is signed in, proxies, cookies, NUL characters, security and caching headers."""

from __future__ import annotations

from flask import Flask, abort, current_app, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

from academy.extensions import login_manager

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
PRIVATE = "private, no-store"


def init_app(app: Flask) -> None:
    """Set up sign-in (Flask-Login), proxies and cookies, and the checks and headers of every request."""
    _harden(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = lazy_gettext("Please sign in to continue.")
    login_manager.login_message_category = "info"
    login_manager.localize_callback = str  # the lazy message, translated when flashed
    from academy.accounts.signin import load_user

    login_manager.user_loader(load_user)
    app.before_request(_refuse_nul_characters)
    app.after_request(_security_headers)
    app.after_request(_no_store_when_signed_in)


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


def _security_headers(response):
    """Add the security headers a view has not set itself."""
    for key, value in SECURITY_HEADERS:
        response.headers.setdefault(key, value)
    if request.is_secure or current_app.config["ACADEMY_PUBLIC_URL"].startswith("https://"):
        # Browsers ignore HSTS over plain HTTP, so sending it whenever the public URL is HTTPS is safe.
        response.headers.setdefault(*HSTS)
    return response


def _no_store_when_signed_in(response):
    """Keep every page seen signed in (account, learning, rosters, reports, exports) out of every cache.

    Whatever a signed-in person sees carries their name, role or records, so no browser history, shared
    computer's cache or proxy may keep it. Pages for visitors keep whatever caching their view chose. Static
    files are the same for everyone, so they neither need the rule nor look up who is signed in.
    """
    if request.endpoint == "static":
        return response
    if current_user.is_authenticated and "no-store" not in response.headers.get("Cache-Control", ""):
        response.headers["Cache-Control"] = PRIVATE
        response.headers.pop("ETag", None)  # nothing to revalidate against what may not be stored
    return response
