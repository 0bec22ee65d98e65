"""A controlled clock for writing demo history in the past.

The app reads the time in two places only: `tracker.db.utcnow` (timestamps and audit
events) and `tracker.clock.today`. Both call `datetime.now` from their own module, so
swapping that name for a subclass whose `now` answers from this clock moves every
timestamp the services write, without the services knowing. Used by `flask seed-demo`
alone, in a single-threaded command, and always restored when the block ends.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import tracker.clock
import tracker.db

_REAL = datetime
_PATCHED_MODULES = (tracker.db, tracker.clock)


class DemoClock:
    """The instant the app sees: a set moment, or the real time once released."""

    def __init__(self, zone: ZoneInfo) -> None:
        self.zone = zone
        self.instant: datetime | None = None

    def set(self, day: date, at: time) -> None:
        """Stop the clock at local time `at` on `day`."""
        self.instant = _REAL.combine(day, at, tzinfo=self.zone).astimezone(UTC)

    def release(self) -> None:
        """Let the real time show through again."""
        self.instant = None


@contextmanager
def controlled_clock(zone: ZoneInfo) -> Iterator[DemoClock]:
    """Within the block, the app's clock shows whatever the yielded DemoClock is set to."""
    clock = DemoClock(zone)

    class ControlledDatetime(_REAL):
        @classmethod
        def now(cls, tz=None):  # type: ignore[override]
            if clock.instant is None:
                return _REAL.now(tz)
            return clock.instant.astimezone(tz) if tz else clock.instant.replace(tzinfo=None)

    saved = [(module, module.datetime) for module in _PATCHED_MODULES]
    for module, _ in saved:
        module.datetime = ControlledDatetime  # type: ignore[attr-defined]
    try:
        yield clock
    finally:
        for module, original in saved:
            module.datetime = original  # type: ignore[attr-defined]
