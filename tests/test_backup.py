"""`flask backup` and `flask restore` on the test database (SQLite, or PostgreSQL when
TEST_DATABASE_URL names one): a round trip brings back the data and an intact audit trail;
bad input is refused with a clear message and leaves the database alone."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from tests.factories import meeting_kind
from tracker.audit.models import AuditEvent
from tracker.backup import find_pg_tool, pg_command
from tracker.db import db
from tracker.sources.models import Meeting


def _meeting_fields(title: str, version: str | None = None) -> dict:
    fields = {"kind": "1", "held_on": ["5", "6", "2023"], "title": title}
    if version is not None:
        fields["version"] = version
    return fields


def _titles(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(Meeting.title).order_by(Meeting.id)))


def _audit_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(AuditEvent.id)))


def _kind(app) -> str:
    with app.app_context():
        return db.engine.dialect.name


@pytest.fixture
def recorded(app, login_as, post_form, officer):
    """A meeting recorded through HTTP by a signed-in officer."""
    assert meeting_kind(app).id == 1
    login_as(officer)
    assert post_form("/meetings/new", _meeting_fields("Q1 performance meeting")).status_code == 302
    with app.app_context():
        return db.session.scalar(select(Meeting.id))


@pytest.fixture
def backup_file(app, runner, recorded, tmp_path) -> Path:
    path = tmp_path / "saved" / "tracker.backup"
    result = runner.invoke(args=["backup", str(path)])
    assert result.exit_code == 0, result.output
    return path


def test_backup_prints_the_path_and_size_and_writes_a_sidecar(app, runner, recorded, tmp_path):
    path = tmp_path / "tracker.backup"
    result = runner.invoke(args=["backup", str(path)])
    assert result.exit_code == 0, result.output
    assert str(path) in result.output
    assert f"{path.stat().st_size} bytes" in result.output
    facts = json.loads(path.with_name("tracker.backup.json").read_text())
    assert facts["kind"] == _kind(app)
    assert facts["audit_events"] == _audit_count(app)
    assert facts["created_at"]


def test_backup_without_a_path_goes_under_the_instance_folder(app, runner, recorded, tmp_path):
    app.instance_path = str(tmp_path / "instance")
    result = runner.invoke(args=["backup"])
    assert result.exit_code == 0, result.output
    written = list((tmp_path / "instance" / "backups").glob("tracker-*Z.*"))
    assert len(written) == 2  # the backup and its sidecar
    backup = next(p for p in written if not p.name.endswith(".json"))
    assert re.fullmatch(r"tracker-\d{8}T\d{6}Z\.(sqlite3|dump)", backup.name)
    assert str(backup) in result.output


def test_backup_refuses_to_overwrite_a_file(runner, recorded, tmp_path):
    path = tmp_path / "existing.backup"
    path.write_text("keep me")
    result = runner.invoke(args=["backup", str(path)])
    assert result.exit_code != 0
    assert "already exists" in result.output
    assert path.read_text() == "keep me"


def test_round_trip_restores_the_data_and_an_intact_audit_trail(
    app, client, runner, post_form, recorded, backup_file
):
    original_titles = _titles(app)
    original_events = _audit_count(app)
    with app.app_context():
        version = str(db.session.get(Meeting, recorded).version)
    edited = post_form(
        f"/meetings/{recorded}/edit", _meeting_fields("Renamed meeting", version=version)
    )
    assert edited.status_code == 302
    assert post_form("/meetings/new", _meeting_fields("Added later")).status_code == 302
    with app.app_context():
        db.session.execute(Meeting.__table__.delete().where(Meeting.id == recorded))
        db.session.commit()
    assert _titles(app) == ["Added later"]

    result = runner.invoke(args=["restore", str(backup_file), "--yes"])

    assert result.exit_code == 0, result.output
    assert _titles(app) == original_titles
    assert _audit_count(app) == original_events
    assert f"Audit events: {original_events}" in result.output
    assert f"Audit trail intact: {original_events} events" in result.output
    # The application carries on from the restored chain.
    assert post_form("/meetings/new", _meeting_fields("After the restore")).status_code == 302
    verify = runner.invoke(args=["audit", "verify"])
    assert verify.exit_code == 0, verify.output
    assert f"Audit trail intact: {original_events + 1} events" in verify.output


def test_restore_asks_first_and_does_nothing_when_refused(app, runner, post_form, backup_file):
    assert post_form("/meetings/new", _meeting_fields("Added later")).status_code == 302
    before = _titles(app)
    result = runner.invoke(args=["restore", str(backup_file)], input="n\n")
    assert result.exit_code != 0
    assert "Replace everything in" in result.output
    assert "Aborted" in result.output
    assert _titles(app) == before


def test_restore_of_a_missing_file_is_refused(app, runner, recorded, tmp_path):
    before = _titles(app)
    result = runner.invoke(args=["restore", str(tmp_path / "nowhere.backup"), "--yes"])
    assert result.exit_code != 0
    assert "There is no backup file at" in result.output
    assert _titles(app) == before


def test_restore_of_a_file_that_is_not_a_backup_is_refused(app, runner, recorded, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("Not a database at all\n")
    before = _titles(app)
    result = runner.invoke(args=["restore", str(path), "--yes"])
    assert result.exit_code != 0
    assert "is not a tracker backup" in result.output
    assert _titles(app) == before


def test_restore_of_the_other_kind_of_backup_is_refused(app, runner, recorded, tmp_path):
    path = tmp_path / "other.backup"
    if _kind(app) == "sqlite":
        path.write_bytes(b"PGDMP\x01\x0e\x00" + b"\x00" * 64)
        expected = "is a PostgreSQL backup, but this tracker uses SQLite"
    else:
        sqlite3.connect(path).execute("CREATE TABLE users (id INTEGER)").connection.close()
        expected = "is a SQLite backup, but this tracker uses PostgreSQL"
    before = _titles(app)
    result = runner.invoke(args=["restore", str(path), "--yes"])
    assert result.exit_code != 0
    assert expected in result.output
    assert _titles(app) == before


def test_restore_of_a_backup_of_some_other_database_is_refused(
    app, runner, recorded, tmp_path, empty_database_url
):
    path = tmp_path / "other-app.backup"
    if _kind(app) == "sqlite":
        connection = sqlite3.connect(path)
        connection.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY)")
        connection.commit()
        connection.close()
        expected = "is a SQLite database but not a tracker backup (no users, audit_events table)"
    else:
        other = create_engine(empty_database_url)
        with other.begin() as connection:
            connection.execute(text("CREATE TABLE customers (id INTEGER PRIMARY KEY)"))
        other.dispose()
        url = make_url(empty_database_url)
        dump = pg_command(find_pg_tool("pg_dump"), url, "--format=custom", "--file", str(path))
        subprocess.run(dump.args, env=dump.env, check=True)
        expected = "is a pg_dump archive but not a tracker backup (no users, audit_events table)"
    before = _titles(app)
    result = runner.invoke(args=["restore", str(path), "--yes"])
    assert result.exit_code != 0
    assert expected in result.output
    assert _titles(app) == before


def test_restore_of_an_unreadable_archive_is_refused(app, runner, recorded, tmp_path):
    """A file that starts like a backup of this kind but cannot be read as one."""
    path = tmp_path / "damaged.backup"
    if _kind(app) == "sqlite":
        path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 84)
        expected = "is not a readable SQLite database"
    else:
        path.write_bytes(b"PGDMP" + b"\x00" * 64)
        expected = "is not a readable pg_dump archive"
    before = _titles(app)
    result = runner.invoke(args=["restore", str(path), "--yes"])
    assert result.exit_code != 0
    assert expected in result.output
    assert _titles(app) == before


def test_restore_reports_a_tampered_audit_trail(app, runner, recorded, tmp_path):
    with app.app_context():
        db.session.execute(text("UPDATE audit_events SET summary = 'edited' WHERE chain_seq = 1"))
        db.session.commit()
    path = tmp_path / "tampered.backup"
    assert runner.invoke(args=["backup", str(path)]).exit_code == 0
    result = runner.invoke(args=["restore", str(path), "--yes"])
    assert result.exit_code != 0
    assert f"Audit events: {_audit_count(app)}" in result.output
    assert "does not verify" in result.output
    assert "chain_seq 1" in result.output


def test_postgresql_password_goes_in_the_environment_not_the_arguments():
    url = make_url("postgresql+psycopg://tracker:s3cret-pass@db.example.org:5433/tracker")
    command = pg_command("/usr/bin/pg_dump", url, "--format=custom")
    assert "s3cret-pass" not in " ".join(command.args)
    assert command.env["PGPASSWORD"] == "s3cret-pass"
    assert command.args[-1] == "--format=custom"
    assert command.args[2:4] == ["--host", "db.example.org"]
    assert "--dbname" in command.args


def test_backup_and_sidecar_are_readable_by_the_owner_only(app, runner, recorded, tmp_path):
    import os
    import stat

    os.umask(0o022)  # even under a lax mask the backup is private
    path = tmp_path / "private.backup"
    result = runner.invoke(args=["backup", str(path)])
    assert result.exit_code == 0, result.output
    for written in (path, path.with_name("private.backup.json")):
        assert stat.S_IMODE(written.stat().st_mode) == 0o600, written


def test_backup_signs_a_checkpoint_into_its_sidecar(app, runner, recorded, tmp_path):
    path = tmp_path / "tracker.backup"
    assert runner.invoke(args=["backup", str(path)]).exit_code == 0
    facts = json.loads(path.with_name("tracker.backup.json").read_text())
    checkpoint = facts["audit_checkpoint"]
    assert checkpoint["chain_seq"] == facts["audit_chain_seq"] == _audit_count(app)
    assert checkpoint["hash"] == facts["audit_head_hash"]
    latest = json.loads(Path(app.config["AUDIT_CHECKPOINT_FILE"]).read_text())
    assert latest == checkpoint


def test_restore_refuses_a_backup_cut_short_of_its_checkpoint(app, runner, backup_file):
    """Events deleted from a backup's end are found against the checkpoint in its sidecar."""
    if _kind(app) != "sqlite":
        pytest.skip("editing the backup file in place needs SQLite")
    copy = sqlite3.connect(backup_file)
    with copy:
        copy.execute(
            "DELETE FROM audit_events WHERE chain_seq = (SELECT max(chain_seq) FROM audit_events)"
        )
    copy.close()
    result = runner.invoke(args=["restore", str(backup_file), "--yes"])
    assert result.exit_code != 0
    assert "does not verify" in result.output
    assert "missing from the end" in result.output


def test_restore_refuses_an_edited_sidecar_checkpoint(app, runner, backup_file):
    sidecar = backup_file.with_name(backup_file.name + ".json")
    facts = json.loads(sidecar.read_text())
    facts["audit_checkpoint"]["chain_seq"] -= 1
    sidecar.write_text(json.dumps(facts))
    result = runner.invoke(args=["restore", str(backup_file), "--yes"])
    assert result.exit_code != 0
    assert "signature is not valid" in result.output
