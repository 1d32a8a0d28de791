"""Configuration: defaults here, then instance/config.py, then the environment (flaskr's order)."""

from __future__ import annotations

import os
import sys
from datetime import timedelta
from pathlib import Path

DEFAULT_SECRET = "dev-only-not-secret"  # noqa: S105 - the known value the app refuses to run with
DEFAULT_PUBLIC_URL = "http://127.0.0.1:5000"

ENV_KEYS = ("DATABASE_URL", "SECRET_KEY", "ACADEMY_PUBLIC_URL", "ACADEMY_CURRICULA", "RATELIMIT_STORAGE_URI",
            "ACADEMY_PROXY_FIX")


class Defaults:
    SECRET_KEY = DEFAULT_SECRET
    # hide_parameters: a database error in the log never carries the values (emails, names) it was sent
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"hide_parameters": True}
    ACADEMY_PUBLIC_URL: str | None = None  # unset: the address `academy run` serves, else DEFAULT_PUBLIC_URL
    ACADEMY_NAME = "The Academy"
    # Where "Quick exit" (and the Escape key) sends a reader who must hide the page at once: a neutral site.
    ACADEMY_QUICK_EXIT_URL = "https://www.google.com/search?q=weather+today"
    ACADEMY_TIMEZONE = "UTC"  # how session times are shown and entered
    ACADEMY_CURRICULA = str(Path(__file__).resolve().parent.parent / "curricula")
    ACADEMY_MAIL_OUTBOX = True  # development: mail is written to instance/outbox
    MAIL_SERVER: str | None = None
    MAIL_PORT = 587
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_FROM = "academy@localhost"
    PASSWORD_RESET_MAX_AGE = 3600
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = timedelta(days=14)
    # Long enough to read a lesson and answer its quiz; an older form gets a page offering to send it again.
    WTF_CSRF_TIME_LIMIT = 6 * 3600
    RATELIMIT_STORAGE_URI = "memory://"
    CACHE_TYPE = "SimpleCache"  # Flask-Caching, in each worker's memory: parts of pages that never vary by reader
    CACHE_DEFAULT_TIMEOUT = 300
    ACADEMY_SIGNIN_ACCOUNT_LIMIT = "5 per minute; 30 per hour"  # failed sign-ins to one account
    ACADEMY_SIGNIN_ADDRESS_LIMIT = "300 per minute; 3000 per hour"  # sign-ins from one address
    ACADEMY_CHECKIN_TICKET_LIMIT = "20 per minute"  # check-in answers on one ticket (one person's scan)
    ACADEMY_CHECKIN_SESSION_LIMIT = "600 per minute"  # check-in answers for one training session
    ACADEMY_CHECKIN_GUESS_LIMIT = "100 per minute"  # wrong typed codes from one address
    RATELIMIT_HEADERS_ENABLED = True
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    ACADEMY_PROXY_FIX = 0  # reverse proxies in front whose X-Forwarded-* headers are trusted (docs/deploy.md)
    BABEL_DEFAULT_LOCALE = "en"
    LANGUAGES = ("en", "es", "fr")


def sqlite_url(instance_path: str) -> str:
    """Return the default database URL: SQLite in the instance folder."""
    return "sqlite:///" + os.path.join(instance_path, "academy.sqlite3")


def load(app, overrides: dict | None = None) -> None:
    """Fill app.config from defaults, instance/config.py, the environment, then test overrides."""
    app.config.from_object(Defaults)
    app.config.from_pyfile("config.py", silent=True)
    for key in ENV_KEYS:
        if os.environ.get(key):
            app.config[key] = os.environ[key]
    if overrides:
        app.config.update(overrides)
    _follow_served_address(app)
    url = app.config.get("SQLALCHEMY_DATABASE_URI") or app.config.get("DATABASE_URL")
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_db_url(url or sqlite_url(app.instance_path))
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # A server database can drop idle connections; SQLite cannot, so it skips the extra round trip.
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_pre_ping": True, **app.config["SQLALCHEMY_ENGINE_OPTIONS"]}
    app.config["ACADEMY_PUBLIC_URL"] = app.config["ACADEMY_PUBLIC_URL"].rstrip("/")


def _follow_served_address(app) -> None:
    """Under `academy run`, links and QR codes carry the address served unless ACADEMY_PUBLIC_URL is set."""
    served = os.environ.get("ACADEMY_SERVED_URL")
    configured = bool(app.config["ACADEMY_PUBLIC_URL"])
    if not configured:
        app.config["ACADEMY_PUBLIC_URL"] = served or DEFAULT_PUBLIC_URL
    if served:  # say it once at start-up, before logging is set up
        how = "as configured" if configured else "the address served; set ACADEMY_PUBLIC_URL to change it"
        print(f" * Links and QR codes carry {app.config['ACADEMY_PUBLIC_URL'].rstrip('/')} ({how})",
              file=sys.stderr)


def normalise_db_url(url: str) -> str:
    """Use psycopg 3 for plain postgres URLs (Heroku-style `postgres://` included)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
