"""Calendar entries as iCalendar (RFC 5545) text, built with the `icalendar` library."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from tracker.calendar.queries import Entry
from tracker.db import utcnow

# How long a timed event lasts when nothing says (A&A meetings run a morning).
MEETING_LENGTH = timedelta(hours=3)
# How often calendar applications are asked to fetch the feed again.
REFRESH_INTERVAL = timedelta(hours=1)


def _event(entry: Entry, *, uid_domain: str, zone: ZoneInfo, private: bool) -> Event:
    event = Event()
    # Stable: the same record always has the same UID, so calendars update the event
    # rather than add a second one; SEQUENCE tells them which copy is newer.
    event.add("uid", f"{entry.key}@{uid_domain}")
    event.add("summary", entry.summary)
    if entry.starts_at is None:
        event.add("dtstart", entry.day)
        event.add("dtend", entry.day + timedelta(days=1))
    else:
        start = datetime.combine(entry.day, entry.starts_at, tzinfo=zone)
        event.add("dtstart", start)
        event.add("dtend", start + MEETING_LENGTH)
    modified = entry.modified or utcnow()
    event.add("dtstamp", modified)
    event.add("last-modified", modified)
    event.add("sequence", entry.sequence)
    description = entry.description
    if entry.url:
        event.add("url", entry.url)
        description = f"{description}\n\n{entry.url}" if description else entry.url
    if description:
        event.add("description", description)
    event.add("class", "PRIVATE" if private else "PUBLIC")
    event.add("transp", "OPAQUE" if entry.busy else "TRANSPARENT")
    return event


def render_calendar(
    entries: Iterable[Entry],
    *,
    name: str,
    product: str,
    uid_domain: str,
    zone: ZoneInfo,
    private: bool,
) -> bytes:
    """An iCalendar document of `entries`, in a stable order, as UTF-8 bytes."""
    calendar = Calendar()
    calendar.add("prodid", f"-//{product}//Calendar//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", zone.key)
    calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", REFRESH_INTERVAL)
    for entry in sorted(entries, key=lambda e: (e.day, e.key)):
        calendar.add_component(_event(entry, uid_domain=uid_domain, zone=zone, private=private))
    calendar.add_missing_timezones()
    return calendar.to_ical()
