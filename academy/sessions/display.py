"""What the projector shows: the current QR code, the short code, the live count."""

from __future__ import annotations

import base64
import io
from datetime import datetime

import qrcode
from flask_babel import gettext
from qrcode.constants import ERROR_CORRECT_M

from academy.sessions import codes, service
from academy.sessions.models import TrainingSession


def checkin_url(public_url: str, session_id: int, token: str) -> str:
    """The address a QR code opens."""
    return f"{public_url.rstrip('/')}/checkin/{session_id}/{token}"


def qr_data_url(text: str) -> str:
    """A PNG QR code as a data URL (CSS scales it up without smoothing)."""
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=8, border=4)
    qr.add_data(text)
    qr.make(fit=True)
    buffer = io.BytesIO()
    qr.make_image(fill_color="black", back_color="white").save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def _message(error: str | None) -> str | None:
    """The display's notice, in the trainer's language."""
    return gettext(error) if error else None


def state(session: TrainingSession, public_url: str, now: datetime) -> dict:
    """Everything the display page needs for one refresh."""
    moment = now.timestamp()
    token, short = codes.code_at(session.secret, session.id, moment)
    url = checkin_url(public_url, session.id, token)
    return {
        "qr": qr_data_url(url),
        "url": url,
        "code": short,
        "count": service.attendee_count(session),
        "capacity": session.capacity,
        "seconds_left": round(codes.seconds_left(moment), 2),
        "step": codes.STEP,
        "message": _message(service.window_error(session, now)),
        "status": session.status,
    }
