"""`flask doctor` and `flask mail test`, through the command line, against real parts:
the test database, a real SMTP server on loopback, and files on disk."""

from __future__ import annotations

import os
import socket

import pytest

from tests.conftest import Mailbox, free_port
from tracker.db import db
from tracker.heartbeats import DAILY_RUN, SCHEDULER, WORKER, beat
from tracker.settings.services import set_setting


@pytest.fixture
def healthy(app, admin, officer, liaison):
    """Leads set and the scheduler alive: what a finished installation has."""
    with app.app_context():
        set_setting("opcc_lead_email", officer.email, by=admin)
        set_setting("force_lead_email", liaison.email, by=admin)
        beat(SCHEDULER)
        beat(DAILY_RUN, sent=0)
        db.session.commit()
    return app


def _stamp(app, revision="head"):
    from flask_migrate import stamp

    with app.app_context():
        stamp(revision=revision)


def _private_database(app):
    """What the app's umask gives a real installation's SQLite files."""
    with app.app_context():
        url = db.engine.url
    if url.get_backend_name() == "sqlite" and url.database:
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(url.database + suffix):
                os.chmod(url.database + suffix, 0o600)


def _migrated(app):
    _stamp(app)
    _private_database(app)


def test_doctor_passes_on_a_set_up_installation(healthy, runner, smtp_server):
    _migrated(healthy)
    result = runner.invoke(args=["doctor"])
    assert result.exit_code == 0, result.output
    assert "[ok] Database: The schema is up to date" in result.output
    assert "[ok] Mail: The mail server 127.0.0.1:" in result.output
    assert "[ok] Reminder leads: The OPCC lead is olu.officer@opcc.example.org." in result.output
    assert "No problems found." in result.output


def test_doctor_stops_at_a_schema_that_needs_upgrading(app, runner):
    _stamp(app, "base")
    result = runner.invoke(args=["doctor"])
    assert result.exit_code == 1
    assert "at revision none but this release needs" in result.output
    assert "run `flask db upgrade` (after a backup)" in result.output


def test_doctor_names_each_problem_with_its_fix_and_exits_1(app, runner):
    _migrated(app)
    result = runner.invoke(args=["doctor"])
    assert result.exit_code == 1
    assert "No OPCC lead is set" in result.output
    assert "The scheduler has never run" in result.output
    assert "problem(s) found." in result.output


def test_doctor_says_the_worker_is_needed_while_jobs_wait(healthy, runner, smtp_server, officer):
    from tracker.reports.models import ReportJob

    _migrated(healthy)
    with healthy.app_context():
        db.session.add(ReportJob(requested_by_id=officer.id, kind="actions", params={}))
        db.session.commit()
    result = runner.invoke(args=["doctor"])
    assert result.exit_code == 1
    assert "The job worker has never run: start the worker service (flask worker)." in (
        result.output
    )


def test_doctor_reports_a_live_worker(healthy, runner, smtp_server):
    _migrated(healthy)
    with healthy.app_context():
        beat(WORKER, worker="host:1", jobs_done=0)
        db.session.commit()
    result = runner.invoke(args=["doctor"])
    assert result.exit_code == 0, result.output
    assert "[ok] Scheduler, worker and outbox: Worker is fine (last seen 0 minutes ago)." in (
        result.output
    )


def test_doctor_explains_a_relay_without_starttls(healthy, runner, smtp_server):
    _migrated(healthy)
    healthy.config["MAIL_USE_TLS"] = True  # the test server offers no STARTTLS
    result = runner.invoke(args=["doctor"])
    assert result.exit_code == 1
    assert "does not offer STARTTLS" in result.output
    assert "MAIL_USE_TLS=false" in result.output


def test_doctor_finds_files_other_users_can_read(healthy, runner, tmp_path):
    _migrated(healthy)
    backups = tmp_path / "instance" / "backups"
    healthy.instance_path = str(tmp_path / "instance")
    backups.mkdir(parents=True)
    (backups / "tracker-1.sqlite3").write_bytes(b"x")
    os.chmod(backups, 0o755)  # noqa: S103 - the mistake the doctor must find
    os.chmod(backups / "tracker-1.sqlite3", 0o644)
    result = runner.invoke(args=["doctor"])
    assert result.exit_code == 1
    assert f"run `chmod 700 {backups}`" in result.output
    assert f"run `chmod 600 {backups / 'tracker-1.sqlite3'}`" in result.output


def test_mail_test_sends_a_message_through_the_server(app, runner, smtp_server):
    result = runner.invoke(args=["mail", "test", "it.officer@opcc.example.org"])
    assert result.exit_code == 0, result.output
    assert "Sent a test message to it.officer@opcc.example.org" in result.output
    [message] = smtp_server.to("it.officer@opcc.example.org")
    assert message["Subject"] == "Test message from Holding to account tracker"


def test_mail_test_says_when_nothing_listens(app, runner):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_USE_TLS=False)
    result = runner.invoke(args=["mail", "test", "it.officer@opcc.example.org"])
    assert result.exit_code == 1
    assert "Nothing is listening at 127.0.0.1:" in result.output


def test_mail_test_explains_a_refused_sign_in(app, runner):
    """A real server that refuses every login."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    port = free_port()

    def refuse(server, session, envelope, mechanism, auth_data):
        return AuthResult(success=False, handled=False)

    controller = Controller(
        Mailbox(),
        hostname="127.0.0.1",
        port=port,
        authenticator=refuse,
        auth_require_tls=False,
    )
    controller.start()
    try:
        app.config.update(
            MAIL_SERVER="127.0.0.1",
            MAIL_PORT=port,
            MAIL_USE_TLS=False,
            MAIL_USERNAME="tracker",
            MAIL_PASSWORD="wrong",
        )
        result = runner.invoke(args=["mail", "test", "it.officer@opcc.example.org"])
    finally:
        controller.stop()
    assert result.exit_code == 1
    assert "refused the sign-in for MAIL_USERNAME 'tracker'" in result.output


def test_unknown_mail_host_is_described_as_dns(app, runner, monkeypatch):
    def no_such_host(*args, **kwargs):
        raise socket.gaierror(-2, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_host)
    app.config.update(MAIL_SERVER="mail.invalid", MAIL_PORT=25, MAIL_USE_TLS=False)
    result = runner.invoke(args=["mail", "test", "it.officer@opcc.example.org"])
    assert result.exit_code == 1
    assert "'mail.invalid' could not be found (DNS)" in result.output
