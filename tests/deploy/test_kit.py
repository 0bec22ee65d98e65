"""The deployment kit in deploy/: units that systemd accepts and rates safe, an nginx
site that lets imports through, and a settings file that documents every variable."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import config
from tracker import PROJECT_DIR

DEPLOY = PROJECT_DIR / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("*.service")) + sorted(
    (DEPLOY / "systemd").glob("*.timer")
)
SERVICES = [unit for unit in UNITS if unit.suffix == ".service"]
ONLY_FOR_TESTS = {"TEST_DATABASE_URL"}


def variables_read_by_config() -> set[str]:
    source = Path(config.__file__).read_text()
    pattern = r'(?:environ\.get|env_int|env_bool|env_str)\(\s*"([A-Z][A-Z0-9_]+)"'
    return set(re.findall(pattern, source)) - ONLY_FOR_TESTS


def test_every_setting_is_documented_in_the_example_file_and_the_readme():
    names = variables_read_by_config()
    assert {"SECRET_KEY", "DATABASE_URL", "HEALTH_TOKEN"} <= names
    example = (DEPLOY / "tracker.env.example").read_text()
    readme = (PROJECT_DIR / "README.md").read_text()
    in_example = set(re.findall(r"^([A-Z][A-Z0-9_]+)=", example, re.MULTILINE))
    # TRACKER_ENV_FILE names the file itself: the units set it, not the file.
    assert names - in_example == {"TRACKER_ENV_FILE"}
    assert [name for name in sorted(names) if f"`{name}`" not in readme] == []


def test_the_example_settings_file_reads_as_the_services_read_it(tmp_path, monkeypatch):
    from dotenv import dotenv_values

    values = dotenv_values(DEPLOY / "tracker.env.example")
    assert values["OPCC_NAME"] == "Office of the Police and Crime Commissioner for West Mercia"
    assert values["TRACKER_ENV"] == "production"
    assert values["TRUSTED_PROXY_COUNT"] == "1"


def _units_for_this_checkout(tmp_path: Path) -> list[Path]:
    """The units with /srv/opcc-tracker pointing at this checkout and virtualenv."""
    copies = []
    for unit in UNITS:
        text = unit.read_text()
        text = text.replace("/srv/opcc-tracker/.venv", sys.prefix)
        text = text.replace("/srv/opcc-tracker", str(PROJECT_DIR))
        copy = tmp_path / unit.name
        copy.write_text(text)
        copies.append(copy)
    return copies


needs_systemd_analyze = pytest.mark.skipif(
    shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed"
)


@needs_systemd_analyze
def test_systemd_accepts_every_unit(tmp_path):
    copies = _units_for_this_checkout(tmp_path)
    result = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *map(str, copies)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 0, result.stderr + result.stdout


@needs_systemd_analyze
@pytest.mark.parametrize("unit", SERVICES, ids=lambda unit: unit.name)
def test_each_service_is_rated_safe_by_systemd(unit, tmp_path):
    result = subprocess.run(
        ["systemd-analyze", "security", "--offline=yes", "--no-pager", str(unit)],
        capture_output=True,
        text=True,
        check=False,
    )
    match = re.search(r"Overall exposure level for \S+: ([0-9.]+)", result.stdout)
    assert match, result.stdout + result.stderr
    assert float(match.group(1)) < 4.0


@pytest.mark.parametrize("unit", SERVICES, ids=lambda unit: unit.name)
def test_each_service_runs_as_its_own_user_after_postgresql_with_a_private_umask(unit):
    text = unit.read_text()
    for line in (
        "User=opcc-tracker",
        "After=network-online.target postgresql.service",
        "Wants=network-online.target postgresql.service",
        "UMask=0077",
        "EnvironmentFile=/etc/opcc-tracker/tracker.env",
        "Environment=TRACKER_ENV_FILE=/etc/opcc-tracker/tracker.env",
        "NoNewPrivileges=yes",
        "ProtectSystem=strict",
    ):
        assert line in text.splitlines() or any(
            existing.startswith(line) for existing in text.splitlines()
        ), f"{unit.name} lacks {line}"


def test_long_running_services_start_at_boot_and_the_backup_runs_nightly():
    for name in (
        "opcc-tracker-web.service",
        "opcc-tracker-scheduler.service",
        "opcc-tracker-worker.service",
    ):
        assert "WantedBy=multi-user.target" in (DEPLOY / "systemd" / name).read_text()
    timer = (DEPLOY / "systemd" / "opcc-tracker-backup.timer").read_text()
    assert "OnCalendar=*-*-* 02:15:00" in timer
    assert "Persistent=true" in timer
    assert "WantedBy=timers.target" in timer


def test_gunicorn_logs_json_and_no_second_access_log():
    """The app logs every request as JSON; gunicorn's access log would repeat each."""
    unit = (DEPLOY / "systemd" / "opcc-tracker-web.service").read_text()
    [start] = [line for line in unit.splitlines() if line.startswith("ExecStart=")]
    assert "--config /srv/opcc-tracker/deploy/gunicorn.conf.py" in start
    settings: dict = {}
    exec((DEPLOY / "gunicorn.conf.py").read_text(), settings)  # noqa: S102 - our own file
    assert settings["accesslog"] is None
    assert settings["bind"] == "127.0.0.1:8000"
    formatter = settings["logconfig_dict"]["formatters"]["json"]["()"]
    assert formatter == "pythonjsonlogger.json.JsonFormatter"


def test_nginx_lets_the_largest_upload_through():
    site = (DEPLOY / "nginx" / "opcc-tracker.conf").read_text()
    size = re.search(r"client_max_body_size (\d+)m;", site)
    assert size
    assert int(size.group(1)) >= config.Config.MAX_CONTENT_LENGTH // (1024 * 1024)
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in site
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in site


def test_db_upgrade_names_each_revision_it_applies(empty_database_url):
    from tracker import create_app

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=empty_database_url)
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "Applied 5fb975a8b37f: Accounts, login attempts and audit events" in result.output
    assert re.search(r"The database is at revision [0-9a-f]{12}\.", result.output)
    again = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert "Applied" not in again.output
    assert "The database is at revision" in again.output
    with app.app_context():
        from tracker.db import db

        db.engine.dispose()
