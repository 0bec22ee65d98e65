"""`flask backup` and `flask restore`: consistent copies of the database."""

from __future__ import annotations

import click


@click.command("backup")
def backup_command() -> None:
    """Write a consistent copy of the database."""
    raise click.ClickException("Not available yet.")


@click.command("restore")
def restore_command() -> None:
    """Restore the database from a backup."""
    raise click.ClickException("Not available yet.")
