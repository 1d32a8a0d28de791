"""Nobody learns who has an account from sign-up or password reset: same answer, a mail either way, similar time."""

from __future__ import annotations

import statistics
import time

from sqlalchemy import func, select

from academy.accounts.models import User
from academy.extensions import db
from tests.accounts_fixtures import last_mail, mail_text, register

FORM = {"name": "Kim Probe", "sector": "law-enforcement/police", "organisation": "", "community": "",
        "password": "long enough pw", "confirm": "long enough pw"}


def _timed(client, path: str, data: dict) -> tuple[float, str, int]:
    started = time.perf_counter()
    response = client.post(path, data=data)
    return time.perf_counter() - started, response.get_data(as_text=True), response.status_code


def test_sign_up_takes_as_long_for_a_taken_address(client, make_user):
    make_user(email="taken@example.org")
    taken, fresh = [], []
    for n in range(6):
        taken.append(_timed(client, "/register", {**FORM, "email": "taken@example.org"}))
        fresh.append(_timed(client, "/register", {**FORM, "email": f"new{n}@example.org"}))
    assert {t[2] for t in taken + fresh} == {200}
    assert {t[1] for t in taken} == {t[1] for t in fresh} or all("Check your email" in t[1] for t in taken + fresh)
    slow, quick = statistics.median(t[0] for t in taken), statistics.median(t[0] for t in fresh)
    # Both hash a password and send one mail; skipping the hash would make one side about ten times quicker.
    assert 1 / 3 < slow / quick < 3.0, (slow, quick)


def test_password_reset_takes_as_long_for_an_unknown_address(client, make_user):
    make_user(email="known@example.org")
    known, unknown = [], []
    for n in range(6):  # interleaved, so a moment of load on a shared machine hits both alike
        known.append(_timed(client, "/reset", {"email": "known@example.org"}))
        unknown.append(_timed(client, "/reset", {"email": f"ghost{n}@example.org"}))
    assert {t[1] for t in known} == {t[1] for t in unknown} and {t[2] for t in known + unknown} == {302}
    slow, quick = statistics.median(t[0] for t in known), statistics.median(t[0] for t in unknown)
    assert 0.33 < slow / quick < 3.0, (slow, quick)


def test_the_mailed_link_creates_the_account_once(app, client):
    response = register(client, {**FORM, "email": "Kim@Example.org"})
    assert response.status_code == 302
    link = response.request.path
    assert db.session.scalar(select(func.count(User.id)).where(User.email == "kim@example.org")) == 1
    again = app.test_client().post(link)
    assert again.status_code == 302 and "/login" in again.headers["Location"]
    assert db.session.scalar(select(func.count(User.id)).where(User.email == "kim@example.org")) == 1


def test_a_garbled_link_creates_nothing(client):
    response = client.post("/register/not-a-real-token")
    assert response.status_code == 302 and "/register" in response.headers["Location"]
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_the_mail_for_a_taken_address_offers_a_reset_link(app, client, make_user):
    make_user(email="taken@example.org")
    client.post("/register", data={**FORM, "email": "taken@example.org"})
    assert "/reset/" in mail_text(last_mail(app))
