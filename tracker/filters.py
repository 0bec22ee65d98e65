"""Template filters: dates and instants shown in the tracker's time zone (Europe/London)."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask

from tracker.clock import local_zone
from tracker.wording import in_sentence


def local_time(instant: datetime | None) -> datetime | None:
    """A stored UTC instant converted to the tracker's time zone."""
    if instant is None:
        return None
    return instant.astimezone(local_zone())


# Month names written out here rather than by strftime("%B"), which reads the process's
# locale and costs more: dates fill every row of a list.
MONTHS = (
    "",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def format_date(value: date | datetime | None) -> str:
    """5 June 2023."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = local_time(value)
    return f"{value.day} {MONTHS[value.month]} {value.year}"


def format_datetime(value: datetime | None) -> str:
    """5 June 2023 at 2:05pm, in local time."""
    local = local_time(value)
    if local is None:
        return ""
    hour = local.hour % 12 or 12
    return f"{local.day} {local:%B %Y} at {hour}:{local:%M}{'am' if local.hour < 12 else 'pm'}"


def init_app(app: Flask) -> None:
    """Register the filters."""
    app.add_template_filter(format_date, "date")
    app.add_template_filter(format_datetime, "datetime")
    app.add_template_filter(in_sentence, "in_sentence")
