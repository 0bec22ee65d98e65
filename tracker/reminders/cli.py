"""`flask reminders run` and `flask reminders send`: the reminder jobs from the command line."""

from __future__ import annotations

import logging
from datetime import date

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from tracker.clock import today as local_today
from tracker.db import db
from tracker.reminders.models import OutboxMessage
from tracker.reminders.planner import run_planner
from tracker.reminders.sender import SendResult, send_pending

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
        report_sending(sent)


@reminders_cli.command("send")
def send_command() -> None:
    """Deliver pending outbox messages now (retries included)."""
    report_sending(send_pending())


def report_sending(result: SendResult) -> None:
    """Print what was sent and name every message that was not (recipient and error);
    exit with status 1 when any was not, so cron or systemd raises the alarm."""
    click.echo(
        f"Sent {len(result.sent)} email(s); {len(result.deferred)} not sent and left to "
        f"retry; {len(result.failed)} given up on."
    )
    unsent = {*result.deferred, *result.failed}
    if not unsent:
        return
    messages = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.id.in_(unsent)).order_by(OutboxMessage.id)
    )
    for message in messages:
        outcome = "gave up" if message.id in result.failed else "will retry"
        click.echo(
            f"  Not sent ({outcome}) to {message.to_address}: {message.subject}: "
            f"{message.last_error or 'no error recorded'}",
            err=True,
        )
    raise click.exceptions.Exit(1)
