"""Preparing long reports never holds the database write lock while a report is built:
two 'Prepare PDF' requests and an update posted at the same moment all succeed."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from tests.conftest import csrf_token_from, run_worker
from tests.factories import make_action, make_meeting
from tracker.actions.models import ActionUpdate
from tracker.auth.models import Role
from tracker.db import db
from tracker.reports import views
from tracker.reports.models import ReportJob

WAIT = 20


def test_two_report_jobs_and_an_update_at_once_all_succeed(
    app, make_user, liaison, browsers, monkeypatch
):
    action = make_action(app, make_meeting(app), liaison, title="Action being updated")
    people = [make_user(Role.OPCC_OFFICER, name=f"Officer {n}") for n in range(3)]
    first, second, updater = browsers(people)
    job_tokens = [csrf_token_from(b.get("/reports/actions").text) for b in (first, second)]
    update_token, _ = updater.form(f"/actions/{action.id}")

    # Both reports are held mid-build until the update has been answered: if building
    # held the write lock, the second request and the update would wait for it and fail.
    both_building = threading.Barrier(3, timeout=WAIT)
    update_answered = threading.Event()
    original = views._build

    def held_build(kind, args):
        both_building.wait()
        assert update_answered.wait(timeout=WAIT)
        return original(kind, args)

    monkeypatch.setattr(views, "_build", held_build)

    def prepare(browser, token):
        return browser.post(
            "/reports/jobs", {"csrf_token": token, "kind": "actions", "query": ""}
        ).status_code

    with ThreadPoolExecutor(max_workers=2) as pool:
        asked = [
            pool.submit(prepare, browser, token)
            for browser, token in zip((first, second), job_tokens, strict=True)
        ]
        both_building.wait()
        update = updater.post(
            f"/actions/{action.id}/updates",
            {"csrf_token": update_token, "text": "Progress while reports are prepared"},
        )
        update_answered.set()
        job_statuses = [future.result(timeout=60) for future in asked]

    assert update.status_code == 302
    assert job_statuses == [303, 303]
    run_worker(app)
    with app.app_context():
        assert db.session.scalar(select(func.count(ReportJob.id))) == 2
        assert db.session.scalar(select(func.count(ActionUpdate.id))) == 1
