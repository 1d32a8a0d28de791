"""Error pages: HTML for people, JSON under /api/; a form that was open too long can be sent again."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, current_app, jsonify, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge, TooManyRequests

from academy import logs
from academy.extensions import db

# Form fields never written back into a page: the person types them again.
SECRET_FIELDS = ("password", "csrf_token", "token", "secret")


def wants_json() -> bool:
    """Tell whether this request expects a JSON answer (the API, or a client asking for JSON)."""
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def init_app(app: Flask) -> None:
    """Register the error pages and mask emails in the app's log."""
    logs.install(app.logger)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(CSRFError, _form_expired)
    app.register_error_handler(TooManyRequests, _too_many)
    app.register_error_handler(RequestEntityTooLarge, _too_large)
    app.register_error_handler(Exception, _unexpected_error)
    from academy.courses.catalog import CurriculumUnavailable

    app.register_error_handler(CurriculumUnavailable, _curriculum_unavailable)


def _page(code: int, name: str, message: str):
    return render_template("error.html", code=code, name=name, description=message,
                           custom_description=message), code


def _http_error(exc: HTTPException):
    if wants_json():
        return jsonify(error=exc.description or exc.name), exc.code
    custom = exc.description if exc.description != type(exc).description else None
    return render_template("error.html", code=exc.code, name=exc.name, description=exc.description,
                           custom_description=custom), exc.code


def _kept_fields() -> tuple[list[tuple[str, str]], bool]:
    """The form's fields that can be sent again, and whether any had to be left out (secrets, files)."""
    kept, dropped = [], bool(request.files)
    for key, value in request.form.items(multi=True):
        if any(secret in key.lower() for secret in SECRET_FIELDS):
            dropped = dropped or (key != "csrf_token" and bool(value))
            continue
        kept.append((key, value))
    return kept, dropped


def _form_expired(exc: CSRFError):
    """Explain a missing or expired form token kindly and offer to send the same answers again."""
    if wants_json():
        return jsonify(error=exc.description), 400
    kept, dropped = _kept_fields()
    current_app.logger.info("form refused on %s %s: %s", request.method, request.path, exc.description)
    page = render_template("form_expired.html", fields=kept, dropped=dropped, reason=exc.description,
                           action=request.full_path.rstrip("?"), back=_back_to_form())
    return page, 400, {"Cache-Control": "private, no-store"}  # it carries what the person typed


def _back_to_form() -> str:
    """The page the form was on, when the browser says and it is this site's; else the home page."""
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host and referrer.path.startswith("/") and not referrer.path.startswith("//"):
        return referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return url_for("main.home")


def _too_many(exc: TooManyRequests):
    """Answer a rate limit kindly (Flask-Limiter adds Retry-After); JSON under /api/."""
    message = _("Too many attempts. Please wait a minute, then try again.")
    if wants_json():
        return jsonify(error=message), 429
    return _page(429, _("Too many attempts"), message)


def _too_large(exc: RequestEntityTooLarge):
    """Refuse an oversized upload with a message that says what the limit is."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    message = _("That upload is too large: the limit is %(mb)s MB. Split the file into smaller ones and send "
                "them one at a time.", mb=f"{limit / (1024 * 1024):g}")
    if wants_json():
        return jsonify(error=message), 413
    return _page(413, _("File too large"), message)


def _unexpected_error(exc: Exception):
    if current_app.testing and current_app.config.get("PROPAGATE_TEST_ERRORS", True):
        raise exc
    current_app.logger.exception("unhandled error on %s %s", request.method, request.path)
    db.session.rollback()
    if wants_json():
        return jsonify(error="internal error"), 500
    return render_template("error.html", code=500, name=_("Something went wrong"),
                           description=_("The error has been logged. Please try again.")), 500


def _curriculum_unavailable(exc: Exception):
    current_app.logger.error("curriculum unavailable: %s", exc)
    return render_template("error.html", code=503, name=_("Courses unavailable"),
                           description=_("The course catalogue could not be loaded.")), 503
