"""CSRF switched on: every POST outside the JSON API needs the token; no GET changes anything."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from academy.extensions import db
from tests.authz_table import GET_WRITES, ROLES, TABLE
from tests.hardening_fixtures import csrf_token, rules, sign_in_as, url_for_rule, walk, world_fixture  # noqa: F401


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


def post_rules(app) -> list:
    return [rule for rule in rules(app) if "POST" in rule.methods]


def is_csrf_refusal(response) -> bool:
    return response.status_code == 400 and "CSRF" in response.get_data(as_text=True)


def test_every_post_outside_the_api_needs_the_token(app, client, world):
    wrong = []
    for rule in post_rules(app):
        path = url_for_rule(rule, TABLE[rule.endpoint], world.args)
        response = client.post(path, data={"name": "x"})
        api = rule.rule.startswith("/api/")
        if api and is_csrf_refusal(response):
            wrong.append(f"POST {path}: the JSON API should not ask for a form token")
        if not api and not is_csrf_refusal(response):
            wrong.append(f"POST {path} ({rule.endpoint}) without a token: expected 400, "
                         f"got {response.status_code}")
    assert post_rules(app) and not wrong, "\n".join(wrong)


def test_only_the_json_api_is_exempt(app):
    """Exempting a view or blueprint from CSRF is allowed only under /api/ (JSON in, no cookie changes)."""
    from academy.extensions import csrf

    blueprints = {bp.name for bp in csrf._exempt_blueprints}
    views = {view.rsplit(".", 1)[-1] for view in csrf._exempt_views}
    outside = sorted({rule.endpoint for rule in rules(app) if not rule.rule.startswith("/api/")
                      and "POST" in rule.methods and (rule.endpoint.split(".")[0] in blueprints
                                                      or rule.endpoint.rsplit(".", 1)[-1] in views)})
    assert not outside, f"CSRF-exempt form endpoints outside /api/: {outside}"


@pytest.mark.parametrize("role", ["anonymous", "admin"])
def test_with_the_token_every_post_gets_past_csrf(role, app, client, world):
    def sign_in() -> str:
        token = csrf_token(client)
        if role != "anonymous":
            response = client.post("/login", data={"email": world.users[role].email,
                                                    "password": "correct horse battery", "csrf_token": token})
            assert response.status_code == 302
            token = csrf_token(client)  # signing in starts a new session, with a new CSRF secret
        return token

    token = sign_in()
    wrong = []
    signing_out = ("accounts.sign_out_everywhere", "accounts.logout")
    ordered = sorted(post_rules(app), key=lambda rule: rule.endpoint in signing_out)  # sign out last
    for rule in ordered:
        if rule.rule.startswith("/api/"):
            continue
        path = url_for_rule(rule, TABLE[rule.endpoint], world.args)
        response = client.post(path, data={"csrf_token": token})
        if is_csrf_refusal(response):
            wrong.append(f"POST {path} ({rule.endpoint}) with a token was refused")
        if rule.endpoint in signing_out:
            token = sign_in()  # the session (and its CSRF secret) ended: start another for the next one
    assert not wrong, "\n".join(wrong)


def test_every_route_is_get_or_post():
    """Changes go through POST forms (CSRF-checked); no PUT, PATCH or DELETE that would bypass them."""
    from academy import create_app

    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    odd = sorted(f"{rule.endpoint} {sorted(rule.methods)}" for rule in app.url_map.iter_rules()
                 if rule.methods - {"GET", "HEAD", "OPTIONS", "POST"})
    assert not odd, odd


def snapshot() -> dict[str, set]:
    db.session.expire_all()
    return {table.name: {tuple(map(str, row)) for row in db.session.execute(select(table))}
            for table in db.metadata.sorted_tables}


@pytest.mark.parametrize("role", ROLES)
def test_no_get_changes_anything(role, app, client, world):
    """GET every route as each role and compare every table before and after (declared side effects apart)."""
    sign_in_as(client, world, role)
    wrong = []
    for rule, _route, path in walk(app, world, "GET"):
        before = snapshot()
        client.get(path)
        after = snapshot()
        changed = {name for name in before if before[name] != after[name]}
        changed -= GET_WRITES.get(rule.endpoint, set())
        if changed:
            wrong.append(f"GET {path} ({rule.endpoint}) changed {sorted(changed)}")
    assert not wrong, f"as {role}:\n  " + "\n  ".join(wrong)


def test_a_token_from_before_sign_in_is_refused_after_it(app, client, world):
    """Signing in starts a new session: nothing from before it, the CSRF secret included, carries over."""
    before = csrf_token(client)
    response = client.post("/login", data={"email": world.users["trainee"].email,
                                            "password": "correct horse battery", "csrf_token": before})
    assert response.status_code == 302
    assert is_csrf_refusal(client.post("/logout", data={"csrf_token": before}))
    assert not is_csrf_refusal(client.post("/logout", data={"csrf_token": csrf_token(client)}))
