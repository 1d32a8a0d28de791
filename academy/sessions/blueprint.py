"""The sessions blueprint and what its three view modules share: who manages, the time zone, loading a session.

views.py (trainers' pages), checkin_views.py (attendees) and roster_views.py (the roster) each add routes to `bp`;
create_app imports all three before registering it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_datetime
from flask import Blueprint, abort, current_app
from flask_login import current_user

from academy.accounts.permissions import can_manage_session
from academy.extensions import db
from academy.i18n import current_locale
from academy.sessions.models import TrainingSession

bp = Blueprint("sessions", __name__, template_folder="templates")
MANAGERS = ("trainer", "coordinator", "admin")


# --- helpers shared by the session views --------------------------------------------------------------------


def zone() -> ZoneInfo:
    """The time zone sessions are scheduled and shown in (ACADEMY_TIMEZONE, default UTC)."""
    try:
        return ZoneInfo(current_app.config.get("ACADEMY_TIMEZONE") or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def to_utc(naive: datetime) -> datetime:
    return naive.replace(tzinfo=zone()).astimezone(UTC)


# The same formats as CLDR patterns, so day and month names follow the interface language.
CLDR_PATTERNS = {"%a %d %b %Y, %H:%M": "EEE d MMM y, HH:mm", "%d %b %H:%M": "d MMM HH:mm", "%H:%M": "HH:mm"}


@bp.app_template_filter("session_time")
def session_time(moment: datetime | None, fmt: str = "%a %d %b %Y, %H:%M") -> str:
    """Format a stored UTC time in the academy's time zone (and, beyond English, the reader's language)."""
    if not moment:
        return ""
    locale = current_locale()
    if locale != "en" and fmt in CLDR_PATTERNS:
        return format_datetime(moment, CLDR_PATTERNS[fmt], tzinfo=zone(), locale=locale)
    return moment.astimezone(zone()).strftime(fmt)


def load_managed(session_id: int) -> TrainingSession:
    """Load a session the signed-in user may manage: 404 if unknown, 403 if not theirs."""
    session = db.get_or_404(TrainingSession, session_id)
    if not can_manage_session(current_user, session):
        abort(403)
    return session


