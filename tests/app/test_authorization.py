"""Walk every route of `app.url_map` as every role and compare the answer with tests/authz_table.py."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.authz_table import ALLOWED, LOGIN, REDIRECT, ROLES, TABLE
from tests.hardening_fixtures import rules, sign_in_as, walk, world_fixture  # noqa: F401  (fixture)

IGNORED_METHODS = {"HEAD", "OPTIONS"}


def matches(response, expected) -> bool:
    location = urlsplit(response.headers.get("Location", "")).path
    if expected == LOGIN:
        return response.status_code in (302, 303) and location == "/login"
    if expected == REDIRECT:
        return response.status_code in (301, 302, 303) and location != "/login"
    return response.status_code == expected


def describe(response) -> str:
    location = response.headers.get("Location")
    return f"{response.status_code}" + (f" -> {location}" if location else "")


def test_every_route_is_in_the_table(app):
    """A new route fails the suite until someone writes down who may use it."""
    missing = sorted({f"{rule.endpoint} ({rule.rule} {sorted(rule.methods - IGNORED_METHODS)})"
                      for rule in rules(app) if rule.endpoint not in TABLE})
    assert not missing, ("routes missing from tests/authz_table.py (add a row per endpoint saying what each "
                         "role gets):\n  " + "\n  ".join(missing))


def test_the_table_names_only_existing_routes(app):
    endpoints = {rule.endpoint for rule in rules(app)}
    stale = sorted(set(TABLE) - endpoints)
    assert not stale, f"rows in tests/authz_table.py for endpoints that no longer exist: {stale}"


def test_the_table_matches_the_methods(app):
    """GET rows exactly for routes that answer GET, POST rows exactly for routes that take POST."""
    wrong = []
    for rule in rules(app):
        route = TABLE.get(rule.endpoint)
        if route is None:
            continue
        if ("GET" in rule.methods) != (route.get is not None):
            wrong.append(f"{rule.endpoint}: GET {'allowed' if 'GET' in rule.methods else 'not allowed'}")
        if ("POST" in rule.methods) != (route.post is not None):
            wrong.append(f"{rule.endpoint}: POST {'allowed' if 'POST' in rule.methods else 'not allowed'}")
        for answers in (route.get, route.post):
            if answers is not None and set(answers) != set(ROLES):
                wrong.append(f"{rule.endpoint}: a row must name every role {ROLES}")
    assert not wrong, "\n".join(wrong)


def _send(client, method: str, path: str, api: bool = False):
    try:
        if method == "GET":
            return client.get(path)
        return client.post(path, json={}) if api else client.post(path, data={})
    except Exception as exc:  # a crash is reported with the route, not as the first failure only
        return exc


def mismatch(method: str, path: str, rule, expected, response) -> str | None:
    """Say how an answer (or a crash) differs from the table's, or None when it matches."""
    where = f"{method} {path} ({rule.endpoint}): expected {expected}"
    if isinstance(response, Exception):
        return f"{where}, raised {response!r}"
    if not matches(response, expected):
        return f"{where}, got {describe(response)}"
    return None


@pytest.mark.parametrize("role", ROLES)
def test_get_every_route_as(role, app, client, world):
    """Every GET route answers each role as the table says; POST-only routes refuse GET with 405."""
    sign_in_as(client, world, role)
    wrong = []
    for rule, route, path in walk(app, world, "GET"):
        expected = route.get[role] if route.get is not None else 405
        problem = mismatch("GET", path, rule, expected, _send(client, "GET", path))
        if problem:
            wrong.append(problem)
    assert not wrong, f"as {role}:\n  " + "\n  ".join(wrong)


@pytest.mark.parametrize("role", ROLES)
def test_post_is_refused_to_whoever_may_not(role, app, client, world):
    """The anonymous are sent to sign in (401/403 JSON under /api/); the signed-in without a right get 403."""
    sign_in_as(client, world, role)
    wrong = []
    for rule, route, path in walk(app, world, "POST"):
        if route.post is None or route.post[role] == ALLOWED:
            continue
        api = rule.rule.startswith("/api/")
        response = _send(client, "POST", path, api)
        problem = mismatch("POST", path, rule, route.post[role], response)
        if problem:
            wrong.append(problem)
        elif api and response.status_code in (401, 403) and "error" not in (response.get_json(silent=True)
                                                                             or {}):
            wrong.append(f"POST {path} ({rule.endpoint}): a refusal under /api/ must be JSON with an error")
    assert not wrong, f"as {role}:\n  " + "\n  ".join(wrong)


def test_anonymous_refusals_under_the_api_are_json(app):
    """The table may only expect 401/403 (never a sign-in redirect) from the anonymous under /api/."""
    wrong = [rule.endpoint for rule in rules(app) if rule.rule.startswith("/api/") and rule.endpoint in TABLE
             and LOGIN in ((TABLE[rule.endpoint].get or {}).get("anonymous"),
                           (TABLE[rule.endpoint].post or {}).get("anonymous"))]
    assert not wrong, f"API endpoints must answer the anonymous with 401/403 JSON, not a redirect: {wrong}"


def test_someone_elses_certificate_is_forbidden(client, world, make_user, auth):
    """Ownership, not just role: a second trainee cannot open the first one's certificate or attempt."""
    auth.login(make_user("trainee"))
    code, attempt = world.args["code"], world.args["attempt_id"]
    assert client.get(f"/certificates/{code}").status_code == 403
    assert client.get(f"/certificates/{code}/certificate.pdf").status_code == 403
    assert client.post(f"/certificates/{code}/include-name", data={"include_name": "y"}).status_code == 403
    assert client.get(f"/courses/basics/quiz/{attempt}").status_code == 404


def test_a_coordinator_of_another_community_cannot_manage(client, world, make_user, make_community, auth):
    elsewhere = make_community("elsewhere")
    auth.login(make_user("coordinator", sector=None, subrole=None, community=elsewhere,
                         coordinates=[elsewhere]))
    session_id, code = world.args["session_id"], world.args["code"]
    assert client.get(f"/sessions/{session_id}").status_code == 403
    assert client.post(f"/sessions/{session_id}/close").status_code == 403
    assert client.get(f"/certificates/{code}/revoke").status_code == 403
