"""The served OpenAPI description covers every /api/v1 route; schemathesis finds no server error with it."""

from __future__ import annotations

import re

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.hardening_fixtures import world_fixture  # noqa: F401  (fixture)

EXAMPLES = 25  # per generation mode, over all operations: the whole file stays well under a minute


def openapi_path(rule: str) -> str:
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule)


def test_the_description_is_served_and_names_every_api_route(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    routes = {openapi_path(rule.rule) for rule in app.url_map.iter_rules()
              if rule.rule.startswith("/api/v1/") and rule.endpoint != "openapi.openapi_json"}
    assert routes == set(document["paths"]), "describe every /api/v1 route in academy/openapi.py"
    for path, methods in document["paths"].items():
        for method in methods:
            rule_methods = {m for r in app.url_map.iter_rules() if openapi_path(r.rule) == path
                            for m in r.methods}
            assert method.upper() in rule_methods, f"{method.upper()} {path} is described but not served"


@pytest.fixture
def schema(app, world):
    """The schema loaded from the app in-process, with known codes and the coordinator's token to try."""
    from academy.accounts import tokens

    _record, token = tokens.create_token(world.users["coordinator"], "schemathesis")
    from academy.extensions import db

    db.session.commit()
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app), token, world.args


def _strategy(schema, mode: GenerationMode, known: dict):
    """Random requests, and requests about things that exist (so the 200 answers are checked too)."""
    code = {"path_parameters": {"code": known["code"]}}
    fixed = [("/api/v1/certificates/{code}", "GET", code),
             ("/api/v1/certificates/{code}/credential", "GET", code),
             ("/api/v1/status-lists/{list_id}", "GET", {"path_parameters": {"list_id": 1}}),
             ("/api/v1/coverage", "GET", {"query": {"community": "riverside"}}),
             ("/api/v1/certificates/verify", "POST", {"body": {"codes": [known["code"], "not-a-code"]}})]
    return st.one_of(schema.as_strategy(generation_mode=mode),
                     *[schema[path][method].as_strategy(generation_mode=mode, **values)
                       for path, method, values in fixed])


def _run(schema, token: str, mode: GenerationMode, checks: list, known: dict) -> None:
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(case=_strategy(schema, mode, known))
    def check(case):
        case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=checks)

    check()


def test_schemathesis_finds_the_api_true_to_its_description(schema):
    loaded, token, known = schema
    checks = [not_a_server_error, status_code_conformance, content_type_conformance,
              response_schema_conformance]
    _run(loaded, token, GenerationMode.POSITIVE, checks, known)


def test_schemathesis_invalid_requests_never_cause_a_server_error(schema):
    loaded, token, known = schema
    _run(loaded, token, GenerationMode.NEGATIVE, [not_a_server_error], known)
