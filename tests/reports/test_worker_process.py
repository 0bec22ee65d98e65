"""`flask worker` as a separate process: killed mid-job, its job is retried once its
lease runs out and completes exactly once; stopped with SIGTERM, it hands its job
back to the queue and exits cleanly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select, update

from tests.conftest import run_worker
from tests.factories import make_action, make_meeting
from tracker.db import db, utcnow
from tracker.reports import jobs, spreadsheets
from tracker.reports.models import XLSX_TYPE, ReportJob, ReportJobStatus

ROOT = Path(__file__).resolve().parents[2]
START_WITHIN = 120  # seconds for the process to start and claim the job (a loaded machine)


@pytest.fixture
def export_job(app, officer, liaison) -> int:
    meeting = make_meeting(app)
    for n in range(3):
        make_action(app, meeting, liaison, title=f"Exported action {n}")
    with app.app_context():
        job = jobs.create_job(
            user=officer,
            kind=spreadsheets.ACTIONS_XLSX,
            params={},
            context={"title": spreadsheets.TITLE, "item_count": 3},
            content_type=XLSX_TYPE,
        )
        return job.id


def start_worker(app, tmp_path: Path) -> tuple[subprocess.Popen, Path]:
    """`flask worker` in its own process, on the test's database, with held jobs."""
    started = tmp_path / "worker-started"
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "TRACKER_ENV": "testing",
        "WORKER_TEST_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "WORKER_TEST_STARTED_FILE": str(started),
    }
    command = [sys.executable, "-m", "flask", "--app", "tests.reports.worker_app:app"]
    process = subprocess.Popen(
        [*command, "worker", "--poll", "0.2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    return process, started


def wait_until_held(process: subprocess.Popen, started: Path) -> None:
    """Wait (bounded) until the worker process is in the middle of the job."""
    deadline = time.monotonic() + START_WITHIN
    while not started.exists():
        if process.poll() is not None:
            pytest.fail(f"the worker exited early:\n{process.stdout.read()}")
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail("the worker did not start the job in time")
        time.sleep(0.1)


def job_row(app, job_id: int) -> ReportJob:
    with app.app_context():
        job = db.session.get(ReportJob, job_id)
        db.session.expunge(job)
        return job


def test_a_job_whose_worker_is_killed_is_retried_and_completes_exactly_once(
    app, tmp_path, export_job
):
    process, started = start_worker(app, tmp_path)
    wait_until_held(process, started)
    process.kill()
    process.wait(timeout=30)
    process.stdout.close()

    killed = job_row(app, export_job)
    assert killed.status == ReportJobStatus.RUNNING
    assert killed.stage == "Held by the test"
    assert killed.attempt == 1
    assert killed.claimed_by.startswith(f"{os.uname().nodename}:{process.pid}:")

    # While its lease lasts, nobody else takes the job.
    assert run_worker(app) == 0
    assert job_row(app, export_job).status == ReportJobStatus.RUNNING

    with app.app_context():  # the lease runs out, as it does two minutes after the kill
        db.session.execute(
            update(ReportJob)
            .where(ReportJob.id == export_job)
            .values(lease_until=utcnow() - jobs.LEASE)
        )
        db.session.commit()
    assert run_worker(app) == 1

    done = job_row(app, export_job)
    assert done.status == ReportJobStatus.READY
    assert done.attempt == 2
    assert done.claimed_by != killed.claimed_by
    with app.app_context():
        output = db.session.scalar(select(ReportJob.output).where(ReportJob.id == export_job))
        assert db.session.scalar(select(func.count(ReportJob.id))) == 1
    titles = [row[1] for row in load_workbook(BytesIO(output)).active.iter_rows(values_only=True)]
    assert sorted(titles[1:]) == [f"Exported action {n}" for n in range(3)]

    assert run_worker(app) == 0  # nothing is left to run: it is not done a second time
    again = job_row(app, export_job)
    assert (again.finished_at, again.attempt) == (done.finished_at, 2)


def test_sigterm_hands_the_running_job_back_and_exits_cleanly(app, tmp_path, export_job):
    process, started = start_worker(app, tmp_path)
    wait_until_held(process, started)
    process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=60)
    assert process.returncode == 0, output
    assert "stopping (SIGTERM)" in output
    assert "stopped after 1 job(s)" in output

    released = job_row(app, export_job)
    assert released.status == ReportJobStatus.QUEUED
    assert (released.attempt, released.claimed_by, released.lease_until) == (1, "", None)
    assert run_worker(app) == 1
    assert job_row(app, export_job).status == ReportJobStatus.READY
