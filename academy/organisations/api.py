"""The organisation credential's public API under /api/v1: an award's facts, its signed credential, status lists."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from academy.certificates import codes
from academy.certificates.api import limited
from academy.extensions import csrf
from academy.organisations import awards, badge, publish
from academy.organisations.models import OrganisationAward
from academy.timestamps import iso_utc

bp = Blueprint("organisations_api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # JSON out, nothing to forge

NOT_FOUND = "We could not find an organisation credential with this code."


def _error(message: str, status: int):
    return jsonify(error=message), status


def summary(award: OrganisationAward) -> dict:
    """Return the public facts of an award: organisation, community, sector, rule, dates and status; no members."""
    organisation, public_url = award.organisation, current_app.config["ACADEMY_PUBLIC_URL"]
    return {
        "code": codes.group(award.code),
        "status": award.status(),
        "organisation": {"name": organisation.name, "community": organisation.community.name,
                         "sector": award.sector},
        "rule": {"text": badge.rule_text(award.threshold_percent, award.course_title),
                 "threshold_percent": award.threshold_percent,
                 "course": {"slug": award.course_slug, "title": award.course_title}},
        "issued_at": iso_utc(award.issued_at),
        "valid_from": iso_utc(award.credential_issued_at),
        "valid_until": iso_utc(award.valid_until),
        "lapsed_at": iso_utc(award.lapsed_at),
        "revoked_at": iso_utc(award.revoked_at),
        "verify_url": badge.verify_url(public_url, award.code),
        "credential_url": badge.credential_url(public_url, award.code),
    }


@bp.get("/organisation-awards/<code>")
def award(code: str):
    """Return the public facts of one organisation credential."""
    found = awards.find(code)
    if found is None:
        return _error(NOT_FOUND, 404)
    response = jsonify(summary(found))
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/organisation-awards/<code>/credential")
@limited
def signed_credential(code: str):
    """Return the organisation credential as a signed Open Badges 3.0 credential."""
    found = awards.find(code)
    if found is None:
        return _error(NOT_FOUND, 404)
    response = jsonify(publish.credential(current_app, found))
    wants_vc = request.accept_mimetypes.best == "application/vc+ld+json"
    response.mimetype = "application/vc+ld+json" if wants_vc else "application/json"
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/organisation-awards/status/<purpose>/<int:list_id>")
@limited
def status_list(purpose: str, list_id: int):
    """Return a signed status list of organisation credentials: revocation, or suspension (lapsed)."""
    if purpose not in badge.PURPOSES or not publish.list_exists(list_id):
        return _error("No such status list.", 404)
    response = jsonify(publish.status_list(current_app, purpose, list_id))
    response.headers["Cache-Control"] = "no-cache"
    return response
