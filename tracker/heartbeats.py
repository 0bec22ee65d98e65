"""Heartbeats: when each background process last showed it was alive, and what it did.

A core module (not part of a feature) so any process can beat without depending on
the pages that read the beats (`tracker.main.health`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from tracker.db import UTCDateTime, db, utcnow

SCHEDULER = "scheduler"
DAILY_RUN = "daily_run"
WORKER = "worker"


class Heartbeat(db.Model):
    """One row per named process or job ("scheduler", "daily_run", "worker"), overwritten
    each beat."""

    __tablename__ = "heartbeats"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    beat_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    def __repr__(self) -> str:
        return f"<Heartbeat {self.name} at {self.beat_at}>"


def beat(name: str, **detail: Any) -> None:
    """Record that `name` is alive now (the caller commits)."""
    heartbeat = db.session.get(Heartbeat, name)
    if heartbeat is None:
        heartbeat = Heartbeat(name=name)
        db.session.add(heartbeat)
    heartbeat.beat_at = utcnow()
    heartbeat.detail = detail
