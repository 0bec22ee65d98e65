"""`flask doctor` and `flask mail test`: is this installation set up to run safely?

Each check says what it found; a problem comes with one sentence saying how to fix
it. `doctor` exits 1 when any check finds a problem, so it can gate a deployment.
"""

from __future__ import annotations

import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from tracker.db import db


@dataclass
class Finding:
    """One line of the doctor's report."""

    ok: bool
    text: str
    warning: bool = False


Check = Callable[[], Iterator[Finding]]


def _settings() -> Iterator[Finding]:
    config = current_app.config
    production = config["ENV_NAME"] == "production"
    yield Finding(True, f"Running with TRACKER_ENV={config['ENV_NAME']}.")
    base = urlsplit(config["SERVER_BASE_URL"])
    if production and base.scheme != "https":
        yield Finding(
            False,
            f"SERVER_BASE_URL is {config['SERVER_BASE_URL']}: links in emails must use "
            "the public https:// address of the service.",
        )
    if production and (base.hostname in ("127.0.0.1", "localhost", "::1") or not base.hostname):
        yield Finding(
            False,
            "SERVER_BASE_URL points at this machine: set it to the address users open.",
        )
    if production and not config["MAIL_SERVER"]:
        yield Finding(
            False,
            "MAIL_SERVER is empty, so emails are only written to files: set the MAIL_* "
            "settings and run `flask mail test ADDRESS`.",
        )
    if production and config["TRUSTED_PROXY_COUNT"] == 0:
        yield Finding(
            True,
            "TRUSTED_PROXY_COUNT is 0: behind nginx set it to 1, or every user appears to "
            "come from the proxy's address and 20 failed sign-ins lock everyone out.",
            warning=True,
        )
    if production and not config.get("HEALTH_TOKEN"):
        yield Finding(
            True,
            "HEALTH_TOKEN is not set: monitoring cannot read /healthz/detail.",
            warning=True,
        )


def _database() -> Iterator[Finding]:
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from flask_migrate import Migrate

    try:
        with db.engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_revision()
    except Exception as exc:
        yield Finding(
            False,
            f"The database cannot be reached ({type(exc).__name__}: {exc}): check "
            "DATABASE_URL and that the database server is running.",
        )
        return
    yield Finding(True, f"The database answers ({db.engine.dialect.name}).")
    migrate: Migrate = current_app.extensions["migrate"].migrate
    script = ScriptDirectory.from_config(migrate.get_config())
    head = script.get_current_head()
    if current != head:
        yield Finding(
            False,
            f"The database is at revision {current or 'none'} but this release needs "
            f"{head}: run `flask db upgrade` (after a backup).",
        )
    else:
        yield Finding(True, f"The schema is up to date (revision {head}).")


def _mail() -> Iterator[Finding]:
    from tracker.mail import describe_smtp_failure, smtp_connection

    config = current_app.config
    if not config["MAIL_SERVER"]:
        return
    mode = "SSL" if config["MAIL_USE_SSL"] else "STARTTLS" if config["MAIL_USE_TLS"] else "plain"
    try:
        with smtp_connection() as smtp:
            smtp.noop()
    except Exception as exc:
        yield Finding(False, describe_smtp_failure(exc))
        return
    yield Finding(
        True, f"The mail server {config['MAIL_SERVER']}:{config['MAIL_PORT']} answers ({mode})."
    )


def _leads() -> Iterator[Finding]:
    from tracker.auth.models import User
    from tracker.settings.services import get_setting

    for key, who in (("opcc_lead_email", "OPCC lead"), ("force_lead_email", "force lead contact")):
        address = (get_setting(key) or "").strip()
        if not address:
            yield Finding(
                False,
                f"No {who} is set: escalations have nobody to go to. Set one under Settings.",
            )
            continue
        user = db.session.scalar(select(User).where(User.email == address.lower()))
        if user is not None and not user.active:
            yield Finding(False, f"The {who} {address} is deactivated: choose another.")
        else:
            yield Finding(True, f"The {who} is {address}.")


def _private(path: Path, what: str) -> Iterator[Finding]:
    if not path.exists():
        return
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        fix = "700" if path.is_dir() else "600"
        yield Finding(
            False,
            f"{what} {path} can be read by other users (mode {mode:o}): run `chmod {fix} {path}`.",
        )
    else:
        yield Finding(True, f"{what} {path} is private (mode {mode:o}).")


def _files() -> Iterator[Finding]:
    url = db.engine.url
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        database = Path(url.database)
        yield from _private(database, "The database file")
        yield from _private(Path(f"{database}-wal"), "The database's write-ahead log")
    instance = Path(current_app.instance_path)
    backups = instance / "backups"
    yield from _private(backups, "The backup folder")
    if backups.is_dir():
        for backup in sorted(backups.iterdir()):
            yield from _private(backup, "The backup")


def _background() -> Iterator[Finding]:
    from tracker.main.health import daily_run_check, outbox_check, scheduler_check, worker_check

    for check in (scheduler_check(), daily_run_check(), worker_check(), outbox_check()):
        if check.ok:
            age = check.facts.get("age_seconds")
            seen = f" (last seen {age // 60} minutes ago)" if age is not None else ""
            yield Finding(True, f"{check.name.replace('_', ' ').capitalize()} is fine{seen}.")
        else:
            yield Finding(False, check.problem)


CHECKS: tuple[tuple[str, Check], ...] = (
    ("Settings", _settings),
    ("Database", _database),
    ("Mail", _mail),
    ("Reminder leads", _leads),
    ("File permissions", _files),
    ("Scheduler, worker and outbox", _background),
)


def run_checks() -> list[tuple[str, Finding]]:
    """Every finding, labelled with its group; a database failure skips the rest."""
    findings: list[tuple[str, Finding]] = []
    for label, check in CHECKS:
        group = list(check())
        findings.extend((label, finding) for finding in group)
        if label == "Database" and any(not finding.ok for finding in group):
            break
    return findings


@click.command("doctor")
@with_appcontext
def doctor_command() -> None:
    """Check the settings, database, mail, leads, file permissions and scheduler."""
    findings = run_checks()
    for label, finding in findings:
        mark = "PROBLEM" if not finding.ok else "warning" if finding.warning else "ok"
        click.echo(f"[{mark}] {label}: {finding.text}")
    problems = sum(1 for _, finding in findings if not finding.ok)
    if problems:
        click.echo(f"{problems} problem(s) found.", err=True)
        raise SystemExit(1)
    click.echo("No problems found.")


mail_cli = AppGroup("mail", help="Check email delivery.")


@mail_cli.command("test")
@click.argument("address")
def mail_test_command(address: str) -> None:
    """Send a test message to ADDRESS now and report what the mail server said."""
    from tracker.mail import MailDeliveryError, build_message, deliver, describe_smtp_failure

    config = current_app.config
    message = build_message(
        to=address,
        subject=f"Test message from {config['SERVICE_NAME']}",
        text=(
            f"This is a test message from {config['SERVICE_NAME']} at "
            f"{config['SERVER_BASE_URL']}. Email from the tracker reaches this address.\n"
        ),
    )
    try:
        deliver(message)
    except MailDeliveryError as exc:
        click.echo(f"Not sent. {describe_smtp_failure(exc)}", err=True)
        raise SystemExit(1) from exc
    if config["MAIL_SERVER"]:
        click.echo(
            f"Sent a test message to {address} through "
            f"{config['MAIL_SERVER']}:{config['MAIL_PORT']}."
        )
    else:
        click.echo(
            f"MAIL_SERVER is empty: the test message was written to {config['MAIL_FILE_DIR']}."
        )
