"""The OpenAPI 3.1 description of /api/v1, served at /api/v1/openapi.json for scripts and their authors."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify

bp = Blueprint("openapi", __name__, url_prefix="/api/v1")

STATUSES = ["valid", "expired", "revoked", "superseded"]
AWARD_STATUSES = ["valid", "lapsed", "expired", "revoked"]
SIGNED = ["@context", "type", "id", "issuer", "credentialSubject", "proof"]
TIMESTAMP = {"type": "string", "format": "date-time", "examples": ["2026-05-06T07:08:09Z"]}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict, description: str, *media: str) -> dict:
    types = media or ["application/json"]
    return {"description": description, "content": {m: {"schema": schema} for m in types}}


def _error(description: str) -> dict:
    return _json(_ref("Error"), description)


TOO_MANY = {"429": _error("Too many requests from this address: wait a minute (see Retry-After).")}
NUL = {"400": _error("Text with NUL characters, which cannot be stored or looked up")}

SCHEMAS: dict = {
    "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}},
    "Course": {"type": "object", "required": ["slug", "title", "sector", "version"],
               "properties": {k: {"type": "string"} for k in ("slug", "title", "sector", "version")}},
    "Certificate": {
        "type": "object", "required": ["code", "status", "course", "issued_at", "expires_at", "holder"],
        "properties": {
            "code": {"type": "string", "description": "Grouped for reading aloud: 7KQ2-M9XD-4HPT-6WJC-R"},
            "status": {"enum": STATUSES}, "course": _ref("Course"), "issued_at": TIMESTAMP,
            "expires_at": {"oneOf": [TIMESTAMP, {"type": "null"}]},
            "holder": {"type": "string", "description": "The holder's initials, or 'deleted account'."}}},
    "NotFound": {"type": "object", "required": ["code", "status"],
                 "properties": {"code": {"type": "string", "description": "The code as sent"},
                                "status": {"const": "not_found"}}},
    "BulkRequest": {"type": "object", "required": ["codes"],
                    "properties": {"codes": {"type": "array", "maxItems": 1000,
                                             "items": {"type": "string"}}}},
    "BulkResult": {"type": "object", "required": ["results"], "properties": {"results": {
        "type": "array", "items": {"oneOf": [_ref("Certificate"), _ref("NotFound")]},
        "description": "One result per code sent, in the same order."}}},
    "Credential": {"type": "object", "required": SIGNED,
                   "description": "An Open Badges 3.0 OpenBadgeCredential with two Data Integrity proofs by "
                                  "the academy's did:key, one per cryptosuite (eddsa-rdfc-2022 and "
                                  "eddsa-jcs-2022): a verifier checks the one it knows."},
    "StatusList": {"type": "object", "required": SIGNED,
                   "description": "A signed BitstringStatusListCredential (revocation, or suspension for "
                                  "organisation credentials)."},
    "OrganisationAward": {
        "type": "object",
        "required": ["code", "status", "organisation", "rule", "issued_at", "valid_from", "valid_until",
                     "lapsed_at", "revoked_at", "verify_url", "credential_url"],
        "description": "A \"trained organisation\" credential: the organisation meets its community's rule for its "
                       "sector. No member is named or counted.",
        "properties": {
            "code": {"type": "string", "description": "Grouped for reading aloud: 7KQ2-M9XD-4HPT-6WJC-R"},
            "status": {"enum": AWARD_STATUSES, "description": "lapsed: the rule stopped holding (suspended until "
                                                            "it holds again); expired: not re-checked in time"},
            "organisation": {"type": "object", "required": ["name", "community", "sector"],
                             "properties": {k: {"type": "string"} for k in ("name", "community", "sector")}},
            "rule": {"type": "object", "required": ["text", "threshold_percent", "course"], "properties": {
                "text": {"type": "string"}, "threshold_percent": {"type": "integer", "minimum": 1, "maximum": 100},
                "course": {"type": "object", "required": ["slug", "title"],
                           "properties": {"slug": {"type": "string"}, "title": {"type": "string"}}}}},
            "issued_at": TIMESTAMP, "valid_from": TIMESTAMP, "valid_until": TIMESTAMP,
            "lapsed_at": {"oneOf": [TIMESTAMP, {"type": "null"}]},
            "revoked_at": {"oneOf": [TIMESTAMP, {"type": "null"}]},
            "verify_url": {"type": "string", "format": "uri"}, "credential_url": {"type": "string", "format": "uri"}}},
    "Coverage": {"type": "object", "required": ["community", "period", "sectors", "any_sector"],
                 "description": "People trained, newly trained and lapsed, targets, trend and projection per "
                                "sector and sub-role for a community and half-year. No count under 5 leaves the "
                                "coalition: a count of 1 to 4 people (fewer than 5) is null and named in its "
                                "row's fewer_than_5 list; 0 stays 0.",
                 "properties": {"community": {"type": "object"}, "period": {"type": "string"},
                                "sectors": {"type": "array", "items": _ref("CoverageRow")},
                                "any_sector": _ref("CoverageRow")}},
    "CoverageRow": {
        "type": "object",
        "required": ["label", "trained", "newly_trained", "lapsed", "in_person", "self_paced", "fewer_than_5",
                     "target", "coverage_percent", "projection", "trend"],
        "description": "One sector (with its sub-roles), one sub-role, or any sector. When trained is fewer "
                       "than 5, coverage_percent and projection.pace_per_period are null too (with the target "
                       "they would give the count back).",
        "properties": {
            **{name: {"type": ["integer", "null"], "minimum": 0,
                      "description": f"People {words}; null when 1 to 4 (fewer than 5)."}
               for name, words in (("trained", "trained at the end of the half-year"),
                                   ("newly_trained", "trained for the first time in the half-year"),
                                   ("lapsed", "whose certificate lapsed in the half-year"),
                                   ("in_person", "trained in person"), ("self_paced", "trained self-paced"),
                                   ("attendance", "checked in to sessions (sectors only)"))},
            "fewer_than_5": {"type": "array", "items": {"type": "string"},
                             "description": "The counts of this row that are 1 to 4 people, given as null."},
            "sector": {"type": ["string", "null"]}, "subrole": {"type": ["string", "null"]},
            "label": {"type": "string"}, "target": {"type": ["integer", "null"]},
            "coverage_percent": {"type": ["integer", "null"]},
            "sessions": {"type": "integer", "minimum": 0},
            "projection": {"type": "object"},
            "subroles": {"type": "array", "items": {"type": "object"}},
            "trend": {"type": "array", "items": {
                "type": "object", "required": ["period", "trained", "fewer_than_5"],
                "properties": {"period": {"type": "string"}, "trained": {"type": ["integer", "null"]},
                               "fewer_than_5": {"type": "array", "items": {"type": "string"}}}}}}},
}

CODE = {"name": "code", "in": "path", "required": True, "schema": {"type": "string"},
        "description": "A certificate code: case, spaces, dashes and look-alike letters are forgiven."}
LIST_ID = {"name": "list_id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 0}}
AWARD_CODE = {"name": "code", "in": "path", "required": True, "schema": {"type": "string"},
              "description": "An organisation credential's code, forgiven like a certificate code."}
PURPOSE = {"name": "purpose", "in": "path", "required": True, "schema": {"enum": ["revocation", "suspension"]}}


def _status_list(deprecated: bool) -> dict:
    return {"get": {"summary": "The signed revocation status list", "operationId": "statusList" + (
        "Short" if deprecated else ""), "deprecated": deprecated, "parameters": [LIST_ID], "responses": {
        "200": _json(_ref("StatusList"), "The list"), "404": _error("No such list"), **NUL, **TOO_MANY}}}


PATHS: dict = {
    "/api/v1/certificates/{code}": {"get": {
        "summary": "Look up one certificate", "operationId": "getCertificate", "parameters": [CODE],
        "responses": {"200": _json(_ref("Certificate"), "The certificate's public facts"),
                      "404": _error("No certificate has this code"), **NUL}}},
    "/api/v1/certificates/verify": {"post": {
        "summary": "Verify up to 1,000 codes at once", "operationId": "verifyCertificates",
        "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("BulkRequest")}}},
        "responses": {"200": _json(_ref("BulkResult"), "One result per code"),
                      "400": _error("The body is not {\"codes\": [strings]}"),
                      "413": _error("More than 1,000 codes, or a body over the size limit"), **TOO_MANY}}},
    "/api/v1/certificates/{code}/credential": {"get": {
        "summary": "The certificate as a signed Open Badges 3.0 credential", "operationId": "getCredential",
        "parameters": [CODE],
        "responses": {"200": _json(_ref("Credential"), "The signed credential", "application/json",
                                   "application/vc+ld+json"),
                      "404": _error("No certificate has this code"), **NUL,
                      "410": _error("The holder deleted their account: no credential can name them"),
                      **TOO_MANY}}},
    "/api/v1/status-lists/{list_id}": _status_list(False),
    "/api/v1/status/{list_id}": _status_list(True),
    "/api/v1/organisation-awards/{code}": {"get": {
        "summary": "Look up one \"trained organisation\" credential", "operationId": "getOrganisationAward",
        "parameters": [AWARD_CODE],
        "responses": {"200": _json(_ref("OrganisationAward"), "The credential's public facts"),
                      "404": _error("No organisation credential has this code"), **NUL}}},
    "/api/v1/organisation-awards/{code}/credential": {"get": {
        "summary": "The organisation credential as a signed Open Badges 3.0 credential whose subject is the "
                   "organisation", "operationId": "getOrganisationCredential", "parameters": [AWARD_CODE],
        "responses": {"200": _json(_ref("Credential"), "The signed credential", "application/json",
                                   "application/vc+ld+json"),
                      "404": _error("No organisation credential has this code"), **NUL, **TOO_MANY}}},
    "/api/v1/organisation-awards/status/{purpose}/{list_id}": {"get": {
        "summary": "A signed status list of organisation credentials: revocation, or suspension (lapsed while "
                   "the rule does not hold)", "operationId": "organisationStatusList",
        "parameters": [PURPOSE, LIST_ID],
        "responses": {"200": _json(_ref("StatusList"), "The list"),
                      "404": _error("No such list or purpose"), **NUL, **TOO_MANY}}},
    "/api/v1/coverage": {"get": {
        "summary": "A community's coverage figures for a half-year", "operationId": "getCoverage",
        "security": [{"bearer": []}, {"session": []}],
        "parameters": [
            {"name": "community", "in": "query", "required": True, "schema": {"type": "string"},
             "description": "The community's slug"},
            {"name": "period", "in": "query", "required": False, "schema": {"type": "string"},
             "description": "A half-year such as 2026H2; the current one when left out"}],
        "responses": {"200": _json(_ref("Coverage"), "The figures"),
                      "400": _error("No community named, or a period that cannot be read"),
                      "401": _error("Neither a valid API token nor a signed-in session"),
                      "403": _error("Not a coordinator of this community, an auditor or an admin"),
                      "404": _error("No such community")}}},
    "/api/v1/coverage/report": {"get": {
        "summary": "A community's bi-annual report: coverage, knowledge gain, indicators, events, checklist, local "
                   "services, feedback and each question answered in words; counts of 1 to 4 people read "
                   "\"fewer than 5\"", "operationId": "getReport",
        "security": [{"bearer": []}, {"session": []}],
        "parameters": [
            {"name": "community", "in": "query", "required": True, "schema": {"type": "string"},
             "description": "The community's slug"},
            {"name": "period", "in": "query", "required": False, "schema": {"type": "string"},
             "description": "A half-year such as 2026H2; the current one when left out"}],
        "responses": {"200": _json({"type": "object"}, "The report"),
                      "400": _error("No community named, or a period that cannot be read"),
                      "401": _error("Neither a valid API token nor a signed-in session"),
                      "403": _error("Not a coordinator of this community, an auditor or an admin"),
                      "404": _error("No such community")}}},
}


def document(public_url: str) -> dict:
    """Return the OpenAPI 3.1 document of the public API."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "The academy API", "version": "1",
                 "description": "Verify certificates and organisation credentials, fetch signed credentials "
                                "and read coverage figures."},
        "servers": [{"url": public_url}],
        "paths": PATHS,
        "components": {"schemas": SCHEMAS, "securitySchemes": {
            "bearer": {"type": "http", "scheme": "bearer",
                       "description": "A personal API token from your profile page (coordinators, auditors, "
                                      "admins)."},
            "session": {"type": "apiKey", "in": "cookie", "name": "session"}}},
    }


@bp.get("/openapi.json")
def openapi_json():
    """Serve the OpenAPI description of /api/v1."""
    return jsonify(document(current_app.config["ACADEMY_PUBLIC_URL"]))
