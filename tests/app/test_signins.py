"""Sign-ins end for real: a copied session or remember cookie opens nothing once its sign-in has ended."""

from __future__ import annotations

from academy.accounts import service, signin
from academy.extensions import db
from tests.conftest import PASSWORD


def _copy_cookies(source, target, names=("session", "remember_token")) -> None:
    for name in names:
        cookie = source.get_cookie(name)
        if cookie is not None:
            target.set_cookie(name, cookie.value)


def _signed_in(client) -> bool:
    return client.get("/account").status_code == 200


def test_a_copied_session_cookie_opens_nothing_after_sign_out(app, make_user):
    user = make_user("trainee")
    owner, thief = app.test_client(), app.test_client()
    owner.post("/login", data={"email": user.email, "password": PASSWORD})
    _copy_cookies(owner, thief, names=("session",))
    assert _signed_in(thief)
    owner.post("/logout")
    assert not _signed_in(thief)
    assert not _signed_in(owner)


def test_a_copied_remember_cookie_opens_nothing_after_sign_out(app, make_user):
    user = make_user("trainee")
    owner, thief = app.test_client(), app.test_client()
    owner.post("/login", data={"email": user.email, "password": PASSWORD, "remember": "y"})
    assert owner.get_cookie("remember_token") is not None
    _copy_cookies(owner, thief, names=("remember_token",))
    assert _signed_in(thief)  # the remember cookie alone signs the browser in
    owner.post("/logout")
    thief.delete_cookie("session")  # only the copied remember cookie is left to try
    assert not _signed_in(thief)


def test_each_sign_in_gets_its_own_token(app, make_user):
    user = make_user("trainee")
    first, second = app.test_client(), app.test_client()
    first.post("/login", data={"email": user.email, "password": PASSWORD})
    second.post("/login", data={"email": user.email, "password": PASSWORD})
    first.post("/logout")
    assert not _signed_in(first)
    assert _signed_in(second)  # signing out on one browser leaves the other signed in


def test_a_new_password_ends_every_earlier_sign_in(app, client, make_user):
    user = make_user("trainee")
    other = app.test_client()
    other.post("/login", data={"email": user.email, "password": PASSWORD, "remember": "y"})
    assert _signed_in(other)
    token = service.make_reset_token(user, app.config["SECRET_KEY"])
    client.post(f"/reset/{token}", data={"password": "a brand new passphrase", "confirm": "a brand new passphrase"})
    assert db.session.get(type(user), user.id).check_password("a brand new passphrase")
    assert not _signed_in(other)


def test_end_all_ends_every_sign_in_of_that_person_only(app, make_user):
    user, someone_else = make_user("trainee"), make_user("trainee")
    mine, theirs = app.test_client(), app.test_client()
    mine.post("/login", data={"email": user.email, "password": PASSWORD})
    theirs.post("/login", data={"email": someone_else.email, "password": PASSWORD})
    assert signin.end_all(user) == 1
    db.session.commit()
    assert not _signed_in(mine)
    assert _signed_in(theirs)


def test_a_bare_user_id_in_the_cookie_loads_nobody(app, client, make_user):
    user = make_user("trainee")
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)  # what login_user() without a sign-in token would have stored
    assert not _signed_in(client)


def test_copied_cookies_open_nothing_after_the_account_is_deleted(app, make_user):
    user = make_user("trainee")
    owner, thief, other = app.test_client(), app.test_client(), app.test_client()
    owner.post("/login", data={"email": user.email, "password": PASSWORD, "remember": "y"})
    other.post("/login", data={"email": user.email, "password": PASSWORD})  # a second browser of the owner
    _copy_cookies(owner, thief)
    assert _signed_in(thief) and _signed_in(other)
    assert owner.post("/account/delete", data={"password": PASSWORD}).status_code == 302
    assert not _signed_in(thief)
    thief.delete_cookie("session")
    assert not _signed_in(thief)  # the copied remember cookie alone opens nothing either
    assert not _signed_in(other)
