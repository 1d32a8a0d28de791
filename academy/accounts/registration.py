"""Signing up without revealing who has an account: every registration is finished from a mailed link.

The form's answer is the same whether or not the address has an account. A new address is mailed a link that
creates the account (its details, password hash included, travel encrypted and signed in the link, so nothing
is stored for addresses that never confirm); an address that has an account is mailed "someone tried to
register with your address" instead. Both send one mail, so both take about as long.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken
from werkzeug.security import generate_password_hash

from academy.accounts import service
from academy.accounts.models import Community, User
from academy.extensions import db
from academy.organisations.models import Organisation

MAX_AGE = 24 * 3600  # a day to open the mail
_INFO = b"academy.registration.v1"


@dataclass(frozen=True)
class Pending:
    """What the registration form held, waiting for the owner of the address to confirm it."""

    email: str
    name: str
    password_hash: str
    sector: str | None
    subrole: str | None
    organisation: str | None
    community_id: int | None
    locale: str | None
    next: str | None
    organisation_id: int | None = None  # the employer chosen from the list (academy/organisations)
    shares_with_organisation: bool = False


def _fernet(secret_key: str) -> Fernet:
    key = hashlib.sha256(_INFO + b"\0" + secret_key.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def make_token(secret_key: str, *, email: str, name: str, password: str, sector: str | None,
               subrole: str | None, organisation: str | None, community_id: int | None, locale: str | None,
               next_url: str | None, organisation_id: int | None = None, shares: bool = False) -> str:
    """Encrypt and sign a registration for the confirmation link (the password only as its hash)."""
    data = {"e": service.normalise_email(email), "n": name.strip(), "p": generate_password_hash(password),
            "s": sector, "r": subrole, "o": (organisation or "").strip() or None, "c": community_id,
            "l": locale, "x": next_url, "oi": organisation_id, "sh": bool(shares)}
    return _fernet(secret_key).encrypt(json.dumps(data).encode()).decode()


def read_token(secret_key: str, token: str) -> Pending | None:
    """Return the registration a link stands for, or None if it is forged, garbled or older than a day."""
    try:
        data = json.loads(_fernet(secret_key).decrypt((token or "").encode(), ttl=MAX_AGE))
    except (InvalidToken, ValueError, UnicodeError):
        return None
    if not isinstance(data, dict) or not all(isinstance(data.get(k), str) for k in ("e", "n", "p")):
        return None
    return Pending(email=data["e"], name=data["n"], password_hash=data["p"], sector=data.get("s"),
                   subrole=data.get("r"), organisation=data.get("o"), community_id=data.get("c"),
                   locale=data.get("l"), next=data.get("x"),
                   organisation_id=data.get("oi") if isinstance(data.get("oi"), int) else None,
                   shares_with_organisation=data.get("sh") is True)


def create_from(pending: Pending) -> User:
    """Create the confirmed account (flushes); AccountError if the address got an account meanwhile."""
    community = db.session.get(Community, pending.community_id) if isinstance(pending.community_id, int) else None
    user = service.create_user(email=pending.email, name=pending.name, password=None, sector=pending.sector,
                               subrole=pending.subrole, organisation=pending.organisation,
                               community_id=community.id if community is not None else None)
    user.password_hash = pending.password_hash
    user.locale = pending.locale
    if pending.organisation_id is not None and db.session.get(Organisation, pending.organisation_id) is not None:
        user.organisation_id = pending.organisation_id
        user.shares_with_organisation = pending.shares_with_organisation
    return user


def welcome_mail(name: str, link: str) -> tuple[str, str]:
    """The mail that finishes a registration."""
    return ("Finish creating your academy account",
            f"Hello {name},\n\nOpen this link within a day to finish creating your academy account:\n{link}\n\n"
            "If you did not sign up, ignore this message: no account is created.\n")


def taken_mail(user: User, reset_link: str) -> tuple[str, str]:
    """The mail the owner of an address gets when someone tries to register with it."""
    return ("Someone tried to register with your address",
            f"Hello {user.name},\n\nSomeone tried to create an academy account with this email address, which "
            "already has one. Nothing was changed.\n\nIf it was you, sign in with your password, or set a new "
            f"one with this link (valid for an hour):\n{reset_link}\n\n"
            "If it was not you, ignore this message.\n")
