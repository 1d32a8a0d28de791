"""A session as an iCalendar invitation (.ics), in the community's time zone. Pure: no Flask, no database."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import icalendar


def zone(name: str | None) -> ZoneInfo:
    """The named IANA zone, UTC when missing or unknown."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def invite(*, uid: str, title: str, place: str, starts_at: datetime, ends_at: datetime, timezone: str | None,
           url: str | None = None, organiser: str | None = None, cancelled: bool = False, sequence: int = 0,
           stamp: datetime) -> str:
    """Return the .ics text of one event (METHOD REQUEST, or CANCEL for a cancelled session)."""
    tz = zone(timezone)
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//The Academy//Training sessions//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "REQUEST")
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", starts_at.astimezone(tz))
    event.add("dtend", ends_at.astimezone(tz))
    event.add("summary", title)
    event.add("location", place)
    event.add("sequence", sequence)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    if url:
        event.add("url", url)
    if organiser:
        event.add("organizer", f"mailto:{organiser}")
    calendar.add_component(event)
    # Only the rules around the session: a whole zone history would make every invite tens of kilobytes.
    start = starts_at.astimezone(tz).date()
    calendar.add_missing_timezones(first_date=date(start.year - 1, 1, 1), last_date=date(start.year + 2, 1, 1))
    return calendar.to_ical().decode()
