"""Sign-ins that can be ended: Flask-Login's alternative-token pattern, with one row per sign-in.

`User.get_id()` gives Flask-Login "<user id>:<token>"; the token is random, and only its SHA-256 is stored in
`LoginSession`. The user loader accepts a cookie only while its sign-in has not ended, so a copied session or
remember cookie stops working when its owner signs out, signs out everywhere, or has their password, role or
account changed.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from flask import session
from flask_login import login_user, logout_user
from sqlalchemy import select, update

from academy.accounts.models import LoginSession, User
from academy.database import utcnow
from academy.extensions import db

# What a visitor chose before signing in and still wants after: the language, and the check-in ticket of the
# session they scanned into (sessions/checkin_views.py). Nothing else, the CSRF secret least of all, survives.
CARRIED_OVER = ("locale", "checkin_ticket", "checkin_binding")


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(user: User) -> str:
    """Record a new sign-in for `user` and return its token (flushes; the caller commits)."""
    token = secrets.token_urlsafe(24)
    db.session.add(LoginSession(user_id=user.id, token_hash=_hash(token)))
    db.session.flush()
    user.login_token = token
    return token


def sign_in(user: User, *, remember: bool = False) -> None:
    """Start a fresh browser session for `user`: nothing from before sign-in (CSRF secret included) carries over."""
    kept = {key: session[key] for key in CARRIED_OVER if key in session}
    session.clear()
    session.update(kept)
    start(user)
    login_user(user, remember=remember)


def end_current(user: User) -> None:
    """End the sign-in this browser holds (flushes)."""
    if user.login_token:
        db.session.execute(update(LoginSession).where(
            LoginSession.token_hash == _hash(user.login_token), LoginSession.ended_at.is_(None),
        ).values(ended_at=utcnow()))


def sign_out(user: User) -> None:
    """End this browser's sign-in on the server and forget it in the browser (session and remember cookie)."""
    end_current(user)
    logout_user()
    session.clear()


def end_all(user: User, *, keep_current: bool = False) -> int:
    """End every sign-in of `user` (optionally not this browser's); return how many ended. Flushes."""
    query = update(LoginSession).where(LoginSession.user_id == user.id, LoginSession.ended_at.is_(None))
    if keep_current and user.login_token:
        query = query.where(LoginSession.token_hash != _hash(user.login_token))
    return db.session.execute(query.values(ended_at=utcnow())).rowcount


def load_user(user_id: str) -> User | None:
    """Flask-Login's user loader: the user of a sign-in that has not ended, or None."""
    user_part, _, token = (user_id or "").partition(":")
    if not (user_part.isascii() and user_part.isdigit() and token) or len(user_part) > 10:
        return None
    user = db.session.scalar(
        select(User).join(LoginSession, LoginSession.user_id == User.id)
        .where(LoginSession.token_hash == _hash(token), LoginSession.ended_at.is_(None))
    )
    if user is None or not hmac.compare_digest(str(user.id), user_part):
        return None
    user.login_token = token
    return user
