"""`flask audit ...`: checks on the audit trail and signed checkpoints of its head."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from tracker.audit.checkpoint import (
    CheckpointError,
    checkpoint_path,
    take_checkpoint,
    verify_audit_trail,
)
from tracker.db import db

audit_cli = AppGroup("audit", help="Check the audit trail.")

BATCH_SIZE = click.option(
    "--batch-size",
    default=2000,
    show_default=True,
    type=click.IntRange(min=1),
    help="Events read from the database at a time.",
)


@audit_cli.command("verify")
@BATCH_SIZE
@click.pass_context
def verify_command(ctx: click.Context, batch_size: int) -> None:
    """Recompute the audit trail's hash chain under the audit keys and check it against
    the latest checkpoint; exit 1 at the first break."""
    try:
        with db.engine.connect() as connection:
            report, checkpoint = verify_audit_trail(connection, batch_size=batch_size)
    except CheckpointError as problem:
        click.echo(f"Audit trail cannot be trusted: {problem}", err=True)
        ctx.exit(1)
    if not report.intact:
        click.echo(report.message, err=True)
        click.echo(f"Events checked before the break: {report.count}", err=True)
        ctx.exit(1)
    click.echo(report.message)
    click.echo(f"Chain head hash: {report.head_hash}")
    if checkpoint is None:
        click.echo(
            f"No checkpoint at {checkpoint_path()}: events deleted from the end could not "
            "be noticed. Run `flask audit checkpoint`."
        )
    else:
        click.echo(
            f"Matches the checkpoint of chain_seq {checkpoint.chain_seq} "
            f"written {checkpoint.written_at}."
        )


@audit_cli.command("checkpoint")
@BATCH_SIZE
@click.pass_context
def checkpoint_command(ctx: click.Context, batch_size: int) -> None:
    """Verify the chain, then sign its head into the checkpoint file."""
    try:
        with db.engine.connect() as connection:
            checkpoint = take_checkpoint(connection, batch_size=batch_size)
    except CheckpointError as problem:
        click.echo(str(problem), err=True)
        ctx.exit(1)
    click.echo(f"Checkpoint of chain_seq {checkpoint.chain_seq} written to {checkpoint_path()}.")
