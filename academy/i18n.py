"""Interface language: pick it per request, let people switch it, and remember the choice."""

from __future__ import annotations

import functools

from babel import Locale
from flask import Blueprint, Flask, abort, current_app, redirect, render_template, request, session, url_for
from flask_babel import format_date, get_locale, refresh
from flask_login import current_user
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from academy.extensions import db
from academy.redirects import is_safe_next

# Each language named in itself, so a reader finds theirs whatever the page's language.
LANGUAGE_NAMES = {"en": "English", "es": "Español", "fr": "Français"}

bp = Blueprint("i18n", __name__)


def N_(message: str) -> str:  # noqa: N802 (the name pybabel looks for)
    """Mark a message for translation where it is written (a service); the view translates it when shown."""
    return message


def select_locale() -> Locale:
    """Pick the interface language for this request: the account's, the session's, then the browser's."""
    signed_in = current_user and getattr(current_user, "is_authenticated", False)
    account = current_user.locale if signed_in else None
    return locale_of(choose_language(current_app.config, account, session.get("locale"),
                                     request.headers.get("Accept-Language")))


def choose_language(config, account: str | None, chosen: str | None, accept_language: str | None) -> str:
    """Return the interface language: the account's, else the one chosen in this browser, else the browser's best."""
    languages = config["LANGUAGES"]
    if account in languages:
        return account
    if chosen in languages:
        return chosen
    return browser_language(accept_language, tuple(languages)) or config["BABEL_DEFAULT_LOCALE"]


@functools.lru_cache(maxsize=512)
def browser_language(accept_language: str | None, languages: tuple[str, ...]) -> str | None:
    """The best of languages for an Accept-Language header (browsers send few distinct ones: parsed once each)."""
    return parse_accept_header(accept_language, LanguageAccept).best_match(languages)


@functools.cache
def locale_of(code: str) -> Locale:
    """The babel Locale of a language tag, parsed once (parsing looks for its data file on disk every time)."""
    return Locale.parse(code)


def current_locale() -> str:
    """Return the language tag of this request's interface, for `<html lang>` and translated content."""
    locale = get_locale()
    return str(locale) if locale else "en"


def long_date(value) -> str:
    """Format a date the way the interface's language writes it in full: 22 November 2026, 22 de noviembre."""
    if value is None:
        return ""
    return format_date(value, "d MMMM y" if current_locale() == "en" else "long")


def languages() -> list[tuple[str, str]]:
    """Return (code, name in that language) for every interface language, in configured order."""
    return [(code, LANGUAGE_NAMES.get(code, code)) for code in current_app.config["LANGUAGES"]]


def init_app(app: Flask) -> None:
    """Bind Flask-Babel, expose the helpers to templates and register the switcher."""
    from academy.extensions import babel

    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals.update(current_locale=current_locale, interface_languages=languages)
    app.jinja_env.filters["long_date"] = long_date
    # Flask-Babel keeps the chosen locale for the app context, which outlives a request when a test or script
    # pushed one before it: refresh() (its documented way) chooses afresh for every request.
    app.before_request(refresh)
    app.register_blueprint(bp)


def _back(target: str | None) -> str:
    return target if is_safe_next(target) else url_for("main.home")


@bp.get("/language")
def choose():
    """Show the language choice on its own page (the header carries the same form)."""
    return render_template("language.html", next=_back(request.args.get("next")))


@bp.post("/language")
def switch():
    """Set the interface language for this browser and, when signed in, for the account."""
    locale = request.form.get("locale", "")
    if locale not in current_app.config["LANGUAGES"]:
        abort(400)
    session["locale"] = locale
    if current_user.is_authenticated and current_user.locale != locale:
        current_user.locale = locale
        db.session.commit()
        current_app.logger.info("user %s chose the %s interface", current_user.id, locale)
    return redirect(_back(request.form.get("next")))


@bp.record_once
def _number_helpers(state) -> None:
    """Give templates the number, share and plural helpers of academy/numbers.py."""
    from academy import numbers

    numbers.register(state.app)
