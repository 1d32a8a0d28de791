"""Timestamps written for machines (CSV, JSON, credentials): ISO 8601 in UTC with a Z. Pure."""

from __future__ import annotations

from datetime import UTC, datetime


def iso_utc(moment: datetime | None) -> str | None:
    """Write an aware datetime as ISO 8601 UTC to the second, `2026-11-22T09:30:00Z`; None stays None."""
    if moment is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
