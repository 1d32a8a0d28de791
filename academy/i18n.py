"""Interface language: pick it per request, let people switch it, and remember the choice."""

from __future__ import annotations

import functools

from babel import Locale
from flask import Blueprint, Flask, abort, current_app, g, redirect, render_template, request, session, url_for
from flask_babel import format_date, get_locale, get_translations, refresh
from flask_login import current_user
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from academy.extensions import db

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


def translations():
    """Return this request's translations, looked up once per locale rather than on every message.

    Flask-Babel's own template callables resolve the domain, the locale and its name for every `_()` call, which
    cost a lesson page about a fifth of its time. The catalogue is kept beside the locale it belongs to, so a
    `force_locale` block or a `refresh()` (which replace or drop that locale) still gets the right one.
    """
    space = g.get("_flask_babel")
    if space is not None:
        cached = getattr(space, "academy_translations", None)
        if cached is not None and cached[0] is getattr(space, "babel_locale", None):
            return cached[1]
    catalogue = get_translations()
    space = g.get("_flask_babel")
    if space is not None and getattr(space, "babel_locale", None) is not None:
        space.academy_translations = (space.babel_locale, catalogue)
    return catalogue


def _forget_locale() -> None:
    """Drop a locale chosen before this request (only an app context kept open across requests has one)."""
    if "_flask_babel" in g:
        refresh()


def init_app(app: Flask) -> None:
    """Bind Flask-Babel, expose the helpers to templates and register the switcher."""
    from academy.extensions import babel

    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
    app.jinja_env.globals.update(current_locale=current_locale, interface_languages=languages)
    app.jinja_env.filters["long_date"] = long_date
    # Flask-Babel caches the locale in g, which outlives a request when an app context was pushed before it
    # (tests, scripts): choose afresh for every request.
    app.before_request(_forget_locale)
    app.register_blueprint(bp)


def _back(target: str | None) -> str:
    from academy.accounts.views import is_safe_next

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
