"""`flask scheduler`: the one process that runs the service's timed work.

Reminders every morning, outbox retries, recovery of report jobs whose worker died,
pruning of old report PDFs, a signed audit checkpoint every hour, a heartbeat each
minute that monitoring reads, and SQLite's planner statistics at start and every 6 hours.
ONE such process per installation: never inside the web workers. With `--with-worker`
it also hosts the job worker (`tracker.worker`) in a thread, for a small installation
that runs no separate worker service. Each timed job runs in its own app context, with
`max_instances=1` and `coalesce`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from tracker.clock import today as local_today
from tracker.db import db
from tracker.heartbeats import DAILY_RUN, SCHEDULER, beat

log = logging.getLogger(__name__)


def daily_reminders() -> None:
    """Plan and send today's reminders, then record that the daily run happened."""
    from tracker.reminders.cli import run_reminders

    try:
        result, sent = run_reminders(local_today())
        beat(
            DAILY_RUN,
            emails=len(result.summary),
            sent=len(sent.sent),
            deferred=len(sent.deferred),
            failed=len(sent.failed),
        )
        db.session.commit()
    except Exception:
        db.session.rollback()
        log.exception("reminder run failed")
        raise
    log.info(
        "reminder run finished",
        extra={
            "new": len(result.new),
            "emails": len(result.summary),
            "sent": len(sent.sent),
            "deferred": len(sent.deferred),
        },
    )


def heartbeat() -> None:
    """Tell monitoring (/healthz/detail, flask doctor) the scheduler is alive."""
    beat(SCHEDULER)
    db.session.commit()


def retry_outbox() -> None:
    """Deliver mail that could not be sent earlier, between daily runs."""
    from tracker.reminders.sender import send_pending

    send_pending()


def recover_report_jobs() -> None:
    """Queue again the jobs whose worker stopped (the workers do this too, but a
    retry is also due when every worker has stopped: monitoring then shows it waiting)."""
    from tracker.reports.jobs import recover_interrupted

    retried = recover_interrupted()
    if retried:
        log.info("interrupted report jobs queued again", extra={"jobs": retried})


def prune_report_jobs() -> None:
    """Delete report jobs and their PDFs older than REPORT_RETENTION_DAYS."""
    from tracker.reports.jobs import prune_jobs

    log.info("old report jobs deleted", extra={"deleted": prune_jobs()})


def audit_checkpoint() -> None:
    """Sign the audit chain's head, so events cut from the end are noticed."""
    from tracker.audit.checkpoint import CheckpointError, take_checkpoint

    with db.engine.connect() as connection:
        try:
            checkpoint = take_checkpoint(connection)
        except CheckpointError:
            log.exception("audit checkpoint not written")
            return
    log.info("audit checkpoint written", extra={"chain_seq": checkpoint.chain_seq})


def optimize_database() -> None:
    """Keep SQLite's query planner informed as the tables grow (see optimize_sqlite)."""
    from tracker.db import optimize_sqlite

    if optimize_sqlite():
        log.info("sqlite planner statistics refreshed")


def _in_app_context(app: Flask, job: Callable[[], None]) -> Callable[[], None]:
    def run() -> None:
        with app.app_context():
            job()

    run.__name__ = job.__name__
    return run


def jobs(app: Flask, at: str | None = None) -> list[tuple[str, Callable[[], None], dict[str, Any]]]:
    """(id, function, trigger arguments) of every timed job."""
    from apscheduler.triggers.cron import CronTrigger

    zone = app.config["TRACKER_TIMEZONE"]
    hour, _, minute = (at or app.config["REMINDER_TIME"]).partition(":")
    daily = CronTrigger(hour=int(hour), minute=int(minute or 0), timezone=zone)
    return [
        ("reminders", daily_reminders, {"trigger": daily, "misfire_grace_time": 3600}),
        (
            "heartbeat",
            heartbeat,
            {"trigger": "interval", "minutes": 1, "next_run_time": datetime.now(UTC)},
        ),
        ("outbox-retry", retry_outbox, {"trigger": "interval", "minutes": 15}),
        ("report-job-recovery", recover_report_jobs, {"trigger": "interval", "minutes": 2}),
        (
            "housekeeping",
            prune_report_jobs,
            {"trigger": CronTrigger(hour=3, minute=30, timezone=zone)},
        ),
        ("audit-checkpoint", audit_checkpoint, {"trigger": "interval", "hours": 1}),
        (
            "optimize-database",
            optimize_database,
            {"trigger": "interval", "hours": 6, "next_run_time": datetime.now(UTC)},
        ),
    ]


@click.command("scheduler")
@click.option(
    "--at", "at", default=None, help="Local time of the daily run, HH:MM (default REMINDER_TIME)."
)
@click.option(
    "--with-worker",
    is_flag=True,
    help="Also run the job worker (long reports, big exports) in this process, for an "
    "installation without a separate worker service.",
)
@with_appcontext
def scheduler_command(at: str | None, with_worker: bool) -> None:
    """Run the reminder scheduler in the foreground: ONE such process per installation."""
    from apscheduler.schedulers.blocking import BlockingScheduler

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    hosted = _start_worker(app) if with_worker else None
    zone = app.config["TRACKER_TIMEZONE"]
    scheduler = BlockingScheduler(timezone=zone)
    for job_id, function, trigger in jobs(app, at):
        scheduler.add_job(
            _in_app_context(app, function),
            id=job_id,
            max_instances=1,
            coalesce=True,
            **trigger,
        )
    click.echo(
        f"Scheduler started: reminders daily at {at or app.config['REMINDER_TIME']} {zone}; "
        "a heartbeat every minute; outbox retries every 15 minutes; interrupted report "
        "jobs retried every 2 minutes; report PDFs older than "
        f"{app.config['REPORT_RETENTION_DAYS']} days deleted daily at 03:30; audit "
        "checkpoint hourly; SQLite planner statistics at start and every 6 hours. "
        "Ctrl+C to stop."
    )
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        click.echo("Scheduler stopped.")
    finally:
        if hosted is not None:
            worker, thread = hosted
            worker.stop()
            thread.join(timeout=60)
            click.echo(f"Job worker stopped after {worker.done} job(s).")


def _start_worker(app: Flask) -> tuple[Any, threading.Thread]:
    """The job worker of `tracker.worker`, in a thread of the scheduler's process."""
    from tracker.worker import Worker

    worker = Worker(app)
    thread = threading.Thread(target=worker.run, name="job-worker", daemon=True)
    thread.start()
    click.echo(f"Job worker {worker.name} started in the scheduler's process.")
    return worker, thread
