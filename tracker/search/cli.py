"""`flask search rebuild`: index every record again."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from tracker.db import db
from tracker.search.index import rebuild

search_cli = AppGroup("search", help="Look after the search index.")


@search_cli.command("rebuild")
def rebuild_command() -> None:
    """Empty the search index and index every action and source again (one transaction)."""
    counts = rebuild(db.session, progress=lambda kind, n: click.echo(f"{kind}: {n} indexed"))
    db.session.commit()
    click.echo(f"Search index rebuilt: {sum(counts.values())} records.")
