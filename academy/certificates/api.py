"""The certificate API under /api/v1: look-up, bulk verification, signed credentials, the status list."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request
from werkzeug.exceptions import BadRequest

from academy.certificates import lookup, publish, service
from academy.extensions import csrf, db, limiter

bp = Blueprint("certificates_api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # JSON in, JSON out, no cookies needed: nothing for a cross-site form to forge

MAX_CODES = 1000
DEFAULT_LIMIT = "300 per minute"


def _api_limit() -> str:
    return current_app.config.get("ACADEMY_API_RATE_LIMIT", DEFAULT_LIMIT)


# The one-code look-up is left unlimited: 80-bit codes cannot be enumerated, and it costs one indexed SELECT.
# What costs more (1,000 codes at once, signing) is limited per client address.
limited = limiter.limit(_api_limit)


@bp.after_request
def _private(response):
    """Answers about people are neither cached by proxies nor indexed."""
    response.headers["Cache-Control"] = response.headers.get("Cache-Control", "no-store")
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def _error(message: str, status: int):
    return jsonify(error=message), status


@bp.get("/certificates/<code>")
@limiter.exempt
def certificate(code: str):
    """Return the public facts of one certificate."""
    result = lookup.summaries([code])[0]
    if result["status"] == "not_found":
        return _error(lookup.NOT_FOUND, 404)
    delay = lookup.log_delay(current_app.config)
    lookup.log_verification(result["code"], "api", delay=delay)
    if delay <= 0:  # written at once in this transaction (tests); otherwise batched by verifylog, no commit due
        db.session.commit()
    response = jsonify(result)
    response.headers["Cache-Control"] = "private, no-cache"  # no proxy keeps it; a client revalidates each use
    response.add_etag()
    return response.make_conditional(request)


def _codes_from_request() -> list[str] | tuple[str, int]:
    """Return the codes of a bulk request, or an (error, status) pair."""
    try:
        body = request.get_json(force=True, silent=False)
    except (BadRequest, RecursionError):  # RecursionError: nested deeper than the parser goes
        return 'Send JSON: {"codes": ["7KQ2-M9XD-...", ...]}.', 400
    codes = body.get("codes") if isinstance(body, dict) else None
    if not isinstance(codes, list) or not all(isinstance(code, str) for code in codes):
        return '"codes" must be a list of strings.', 400
    if len(codes) > MAX_CODES:
        return f"Send at most {MAX_CODES} codes per request (got {len(codes)}).", 413
    return codes


@bp.post("/certificates/verify")
@limited
def verify_many():
    """Verify up to 1,000 codes at once: one result per code, in order, unknown ones included."""
    codes = _codes_from_request()
    if isinstance(codes, tuple):
        return _error(*codes)
    results = lookup.summaries(codes)
    found = sum(1 for result in results if result["status"] != "not_found")
    lookup.log_verification("bulk", "api-bulk", codes=len(codes), found=found)
    db.session.commit()
    return jsonify(results=results)


@bp.get("/certificates/<code>/credential")
@limited
def signed_credential(code: str):
    """Return the certificate as a signed Open Badges 3.0 credential."""
    certificate = service.find(code)
    if certificate is None:
        return _error(lookup.NOT_FOUND, 404)
    try:
        document = publish.credential(current_app, certificate)
    except publish.NoCredential as exc:
        return _error(str(exc), 410)
    response = jsonify(document)
    response.mimetype = "application/vc+ld+json" if _wants_vc() else "application/json"
    return response


def _wants_vc() -> bool:
    return request.accept_mimetypes.best == "application/vc+ld+json"


@bp.get("/status-lists/<int:list_id>")
@bp.get("/status/<int:list_id>")
@limited
def status_list(list_id: int):
    """Return the signed revocation list (every credential's status entry points here)."""
    if not publish.status_list_exists(list_id):
        return _error("No such status list.", 404)
    response = jsonify(publish.status_list_credential(current_app, list_id))
    response.headers["Cache-Control"] = "no-cache"
    return response
