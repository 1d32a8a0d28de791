"""Which mail people can turn off, their choices, and the signed unsubscribe link that works signed out."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select

from academy.extensions import db
from academy.mail.models import MailOptOut

# Optional mail: reminders, digests and the invitation to give feedback. Security and account mail (set-password
# links, certificates issued or revoked, a session you registered for changing or being cancelled) always goes out.
OPTIONAL = {
    "expiry-reminder": _l("Reminders before my certificates expire"),
    "session-reminder": _l("A reminder the day before a session I registered for"),
    "digest": _l("The monthly digest of certificates expiring in my organisation or community"),
    "feedback-invitation": _l("An invitation to give feedback after a session I attended"),
}
SALT = "mail-unsubscribe"


def is_optional(kind: str) -> bool:
    return kind in OPTIONAL


def opted_out(user_id: int, kind: str) -> bool:
    """Tell whether the person turned this kind of mail off."""
    return db.session.get(MailOptOut, (user_id, kind)) is not None


def opted_out_ids(kind: str) -> set[int]:
    """Everyone who turned this kind of mail off (one query for a reminder run)."""
    return set(db.session.scalars(select(MailOptOut.user_id).where(MailOptOut.kind == kind)))


def choices(user_id: int) -> dict[str, bool]:
    """Return {kind: wanted} for every optional kind."""
    off = set(db.session.scalars(select(MailOptOut.kind).where(MailOptOut.user_id == user_id)))
    return {kind: kind not in off for kind in OPTIONAL}


def set_choice(user_id: int, kind: str, wanted: bool) -> None:
    """Turn one optional kind on or off for a person."""
    if kind not in OPTIONAL:
        raise ValueError(f"{kind!r} cannot be turned off")
    row = db.session.get(MailOptOut, (user_id, kind))
    if wanted and row is not None:
        db.session.delete(row)
    elif not wanted and row is None:
        db.session.add(MailOptOut(user_id=user_id, kind=kind))
    db.session.flush()


def unsubscribe_token(secret: str, user_id: int, kind: str) -> str:
    """A signed token naming a person and a kind of mail (no expiry: old mail keeps working)."""
    return URLSafeSerializer(secret, salt=SALT).dumps([user_id, kind])


def read_unsubscribe_token(secret: str, token: str) -> tuple[int, str] | None:
    """Return (user id, kind) from a token, or None if it was not signed by us."""
    try:
        user_id, kind = URLSafeSerializer(secret, salt=SALT).loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    if not isinstance(user_id, int) or kind not in OPTIONAL:
        return None
    return user_id, kind
