"""An import of more rows than IMPORT_BACKGROUND_THRESHOLD is written by the worker:
confirmed over HTTP, followed on the job page, written once in one transaction by the
same commit as a direct import (audit events and undo included), and refused cleanly
when a row fails at commit time."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import AuthActions, csrf_token_from, run_worker
from tests.factories import make_meeting
from tests.imports.conftest import csv_bytes
from tests.imports.test_commit_and_undo import HEADINGS, action_count, batch_form, undo
from tracker.audit.models import AuditEvent
from tracker.auth.models import Role, User
from tracker.db import db, utcnow
from tracker.imports import jobs as import_jobs
from tracker.imports.models import ImportBatch, ImportStatus
from tracker.reports import jobs
from tracker.reports.models import ReportJob, ReportJobStatus

JOB_URL_RE = re.compile(r"/reports/jobs/(\d+)$")


def three_new_actions(owner_email: str) -> bytes:
    return csv_bytes(
        [
            HEADINGS,
            ["AA-2023-050", "First", "Meeting A", owner_email, "1/6/23", "30/6/23", "Begun"],
            ["AA-2023-051", "Second", "Meeting A", owner_email, "1/6/23", "30/7/23", ""],
            ["AA-2023-052", "Third", "Meeting A", owner_email, "1/6/23", "30/8/23", ""],
        ]
    )


@pytest.fixture
def checked(app, login_as, officer, upload_and_check):
    """Officer signed in; three new actions uploaded and checked, with a threshold of two
    rows. Returns the batch id."""
    app.config["IMPORT_BACKGROUND_THRESHOLD"] = 2
    make_meeting(app, title="Meeting A")
    login_as(officer)
    batch_id, page = upload_and_check(three_new_actions(officer.email), "log.csv")
    assert "Import 3 records" in page.text
    return batch_id


def confirm(client, batch_id: int, form: dict | None = None) -> str:
    """Press the import button (or post `form` to it); returns the job page's path it
    leads to."""
    form = form or batch_form(client, batch_id)
    response = client.post(f"/imports/{batch_id}/commit", data=form)
    assert response.status_code == 303, response.text
    assert JOB_URL_RE.search(response.headers["Location"])
    return response.headers["Location"]


def job_of(app, job_url: str) -> ReportJob:
    with app.app_context():
        job = db.session.get(ReportJob, int(JOB_URL_RE.search(job_url).group(1)))
        db.session.expunge(job)
        return job


def events_of(app, batch_id: int) -> list[tuple[str, str]]:
    with app.app_context():
        return sorted(
            db.session.execute(
                select(AuditEvent.entity_type, AuditEvent.action).where(
                    AuditEvent.batch_id == batch_id
                )
            ).all()
        )


def test_a_large_import_is_written_once_by_the_worker(app, client, officer, checked):
    form = batch_form(client, checked)
    job_url = confirm(client, checked, form)
    waiting = client.get(job_url)
    assert waiting.status_code == 200
    assert "Import of log.csv" in waiting.text
    assert "Waiting for a worker" in waiting.text
    assert action_count(app) == 0
    batch_page = client.get(f"/imports/{checked}").text
    assert "being written by the job worker" in batch_page
    assert "Import 3 records" not in batch_page  # no second confirm while it waits
    assert confirm(client, checked, form) == job_url  # pressing again leads to the same job
    with app.app_context():
        assert db.session.scalar(select(func.count(ReportJob.id))) == 1

    assert run_worker(app) == 1

    job = job_of(app, job_url)
    assert job.status == ReportJobStatus.READY
    assert (job.progress_done, job.progress_total, job.item_count) == (3, 3, 3)
    done = client.get(job_url).text
    assert "The import is written" in done
    assert f'href="/imports/{checked}"' in done
    batch_page = client.get(f"/imports/{checked}").text
    assert "3 created, 0 updated, 0 skipped from log.csv" in batch_page
    assert "Undo this import" in batch_page
    assert action_count(app) == 3
    with app.app_context():
        batch = db.session.get(ImportBatch, checked)
        assert batch.status == ImportStatus.COMMITTED
        assert (batch.row_count, batch.created_count) == (3, 3)
        assert batch.content is None
    events = events_of(app, checked)
    assert events.count(("action", "created")) == 3
    assert events.count(("action", "update_added")) == 1
    assert events.count(("import_batch", "committed")) == 1

    assert run_worker(app) == 0  # nothing more to do
    assert action_count(app) == 3
    assert events_of(app, checked) == events

    assert undo(client, checked).status_code == 302
    assert action_count(app) == 0


def test_the_audit_trail_is_the_same_as_a_direct_import(
    app, client, login_as, officer, upload_and_check
):
    make_meeting(app, title="Meeting A")
    login_as(officer)
    app.config["IMPORT_BACKGROUND_THRESHOLD"] = 100
    direct_id, _ = upload_and_check(three_new_actions(officer.email), "log.csv")
    direct = client.post(f"/imports/{direct_id}/commit", data=batch_form(client, direct_id))
    assert direct.status_code == 302  # written in the request
    assert undo(client, direct_id).status_code == 302
    app.config["IMPORT_BACKGROUND_THRESHOLD"] = 2
    queued_id, _ = upload_and_check(three_new_actions(officer.email), "log.csv")
    confirm(client, queued_id)
    run_worker(app)
    undone = {("action", "deleted"), ("import_batch", "undone")}
    assert [e for e in events_of(app, direct_id) if e not in undone] == events_of(app, queued_id)


def test_a_row_failing_at_commit_time_fails_the_job_and_writes_nothing(
    app, client, login_as, officer, make_user, upload_and_check
):
    app.config["IMPORT_BACKGROUND_THRESHOLD"] = 2
    owner = make_user(Role.OPCC_OFFICER, email="owner@example.org")
    make_meeting(app, title="Meeting A")
    login_as(officer)
    batch_id, _ = upload_and_check(three_new_actions(owner.email), "log.csv")
    job_url = confirm(client, batch_id)
    with app.app_context():  # the owner's address changes before the worker gets to it
        db.session.get(User, owner.id).email = "owner.moved@example.org"
        db.session.commit()

    assert run_worker(app) == 1

    assert job_of(app, job_url).status == ReportJobStatus.FAILED
    page = client.get(job_url).text
    assert "The import was not written" in page
    assert "The file has errors, so nothing was imported" in page
    assert f'href="/imports/{batch_id}"' in page
    assert action_count(app) == 0
    assert events_of(app, batch_id) == []
    batch_page = client.get(f"/imports/{batch_id}").text
    assert "being written by the job worker" not in batch_page
    assert "No user has the email address owner@example.org" in batch_page
    with app.app_context():
        assert db.session.get(ImportBatch, batch_id).status == ImportStatus.PENDING


def signed_in(app, user: User):
    """A client of its own, signed in as `user`."""
    other = app.test_client()
    assert AuthActions(other).login(user.email).status_code == 302
    return other


def test_only_the_person_who_confirmed_sees_the_job(
    app, client, officer, liaison, clerk, admin, make_user, checked
):
    job_url = confirm(client, checked)
    assert client.get(job_url).status_code == 200
    colleague = make_user(Role.OPCC_OFFICER)
    for other in (liaison, clerk, admin, colleague):
        other_client = signed_in(app, other)
        assert other_client.get(job_url).status_code in (403, 404), other.role
        assert other_client.get(f"{job_url}/status").status_code in (403, 404), other.role
        assert "Import of log.csv" not in other_client.get("/reports/jobs").text
    # another importer sees the import is on its way, without a way to the job, and
    # pressing import (from a page opened earlier) leads back to the import, queueing nothing
    colleagues = signed_in(app, colleague)
    batch_page = colleagues.get(f"/imports/{checked}").text
    assert "being written by the job worker" in batch_page
    assert job_url not in batch_page
    with app.app_context():
        version = db.session.get(ImportBatch, checked).version
    token = csrf_token_from(colleagues.get("/imports/new").text)
    pressed = colleagues.post(
        f"/imports/{checked}/commit", data={"csrf_token": token, "version": version}
    )
    assert pressed.headers["Location"].endswith(f"/imports/{checked}")
    with app.app_context():
        assert db.session.scalar(select(func.count(ReportJob.id))) == 1


def test_a_retry_after_the_worker_stopped_writes_the_import_once(app, client, officer, checked):
    """The first worker wrote the import and stopped before marking the job ready: the
    retry finds the import written by this job and finishes without writing again."""
    job_url = confirm(client, checked)
    job_id = job_of(app, job_url).id
    with app.app_context():
        assert jobs.claim_next(token="first") == job_id
        job = db.session.get(ReportJob, job_id)
        user = db.session.get(User, officer.id)
        import_jobs.commit_import(job, user, jobs.Progress(job_id, "first"))
        db.session.remove()
        assert jobs.recover_interrupted(now=utcnow() + timedelta(hours=1)) == [job_id]
    assert action_count(app) == 3

    assert run_worker(app) == 1

    job = job_of(app, job_url)
    assert (job.status, job.attempt) == (ReportJobStatus.READY, 2)
    assert action_count(app) == 3
    assert events_of(app, checked).count(("import_batch", "committed")) == 1


def test_a_worker_that_lost_the_job_mid_import_keeps_nothing(app, client, officer, checked):
    job_url = confirm(client, checked)
    job_id = job_of(app, job_url).id

    class TakenOverWhileWriting(jobs.Progress):
        def stage(self, name: str, *, total: int = 0) -> None:
            super().stage(name, total=total)
            if name.startswith("Writing"):  # another worker takes the job over
                with db.engine.begin() as connection:
                    connection.execute(
                        ReportJob.__table__.update()
                        .where(ReportJob.id == job_id)
                        .values(claimed_by="second")
                    )

    with app.app_context():
        events_before = db.session.scalar(select(func.count(AuditEvent.id)))
        jobs.claim_next(token="first")
        job = db.session.get(ReportJob, job_id)
        user = db.session.get(User, officer.id)
        with pytest.raises(jobs.LeaseLostError):
            import_jobs.commit_import(job, user, TakenOverWhileWriting(job_id, "first"))
        db.session.rollback()
        assert db.session.scalar(select(func.count(AuditEvent.id))) == events_before
        assert db.session.get(ImportBatch, checked).status == ImportStatus.PENDING
    assert action_count(app) == 0


def test_small_imports_are_still_written_in_the_request(app, client, officer, checked):
    app.config["IMPORT_BACKGROUND_THRESHOLD"] = 3
    response = client.post(f"/imports/{checked}/commit", data=batch_form(client, checked))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/imports/{checked}")
    assert action_count(app) == 3
    with app.app_context():
        assert db.session.scalar(select(func.count(ReportJob.id))) == 0
