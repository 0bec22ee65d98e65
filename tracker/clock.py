"""Today's date in the tracker's time zone: the one place 'today' comes from."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app


def today() -> date:
    """The current date in TRACKER_TIMEZONE (Europe/London by default)."""
    return datetime.now(UTC).astimezone(ZoneInfo(current_app.config["TRACKER_TIMEZONE"])).date()
