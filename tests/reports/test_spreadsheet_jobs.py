"""A long action list exported as XLSX is prepared by the worker: asked for over HTTP,
made by `flask worker --once`, downloaded from the job page, and cell for cell the
same as the direct export (visibility and OPCC-only columns included)."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from openpyxl import load_workbook

from tests.conftest import csrf_token_from
from tests.factories import make_action, make_meeting
from tracker.actions.models import Marking
from tracker.db import db
from tracker.exports import readable_heading
from tracker.reports.models import XLSX_TYPE, ReportJob, ReportJobStatus

QUERY = "sort=title"


@pytest.fixture
def actions(app, officer, liaison):
    meeting = make_meeting(app, title="September A&A")
    for n in range(4):
        make_action(app, meeting, liaison, title=f"Force action {n}", opcc_note=f"Note {n}")
    make_action(
        app,
        meeting,
        officer,
        title="OPCC only action",
        opcc_only=True,
        marking=Marking.OFFICIAL_SENSITIVE,
        opcc_note="Private note",
    )


def rows_of(body: bytes) -> list[tuple]:
    return list(load_workbook(BytesIO(body), read_only=True).active.iter_rows(values_only=True))


def direct_export(app, client, query: str = QUERY) -> list[tuple]:
    app.config["EXPORT_BACKGROUND_THRESHOLD"] = 1_000_000
    response = client.get(f"/actions/export.xlsx?{query}")
    assert response.status_code == 200
    assert response.mimetype == XLSX_TYPE
    return rows_of(response.data)


def ask_for_export(app, client, query: str = QUERY) -> str:
    """Export the list as XLSX over the threshold and press "Prepare spreadsheet";
    returns the job page's path."""
    app.config["EXPORT_BACKGROUND_THRESHOLD"] = 2
    page = client.get(f"/actions/export.xlsx?{query}")
    assert page.status_code == 200
    assert page.mimetype == "text/html"
    assert "Prepare spreadsheet" in page.text
    asked_for = re.search(r'name="query" value="([^"]*)"', page.text)[1].replace("&amp;", "&")
    assert asked_for == query
    asked = client.post(
        "/reports/jobs",
        data={"csrf_token": csrf_token_from(page.text), "kind": "actions_xlsx", "query": query},
    )
    assert asked.status_code == 303
    return asked.headers["Location"]


def run_worker_once(runner) -> None:
    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "stopped after 1 job(s)" in result.output


def download(client, job_url: str) -> list[tuple]:
    response = client.get(f"{job_url}/download")
    assert response.status_code == 200
    assert response.mimetype == XLSX_TYPE
    disposition = response.headers["Content-Disposition"]
    assert re.search(r'filename="actions-(for-import-)?\d{4}-\d\d-\d\d\.xlsx"', disposition)
    assert response.headers["Cache-Control"] == "no-store"
    return rows_of(response.data)


def export_through_a_job(app, client, runner, query: str = QUERY) -> tuple[list[tuple], str]:
    """Ask for the export, run the worker once, download; returns the rows and the
    job page's path."""
    job_url = ask_for_export(app, client, query)
    waiting = client.get(job_url).text
    assert "Waiting for a worker" in waiting
    assert "Download spreadsheet" in waiting  # hidden until ready, shown by the script
    run_worker_once(runner)
    assert "Ready" in client.get(job_url).text
    return download(client, job_url), job_url


def test_an_officers_long_export_matches_the_direct_one(
    app, client, runner, login_as, officer, actions
):
    login_as(officer)
    rows, job_url = export_through_a_job(app, client, runner)
    assert rows == direct_export(app, client)
    assert rows[0][:2] == ("Reference", "Title")  # the readable workbook
    assert readable_heading("opcc_note") in rows[0]
    assert len(rows) == 6
    assert "OPCC only action" in [row[1] for row in rows]
    with app.app_context():
        job = db.session.get(ReportJob, int(job_url.rsplit("/", 1)[1]))
        assert job.status == ReportJobStatus.READY
        assert (job.progress_done, job.progress_total, job.item_count) == (5, 5, 5)


def test_a_long_export_in_the_import_format_matches_the_direct_one(
    app, client, runner, login_as, officer, actions
):
    login_as(officer)
    rows, _ = export_through_a_job(app, client, runner, query=f"{QUERY}&format=import")
    assert rows == direct_export(app, client, query=f"{QUERY}&format=import")
    assert rows[0][:2] == ("reference", "title")
    assert "opcc_note" in rows[0]


def test_a_force_users_long_export_has_only_what_they_may_see(
    app, client, runner, login_as, liaison, actions
):
    login_as(liaison)
    rows, _ = export_through_a_job(app, client, runner)
    assert rows == direct_export(app, client)
    assert readable_heading("opcc_note") not in rows[0]
    assert sorted(row[1] for row in rows[1:]) == [f"Force action {n}" for n in range(4)]


def test_a_short_export_still_downloads_at_once(app, client, login_as, officer, actions):
    app.config["EXPORT_BACKGROUND_THRESHOLD"] = 5
    login_as(officer)
    response = client.get("/actions/export.xlsx")
    assert response.mimetype == XLSX_TYPE
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(ReportJob.id))) == 0


def test_a_failed_export_can_be_asked_for_again(
    app, client, runner, login_as, officer, actions, monkeypatch
):
    from tracker import exports

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    login_as(officer)
    monkeypatch.setattr(exports, "to_readable_xlsx", broken)
    job_url = ask_for_export(app, client)
    run_worker_once(runner)
    monkeypatch.undo()
    failed = client.get(job_url).text
    assert "could not be produced (RuntimeError)" in failed
    assert client.get(f"{job_url}/download").status_code == 404
    retried = client.post(f"{job_url}/retry", data={"csrf_token": csrf_token_from(failed)})
    assert retried.status_code == 303
    run_worker_once(runner)
    assert len(download(client, retried.headers["Location"])) == 6


def test_the_export_job_reports_each_row_as_it_writes_it(
    app, client, runner, login_as, officer, actions, monkeypatch
):
    from tracker.reports import jobs

    written = []
    original = jobs._write_if_held

    def watched(job_id, token, **values):
        written.append((values.get("stage"), values.get("progress_done")))
        return original(job_id, token, **values)

    monkeypatch.setattr(jobs, "PROGRESS_EVERY", 0)
    monkeypatch.setattr(jobs, "_write_if_held", watched)
    login_as(officer)
    job_url = ask_for_export(app, client)
    run_worker_once(runner)
    assert written == [
        ("Writing the rows", 0),
        *[(None, done) for done in range(1, 6)],
        ("Ready", 5),
    ]
    assert len(download(client, job_url)) == 6
