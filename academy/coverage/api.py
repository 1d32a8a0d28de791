"""GET /api/v1/coverage: a community's figures for a half-year as JSON, for coordinators' and auditors'
scripts.

Signed in by a personal API token (`Authorization: Bearer <token>`, see academy/accounts/tokens.py) or by the
browser session. Coordinators read their own communities only; auditors and admins read all.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, request
from flask_limiter.util import get_remote_address
from flask_login import current_user

from academy.courses.catalog import curriculum
from academy.coverage import access, export, service
from academy.extensions import limiter

bp = Blueprint("coverage_api", __name__, url_prefix="/api/v1")
DEFAULT_LIMIT = "60 per minute"


def _limit() -> str:
    return current_app.config.get("ACADEMY_COVERAGE_API_RATE_LIMIT", DEFAULT_LIMIT)


def _caller() -> str:
    """Count per account (token or session), so colleagues behind one office address do not share a limit."""
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return f"address:{get_remote_address()}"


@bp.after_request
def _private(response):
    """Figures about a community are for its coordinators: never cached by proxies."""
    response.headers["Cache-Control"] = "no-store"
    return response


def _unauthorized():
    has_token = request.headers.get("Authorization", "").lower().startswith("bearer ")
    message = (
        "The API token is not valid, or has been revoked."
        if has_token
        else "Sign in, or send a personal API token as 'Authorization: Bearer <token>'."
    )
    response = jsonify(error=message)
    response.status_code = 401
    response.headers["WWW-Authenticate"] = 'Bearer realm="academy"'
    return response


@bp.get("/coverage")
@limiter.limit(_limit, key_func=_caller)
def coverage():
    """Return trained, newly trained, lapsed, targets, sessions, trend and projections per sector."""
    if not current_user.is_authenticated:
        return _unauthorized()
    if current_user.role not in access.VIEWERS:
        abort(403, "Coverage figures are for coordinators, auditors and admins.")
    slug = (request.args.get("community") or "").strip()
    if not slug:
        abort(400, "Say which community: ?community=<slug>&period=2026H2.")
    community = access.load_community(current_user, slug, [])
    period = access.read_period(request.args.get("period"))
    dash = service.dashboard(community.id, period, curriculum().sectors.values(), access.course_sectors())
    return jsonify(export.to_json(dash, {"slug": community.slug, "name": community.name}))
