"""Local time for a community: sessions are entered and shown in their community's zone and stored in UTC.

One small module so every page, form and display converts the same way; `local_time` is its Jinja filter.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from babel.dates import format_datetime

# The zones offered when a community is created: the Americas, Europe, Africa and Oceania first names people know.
COMMON = (
    "America/Vancouver", "America/Edmonton", "America/Winnipeg", "America/Toronto", "America/Halifax",
    "America/St_Johns", "America/Los_Angeles", "America/Denver", "America/Phoenix", "America/Chicago",
    "America/New_York", "America/Anchorage", "Pacific/Honolulu", "America/Mexico_City", "America/Bogota",
    "America/Sao_Paulo", "Europe/London", "Europe/Dublin", "Europe/Paris", "Europe/Berlin", "Europe/Madrid",
    "Europe/Athens", "Africa/Lagos", "Africa/Nairobi", "Africa/Johannesburg", "Asia/Kolkata", "Asia/Manila",
    "Asia/Bangkok", "Australia/Sydney", "Pacific/Auckland", "UTC",
)

# The same formats as CLDR patterns, so day and month names follow the interface language.
CLDR_PATTERNS = {"%a %d %b %Y, %H:%M": "EEE d MMM y, HH:mm", "%d %b %H:%M": "d MMM HH:mm", "%H:%M": "HH:mm"}
LONG = "%a %d %b %Y, %H:%M"


def choices() -> list[tuple[str, str]]:
    """(value, label) pairs for a time zone select: the common ones, then every other IANA zone."""
    known = available_timezones()
    rest = sorted(z for z in known if z not in COMMON and "/" in z and not z.startswith(("Etc/", "SystemV/")))
    return [(z, z.replace("_", " ")) for z in COMMON if z in known or z == "UTC"] + [
        (z, z.replace("_", " ")) for z in rest]


def is_valid(name: str | None) -> bool:
    try:
        ZoneInfo(name or "")
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def zone(where=None) -> ZoneInfo:
    """The zone of a community, a session (its community's), or a zone name; UTC when there is none."""
    if isinstance(where, ZoneInfo):
        return where
    name = where
    if hasattr(where, "community"):  # a training session
        where = where.community
    if hasattr(where, "timezone"):  # a community
        name = where.timezone
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        return ZoneInfo("UTC")


def to_utc(naive: datetime, where=None) -> datetime:
    """A wall-clock time typed in a community's zone, as an aware UTC time."""
    return naive.replace(tzinfo=zone(where)).astimezone(UTC)


def to_local(moment: datetime, where=None) -> datetime:
    """A stored time, as wall-clock time in the zone (naive, for a datetime-local input)."""
    return moment.astimezone(zone(where)).replace(tzinfo=None)


def zone_name(where=None, moment: datetime | None = None) -> str:
    """The zone as people read it: its abbreviation at that moment and its place, 'PST, America/Vancouver'."""
    tz = zone(where)
    key = getattr(tz, "key", "UTC")
    short = (moment or datetime.now(UTC)).astimezone(tz).tzname() or key
    if key == "UTC" or short == key:
        return key
    return f"{short}, {key.replace('_', ' ')}" if short[0].isalpha() else key.replace("_", " ")


def local_time(moment: datetime | None, where=None, fmt: str = LONG, locale: str = "en", named: bool = True) -> str:
    """Format a stored UTC time in the zone of `where`, with the zone named ('... 09:00 (PST, America/Vancouver)')."""
    if not moment:
        return ""
    tz = zone(where)
    if locale != "en" and fmt in CLDR_PATTERNS:
        text = format_datetime(moment, CLDR_PATTERNS[fmt], tzinfo=tz, locale=locale)
    else:
        text = moment.astimezone(tz).strftime(fmt)
    return f"{text} ({zone_name(tz.key, moment)})" if named else text


def init_app(app) -> None:
    """Make `local_time` and `zone_name` Jinja filters (`{{ moment|local_time(session) }}`)."""
    app.add_template_filter(local_time, "local_time")
    app.add_template_filter(zone_name, "zone_name")
