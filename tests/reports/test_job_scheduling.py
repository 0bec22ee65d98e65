"""Report jobs share the workers fairly: a cap per person, the oldest job of whoever
has fewest running goes next, estimates per report kind, and lost jobs are tried again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.conftest import csrf_token_from, run_worker
from tests.factories import make_action, make_meeting
from tracker.auth.models import Role
from tracker.db import db
from tracker.reports import jobs
from tracker.reports.models import ReportJob, ReportJobStatus

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def add_job(app, user, *, status=ReportJobStatus.QUEUED, kind="actions", **fields) -> int:
    with app.app_context():
        job = ReportJob(
            requested_by_id=user.id,
            kind=kind,
            params={},
            title=fields.pop("title", "Action log"),
            item_count=fields.pop("item_count", 10),
            status=status,
            **fields,
        )
        db.session.add(job)
        db.session.commit()
        return job.id


def statuses(app) -> dict[int, ReportJobStatus]:
    with app.app_context():
        return dict(db.session.execute(select(ReportJob.id, ReportJob.status)).all())


def prepare_actions_report(client):
    page = client.get("/reports/actions")
    token = csrf_token_from(page.text)
    return client.post("/reports/jobs", data={"csrf_token": token, "kind": "actions", "query": ""})


def test_a_person_at_the_cap_is_told_and_no_job_is_added(app, client, login_as, officer):
    app.config["REPORT_JOBS_PER_USER"] = 2
    make_action(app, make_meeting(app), officer)
    for _ in range(2):  # running, so no worker of an earlier test can finish them
        add_job(
            app,
            officer,
            status=ReportJobStatus.RUNNING,
            lease_until=datetime.now(UTC) + timedelta(minutes=1),
        )
    add_job(app, officer, status=ReportJobStatus.READY)
    login_as(officer)
    response = prepare_actions_report(client)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/reports/jobs")
    page = client.get("/reports/jobs").text
    assert "You already have 2 reports being prepared" in page
    assert len(statuses(app)) == 3


def test_finished_jobs_do_not_count_towards_the_cap(app, client, login_as, officer):
    app.config["REPORT_JOBS_PER_USER"] = 1
    add_job(app, officer, status=ReportJobStatus.READY)
    add_job(app, officer, status=ReportJobStatus.FAILED)
    login_as(officer)
    response = prepare_actions_report(client)
    assert "/reports/jobs/" in response.headers["Location"]


def test_the_oldest_job_of_whoever_has_fewest_running_goes_next(app, officer, make_user):
    other = make_user(Role.OPCC_OFFICER, name="Second officer")
    big = [add_job(app, officer, item_count=30_000) for _ in range(3)]
    small = add_job(app, other, item_count=5)
    with app.app_context():
        first = jobs.claim_next(now=NOW)
        second = jobs.claim_next(now=NOW)
        third = jobs.claim_next(now=NOW)
    assert (first, second, third) == (big[0], small, None)  # a worker is kept for others
    assert statuses(app)[big[1]] == ReportJobStatus.QUEUED


def test_a_claimed_job_holds_a_lease_and_is_not_claimed_twice(app, officer):
    job_id = add_job(app, officer)
    with app.app_context():
        assert jobs.claim_next(now=NOW) == job_id
        job = db.session.get(ReportJob, job_id)
        assert job.status == ReportJobStatus.RUNNING
        assert job.lease_until == NOW + jobs.LEASE
        db.session.rollback()
        assert jobs.claim_next(now=NOW) is None


def test_estimates_weigh_big_jobs_by_their_cost_per_kind(app, officer):
    start = NOW - timedelta(hours=1)
    # Tiny jobs are mostly start-up time; a plain average of rates would say ~1 s/action.
    for _ in range(5):
        add_job(
            app,
            officer,
            status=ReportJobStatus.READY,
            item_count=1,
            started_at=start,
            finished_at=start + timedelta(seconds=3),
        )
    add_job(
        app,
        officer,
        status=ReportJobStatus.READY,
        item_count=10_000,
        started_at=start,
        finished_at=start + timedelta(seconds=2 + 400),
    )
    add_job(
        app,
        officer,
        kind="panel",
        status=ReportJobStatus.READY,
        item_count=100,
        started_at=start,
        finished_at=start + timedelta(seconds=2 + 50),
    )
    with app.app_context():
        assert jobs.seconds_per_action("actions") == pytest.approx(405 / 10_005)
        assert jobs.seconds_per_action("panel") == pytest.approx(0.5)
        assert jobs.seconds_per_action("hmicfrs") == jobs.DEFAULT_SECONDS_PER_ACTION


def test_a_running_job_whose_lease_ran_out_is_queued_again_with_one_more_attempt(app, officer):
    lost = add_job(
        app,
        officer,
        status=ReportJobStatus.RUNNING,
        started_at=NOW - timedelta(minutes=30),
        lease_until=NOW - timedelta(seconds=1),
        claimed_by="dead-worker",
    )
    alive = add_job(
        app,
        officer,
        status=ReportJobStatus.RUNNING,
        started_at=NOW - timedelta(minutes=30),
        lease_until=NOW + timedelta(seconds=30),
    )
    with app.app_context():
        assert jobs.recover_interrupted(now=NOW) == [lost]
        again = db.session.get(ReportJob, lost)
        assert (again.status, again.attempt, again.claimed_by) == (ReportJobStatus.QUEUED, 2, "")
        assert again.lease_until is None
        assert db.session.get(ReportJob, alive).status == ReportJobStatus.RUNNING
        assert jobs.recover_interrupted(now=NOW) == []  # a second run does nothing


def test_a_job_lost_on_its_last_attempt_is_failed_for_good(app, officer):
    lost = add_job(
        app,
        officer,
        status=ReportJobStatus.RUNNING,
        attempt=jobs.MAX_ATTEMPTS,
        started_at=NOW - timedelta(minutes=30),
        lease_until=NOW - timedelta(minutes=1),
    )
    with app.app_context():
        assert jobs.recover_interrupted(now=NOW) == []
        job = db.session.get(ReportJob, lost)
        assert job.status == ReportJobStatus.FAILED
        assert f"stopped before it finished, {jobs.MAX_ATTEMPTS} times" in job.error


def test_a_job_whose_lease_ran_out_is_shown_as_stopped_not_being_prepared(
    app, client, login_as, officer
):
    job_id = add_job(
        app,
        officer,
        status=ReportJobStatus.RUNNING,
        item_count=30_000,
        started_at=datetime.now(UTC) - timedelta(minutes=5),
        lease_until=datetime.now(UTC) - timedelta(minutes=1),
        attempt=jobs.MAX_ATTEMPTS,
    )
    login_as(officer)
    status = client.get(f"/reports/jobs/{job_id}/status").json
    assert status["label"] == "Stopped before it finished"
    assert status["finished"] is True


def test_a_job_whose_worker_died_with_attempts_left_is_still_being_prepared(
    app, client, login_as, officer
):
    job_id = add_job(
        app,
        officer,
        status=ReportJobStatus.RUNNING,
        started_at=datetime.now(UTC) - timedelta(minutes=5),
        lease_until=datetime.now(UTC) - timedelta(minutes=1),
    )
    login_as(officer)
    status = client.get(f"/reports/jobs/{job_id}/status").json
    assert status["label"] == "Being prepared"
    assert status["finished"] is False


def test_the_scheduler_recovers_lost_jobs_every_few_minutes(app, scheduled_jobs, officer):
    lost = add_job(
        app,
        officer,
        status=ReportJobStatus.RUNNING,
        started_at=datetime.now(UTC) - timedelta(hours=1),
        lease_until=datetime.now(UTC) - timedelta(minutes=5),
    )
    recovery = scheduled_jobs()["report-job-recovery"]
    assert recovery.trigger.interval <= timedelta(minutes=5)
    assert recovery.max_instances == 1
    recovery.func()
    assert statuses(app) == {lost: ReportJobStatus.QUEUED}


def test_preparing_a_report_builds_it_outside_any_write_transaction(
    app, client, login_as, officer, monkeypatch
):
    from tracker.reports import views

    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("only SQLite takes the write lock when a request starts")
    original = views._build
    seen = []

    def watched(kind, args):
        connection = db.session.connection().connection.driver_connection
        seen.append(connection.in_transaction)
        return original(kind, args)

    login_as(officer)
    token = csrf_token_from(client.get("/reports/actions").text)
    monkeypatch.setattr(views, "_build", watched)
    response = client.post(
        "/reports/jobs", data={"csrf_token": token, "kind": "actions", "query": ""}
    )
    assert response.status_code == 303
    assert seen == [False]


def test_a_queued_job_waits_until_a_worker_takes_it(app, client, login_as, officer):
    job_id = add_job(app, officer, created_at=datetime.now(UTC) - timedelta(hours=2))
    login_as(officer)
    status = client.get(f"/reports/jobs/{job_id}/status").json
    assert status["label"] == "Waiting to start"
    assert status["finished"] is False
    assert statuses(app)[job_id] == ReportJobStatus.QUEUED  # watching runs nothing
    assert run_worker(app) == 1
    assert statuses(app)[job_id] == ReportJobStatus.READY
