"""Rendered once, filled in per request: the site header and footer, and whole pages that ask for it.

Every page carries the same header (brand, language switcher, navigation for the visitor's role, sign-out form) and
footer. Rendering them through Jinja on every request cost a lesson page about a third of its rendering time,
mostly in `url_for` and `gettext` calls whose answers never change for a given language and role. They are rendered
once per (language, role, mount point, academy name) into a per-app cache, with two marks standing for what does
change per request: the CSRF token and the path the language switcher returns to. Both are escaped when filled in.

A view can go further and have its whole page cached (`cached_page`), when everything it shows about the reader
fits in a small key (the lesson page: the reader's progress in that course). The page is rendered once per key,
language, role and mount point with the same two marks, the template's `csrf_token()` included, and served with
this request's token and path filled in. A page is never cached while flashed messages wait to be shown, nor when
a form rendered its own token into it.

In debug mode (templates reloaded as they are edited) nothing is cached.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from flask import Flask, current_app, g, render_template, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from academy.i18n import current_locale

CACHE_KEY = "academy.fragments"
PAGES_KEY = "academy.pages"
MAX_PAGES = 512  # about 14 MB of lesson pages per worker (each kept as text and as encoded pieces)
TOKENS_KEY = "academy.csrf_tokens"
MAX_TOKENS = 4096
MARKING = "_academy_marking"  # in g while a page is rendered for the cache: leave the marks in
# NUL never occurs in a template or a translation (and the app refuses it in requests), so the marks cannot clash.
CSRF_MARK = "\x00csrf\x00"
NEXT_MARK = "\x00next\x00"


def _cached(key: tuple, template: str, **context) -> str:
    app = current_app._get_current_object()
    cache = app.extensions[CACHE_KEY]
    html = cache.get(key)
    if html is None:
        html = render_template(template, csrf_mark=CSRF_MARK, next_mark=NEXT_MARK, **context)
        if not app.debug:
            cache[key] = html
    return html


def site_header() -> Markup:
    """The header for this visitor: navigation by role, the language switcher, the sign-out form."""
    role = current_user.role if current_user.is_authenticated else None
    key = ("header", current_locale(), role, request.script_root, current_app.config["ACADEMY_NAME"])
    html = _cached(key, "_site_header.html", signed_in=role is not None, role=role)
    if g.get(MARKING):
        return Markup(html)  # noqa: S704 (rendered by an autoescaping template; filled in by cached_page)
    return Markup(_fill(html))  # noqa: S704 (rendered by an autoescaping template; the fillings are escaped)


def form_token() -> str:
    """The template's `csrf_token()`: this session's token, or its mark while a page is rendered for the cache."""
    return CSRF_MARK if g.get(MARKING) else session_token()


def session_token() -> str:
    """Flask-WTF's signed CSRF token for this session, signed once per session rather than on every page.

    Tokens never expire here (WTF_CSRF_TIME_LIMIT is None: a slow form never fails), so the token signed for a
    session's secret value stays valid for as long as that value; it is kept in a bounded per-process table.
    """
    config = current_app.config
    field = config["WTF_CSRF_FIELD_NAME"]
    if field in g or config["WTF_CSRF_TIME_LIMIT"] is not None or field not in session:
        return generate_csrf()  # already made for this request, expiring tokens, or a session without one yet
    raw = session[field]
    signed = current_app.extensions[TOKENS_KEY]
    token = signed.get(raw)
    if token is None:
        token = generate_csrf()
        if len(signed) >= MAX_TOKENS:
            del signed[next(iter(signed))]  # the oldest
        signed[raw] = token
    setattr(g, field, token)  # where Flask-WTF looks first, for forms rendered later in this request
    return token


def _fill(html: str) -> str:
    """Put this request's CSRF token and return path in place of the marks, both escaped."""
    token = session_token() if CSRF_MARK in html else ""
    return fill(html, token, request.full_path.rstrip("?"))


def fill(html: str, token: str, path: str) -> str:
    """Put a CSRF token and a return path in place of the marks, both escaped."""
    if CSRF_MARK in html:
        html = html.replace(CSRF_MARK, str(escape(token)))
    return html.replace(NEXT_MARK, str(escape(path)))


def remembered_token(app: Flask, raw: str) -> str | None:
    """The signed CSRF token already made for a session's raw token, if this process has made it."""
    return app.extensions[TOKENS_KEY].get(raw)


def page_key(key: tuple[Hashable, ...], locale: str, role: str | None, script_root: str, name: str) -> tuple:
    """The whole key of a cached page: the view's key, then the language, role, mount point and academy name."""
    return (key, locale, role, script_root, name)


class PagePieces:
    """A cached page, and the same page split at its marks and encoded once (for the lesson fast path, where
    filling it in is then a join of bytes rather than two replaces over the whole page).

    `fill` gives the bytes of `fill(html, token, path).encode()`.
    """

    def __init__(self, html: str) -> None:
        self.html = html
        self.pieces: list[bytes | str] = []
        for i, part in enumerate(html.split(CSRF_MARK)):
            if i:
                self.pieces.append(CSRF_MARK)
            for j, piece in enumerate(part.split(NEXT_MARK)):
                if j:
                    self.pieces.append(NEXT_MARK)
                self.pieces.append(piece.encode())

    def fill(self, token: str, path: str) -> bytes:
        token_bytes, path_bytes = str(escape(token)).encode(), str(escape(path)).encode()
        return b"".join([token_bytes if piece is CSRF_MARK else path_bytes if piece is NEXT_MARK
                         else piece for piece in self.pieces])


def stored_page(app: Flask, full_key: tuple, source: object) -> PagePieces | None:
    """The page cached under full_key while source (the loaded curriculum) is current, else None."""
    pages = app.extensions[PAGES_KEY]
    if pages.get("source") is not source:
        return None
    return pages.get(full_key)


def cached_page(key: tuple[Hashable, ...], render: Callable[[], str], *, source: object = None) -> str:
    """Return the page for key, rendered once per key, language, role and mount point, filled in for this request.

    key must hold everything the page shows about the reader; source is what the page was made from (the loaded
    curriculum): when it is replaced, every cached page is dropped.
    """
    app = current_app._get_current_object()
    if app.debug or session.get("_flashes"):
        return render()
    pages = app.extensions[PAGES_KEY]
    if pages.get("source", source) is not source:
        pages.clear()
    role = current_user.role if current_user.is_authenticated else None
    full_key = page_key(key, current_locale(), role, request.script_root, app.config["ACADEMY_NAME"])
    stored = pages.get(full_key)
    html = stored.html if stored is not None else None
    if html is None:
        setattr(g, MARKING, True)
        try:
            html = render()
        finally:
            setattr(g, MARKING, False)
        token = g.get(app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))
        if token and token in html:  # a form wrote its own token: this page is this session's alone
            return _fill(html)
        if len(pages) >= MAX_PAGES:
            del pages[next(k for k in pages if k != "source")]  # the oldest
        pages["source"] = source
        pages[full_key] = PagePieces(html)
    return _fill(html)


def site_footer() -> Markup:
    """The footer: the emergency line and the link to hotlines, in the interface's language."""
    key = ("footer", current_locale(), request.script_root, current_app.config["ACADEMY_NAME"])
    return Markup(_cached(key, "_site_footer.html"))  # noqa: S704 (rendered by an autoescaping template)


def init_app(app: Flask) -> None:
    app.extensions[CACHE_KEY] = {}
    app.extensions[PAGES_KEY] = {}
    app.extensions[TOKENS_KEY] = {}
    # After CSRFProtect.init_app, which installed generate_csrf under the same name.
    app.jinja_env.globals.update(site_header=site_header, site_footer=site_footer, csrf_token=form_token)
