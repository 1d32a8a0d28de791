"""Rotating check-in codes, derived like an authenticator app's. Pure: no Flask, no database.

A code is an HMAC-SHA256 of the session id and the current time step under the session's secret, so nothing is
stored per code, every screen showing the session shows the same code, and a code stops working one step after
it rotates off the screen. The QR token is long (144 bits, unguessable); the short code is what people type.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

STEP = 15  # seconds a code is shown
GRACE = 1  # previous steps still accepted, so a code scanned as it rotates still works
# No 0/O, 1/I/L: the short code is read off a projector and typed on a phone.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
SHORT_LENGTH = 6
QR_BYTES = 18  # 24 URL-safe characters
_DOMAIN = b"academy.checkin.v1"


def _key(secret: bytes | str) -> bytes:
    return secret.encode() if isinstance(secret, str) else secret


def _digest(secret: bytes | str, session_id: int, counter: int) -> bytes:
    message = b"%s:%d:%d" % (_DOMAIN, int(session_id), counter)
    return hmac.new(_key(secret), message, hashlib.sha256).digest()


def _short(digest: bytes) -> str:
    """Six characters of the alphabet from 64 bits the QR token does not use (bias below 1e-10)."""
    number = int.from_bytes(digest[QR_BYTES:QR_BYTES + 8], "big")
    chars = []
    for _ in range(SHORT_LENGTH):
        number, index = divmod(number, len(ALPHABET))
        chars.append(ALPHABET[index])
    return "".join(chars)


def step_of(t: float, step: int = STEP) -> int:
    """Return the time step a moment (seconds since the epoch) falls in."""
    return int(t // step)


def seconds_left(t: float, step: int = STEP) -> float:
    """Return how long the code shown at moment t stays on screen."""
    return step - (t % step)


def codes_for_step(secret: bytes | str, session_id: int, counter: int) -> tuple[str, str]:
    """Return (qr_token, short_code) for one time step."""
    digest = _digest(secret, session_id, counter)
    token = base64.urlsafe_b64encode(digest[:QR_BYTES]).decode().rstrip("=")
    return token, _short(digest)


def code_at(secret: bytes | str, session_id: int, t: float, step: int = STEP) -> tuple[str, str]:
    """Return (qr_token, short_code) shown for a session at moment t."""
    return codes_for_step(secret, session_id, step_of(t, step))


def normalise_short(given: str) -> str:
    """Uppercase a typed short code and drop spaces and dashes people add while typing."""
    return "".join(ch for ch in (given or "").upper() if ch not in " -\t")


def looks_like_short(given: str) -> bool:
    """Return True if the text could be a short code (six characters of the alphabet)."""
    code = normalise_short(given)
    return len(code) == SHORT_LENGTH and all(ch in ALPHABET for ch in code)


def verify(secret: bytes | str, session_id: int, given: str, now: float, step: int = STEP,
           grace: int = GRACE) -> bool:
    """Accept the QR token or short code of the current step or of the `grace` steps before it."""
    if not given or len(given) > 64:
        return False
    short = looks_like_short(given)
    candidate = normalise_short(given) if short else given
    current = step_of(now, step)
    matched = False
    for counter in range(current - grace, current + 1):
        token, code = codes_for_step(secret, session_id, counter)
        expected = code if short else token
        # Compare every candidate step, so the time taken does not tell which step matched.
        matched |= hmac.compare_digest(expected.encode(), candidate.encode())
    return matched
