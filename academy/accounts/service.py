"""Account rules: creating users, signing in, password resets. Services add and flush; callers commit."""

from __future__ import annotations

import logging

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from academy.accounts.models import ROLES, Community, User
from academy.extensions import db

log = logging.getLogger(__name__)

# Checked against when the email is unknown, so a miss costs the same time as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-real-password")
RESET_SALT = "academy.password-reset"


class AccountError(ValueError):
    """A rule about accounts was broken; the message is fit to show."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def get_or_create_community(slug: str, name: str | None = None, jurisdiction: str = "us") -> Community:
    community = db.session.scalar(select(Community).where(Community.slug == slug))
    if community is None:
        community = Community(slug=slug, name=name or slug.replace("-", " ").title(), jurisdiction=jurisdiction)
        db.session.add(community)
        db.session.flush()
    return community


def create_user(*, email: str, name: str, password: str | None, role: str = "trainee",
                sector: str | None = None, subrole: str | None = None, organisation: str | None = None,
                community_id: int | None = None, community_slug: str | None = None) -> User:
    """Create an account; raise AccountError if the email is taken or the role unknown."""
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}; choose one of {', '.join(ROLES)}")
    email = normalise_email(email)
    if find_by_email(email) is not None:
        raise AccountError("An account with this email already exists.")
    if community_slug:
        community = get_or_create_community(community_slug)
        community_id = community.id
    user = User(email=email, name=name.strip(), role=role, sector=sector or None, subrole=subrole or None,
                organisation=(organisation or "").strip() or None, community_id=community_id)
    if password:
        user.set_password(password)
    db.session.add(user)
    db.session.flush()
    if role == "coordinator" and community_id:
        user.coordinated_communities.append(db.session.get(Community, community_id))
    log.info("user %s created with role %s", user.id, role)
    return user


def authenticate(email: str, password: str) -> User | None:
    """Return the user if the password matches; take the same time whether or not the email exists."""
    user = find_by_email(email or "")
    if user is None or not user.password_hash or not user.is_active:
        check_password_hash(_DUMMY_HASH, password or "")
        return None
    return user if user.check_password(password) else None


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=RESET_SALT)


def _password_stamp(user: User) -> str:
    """A fragment that changes whenever the password changes, so a reset link works only once."""
    return (user.password_hash or "none")[-12:]


def make_reset_token(user: User, secret_key: str) -> str:
    return _serializer(secret_key).dumps({"id": user.id, "stamp": _password_stamp(user)})


def user_from_reset_token(token: str, secret_key: str, max_age: int) -> User | None:
    """Return the user a valid, unused, unexpired reset token belongs to, else None."""
    try:
        data = _serializer(secret_key).loads(token, max_age=max_age)
    except (BadSignature, SignatureExpired):
        return None
    if not isinstance(data, dict):
        return None
    user = db.session.get(User, data.get("id")) if isinstance(data.get("id"), int) else None
    if user is None or not user.is_active or data.get("stamp") != _password_stamp(user):
        return None
    return user


def count_users() -> int:
    return db.session.scalar(select(func.count(User.id))) or 0
