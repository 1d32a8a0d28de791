"""The sessions blueprint and what its three view modules share: who manages, the time zone, loading a session.

views.py (trainers' pages), checkin_views.py (attendees) and roster_views.py (the roster) each add routes to `bp`;
create_app imports all three before registering it.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app
from flask_login import current_user

from academy import timezones
from academy.accounts.permissions import can_manage_session
from academy.extensions import db
from academy.i18n import current_locale
from academy.sessions.models import TrainingSession

bp = Blueprint("sessions", __name__, template_folder="templates")
MANAGERS = ("trainer", "coordinator", "admin")


# --- helpers shared by the session views --------------------------------------------------------------------


def zone(where=None) -> ZoneInfo:
    """The time zone a session (or community) is scheduled and shown in: its community's; ACADEMY_TIMEZONE for
    a session of no community."""
    community = getattr(where, "community", where)
    if getattr(community, "timezone", None):
        return timezones.zone(community)
    return timezones.zone(current_app.config.get("ACADEMY_TIMEZONE"))


def to_utc(naive: datetime, where=None) -> datetime:
    return timezones.to_utc(naive, zone(where))


@bp.app_template_filter("session_time")
def session_time(moment: datetime | None, fmt: str = timezones.LONG, where=None, named: bool = False) -> str:
    """Format a stored UTC time in the session's community's zone, in the reader's language; the pages name the
    zone once beside the times (`session|zone_name`)."""
    return timezones.local_time(moment, zone(where), fmt, current_locale(), named=named)


@bp.app_template_filter("session_zone")
def session_zone(session) -> str:
    """The zone a session's times are in, as people read it: 'PST, America/Vancouver'."""
    return timezones.zone_name(zone(session), session.starts_at)


def load_managed(session_id: int) -> TrainingSession:
    """Load a session the signed-in user may manage: 404 if unknown, 403 if not theirs."""
    session = db.get_or_404(TrainingSession, session_id)
    if not can_manage_session(current_user, session):
        abort(403)
    return session


