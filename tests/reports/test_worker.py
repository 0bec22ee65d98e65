"""The job worker in this process: claims, leases that fence off a lost worker,
concurrent claimers, progress on the job page and the worker's heartbeat."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text

from tests.conftest import run_worker
from tests.factories import make_action, make_meeting
from tracker.auth.models import Role
from tracker.db import db
from tracker.heartbeats import WORKER, Heartbeat
from tracker.reports import jobs
from tracker.reports.models import ReportJob, ReportJobStatus

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def add_job(app, user, **fields) -> int:
    with app.app_context():
        fields = {"kind": "actions", "title": "Action log", **fields}
        job = ReportJob(requested_by_id=user.id, params={}, **fields)
        db.session.add(job)
        db.session.commit()
        return job.id


def job_row(app, job_id: int) -> ReportJob:
    with app.app_context():
        job = db.session.get(ReportJob, job_id)
        db.session.expunge(job)
        return job


def test_a_worker_whose_lease_ran_out_cannot_store_its_file(app, officer, liaison):
    make_action(app, make_meeting(app), liaison, title="Reported action")
    job_id = add_job(app, officer)
    with app.app_context():
        an_hour_ago = datetime.now(UTC) - timedelta(hours=1)
        assert jobs.claim_next(token="slow-worker", now=an_hour_ago) == job_id
        assert jobs.recover_interrupted() == [job_id]  # its lease ran out long ago
        assert jobs.claim_next(token="next-worker") == job_id
    assert jobs.run_job(app, job_id, "slow-worker") is None
    lost = job_row(app, job_id)
    assert (lost.status, lost.claimed_by, lost.attempt) == (
        ReportJobStatus.RUNNING,
        "next-worker",
        2,
    )
    assert jobs.run_job(app, job_id, "next-worker") == ReportJobStatus.READY
    with app.app_context():
        assert db.session.get(ReportJob, job_id).output.startswith(b"%PDF")


def test_renewing_a_lease_needs_the_claim(app, officer):
    job_id = add_job(app, officer)
    with app.app_context():
        jobs.claim_next(token="mine", now=NOW)
        later = NOW + timedelta(minutes=1)
        assert jobs.renew_lease(job_id, token="someone-else", now=later) is False
        assert db.session.get(ReportJob, job_id).lease_until == NOW + jobs.LEASE
        db.session.rollback()
        assert jobs.renew_lease(job_id, token="mine", now=later) is True
        assert db.session.get(ReportJob, job_id).lease_until == later + jobs.LEASE


def test_two_workers_claiming_at_once_get_different_jobs(app, officer, make_user):
    other = make_user(Role.OPCC_OFFICER, name="Second officer")
    expected = {add_job(app, officer), add_job(app, other)}
    together = threading.Barrier(2, timeout=30)
    claimed: list[int | None] = []

    def claim(token: str) -> None:
        with app.app_context():
            together.wait()
            claimed.append(jobs.claim_next(token=token))
            db.session.remove()

    threads = [threading.Thread(target=claim, args=(f"worker-{n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert set(claimed) == expected


def test_a_claim_skips_a_job_another_worker_has_locked(app, officer, make_user):
    """PostgreSQL: FOR UPDATE SKIP LOCKED takes the next job rather than waiting."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("SKIP LOCKED is PostgreSQL's; SQLite has one writer at a time")
    other = make_user(Role.OPCC_OFFICER, name="Second officer")
    first = add_job(app, officer)
    second = add_job(app, other)
    claimed: list[int | None] = []
    with app.app_context(), db.engine.connect() as holder:
        holder.execute(text("SELECT id FROM report_jobs WHERE id = :id FOR UPDATE"), {"id": first})

        def claim() -> None:
            with app.app_context():
                claimed.append(jobs.claim_next(token="second-worker"))
                db.session.remove()

        claimer = threading.Thread(target=claim)
        claimer.start()
        claimer.join(timeout=20)
        blocked = claimer.is_alive()
        holder.rollback()
    claimer.join(timeout=20)
    assert not blocked, "the claim waited for the locked job instead of skipping it"
    assert claimed == [second]
    assert job_row(app, first).status == ReportJobStatus.QUEUED


def test_the_job_page_shows_the_workers_progress(app, client, login_as, officer):
    job_id = add_job(
        app,
        officer,
        status=ReportJobStatus.RUNNING,
        started_at=datetime.now(UTC),
        lease_until=datetime.now(UTC) + jobs.LEASE,
        stage="Writing the rows",
        progress_done=1200,
        progress_total=5000,
    )
    login_as(officer)
    page = client.get(f"/reports/jobs/{job_id}").text
    assert "Writing the rows: 1,200 of 5,000 (24%)" in page
    assert "check again" in page  # without JavaScript, a link reloads the page
    status = client.get(f"/reports/jobs/{job_id}/status").json
    assert status["progress"] == "Writing the rows: 1,200 of 5,000 (24%)"
    assert (status["done"], status["total"]) == (1200, 5000)


def test_a_report_job_goes_through_its_stages(app, officer, liaison, monkeypatch):
    make_action(app, make_meeting(app), liaison, title="Reported action")
    job_id = add_job(app, officer, item_count=1)
    stages = []
    original = jobs._write_if_held

    def watched(job, token, **values):
        if "stage" in values:
            stages.append(values["stage"])
        return original(job, token, **values)

    monkeypatch.setattr(jobs, "_write_if_held", watched)
    assert run_worker(app) == 1
    assert stages == [
        "Reading the actions",
        "Laying out the PDF of 1 actions",
        "Ready",
    ]
    done = job_row(app, job_id)
    assert (done.stage, done.progress_done, done.progress_total) == ("Ready", 1, 1)


def test_the_worker_beats_and_takes_nothing_from_an_empty_queue(app):
    assert run_worker(app) == 0
    with app.app_context():
        heartbeat = db.session.get(Heartbeat, WORKER)
        assert heartbeat is not None
        assert heartbeat.detail["jobs_done"] == 0
        assert ":" in heartbeat.detail["worker"]


def test_a_job_of_an_unknown_kind_fails_with_a_reason(app, officer):
    job_id = add_job(app, officer, kind="retired-report")
    assert run_worker(app) == 1
    failed = job_row(app, job_id)
    assert failed.status == ReportJobStatus.FAILED
    assert failed.error == "This kind of report no longer exists"


def test_the_worker_command_drains_the_queue_with_once(app, runner, officer, liaison):
    make_action(app, make_meeting(app), liaison, title="Reported action")
    job_id = add_job(app, officer, item_count=1)
    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "stopped after 1 job(s)" in result.output
    assert job_row(app, job_id).status == ReportJobStatus.READY
    with app.app_context():
        assert db.session.scalars(select(ReportJob.status)).all() == [ReportJobStatus.READY]


def test_the_scheduler_can_host_the_worker(app, runner, officer, liaison, monkeypatch):
    from apscheduler.schedulers.blocking import BlockingScheduler

    make_action(app, make_meeting(app), liaison, title="Reported action")
    job_id = add_job(app, officer, item_count=1)

    def run_until_the_job_is_done(self):
        deadline = time.monotonic() + 60
        while job_row(app, job_id).status != ReportJobStatus.READY:
            assert time.monotonic() < deadline, "the hosted worker did not run the job"
            time.sleep(0.1)
        raise KeyboardInterrupt

    monkeypatch.setattr(BlockingScheduler, "start", run_until_the_job_is_done)
    result = runner.invoke(args=["scheduler", "--with-worker"])
    assert result.exit_code == 0, result.output
    assert "started in the scheduler's process" in result.output
    assert "Job worker stopped after 1 job(s)." in result.output
