"""The site header and footer, rendered once per language, role and mount point, then filled in per request.

Every page carries the same header (brand, language switcher, navigation for the visitor's role, sign-out form) and
footer. Rendering them through Jinja on every request cost a lesson page about a third of its rendering time,
mostly in `url_for` and `gettext` calls whose answers never change for a given language and role. They are rendered
once per (language, role, mount point, academy name) into a per-app cache, with two marks standing for what does
change per request: the CSRF token and the path the language switcher returns to. Both are escaped when filled in.

In debug mode (templates reloaded as they are edited) nothing is cached.
"""

from __future__ import annotations

from flask import Flask, current_app, render_template, request
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from academy.i18n import current_locale

CACHE_KEY = "academy.fragments"
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
    if CSRF_MARK in html:
        html = html.replace(CSRF_MARK, str(escape(generate_csrf())))
    # Safe: rendered by an autoescaping template, and both fillings are escaped here.
    return Markup(html.replace(NEXT_MARK, str(escape(request.full_path.rstrip("?")))))  # noqa: S704


def site_footer() -> Markup:
    """The footer: the emergency line and the link to hotlines, in the interface's language."""
    key = ("footer", current_locale(), request.script_root, current_app.config["ACADEMY_NAME"])
    return Markup(_cached(key, "_site_footer.html"))  # noqa: S704 (rendered by an autoescaping template)


def init_app(app: Flask) -> None:
    app.extensions[CACHE_KEY] = {}
    app.jinja_env.globals.update(site_header=site_header, site_footer=site_footer)
