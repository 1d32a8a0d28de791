"""Check-in tickets: a verified scan turned into a short-lived signed token. Pure: no Flask, no database.

A rotating code lives 15 to 30 seconds, far less than signing in or registering takes on a phone. So the code
is checked once, on the scan, and exchanged for a ticket that lasts ten minutes. The ticket is bound to the
browser that scanned (a random value also kept in that browser's session cookie), so forwarding the
ticket's link to someone at home does not stretch the code's 30 seconds to ten minutes. Each ticket carries a
random nonce; the database records it when the ticket is used (sessions/service.py), so one scan checks in one
person on every worker and host.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

SALT = "academy.checkin-ticket"
MAX_AGE = 600  # seconds
METHODS = ("qr", "code")


@dataclass(frozen=True)
class Ticket:
    """What a verified scan grants: checking in to one session, from one browser, for a while."""

    session_id: int
    method: str  # qr | code
    binding: str
    issued_at: datetime
    nonce: str


def new_binding() -> str:
    """Return a random value that ties tickets to one browser session."""
    return secrets.token_urlsafe(12)


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=SALT)


def make_ticket(secret_key: str, session_id: int, method: str, binding: str) -> str:
    """Sign a ticket for a session; the signature carries the issue time."""
    if method not in METHODS:
        raise ValueError(f"unknown check-in method {method!r}")
    nonce = secrets.token_urlsafe(12)
    return _serializer(secret_key).dumps({"s": int(session_id), "m": method, "b": binding, "n": nonce})


def read_ticket(secret_key: str, token: str, max_age: int = MAX_AGE) -> Ticket | None:
    """Return the ticket if the signature is good and it is younger than max_age seconds, else None."""
    try:
        data, issued = _serializer(secret_key).loads(token or "", max_age=max_age, return_timestamp=True)
    except (BadSignature, SignatureExpired):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("s"), int) or data.get("m") not in METHODS:
        return None
    if not isinstance(data.get("b"), str) or not isinstance(data.get("n"), str) or len(data["n"]) > 32:
        return None
    issued_at = issued if issued.tzinfo else issued.replace(tzinfo=UTC)
    return Ticket(session_id=data["s"], method=data["m"], binding=data["b"], issued_at=issued_at,
                  nonce=data["n"])


def seconds_remaining(ticket: Ticket, now: datetime, max_age: int = MAX_AGE) -> int:
    """Return whole seconds before the ticket expires (0 once expired)."""
    return max(0, int(max_age - (now - ticket.issued_at).total_seconds()))
