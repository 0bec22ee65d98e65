"""`flask reminders run` and `flask scheduler`: the reminder jobs from the command line."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from tracker.clock import today as local_today
from tracker.db import db
from tracker.heartbeats import DAILY_RUN, SCHEDULER, beat
from tracker.reminders.planner import run_planner
from tracker.reminders.sender import send_pending

reminders_cli = AppGroup("reminders", help="Plan and send reminder emails.")
log = logging.getLogger(__name__)


def run_reminders(day: date, *, dry_run: bool = False) -> tuple:
    """Plan `day`'s reminders into the outbox, commit, then deliver what is pending.

    Runs inside a request context for SERVER_BASE_URL so links in emails are built
    with url_for, exactly as pages build them.
    """
    base_url = current_app.config["SERVER_BASE_URL"]
    with current_app.test_request_context("/", base_url=base_url):
        result = run_planner(day, dry_run=dry_run)
        if dry_run:
            return result, None
        db.session.commit()
        return result, send_pending()


@reminders_cli.command("run")
@click.option(
    "--today",
    "day",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Plan for this date (YYYY-MM-DD) instead of today in TRACKER_TIMEZONE.",
)
@click.option("--dry-run", is_flag=True, help="Print what would be sent and change nothing.")
def run_command(day, dry_run: bool) -> None:
    """Plan today's reminders (once each, whatever happened before) and send the outbox."""
    run_on = day.date() if day else local_today()
    result, sent = run_reminders(run_on, dry_run=dry_run)
    verb = "Would send" if dry_run else "Planned"
    click.echo(
        f"{verb} {len(result.new)} new reminder(s) in {len(result.summary)} email(s) "
        f"for {run_on.isoformat()} ({len(result.planned) - len(result.new)} already sent)."
    )
    for to, subject, count in result.summary:
        click.echo(f"  {to}: {subject} [{count} item(s)]")
    for problem in result.problems:
        click.echo(f"  Problem: {problem}", err=True)
    if sent is not None:
        click.echo(
            f"Sent {len(sent.sent)}, will retry {len(sent.deferred)}, failed {len(sent.failed)}."
        )


@reminders_cli.command("send")
def send_command() -> None:
    """Deliver pending outbox messages now (retries included)."""
    sent = send_pending()
    click.echo(
        f"Sent {len(sent.sent)}, will retry {len(sent.deferred)}, failed {len(sent.failed)}."
    )


@click.command("scheduler")
@click.option(
    "--at", "at", default=None, help="Local time of the daily run, HH:MM (default REMINDER_TIME)."
)
@with_appcontext
def scheduler_command(at: str | None) -> None:
    """Run the reminder scheduler in the foreground: ONE such process per installation."""
    from apscheduler.schedulers.blocking import BlockingScheduler
    from apscheduler.triggers.cron import CronTrigger

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    hour, _, minute = (at or app.config["REMINDER_TIME"]).partition(":")
    zone = app.config["TRACKER_TIMEZONE"]

    def job() -> None:
        with app.app_context():
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
                log.info(
                    "reminder run finished",
                    extra={
                        "new": len(result.new),
                        "emails": len(result.summary),
                        "sent": len(sent.sent),
                        "deferred": len(sent.deferred),
                    },
                )
            except Exception:
                db.session.rollback()
                log.exception("reminder run failed")
                raise

    def heartbeat_job() -> None:
        with app.app_context():
            beat(SCHEDULER)
            db.session.commit()

    def retry_job() -> None:
        with app.app_context():
            send_pending()

    def recover_jobs() -> None:
        from tracker.reports.jobs import recover_interrupted

        with app.app_context():
            retried = recover_interrupted()
            if retried:
                log.info("interrupted report jobs queued again", extra={"jobs": retried})

    def housekeeping_job() -> None:
        from tracker.reports.jobs import prune_jobs

        with app.app_context():
            deleted = prune_jobs()
            log.info("old report jobs deleted", extra={"deleted": deleted})

    def audit_checkpoint_job() -> None:
        from tracker.audit.checkpoint import CheckpointError, take_checkpoint

        with app.app_context(), db.engine.connect() as connection:
            try:
                checkpoint = take_checkpoint(connection)
                log.info("audit checkpoint written", extra={"chain_seq": checkpoint.chain_seq})
            except CheckpointError:
                log.exception("audit checkpoint not written")

    scheduler = BlockingScheduler(timezone=zone)
    scheduler.add_job(
        job,
        CronTrigger(hour=int(hour), minute=int(minute or 0), timezone=zone),
        id="reminders",
        max_instances=1,
        coalesce=True,
        misfire_grace_time=3600,
    )
    # Monitoring (/healthz/detail, flask doctor) sees the scheduler is alive.
    scheduler.add_job(
        heartbeat_job,
        "interval",
        minutes=1,
        id="heartbeat",
        max_instances=1,
        coalesce=True,
        next_run_time=datetime.now(UTC),
    )
    # Retries between daily runs, so an SMTP outage does not hold mail for a day.
    scheduler.add_job(
        retry_job, "interval", minutes=15, id="outbox-retry", max_instances=1, coalesce=True
    )
    # Report jobs lost in a restart are failed and queued again within minutes.
    scheduler.add_job(
        recover_jobs,
        "interval",
        minutes=2,
        id="report-job-recovery",
        max_instances=1,
        coalesce=True,
    )
    # Prepared report PDFs are kept for a week.
    scheduler.add_job(
        housekeeping_job,
        CronTrigger(hour=3, minute=30, timezone=zone),
        id="housekeeping",
        max_instances=1,
        coalesce=True,
    )
    # A signed checkpoint of the audit chain head, so a deleted tail is noticed.
    scheduler.add_job(
        audit_checkpoint_job,
        "interval",
        hours=1,
        id="audit-checkpoint",
        max_instances=1,
        coalesce=True,
    )
    click.echo(
        f"Scheduler started: reminders daily at {hour}:{minute or '00'} {zone}; "
        "outbox retries every 15 minutes; interrupted report jobs retried every 2 "
        "minutes; report PDFs older than "
        f"{app.config['REPORT_RETENTION_DAYS']} days deleted "
        "daily at 03:30; audit checkpoint hourly. Ctrl+C to stop."
    )
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        click.echo("Scheduler stopped.")
