"""The tracker's time zone and today's date in it: the one place each comes from."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app


def local_zone() -> ZoneInfo:
    """The tracker's time zone (TRACKER_TIMEZONE, Europe/London by default)."""
    return ZoneInfo(current_app.config["TRACKER_TIMEZONE"])


def today() -> date:
    """The current date in the tracker's time zone."""
    return datetime.now(UTC).astimezone(local_zone()).date()
