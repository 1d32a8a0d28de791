"""THE authorization table: every endpoint, and what each role gets from it.

Read a row as "with the world of tests/hardening_fixtures.py (the trainee holds the certificate, quiz attempt
and attendance; the trainer teaches the session; the coordinator coordinates its community), a GET by each
role answers ...". `post` says who may POST: LOGIN or 401 for the anonymous, 403 (or 404 where the object is
hidden) for a signed-in role without the right, ALLOWED for the rest. tests/app/test_authorization.py walks
`app.url_map` for every role and fails on any endpoint missing here.

Expected answers: an int is the exact status; LOGIN is a redirect to the sign-in page; REDIRECT is a redirect
anywhere else.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ROLES = ("anonymous", "trainee", "trainer", "coordinator", "auditor", "admin")
SIGNED_IN = ROLES[1:]
LOGIN, REDIRECT, ALLOWED = "login", "redirect", "allowed"

AUDITORS = ("auditor", "admin")
MANAGERS = ("trainer", "coordinator", "admin")  # of the world's session
REVOKERS = ("coordinator", "admin")  # of the world's certificate (riverside); also set its targets
VIEWERS = ("coordinator", "auditor", "admin")  # of riverside's coverage
TOKEN_HOLDERS = VIEWERS


@dataclass(frozen=True)
class Route:
    get: dict | None  # role -> expected answer to GET; None for POST-only endpoints (GET must be 405)
    post: dict | None = None  # role -> LOGIN/401/403/404 or ALLOWED; None when the endpoint takes no POST
    args: dict = field(default_factory=dict)  # URL argument -> key of World.args, when the names differ
    query: dict = field(default_factory=dict)  # query string: name -> key of World.args


def everyone(answer) -> dict:
    return dict.fromkeys(ROLES, answer)


def signed_in(answer=200, anonymous=LOGIN) -> dict:
    """The anonymous are sent to sign in; every signed-in role gets `answer`."""
    return {"anonymous": anonymous, **dict.fromkeys(SIGNED_IN, answer)}


def only(*roles: str, answer=200, others=403, anonymous=LOGIN) -> dict:
    """Only these signed-in roles get `answer`; other signed-in roles get `others` (403 unless hidden)."""
    return {"anonymous": anonymous, **{role: answer if role in roles else others for role in SIGNED_IN}}


def guest_only(answer=200) -> dict:
    """Pages for the signed-out (sign in, register): the signed-in are sent home."""
    return {"anonymous": answer, **dict.fromkeys(SIGNED_IN, REDIRECT)}


PUBLIC_POST = everyone(ALLOWED)
SIGNED_IN_POST = signed_in(ALLOWED)


def only_post(*roles: str, others=403, anonymous=LOGIN) -> dict:
    return only(*roles, answer=ALLOWED, others=others, anonymous=anonymous)


TABLE: dict[str, Route] = {
    # --- the app itself -------------------------------------------------------------------------------------
    "main.home": Route(everyone(200)),
    "main.healthz": Route(everyone(200)),
    "main.favicon": Route(everyone(200)),
    "static": Route(everyone(200)),
    # --- accounts and privacy -------------------------------------------------------------------------------
    "accounts.login": Route(guest_only(), PUBLIC_POST),
    "accounts.logout": Route(None, SIGNED_IN_POST),
    "accounts.register": Route(guest_only(), PUBLIC_POST),
    "accounts.finish_registration": Route(everyone(REDIRECT), PUBLIC_POST),  # the world's token is not one
    "accounts.reset_request": Route(everyone(200), PUBLIC_POST),
    "accounts.reset_password": Route(everyone(200), PUBLIC_POST),  # a valid token is the credential
    "accounts.profile": Route(signed_in(), SIGNED_IN_POST),
    "accounts.sign_out_everywhere": Route(None, SIGNED_IN_POST),
    "privacy.download": Route(signed_in()),
    "privacy.delete": Route(signed_in(), SIGNED_IN_POST),
    # --- courses and quizzes --------------------------------------------------------------------------------
    "courses.catalogue": Route(everyone(200)),
    "courses.course": Route(everyone(200)),
    "courses.resources": Route(everyone(200)),
    "courses.enrol": Route(None, SIGNED_IN_POST),
    "courses.lesson": Route(everyone(200)),  # the world's lesson is a course's first: visitors may preview it
    "courses.complete_lesson": Route(None, SIGNED_IN_POST),
    "courses.my_learning": Route(signed_in()),
    "courses.refresher": Route(signed_in(REDIRECT), SIGNED_IN_POST),  # the world's course has none: to the course
    "quizzes.start": Route(signed_in()),
    "quizzes.begin": Route(None, SIGNED_IN_POST),
    # someone else's attempt answers 404, as if it did not exist
    "quizzes.attempt": Route(only("trainee", others=404), only_post("trainee", others=404)),
    # --- certificates: public verification, the holder's pages, revocation, the auditor's pages -------------
    "certificates.verify_form": Route(everyone(200)),
    "certificates.verify": Route(everyone(200), PUBLIC_POST),  # POST: does a typed name match the holder
    "certificates.mine": Route(signed_in()),
    "certificates.reissue": Route(signed_in(REDIRECT), SIGNED_IN_POST),  # nothing to reissue: back to mine
    "certificates.show": Route(only("trainee", "admin")),
    "certificates.show_pdf": Route(only("trainee", "admin")),
    "certificates.include_name": Route(None, only_post("trainee")),  # the holder's choice, not the admin's
    "certificates.revoke": Route(only(*REVOKERS), only_post(*REVOKERS)),
    "certificates.audit_home": Route(only(*AUDITORS), only_post(*AUDITORS)),
    "certificates.audit_download": Route(None, only_post(*AUDITORS)),
    "certificates.audit_register": Route(only(*AUDITORS)),
    "certificates.audit_register_csv": Route(only(*AUDITORS)),
    "certificates.audit_log": Route(only(*AUDITORS)),
    # --- the public API -------------------------------------------------------------------------------------
    "certificates_api.certificate": Route(everyone(200)),
    "certificates_api.signed_credential": Route(everyone(200)),
    "certificates_api.status_list": Route(everyone(200)),
    "certificates_api.verify_many": Route(None, PUBLIC_POST),
    "openapi.openapi_json": Route(everyone(200)),
    # --- in-person sessions ---------------------------------------------------------------------------------
    "sessions.index": Route(only(*MANAGERS)),
    "sessions.new": Route(only(*MANAGERS), only_post(*MANAGERS)),
    "sessions.roster": Route(only(*MANAGERS)),
    "sessions.edit": Route(only(*MANAGERS), only_post(*MANAGERS)),
    "sessions.cancel": Route(only(*MANAGERS), only_post(*MANAGERS)),
    "sessions.close": Route(only(*MANAGERS), only_post(*MANAGERS)),
    "sessions.show_display": Route(only(*MANAGERS)),
    "sessions.display_json": Route(only(*MANAGERS)),
    "sessions.paper": Route(only(*MANAGERS), only_post(*MANAGERS)),
    "sessions.roster_csv": Route(only(*MANAGERS)),
    "sessions.sign_in_sheet": Route(only(*MANAGERS)),
    "sessions.mark": Route(None, only_post(*MANAGERS)),
    "sessions.walk_in": Route(None, only_post(*MANAGERS)),
    "sessions.unmark": Route(None, only_post(*MANAGERS)),
    # check-in: anyone with the code on the screen; the ticket in the world belongs to another browser (400)
    "sessions.typed": Route(everyone(200), PUBLIC_POST),
    "sessions.scan": Route(everyone(REDIRECT), args={"token": "checkin_token"}),
    "sessions.confirm": Route(everyone(400), PUBLIC_POST),
    "sessions.checked_in": Route(only("trainee", others=REDIRECT)),  # the rest did not attend: to their list
    "sessions.mine": Route(signed_in()),
    # the owner of an address used at the door confirms by signing in; the world's token is not one (400)
    "sessions.confirm_attendance": Route(signed_in(400), SIGNED_IN_POST),
    "sessions.upcoming": Route(everyone(200)),
    "sessions.register": Route(None, SIGNED_IN_POST),
    "sessions.unregister": Route(None, SIGNED_IN_POST),
    # --- mail: preferences, and the unsubscribe link that works signed out ---------------------------------
    "mail.preferences": Route(signed_in(), SIGNED_IN_POST),
    "mail.unsubscribe": Route(everyone(200), PUBLIC_POST, args={"token": "unsubscribe_token"}),
    "i18n.choose": Route(everyone(200)),
    "i18n.switch": Route(None, PUBLIC_POST),
    # --- personal API tokens (the world's token belongs to the coordinator; others' answer 404) -------------
    "tokens.new_token": Route(only(*TOKEN_HOLDERS), only_post(*TOKEN_HOLDERS)),
    "tokens.revoke": Route(None, {**only_post("coordinator"), "auditor": 404, "admin": 404}),
    # --- coverage -------------------------------------------------------------------------------------------
    "coverage.dashboard": Route(only(*VIEWERS)),
    "coverage.export_csv": Route(only(*VIEWERS)),
    "coverage.compare": Route(only(*AUDITORS)),
    "coverage.targets": Route(only(*REVOKERS), only_post(*REVOKERS)),
    "coverage.coverage_api.coverage": Route(only(*VIEWERS, anonymous=401), query={"community": "community"}),
    # --- evidence for funders: pre-test, feedback, checklist, the report, local services -------------------
    "coverage.copy_targets": Route(None, only_post(*REVOKERS)),
    "pretest.take": Route(signed_in(404), signed_in(404)),  # the test curricula's basics has no pre-test
    "evidence.session_feedback": Route(only("trainee"), only_post("trainee")),  # those who attended
    "evidence.course_feedback": Route(only("trainee"), only_post("trainee")),  # those who hold its certificate
    "evidence.checklist_page": Route(only(*REVOKERS), only_post(*REVOKERS)),
    "evidence.report_page": Route(only(*VIEWERS)),
    "evidence.report_pdf_download": Route(only(*VIEWERS)),
    "evidence.report_csv": Route(only(*VIEWERS)),
    "evidence.report_api": Route(only(*VIEWERS, anonymous=401), query={"community": "community"}),
    "resources.manage": Route(only(*REVOKERS), only_post(*REVOKERS)),
    "resources.edit": Route(only(*REVOKERS), only_post(*REVOKERS)),
    "resources.delete": Route(None, only_post(*REVOKERS)),
    # --- the admin console (admins only) --------------------------------------------------------------------
    "admin.people_list": Route(only("admin")),
    "admin.person": Route(only("admin")),
    "admin.change_role": Route(None, only_post("admin")),
    "admin.set_communities": Route(None, only_post("admin")),
    "admin.deactivate": Route(None, only_post("admin")),
    "admin.reactivate": Route(None, only_post("admin")),
    "admin.password_link": Route(None, only_post("admin")),
    "admin.merge": Route(None, only_post("admin")),
    "admin.undo_merge": Route(None, only_post("admin")),
    "admin.import_people": Route(only("admin"), only_post("admin")),
    "admin.confirm_import": Route(None, only_post("admin")),
    "admin.communities": Route(only("admin")),
    "admin.new_community": Route(only("admin"), only_post("admin")),
    "admin.edit_community": Route(only("admin"), only_post("admin")),
    "community_logo.logo": Route(everyone(404)),  # public, but the world's community has no logo
    # --- organisations (the trainee is a member and the lead of the world's organisation) -------------------
    "organisations.index": Route(only(*REVOKERS), only_post(*REVOKERS)),
    "organisations.show": Route(only("trainee", *REVOKERS)),
    "organisations.export_csv": Route(only("trainee", *REVOKERS)),
    "organisations.invite": Route(None, only_post("trainee", *REVOKERS)),
    "organisations.grant_lead": Route(None, only_post(*REVOKERS)),
    "organisations.remove_lead": Route(None, only_post(*REVOKERS)),
    "organisations.sharing": Route(None, SIGNED_IN_POST),
    "organisations.answer_invitation": Route(None, SIGNED_IN_POST),  # nobody in the world is invited: a notice
    # the world's token is the trainee's, who has no invitation: sent to ask for a new link
    "organisations.welcome": Route(everyone(REDIRECT), PUBLIC_POST),
    # --- the trained organisation credential: coordinators' rules and awards, the public check and API -----
    "organisations.rules": Route(only(*REVOKERS), only_post(*REVOKERS)),
    "organisations.rule": Route(only(*REVOKERS), only_post(*REVOKERS)),
    "organisations.award": Route(None, only_post(*REVOKERS)),
    # the trainee leads the world's organisation, yet only its community's coordinator (or an admin) revokes
    "organisations.revoke_award": Route(only(*REVOKERS), only_post(*REVOKERS), args={"code": "award_code"}),
    "organisations.award_verify": Route(everyone(200), args={"code": "award_code"}),
    "organisations.award_download": Route(everyone(200), args={"code": "award_code"}),
    "organisations_api.award": Route(everyone(200), args={"code": "award_code"}),
    "organisations_api.signed_credential": Route(everyone(200), args={"code": "award_code"}),
    "organisations_api.status_list": Route(everyone(200)),
}


# GET requests never change what people did or hold. The only writes a GET may make are listed here, with why;
# tests/app/test_csrf.py fails on any other table a GET changes.
GET_WRITES: dict[str, set[str]] = {
    "courses.lesson": {"enrolment"},  # opening a lesson enrols and remembers "continue where you left off"
    "certificates.verify": {"audit_event"},  # each verification is logged (no personal data)
    "certificates_api.certificate": {"audit_event"},
    "coverage.coverage_api.coverage": {"api_token"},  # last_used_at of a token, at most once a minute
    "evidence.report_api": {"api_token"},  # the same, for the report's JSON
}
