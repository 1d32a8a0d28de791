"""Sessions are entered and shown in their community's local time, stored in UTC, with the zone named."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlalchemy import select

from academy import timezones
from academy.accounts.models import Community
from academy.extensions import db
from academy.sessions.models import TrainingSession


def _community(slug: str, zone: str, make_community) -> Community:
    community = make_community(slug)
    community.timezone = zone
    db.session.commit()
    return community


def _schedule(client, community: Community) -> TrainingSession:
    response = client.post("/sessions/new", data={
        "course": "basics", "title": f"At {community.slug}", "starts_at": "2031-07-04T09:00",
        "ends_at": "2031-07-04T11:00", "place": "Hall", "community": str(community.id)})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return db.session.scalar(select(TrainingSession).where(TrainingSession.title == f"At {community.slug}"))


def test_the_same_typed_time_is_stored_per_community_and_shown_back_with_its_zone(client, login, make_community):
    bc = _community("fraser-valley", "America/Vancouver", make_community)
    us = _community("riverside", "America/New_York", make_community)
    login("admin", sector=None, subrole=None)
    in_bc, in_us = _schedule(client, bc), _schedule(client, us)
    assert in_bc.starts_at == datetime(2031, 7, 4, 16, 0, tzinfo=UTC)  # 09:00 PDT
    assert in_us.starts_at == datetime(2031, 7, 4, 13, 0, tzinfo=UTC)  # 09:00 EDT
    assert (in_bc.starts_at - in_us.starts_at).total_seconds() == 3 * 3600
    roster = client.get(f"/sessions/{in_bc.id}").get_data(as_text=True)
    assert "09:00" in roster and "PDT, America/Vancouver" in roster
    display = client.get(f"/sessions/{in_us.id}/display").get_data(as_text=True)
    assert "09:00" in display and "EDT, America/New York" in display
    edit = client.get(f"/sessions/{in_bc.id}/edit").get_data(as_text=True)
    assert 'value="2031-07-04T09:00"' in edit
    assert "UTC" not in re.sub(r"<[^>]+>", "", edit)  # no page asks anyone to type UTC


def test_helpers_convert_both_ways_and_name_the_zone():
    naive = datetime(2031, 1, 15, 9, 30)
    stored = timezones.to_utc(naive, "America/Vancouver")
    assert stored == datetime(2031, 1, 15, 17, 30, tzinfo=UTC)
    assert timezones.to_local(stored, "America/Vancouver") == naive
    assert timezones.local_time(stored, "America/Vancouver") == "Wed 15 Jan 2031, 09:30 (PST, America/Vancouver)"
    assert timezones.zone("Not/AZone").key == "UTC"
    assert ("America/Vancouver", "America/Vancouver") in timezones.choices()
