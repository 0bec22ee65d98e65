"""`flask audit ...`: checks on the audit trail."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from tracker.audit.chain import verify_chain
from tracker.db import db

audit_cli = AppGroup("audit", help="Check the audit trail.")


@audit_cli.command("verify")
@click.option(
    "--batch-size",
    default=2000,
    show_default=True,
    type=click.IntRange(min=1),
    help="Events read from the database at a time.",
)
@click.pass_context
def verify_command(ctx: click.Context, batch_size: int) -> None:
    """Recompute the audit trail's hash chain; exit 1 at the first broken link."""
    with db.engine.connect() as connection:
        report = verify_chain(connection, batch_size=batch_size)
    if not report.intact:
        click.echo(report.message, err=True)
        click.echo(f"Events checked before the break: {report.count}", err=True)
        ctx.exit(1)
    click.echo(report.message)
    click.echo(f"Chain head hash: {report.head_hash}")
