"""`flask reports prune`: delete old report jobs and their PDFs."""

from __future__ import annotations

from datetime import timedelta

import click
from flask import current_app
from flask.cli import AppGroup

reports_cli = AppGroup("reports", help="Report jobs.")


@reports_cli.command("prune")
@click.option(
    "--days",
    type=click.IntRange(min=1),
    default=None,
    help="Delete jobs created more than this many days ago [default: REPORT_RETENTION_DAYS].",
)
def prune_command(days: int | None) -> None:
    """Delete report jobs (with their PDFs) older than --days."""
    from tracker.reports.jobs import prune_jobs

    days = days or current_app.config["REPORT_RETENTION_DAYS"]
    deleted = prune_jobs(older_than=timedelta(days=days))
    click.echo(f"Deleted {deleted} report job{'' if deleted == 1 else 's'} older than {days} days")
