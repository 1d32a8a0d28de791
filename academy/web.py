"""Request plumbing: user loading, error pages, security headers, template helpers."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from academy.extensions import db, login_manager


def init_app(app: Flask) -> None:
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.user_loader(_load_user)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected_error)
    app.after_request(_security_headers)
    app.context_processor(_template_globals)
    _register_catalog_error(app)


def _load_user(user_id: str):
    from academy.accounts.models import User

    try:
        return db.session.get(User, int(user_id))
    except (TypeError, ValueError):
        return None


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def _http_error(exc: HTTPException):
    if wants_json():
        return jsonify(error=exc.description or exc.name), exc.code
    return render_template("error.html", code=exc.code, name=exc.name, description=exc.description), exc.code


def _unexpected_error(exc: Exception):
    from flask import current_app

    if current_app.testing and current_app.config.get("PROPAGATE_TEST_ERRORS", True):
        raise exc
    current_app.logger.exception("unhandled error on %s %s", request.method, request.path)
    db.session.rollback()
    if wants_json():
        return jsonify(error="internal error"), 500
    return render_template("error.html", code=500, name="Something went wrong",
                           description="The error has been logged. Please try again."), 500


def _register_catalog_error(app: Flask) -> None:
    from academy.courses.catalog import CurriculumUnavailable

    @app.errorhandler(CurriculumUnavailable)
    def _unavailable(exc):
        app.logger.error("curriculum unavailable: %s", exc)
        return render_template("error.html", code=503, name="Courses unavailable",
                               description="The course catalogue could not be loaded."), 503


CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def _security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response


def _template_globals() -> dict:
    from flask import current_app

    return {"academy_name": current_app.config["ACADEMY_NAME"]}
