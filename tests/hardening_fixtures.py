"""A small world with one user per role and one of everything, for the authorization, CSRF and fuzz tests.

The trainee holds the certificate, the quiz attempt and an attendance; the trainer teaches the session; the
coordinator coordinates its community (riverside); the auditor and admin have no ties. Routes are walked with
URL arguments taken from `World.args`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from flask import Flask, g
from werkzeug.exceptions import HTTPException

from academy.database import utcnow
from academy.extensions import db
from tests.authz_table import TABLE, Route

ROLES = ("anonymous", "trainee", "trainer", "coordinator", "auditor", "admin")


@dataclass
class World:
    users: dict = field(default_factory=dict)  # role -> User (no entry for anonymous)
    args: dict = field(default_factory=dict)  # sample URL values, by name
    ids: dict = field(default_factory=dict)  # ids of the objects made


def build_world(app: Flask, make_user, make_community) -> World:
    """Create one user per role and one object of every kind, commit, and return their handles."""
    from academy.accounts import service as accounts
    from academy.accounts import tokens
    from academy.certificates import codes, publish
    from academy.certificates import service as certificates
    from academy.courses import service as courses
    from academy.courses.catalog import get_course
    from academy.mail.prefs import unsubscribe_token
    from academy.quizzes import service as quizzes
    from academy.sessions import checkin
    from academy.sessions import codes as checkin_codes
    from academy.sessions.models import Attendance, TrainingSession

    world = World()
    riverside = make_community("riverside")
    world.users = {
        "trainee": make_user("trainee", community=riverside),
        "trainer": make_user("trainer", sector="faith-ngo", subrole=None, community=riverside),
        "coordinator": make_user("coordinator", sector=None, subrole=None, community=riverside,
                                 coordinates=[riverside]),
        "auditor": make_user("auditor", sector=None, subrole=None),
        "admin": make_user("admin", sector=None, subrole=None),
    }
    trainee, basics = world.users["trainee"], get_course("basics")
    certificates.init_keys(app)
    certificate = certificates.issue_certificate(trainee, basics, via="self-paced")
    courses.enrol(trainee, basics)
    attempt = quizzes.start_attempt(trainee, basics)
    now = utcnow()
    session = TrainingSession(course_slug="basics", title="Basics at the town hall",
                              starts_at=now - timedelta(minutes=10), ends_at=now + timedelta(hours=2),
                              place="Town hall", community_id=riverside.id)
    session.trainers = [world.users["trainer"]]
    db.session.add(session)
    db.session.flush()
    attendance = Attendance(session_id=session.id, user_id=trainee.id, method="manual")
    db.session.add(attendance)
    token, _secret = tokens.create_token(world.users["coordinator"], "Report script")
    from academy.resources.models import LocalResource

    entry = LocalResource(community_id=riverside.id, name="Riverside shelter", category="shelter",
                          verified_on=now.date())
    db.session.add(entry)
    from academy.organisations.models import Organisation

    organisation = Organisation(community_id=riverside.id, name="Riverside Police Department",
                                sector="law-enforcement")
    db.session.add(organisation)
    db.session.flush()
    trainee.organisation_id, trainee.shares_with_organisation = organisation.id, True
    organisation.leads.append(trainee)
    from academy.organisations.models import CredentialRule, OrganisationAward

    rule = CredentialRule(community_id=riverside.id, sector="law-enforcement", course_slug="policing",
                          threshold_percent=80)
    db.session.add(rule)
    db.session.flush()
    award = OrganisationAward(organisation_id=organisation.id, rule_id=rule.id, sector="law-enforcement",
                              course_slug="policing", course_title="Policing", threshold_percent=80, issued_at=now,
                              credential_issued_at=now, valid_until=now + timedelta(days=90), status_changed_at=now,
                              issued_by_id=world.users["coordinator"].id)
    certificates.insert_in_free_slot(award)
    db.session.commit()
    world.ids = {"certificate": certificate.id, "session": session.id, "attempt": attempt.id,
                 "community": riverside.id, "rule": rule.id, "award": award.id}
    world.args = {
        "slug": "basics", "lesson": basics.lessons[0].slug, "code": codes.group(certificate.code),
        "session_id": session.id, "attendance_id": attendance.id, "attempt_id": attempt.id,
        "token": accounts.make_reset_token(trainee, app.config["SECRET_KEY"]),
        "checkin_token": checkin_codes.code_at(session.secret, session.id, now.timestamp())[0],
        "ticket": checkin.make_ticket(app.config["SECRET_KEY"], session.id, "qr", "another-browser"),
        "list_id": publish.STATUS_LIST_ID, "filename": "academy.css", "community_id": riverside.id,
        "token_id": token.id, "community": riverside.slug, "entry_id": entry.id,
        "user_id": trainee.id, "merge_id": 1, "organisation_id": organisation.id,
        "rule_id": rule.id, "award_code": codes.group(award.code), "purpose": "suspension",
        "unsubscribe_token": unsubscribe_token(app.config["SECRET_KEY"], trainee.id, "expiry-reminder"),
    }
    return world


@pytest.fixture(name="world")
def world_fixture(app, make_user, make_community) -> World:
    """One user per role and one object of every kind (see the module's docstring)."""
    return build_world(app, make_user, make_community)


def csrf_token(client) -> str:
    """Return a CSRF token for the client's session, read from a form."""
    page = client.get("/reset").get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"',
                      page)
    assert match, "no csrf_token in the reset form"
    return match.group(1) or match.group(2)


def sign_in_as(client, world: World, role: str) -> None:
    """Sign the client in as the world's user of a role (or stay anonymous)."""
    g.pop("_login_user", None)
    if role == "anonymous":
        return
    data = {"email": world.users[role].email, "password": "correct horse battery"}
    if client.application.config.get("WTF_CSRF_ENABLED", True):
        data["csrf_token"] = csrf_token(client)
    response = client.post("/login", data=data)
    assert response.status_code == 302, f"{role} could not sign in: {response.status_code}"


def rules(app: Flask) -> list:
    """Return the app's URL rules in a stable order (by path, then endpoint)."""
    return sorted(app.url_map.iter_rules(), key=lambda rule: (rule.rule, rule.endpoint))


def url_for_rule(rule, route: Route, args: dict) -> str:
    """Build the rule's path from the world's sample values (the table may rename an argument)."""
    values = {name: args[route.args.get(name, name)] for name in rule.arguments}
    path = rule.build(values, append_unknown=False)[1]
    return path + ("?" + urlencode({k: args[v] for k, v in route.query.items()}) if route.query else "")


def get_answered_elsewhere(app: Flask, rule, path: str) -> bool:
    """Tell whether a GET to a POST-only rule's path is served by another rule (walked on its own)."""
    try:
        endpoint, _ = app.url_map.bind("localhost").match(path, method="GET")
    except HTTPException:
        return False
    return endpoint != rule.endpoint


def walk(app: Flask, world: World, method: str = "GET") -> Iterator[tuple]:
    """Yield (rule, route, path) for every route in the table that a walk sends `method` to.

    GET goes to every route (a POST-only one must refuse it), except a POST-only rule whose path another rule
    answers on GET; POST goes only to the rules that take it.
    """
    for rule in rules(app):
        route = TABLE.get(rule.endpoint)
        if route is None or (method == "POST" and "POST" not in rule.methods):
            continue
        path = url_for_rule(rule, route, world.args)
        if method == "GET" and route.get is None and get_answered_elsewhere(app, rule, path):
            continue
        yield rule, route, path
