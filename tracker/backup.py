"""`flask backup` and `flask restore`: consistent copies of the database.

SQLite is copied with SQLite's online backup API, which gives a consistent copy while the
application keeps running; the copy is a standalone database file (rollback journal, not
WAL). PostgreSQL is dumped with ``pg_dump --format=custom`` and restored with
``pg_restore --clean --if-exists --no-owner --single-transaction``, so a restore that
fails part-way leaves the database as it was. The password goes to the PostgreSQL tools
in the PGPASSWORD environment variable, never on the command line.

Next to each backup, ``<backup>.json`` records what it is: the kind, when it was taken,
the Alembic revision and the number of audit events and the chain head at the time, and a
signed audit checkpoint taken just before the copy (also written as the latest
checkpoint), against which a restore checks the restored audit trail.

Backups and their sidecars are readable by their owner only (0600).
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import Engine, func, inspect, select, text
from sqlalchemy.engine import URL

from tracker.audit.checkpoint import (
    Checkpoint,
    CheckpointError,
    adopt_restored_chain,
    checkpoint_from,
    take_checkpoint,
)
from tracker.audit.models import AuditEvent
from tracker.db import db, utcnow

SQLITE_HEADER = b"SQLite format 3\x00"
PG_CUSTOM_HEADER = b"PGDMP"
# Tables every tracker database has; a SQLite file without them is not one of ours.
REQUIRED_TABLES = ("users", "audit_events")
PG_TOOL_DIRS = Path("/usr/lib/postgresql")
KIND_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


class BackupError(click.ClickException):
    """A backup or restore that cannot go ahead; the message says why."""


# Which database --------------------------------------------------------------------------


def database_kind(engine: Engine) -> str:
    """ "sqlite" or "postgresql"; any other database is refused."""
    kind = engine.dialect.name
    if kind not in KIND_NAMES:
        raise BackupError(f"Backups are available for SQLite and PostgreSQL, not {kind}.")
    return kind


def sqlite_path(url: URL) -> Path:
    """The file of a SQLite database (an in-memory database has none)."""
    if not url.database or url.database == ":memory:" or url.database.startswith("file:"):
        raise BackupError("The database is held in memory (or given as a URI): nothing to copy.")
    return Path(url.database)


# PostgreSQL client tools -------------------------------------------------------------------


def find_pg_tool(name: str) -> str:
    """The path of pg_dump or pg_restore: on PATH, else the newest /usr/lib/postgresql/*/bin."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(
        PG_TOOL_DIRS.glob(f"*/bin/{name}"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
        reverse=True,
    )
    if not candidates:
        raise BackupError(f"{name} was not found: install the PostgreSQL client tools.")
    return str(candidates[0])


@dataclass(frozen=True)
class PgCommand:
    """A PostgreSQL tool's arguments and environment (the password is only in the latter)."""

    args: list[str]
    env: dict[str, str]


def pg_command(tool: str, url: URL, *extra: str) -> PgCommand:
    """Arguments connecting `tool` to the database in `url`, with PGPASSWORD in the env."""
    args = [tool, "--no-password"]
    if url.host:
        args += ["--host", url.host]
    if url.port:
        args += ["--port", str(url.port)]
    if url.username:
        args += ["--username", url.username]
    args += ["--dbname", url.database or ""]
    env = dict(os.environ)
    env.pop("PGPASSWORD", None)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    sslmode = url.query.get("sslmode")
    if isinstance(sslmode, str):
        env["PGSSLMODE"] = sslmode
    return PgCommand(args=[*args, *extra], env=env)


def _run(command: PgCommand, what: str) -> str:
    result = subprocess.run(  # noqa: S603 - fixed tool, arguments from settings, no shell
        command.args, env=command.env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip()
        raise BackupError(f"{what} failed (exit {result.returncode}): {detail}")
    return result.stdout


# Facts about the database ---------------------------------------------------------------


def _alembic_revision(engine: Engine) -> str | None:
    if not inspect(engine).has_table("alembic_version"):
        return None
    with engine.connect() as connection:
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _audit_facts(engine: Engine) -> dict[str, Any]:
    with engine.connect() as connection:
        count = connection.scalar(select(func.count(AuditEvent.id)))
        head = connection.execute(
            select(AuditEvent.chain_seq, AuditEvent.hash)
            .where(AuditEvent.chain_seq.is_not(None))
            .order_by(AuditEvent.chain_seq.desc())
            .limit(1)
        ).first()
    return {
        "audit_events": count,
        "audit_chain_seq": head.chain_seq if head else 0,
        "audit_head_hash": head.hash if head else None,
    }


def sidecar_path(backup: Path) -> Path:
    return backup.with_name(backup.name + ".json")


def _human_size(size: int) -> str:
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{size} bytes" if unit == "bytes" else f"{value:.1f} {unit} ({size} bytes)"
        value /= 1024
    return f"{size} bytes"  # pragma: no cover - the loop always returns


# Backup -------------------------------------------------------------------------------


def _create_private(path: Path) -> None:
    """Create `path` empty and readable by its owner only, before anything is written."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
    path.chmod(0o600)


def _checkpoint_or_warn(engine: Engine) -> Checkpoint | None:
    """Sign the audit chain head; a broken chain or a missing key is reported, not fatal."""
    try:
        with engine.connect() as connection:
            return take_checkpoint(connection)
    except CheckpointError as problem:
        click.echo(f"Warning: {problem}", err=True)
        return None


def default_backup_path(kind: str) -> Path:
    """instance/backups/tracker-<UTC timestamp>.<sqlite3|dump>."""
    stamp = utcnow().strftime("%Y%m%dT%H%M%SZ")
    suffix = "sqlite3" if kind == "sqlite" else "dump"
    return Path(current_app.instance_path) / "backups" / f"tracker-{stamp}.{suffix}"


def _backup_sqlite(live: Path, target: Path) -> None:
    if not live.is_file():
        raise BackupError(f"There is no database file at {live}.")
    source = sqlite3.connect(live)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
        # A standalone file: no -wal or -shm companions to lose when it is moved.
        copy.execute("PRAGMA journal_mode=DELETE")
    finally:
        copy.close()
        source.close()


def _backup_postgresql(url: URL, target: Path) -> None:
    command = pg_command(find_pg_tool("pg_dump"), url, "--format=custom", "--file", str(target))
    _run(command, "pg_dump")


@click.command("backup")
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(path: Path | None) -> None:
    """Write a consistent copy of the database to PATH (default: instance/backups/)."""
    engine = db.engine
    kind = database_kind(engine)
    target = path or default_backup_path(kind)
    if target.exists():
        raise BackupError(f"{target} already exists: choose another name.")
    target.parent.mkdir(parents=True, exist_ok=True)
    # Before the copy: the audit trail only grows, so the copy holds at least this head.
    checkpoint = _checkpoint_or_warn(engine)
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        _create_private(partial)
        if kind == "sqlite":
            _backup_sqlite(sqlite_path(engine.url), partial)
        else:
            _backup_postgresql(engine.url, partial)
        partial.chmod(0o600)
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    facts = {
        "kind": kind,
        "created_at": utcnow().isoformat(),
        "alembic_revision": _alembic_revision(engine),
        **_audit_facts(engine),
        "audit_checkpoint": asdict(checkpoint) if checkpoint else None,
    }
    sidecar = sidecar_path(target)
    _create_private(sidecar)
    sidecar.write_text(json.dumps(facts, indent=2) + "\n")
    click.echo(f"Backup written to {target}")
    click.echo(f"Size: {_human_size(target.stat().st_size)}")


# Restore ------------------------------------------------------------------------------


def _file_kind(path: Path) -> str | None:
    with path.open("rb") as handle:
        start = handle.read(len(SQLITE_HEADER))
    if start.startswith(SQLITE_HEADER):
        return "sqlite"
    if start.startswith(PG_CUSTOM_HEADER):
        return "postgresql"
    return None


def _open_read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def _check_sqlite_backup(path: Path) -> None:
    try:
        connection = _open_read_only(path)
        try:
            status = connection.execute("PRAGMA quick_check").fetchone()[0]
            tables = {
                row[0]
                for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
        finally:
            connection.close()
    except sqlite3.Error as exc:
        raise BackupError(f"{path} is not a readable SQLite database: {exc}") from exc
    if status != "ok":
        raise BackupError(f"{path} is damaged (SQLite integrity check: {status}).")
    missing = [name for name in REQUIRED_TABLES if name not in tables]
    if missing:
        raise BackupError(
            f"{path} is a SQLite database but not a tracker backup (no {', '.join(missing)} table)."
        )


def _check_postgresql_backup(path: Path) -> None:
    listing = subprocess.run(  # noqa: S603 - fixed tool and a file path, no shell
        [find_pg_tool("pg_restore"), "--list", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    if listing.returncode != 0:
        detail = listing.stderr.strip()
        raise BackupError(f"{path} is not a readable pg_dump archive: {detail}")
    tables = _tables_in_listing(listing.stdout)
    missing = [name for name in REQUIRED_TABLES if name not in tables]
    if missing:
        raise BackupError(
            f"{path} is a pg_dump archive but not a tracker backup (no {', '.join(missing)} table)."
        )


def _tables_in_listing(listing: str) -> set[str]:
    """Table names in a pg_restore --list table of contents ("... TABLE schema name owner")."""
    tables = set()
    for line in listing.splitlines():
        words = line.split()
        if line.startswith(";") or "TABLE" not in words:
            continue
        at = words.index("TABLE")
        if len(words) > at + 2 and words[at + 1] != "DATA":
            tables.add(words[at + 2])
    return tables


def check_backup(path: Path, kind: str) -> None:
    """Refuse a missing file, or one that is not a tracker backup for this kind of database."""
    if not path.is_file():
        raise BackupError(f"There is no backup file at {path}.")
    found = _file_kind(path)
    if found is None:
        raise BackupError(
            f"{path} is not a tracker backup (neither a SQLite database nor a pg_dump archive)."
        )
    if found != kind:
        raise BackupError(
            f"{path} is a {KIND_NAMES[found]} backup, but this tracker uses {KIND_NAMES[kind]}."
        )
    if kind == "sqlite":
        _check_sqlite_backup(path)
    else:
        _check_postgresql_backup(path)


def _restore_sqlite(backup: Path, live: Path) -> None:
    source = _open_read_only(backup)
    target = sqlite3.connect(live)
    try:
        source.backup(target)
    except sqlite3.Error as exc:
        raise BackupError(f"Restore failed; the database was not changed: {exc}") from exc
    finally:
        target.close()
        source.close()


def _restore_postgresql(backup: Path, url: URL) -> None:
    command = pg_command(
        find_pg_tool("pg_restore"),
        url,
        "--clean",
        "--if-exists",
        "--no-owner",
        "--single-transaction",
        "--exit-on-error",
        str(backup),
    )
    _run(command, "pg_restore (the database was not changed)")


def _describe(url: URL) -> str:
    return url.render_as_string(hide_password=True)


@click.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_command(path: Path, yes: bool) -> None:
    """Replace the database with the backup at PATH, then check the audit trail.

    Stop the web server and the scheduler first: they would otherwise keep writing.
    """
    engine = db.engine
    kind = database_kind(engine)
    live = sqlite_path(engine.url) if kind == "sqlite" else None
    check_backup(path, kind)
    sidecar = sidecar_path(path)
    checkpoint = None
    if sidecar.is_file():
        try:
            facts = json.loads(sidecar.read_text())
            if facts.get("audit_checkpoint"):
                checkpoint = checkpoint_from(facts["audit_checkpoint"])
            click.echo(
                f"Backup taken {facts.get('created_at', 'at an unknown time')}, "
                f"schema revision {facts.get('alembic_revision') or 'unknown'}, "
                f"{facts.get('audit_events', '?')} audit events."
            )
        except (ValueError, AttributeError):
            click.echo(f"Ignoring {sidecar}: it is not valid JSON.")
        except CheckpointError as problem:
            raise BackupError(f"{sidecar}: {problem}") from problem
    if not yes:
        click.confirm(f"Replace everything in {_describe(engine.url)} with {path}?", abort=True)
    db.session.remove()
    engine.dispose()
    if live is not None:
        _restore_sqlite(path, live)
    else:
        _restore_postgresql(path, engine.url)
    engine.dispose()
    click.echo(f"Restored {path} into {_describe(engine.url)}.")
    with engine.connect() as connection:
        count = connection.scalar(select(func.count(AuditEvent.id)))
        click.echo(f"Audit events: {count}")
        try:
            report = adopt_restored_chain(connection, checkpoint)
        except CheckpointError as problem:
            raise BackupError(f"The restored audit trail cannot be checked. {problem}") from problem
    if not report.intact:
        raise BackupError(f"The restored audit trail does not verify. {report.message}")
    click.echo(report.message)
