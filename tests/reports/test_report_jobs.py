"""Long reports are prepared in the background and downloaded from a job page."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from tests.conftest import csrf_token_from, run_worker
from tests.factories import make_action, make_meeting, make_panel_item
from tests.reports.helpers import pdf_text, visible_text
from tracker.actions.models import Marking
from tracker.db import db
from tracker.reports.models import ReportJob, ReportJobStatus

THRESHOLD = 2


@pytest.fixture
def small_threshold(app):
    app.config["REPORT_BACKGROUND_THRESHOLD"] = THRESHOLD
    return THRESHOLD


@pytest.fixture
def three_actions(app, officer, liaison):
    meeting = make_meeting(app, title="September A&A")
    make_action(app, meeting, liaison, title="Force action one")
    make_action(app, meeting, liaison, title="Force action two")
    make_action(app, meeting, liaison, title="Force action three")
    make_action(
        app,
        meeting,
        officer,
        title="OPCC only action",
        opcc_only=True,
        marking=Marking.OFFICIAL_SENSITIVE,
    )
    return meeting


def prepare(client, page_url: str):
    """Press 'Prepare PDF' on a report page; returns the job page's path."""
    page = client.get(page_url)
    assert page.status_code == 200
    assert "Prepare PDF" in page.text
    assert "Download PDF" not in page.text
    fields = dict(
        re.findall(
            r'<input type="hidden" name="(kind|query|meeting_id)" value="([^"]*)"', page.text
        )
    )
    data = {"csrf_token": csrf_token_from(page.text), **fields}
    data["query"] = data.get("query", "").replace("&amp;", "&")
    response = client.post("/reports/jobs", data=data)
    assert response.status_code == 303
    return response.headers["Location"]


def wait_for(client, job_url: str) -> str:
    """Run the worker until the queue is empty (as `flask worker --once` does), then
    check the job has finished, as the job page's status check does; returns the job
    page's HTML."""
    run_worker(client.application)
    status = client.get(f"{job_url}/status")
    assert status.status_code == 200
    assert status.headers["Cache-Control"] == "no-store"
    assert status.json["finished"], status.json
    return client.get(job_url).text


def download(client, job_url: str):
    response = client.get(f"{job_url}/download")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    return response


def test_long_report_pdf_link_leads_to_prepare_then_ready_download(
    app, client, login_as, officer, small_threshold, three_actions
):
    login_as(officer)
    redirected = client.get("/reports/actions.pdf?q=Force")
    assert redirected.status_code == 303
    assert redirected.headers["Location"].endswith("/reports/actions?q=Force")
    page = client.get(redirected.headers["Location"])
    assert "prepared in the background" in page.text
    job_url = prepare(client, "/reports/actions?q=Force")
    assert re.fullmatch(r"/reports/jobs/\d+", job_url)
    html = wait_for(client, job_url)
    text = visible_text(html)
    assert "Ready" in text
    assert "Actions 3" in text
    response = download(client, job_url)
    assert "action-log-" in response.headers["Content-Disposition"]
    reader, pdf = pdf_text(response.data)
    assert "Action log" in pdf
    assert "Search Force" in pdf
    assert "Force action one" in pdf
    assert "Force action three" in pdf
    assert "OPCC only action" not in pdf  # filtered out by the search
    assert f"Page 1 of {len(reader.pages)}" in pdf
    assert "OFFICIAL" in pdf
    listing = visible_text(client.get("/reports/jobs").text)
    assert "Your reports" in listing
    assert "Action log" in listing
    assert "Ready" in listing


def test_every_report_kind_can_be_prepared(
    app, client, login_as, officer, liaison, small_threshold, three_actions
):
    later = make_meeting(app, title="December A&A", held_on=three_actions.held_on + timedelta(90))
    item = make_panel_item(app, text="Victim satisfaction")
    for n in range(3):
        make_action(app, item, liaison, title=f"Panel follow-up {n}")
    login_as(officer)
    for page_url, expected in (
        (f"/reports/meetings/{later.id}", "Matters arising: December A&A"),
        ("/reports/panel", "Panel follow-up 2"),
    ):
        job_url = prepare(client, page_url)
        wait_for(client, job_url)
        _, pdf = pdf_text(download(client, job_url).data)
        assert expected in pdf


def test_job_renders_with_the_requesting_users_rights_only(
    app, client, login_as, liaison, small_threshold, three_actions
):
    login_as(liaison)
    job_url = prepare(client, "/reports/actions")
    wait_for(client, job_url)
    _, pdf = pdf_text(download(client, job_url).data)
    assert "Force action two" in pdf
    assert "OPCC only action" not in pdf
    assert "OFFICIAL-SENSITIVE" not in pdf


def test_nobody_else_may_see_or_download_a_job(
    app, client, auth, login_as, officer, admin, liaison, small_threshold, three_actions
):
    login_as(officer)
    job_url = prepare(client, "/reports/actions")
    wait_for(client, job_url)
    auth.logout()
    for other in (admin, liaison):
        login_as(other)
        assert client.get(job_url).status_code == 404
        assert client.get(f"{job_url}/download").status_code == 404
        assert "Action log" not in client.get("/reports/jobs").text
        token = csrf_token_from(client.get("/reports/jobs").text)
        assert client.post(f"{job_url}/retry", data={"csrf_token": token}).status_code == 404
        auth.logout()
    assert client.get("/reports/jobs/999999").status_code == 302  # signed out: sign in first


def test_creating_a_job_needs_csrf_and_a_known_kind(
    app, client, login_as, officer, small_threshold, three_actions
):
    login_as(officer)
    assert client.post("/reports/jobs", data={"kind": "actions"}).status_code == 400
    token = csrf_token_from(client.get("/reports/actions").text)
    response = client.post("/reports/jobs", data={"csrf_token": token, "kind": "secrets"})
    assert response.status_code == 400
    response = client.post(
        "/reports/jobs", data={"csrf_token": token, "kind": "actions", "query": "as_at=2999-01-01"}
    )
    assert response.status_code == 400
    assert "must be today or in the past" in response.text
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(ReportJob.id))) == 0


def test_a_failure_is_stored_and_shown_and_can_be_tried_again(
    app, client, login_as, officer, small_threshold, three_actions, monkeypatch
):
    import tracker.reports.jobs as jobs

    original = jobs.render_pdf

    def broken(html: str) -> bytes:
        raise RuntimeError("renderer out of paper")

    monkeypatch.setattr(jobs, "render_pdf", broken)
    login_as(officer)
    job_url = prepare(client, "/reports/actions")
    html = visible_text(wait_for(client, job_url))
    assert "Failed" in html
    assert "The report was not produced" in html
    assert "could not be produced (RuntimeError)" in html
    assert client.get(f"{job_url}/download").status_code == 404
    with app.app_context():
        job = db.session.get(ReportJob, int(job_url.rsplit("/", 1)[1]))
        assert job.status == ReportJobStatus.FAILED
        assert "RuntimeError" in job.error
        assert job.finished_at is not None
    monkeypatch.setattr(jobs, "render_pdf", original)
    token = csrf_token_from(client.get(job_url).text)
    retried = client.post(f"{job_url}/retry", data={"csrf_token": token})
    assert retried.status_code == 303
    new_url = retried.headers["Location"]
    assert new_url != job_url
    wait_for(client, new_url)
    _, pdf = pdf_text(download(client, new_url).data)
    assert "Force action one" in pdf


def test_a_job_left_running_is_shown_as_stopped(app, client, login_as, officer, three_actions):
    with app.app_context():
        job = ReportJob(
            requested_by_id=officer.id,
            kind="actions",
            params={"q": ["Force"]},
            title="Action log",
            item_count=3,
            status=ReportJobStatus.RUNNING,
            created_at=datetime.now(UTC) - timedelta(hours=2),
            started_at=datetime.now(UTC) - timedelta(hours=2),
        )
        db.session.add(job)
        db.session.commit()
        job_id = job.id
    login_as(officer)
    page = client.get(f"/reports/jobs/{job_id}").text
    assert "Stopped before it finished" in page
    assert 'data-module="report-job"' not in page  # nothing left to wait for
    status = client.get(f"/reports/jobs/{job_id}/status").json
    assert status == {**status, "finished": True, "ready": False}
    assert status["label"] == "Stopped before it finished"
    assert "Try again" in page
    assert "Stopped before it finished" in client.get("/reports/jobs").text


def test_a_waiting_job_is_watched_and_shows_its_estimate(app, client, login_as, officer):
    with app.app_context():
        job = ReportJob(
            requested_by_id=officer.id,
            kind="actions",
            params={},
            title="Action log",
            item_count=1000,
            status=ReportJobStatus.QUEUED,
        )
        db.session.add(job)
        db.session.commit()
        job_id = job.id
    login_as(officer)
    page = client.get(f"/reports/jobs/{job_id}").text
    assert 'http-equiv="refresh"' not in page  # the page never reloads itself (WCAG 2.2.1)
    assert f'data-status-url="/reports/jobs/{job_id}/status"' in page
    assert "Waiting to start" in page
    assert "about 34 seconds" in page  # 2 s plus 32 ms for each of 1000 actions
    assert "check again" in page
    status = client.get(f"/reports/jobs/{job_id}/status").json
    assert status["finished"] is False
    assert status["ready"] is False
    assert status["label"] == "Waiting to start"
    assert status["estimate"] == 34


def test_prune_deletes_old_jobs_only(app, runner, officer):
    with app.app_context():
        for age in (10, 1):
            db.session.add(
                ReportJob(
                    requested_by_id=officer.id,
                    kind="panel",
                    params={},
                    title=f"{age} days old",
                    status=ReportJobStatus.READY,
                    output=b"%PDF-1.7",
                    created_at=datetime.now(UTC) - timedelta(days=age),
                )
            )
        db.session.commit()
    result = runner.invoke(args=["reports", "prune", "--days", "7"])
    assert result.exit_code == 0, result.output
    assert "Deleted 1 report job older than 7 days" in result.output
    with app.app_context():
        assert db.session.scalars(db.select(ReportJob.title)).all() == ["1 days old"]
    refused = runner.invoke(args=["reports", "prune", "--days", "0"])
    assert refused.exit_code != 0


def test_short_reports_still_download_directly(app, client, login_as, officer, liaison):
    meeting = make_meeting(app)
    make_action(app, meeting, liaison, title="Only one")
    login_as(officer)
    page = client.get("/reports/actions").text
    assert "Download PDF" in page
    assert "Prepare PDF" not in page
    assert client.get("/reports/actions.pdf").status_code == 200
