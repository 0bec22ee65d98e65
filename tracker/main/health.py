"""What monitoring needs to know: is each part of the service alive and doing its work.

The scheduler process writes a heartbeat every minute and one after each daily run,
and the job worker (`flask worker`) one at least every 30 seconds; `service_health()`
turns those, the database and the outbox into a list of checks, each with its age and,
when it fails, a sentence saying what is wrong.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, text

from tracker.db import db, utcnow
from tracker.heartbeats import DAILY_RUN, SCHEDULER, WORKER, Heartbeat

# The scheduler beats every minute; five missed beats mean it has stopped.
SCHEDULER_STALE_AFTER = timedelta(minutes=5)
# The daily run is once a day; a little over a day allows for a slow run.
DAILY_RUN_STALE_AFTER = timedelta(hours=26)
# The worker beats every 30 seconds, and while a job runs (lease renewals) as often.
WORKER_STALE_AFTER = timedelta(minutes=5)
# Pending mail normally leaves within one retry interval (15 minutes).
OUTBOX_STALE_AFTER = timedelta(hours=1)


@dataclass
class Check:
    """One line of the health report."""

    name: str
    ok: bool
    problem: str = ""
    facts: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"status": "ok" if self.ok else "problem", **self.facts}
        if self.problem:
            body["problem"] = self.problem
        return body


def _age_seconds(instant: datetime | None, now: datetime) -> int | None:
    return None if instant is None else max(int((now - instant).total_seconds()), 0)


def database_check() -> Check:
    """The database answers, and how quickly."""
    started = time.perf_counter()
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as exc:
        db.session.rollback()
        return Check("database", False, f"The database cannot be reached ({type(exc).__name__}).")
    latency = round((time.perf_counter() - started) * 1000, 2)
    return Check("database", True, facts={"latency_ms": latency})


def _heartbeat_check(name: str, stale_after: timedelta, missing: str, stale: str) -> Check:
    now = utcnow()
    heartbeat = db.session.get(Heartbeat, name)
    if heartbeat is None:
        return Check(name, False, missing)
    age = _age_seconds(heartbeat.beat_at, now)
    facts = {"last_seen": heartbeat.beat_at.isoformat(), "age_seconds": age}
    facts.update(heartbeat.detail or {})
    if age is not None and age > stale_after.total_seconds():
        return Check(name, False, stale.format(minutes=age // 60), facts)
    return Check(name, True, facts=facts)


def scheduler_check() -> Check:
    return _heartbeat_check(
        SCHEDULER,
        SCHEDULER_STALE_AFTER,
        "The scheduler has never run: start the scheduler service (flask scheduler).",
        "The scheduler last showed it was alive {minutes} minutes ago: check its service.",
    )


def daily_run_check() -> Check:
    return _heartbeat_check(
        DAILY_RUN,
        DAILY_RUN_STALE_AFTER,
        "The daily reminder run has never completed.",
        "The daily reminder run last completed {minutes} minutes ago: reminders have stopped.",
    )


def worker_check() -> Check:
    """The job worker is alive, or nothing is waiting for it: a stopped worker is a
    problem only while long reports or exports wait to be prepared."""
    from tracker.reports.models import ReportJob, ReportJobStatus

    now = utcnow()
    waiting = db.session.scalar(
        select(func.count(ReportJob.id)).where(
            (ReportJob.status == ReportJobStatus.QUEUED)
            | ((ReportJob.status == ReportJobStatus.RUNNING) & (ReportJob.lease_until < now))
        )
    )
    check = _heartbeat_check(
        WORKER,
        WORKER_STALE_AFTER,
        "The job worker has never run: start the worker service (flask worker).",
        "The job worker last showed it was alive {minutes} minutes ago: check its service.",
    )
    check.facts["jobs_waiting"] = waiting
    if not check.ok and not waiting:
        return Check(WORKER, True, facts=check.facts)
    return check


def outbox_check() -> Check:
    """Mail waiting too long, or given up on."""
    from tracker.reminders.models import OutboxMessage, OutboxStatus

    now = utcnow()
    counts = dict(
        db.session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        ).all()
    )
    oldest_pending = db.session.scalar(
        select(func.min(OutboxMessage.created_at)).where(
            OutboxMessage.status == OutboxStatus.PENDING
        )
    )
    pending = counts.get(OutboxStatus.PENDING, 0)
    failed = counts.get(OutboxStatus.FAILED, 0)
    age = _age_seconds(oldest_pending, now)
    facts = {"pending": pending, "failed": failed, "oldest_pending_age_seconds": age}
    if failed:
        return Check(
            "outbox",
            False,
            f"{failed} email(s) could not be sent: see Outbox and check the mail settings.",
            facts,
        )
    if age is not None and age > OUTBOX_STALE_AFTER.total_seconds():
        return Check(
            "outbox",
            False,
            f"An email has been waiting {age // 60} minutes: is the mail server reachable?",
            facts,
        )
    return Check("outbox", True, facts=facts)


def service_health() -> list[Check]:
    """Every check, database first (the others need it)."""
    database = database_check()
    if not database.ok:
        return [database]
    return [database, scheduler_check(), daily_run_check(), worker_check(), outbox_check()]
