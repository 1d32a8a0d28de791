"""What the projector shows: the current QR code, the short code, the live count."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext, ngettext

from academy import numbers, qr
from academy.sessions import codes, service
from academy.sessions.models import TrainingSession


def checkin_url(public_url: str, session_id: int, token: str) -> str:
    """The address a QR code opens."""
    return f"{public_url.rstrip('/')}/checkin/{session_id}/{token}"


def _message(error: str | None) -> str | None:
    """The display's notice, in the trainer's language."""
    return gettext(error) if error else None


def checked_in_text(count: int) -> str:
    """The live count as a phrase in the reader's language, plural and number format included: "1 checked in"."""
    return ngettext("%(count)s checked in", "%(count)s checked in", count, count=numbers.number(count))


def state(session: TrainingSession, public_url: str, now: datetime) -> dict:
    """Everything the display page needs for one refresh."""
    moment = now.timestamp()
    token, short = codes.code_at(session.secret, session.id, moment)
    url = checkin_url(public_url, session.id, token)
    count = service.attendee_count(session)
    return {
        "qr": qr.data_uri(url, box_size=8),
        "url": url,
        "code": short,
        "count": count,
        "checked_in_text": checked_in_text(count),
        "capacity": session.capacity,
        "seconds_left": round(codes.seconds_left(moment), 2),
        "step": codes.STEP,
        "message": _message(service.window_error(session, now)),
        "status": session.status,
    }
