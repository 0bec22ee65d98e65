"""Alembic environment: runs migrations against the Flask app's database.

Logging stays as the application configured it (JSON lines), so no fileConfig here.
"""

from __future__ import annotations

import logging
from typing import Any, Literal

import click
from alembic import context
from flask import current_app

from tracker.db import UTCDateTime
from tracker.search.models import is_index_object

log = logging.getLogger("alembic.env")

config = context.config
database = current_app.extensions["migrate"].db
config.set_main_option(
    "sqlalchemy.url",
    database.engine.url.render_as_string(hide_password=False).replace("%", "%%"),
)
target_metadata = database.metadata


def _skip_empty_autogenerate(context_, revision, directives) -> None:
    """`flask db migrate` with no model change writes no empty revision."""
    if getattr(config.cmd_opts, "autogenerate", False):
        script = directives[0]
        if script.upgrade_ops.is_empty():
            directives[:] = []
            log.info("No changes in schema detected.")


def _render_item(type_: str, obj: Any, autogen_context: Any) -> str | Literal[False]:
    """Write UTCDateTime columns as the plain DateTime(timezone=True) they are in the schema."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run_migrations_offline() -> None:
    """Emit SQL to stdout (`flask db upgrade --sql`)."""
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
        compare_type=True,
        render_item=_render_item,
        include_object=is_index_object,
    )
    with context.begin_transaction():
        context.run_migrations()


def _say_what_was_applied(*, ctx, step, heads, run_args) -> None:
    """`flask db upgrade` names each revision it applies (Alembic's own log is quiet)."""
    verb = "Applied" if step.is_upgrade else "Reverted"
    click.echo(f"{verb} {step.up_revision_id}: {step.up_revision.doc.splitlines()[0]}")


def run_migrations_online() -> None:
    """Run migrations on a live connection."""
    options = dict(current_app.extensions["migrate"].configure_args)
    options.setdefault("process_revision_directives", _skip_empty_autogenerate)
    options.setdefault("render_item", _render_item)
    options.setdefault("include_object", is_index_object)  # the text index is not in the models
    options.setdefault("on_version_apply", _say_what_was_applied)
    with database.engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata, **options)
        with context.begin_transaction():
            context.run_migrations()
        if context.get_context().as_sql is False and _is_upgrade():
            revision = context.get_context().get_current_revision()
            click.echo(f"The database is at revision {revision or 'none'}.")


def _is_upgrade() -> bool:
    """Run by `flask db upgrade` or `downgrade` (not `current`, `stamp`, or the tests)."""
    command = click.get_current_context(silent=True)
    return command is not None and command.info_name in ("upgrade", "downgrade")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
