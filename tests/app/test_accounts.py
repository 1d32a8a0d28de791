"""Registration, sign-in, sign-out, password reset and the profile."""

from __future__ import annotations

import email
import email.policy
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from academy.accounts import service
from academy.accounts.models import User
from academy.extensions import db
from academy.redirects import is_safe_next
from tests.accounts_fixtures import deliver, last_mail, register
from tests.conftest import PASSWORD

VALID = {"name": "Maria Lopez", "email": "Maria@Example.org", "sector": "law-enforcement/prosecutor",
         "organisation": "County DA", "community": "", "password": "long enough pw", "confirm": "long enough pw"}


def test_register_creates_trainee_and_signs_in(client):
    response = register(client, VALID)
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "maria@example.org"))
    assert (user.role, user.sector, user.subrole, user.organisation) == ("trainee", "law-enforcement",
                                                                         "prosecutor", "County DA")
    assert user.password_hash.startswith("scrypt:")
    assert "Maria Lopez" in client.get("/").get_data(as_text=True)


def test_register_offers_sectors_and_subroles_from_sectors_yml(client):
    page = client.get("/register").get_data(as_text=True)
    assert '<optgroup label="Law enforcement and justice">' in page
    assert 'value="law-enforcement/judge"' in page
    assert 'value="consumers/"' in page
    assert "foundation/" not in page  # the shared foundation is not a sector anyone works in


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "This field is required."),
        ("email", "not-an-email", "Enter a valid email address."),
        ("password", "short", "Use at least 10 characters."),
        ("confirm", "something else", "The passwords do not match."),
        ("sector", "", "Choose your sector."),
        ("sector", "made-up/role", "Not a valid choice."),
    ],
)
def test_register_shows_errors_next_to_the_field(client, field, value, message):
    response = client.post("/register", data={**VALID, field: value})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    field_id = "confirm" if field == "confirm" else field
    assert re.search(rf'id="{field_id}-err">[^<]*{re.escape(message)}', page), page
    assert db.session.scalar(select(User)) is None


def test_register_with_a_taken_email_answers_the_same_and_mails_the_owner(app, client, make_user):
    owner = make_user(email="maria@example.org", name="Maria Owner")
    taken = client.post("/register", data=VALID).get_data(as_text=True)
    mail = last_mail(app)
    assert mail["To"] == "maria@example.org" and mail["Subject"] == "Someone tried to register with your address"
    fresh = client.post("/register", data={**VALID, "email": "new@example.org"}).get_data(as_text=True)
    assert "already" not in taken.split("<main")[-1].split("If that address")[0]
    assert re.sub(r'value="[^"]*"', "", taken) == re.sub(r'value="[^"]*"', "", fresh)
    assert db.session.scalar(select(User).where(User.email == "new@example.org")) is None  # not before the link
    assert db.session.get(User, owner.id).name == "Maria Owner"


def test_login_and_logout(client, make_user, auth):
    user = make_user(name="Sam Officer")
    assert auth.login(user).status_code == 302
    assert "Sam Officer" in client.get("/").get_data(as_text=True)
    assert client.get("/logout").status_code == 405  # sign-out is POST-only
    auth.logout()
    assert "Sam Officer" not in client.get("/").get_data(as_text=True)


def test_login_does_not_reveal_whether_an_email_exists(client, make_user, auth):
    user = make_user()
    wrong_password = auth.login(user, "not the password").get_data(as_text=True)
    unknown_email = auth.login("nobody@example.org").get_data(as_text=True)
    message = "The email or password is not right."
    assert message in wrong_password and message in unknown_email


def test_deleted_account_cannot_sign_in(client, make_user, auth):
    user = make_user()
    from academy.database import utcnow

    user.deleted_at = utcnow()
    db.session.commit()
    assert "The email or password is not right." in auth.login(user).get_data(as_text=True)


@pytest.mark.parametrize(
    ("target", "safe"),
    [("/courses", True), ("/courses?x=1", True), ("https://evil.example/", False), ("//evil.example", False),
     ("/\\evil.example", False), ("javascript:alert(1)", False), ("", False), (None, False)],
)
def test_safe_next(target, safe):
    assert is_safe_next(target) is safe


def test_login_follows_a_safe_next_and_ignores_an_unsafe_one(client, make_user):
    user = make_user()
    ok = client.post("/login?next=/account", data={"email": user.email, "password": PASSWORD})
    assert ok.headers["Location"] == "/account"
    client.post("/logout")
    bad = client.post("/login?next=https://evil.example/", data={"email": user.email, "password": PASSWORD})
    assert bad.headers["Location"] == "/"


def _reset_link(app) -> str:
    from academy.mail.outbox import send_due

    assert send_due().sent == 1  # the request queued it; `academy mail send` writes it to the outbox folder
    deliver(app)  # what `academy mail send` does
    outbox = sorted((Path(app.instance_path) / "outbox").glob("*.eml"))
    assert outbox, "no mail written to the outbox"
    body = email.message_from_bytes(outbox[-1].read_bytes(), policy=email.policy.default).get_content()
    return re.search(r"https://academy\.test(/reset/\S+)", body).group(1)


def test_password_reset_link_works_once(app, client, make_user, auth):
    user = make_user(email="reset@example.org")
    response = client.post("/reset", data={"email": "reset@example.org"}, follow_redirects=True)
    assert "If an account uses that address" in response.get_data(as_text=True)
    link = _reset_link(app)
    assert client.post(link, data={"password": "brand new password", "confirm": "brand new password"}
                       ).status_code == 302
    assert auth.login(user, "brand new password").status_code == 302
    auth.logout()
    again = client.get(link, follow_redirects=True).get_data(as_text=True)
    assert "expired or was already used" in again


def test_password_reset_for_unknown_email_says_the_same_and_sends_no_link(app, client):
    page = client.post("/reset", data={"email": "ghost@example.org"}, follow_redirects=True).get_data(as_text=True)
    assert "If an account uses that address" in page
    mail = last_mail(app)  # a mail either way, so the answer takes as long
    assert mail["To"] == "ghost@example.org" and "/reset/" not in mail.get_content()


def test_tampered_or_expired_reset_token_is_refused(app, client, make_user):
    user = make_user()
    token = service.make_reset_token(user, app.config["SECRET_KEY"])
    assert service.user_from_reset_token(token + "x", app.config["SECRET_KEY"], 3600) is None
    assert service.user_from_reset_token(token, "another-secret", 3600) is None
    assert service.user_from_reset_token(token, app.config["SECRET_KEY"], -1) is None
    assert service.user_from_reset_token(token, app.config["SECRET_KEY"], 3600).id == user.id


def test_profile_requires_sign_in_and_saves(client, login):
    client.post("/logout")
    assert client.get("/account").status_code == 302
    user = login("trainee")
    response = client.post("/account", data={"name": "New Name", "sector": "health/first-responder",
                                             "organisation": "", "community": "", "locale": "es"})
    assert response.status_code == 302
    db.session.refresh(user)
    assert (user.name, user.sector, user.subrole, user.locale) == ("New Name", "health", "first-responder", "es")


def test_users_create_cli(runner):
    result = runner.invoke(args=["users", "create", "--email", "Admin@Example.org", "--name", "First Admin",
                                 "--role", "admin", "--community", "riverside", "--password", "a long password"])
    assert result.exit_code == 0, result.output
    user = service.find_by_email("admin@example.org")
    assert user.role == "admin" and user.community.slug == "riverside"
    again = runner.invoke(args=["users", "create", "--email", "admin@example.org", "--name", "X",
                                "--password", "a long password"])
    assert again.exit_code == 1 and "already exists" in again.output
