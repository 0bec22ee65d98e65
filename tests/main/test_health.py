"""The health checks (public and detailed) and the layout every page shares."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tracker.db import db, utcnow
from tracker.heartbeats import DAILY_RUN, SCHEDULER, WORKER, Heartbeat, beat

TOKEN = "monitor-token-for-the-health-tests-0123456789"


def test_healthz_says_only_ok_without_sign_in(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_healthz_reports_database_failure_without_naming_it(app, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database unreachable")

    client = app.test_client()
    with app.app_context():
        monkeypatch.setattr(db.session, "execute", broken)
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "error"}


@pytest.fixture
def monitored(app):
    app.config["HEALTH_TOKEN"] = TOKEN
    return app


def _detail(client, token=TOKEN):
    return client.get("/healthz/detail", headers={"Authorization": f"Bearer {token}"})


def _beat(app, name, age):
    with app.app_context():
        beat(name, sent=3)
        db.session.get(Heartbeat, name).beat_at = utcnow() - age
        db.session.commit()


def test_detail_reports_each_part_alive_with_its_age(monitored, client):
    _beat(monitored, SCHEDULER, timedelta(seconds=30))
    _beat(monitored, DAILY_RUN, timedelta(hours=3))
    response = _detail(client)
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["checks"]["scheduler"]["status"] == "ok"
    assert 25 <= body["checks"]["scheduler"]["age_seconds"] <= 90
    assert body["checks"]["daily_run"]["sent"] == 3
    assert body["checks"]["outbox"] == {
        "status": "ok",
        "pending": 0,
        "failed": 0,
        "oldest_pending_age_seconds": None,
    }
    assert response.headers["Cache-Control"] == "no-store"


def test_detail_is_503_naming_a_stopped_scheduler_and_a_missed_daily_run(monitored, client):
    _beat(monitored, SCHEDULER, timedelta(minutes=12))
    _beat(monitored, DAILY_RUN, timedelta(hours=30))
    response = _detail(client)
    assert response.status_code == 503
    checks = response.get_json()["checks"]
    assert "12 minutes ago" in checks["scheduler"]["problem"]
    assert "reminders have stopped" in checks["daily_run"]["problem"]


def test_detail_says_when_the_scheduler_never_ran(monitored, client):
    response = _detail(client)
    assert response.status_code == 503
    assert "never run" in response.get_json()["checks"]["scheduler"]["problem"]


def test_detail_counts_failed_mail(monitored, client, officer):
    from tracker.actions.models import Marking
    from tracker.reminders.models import OutboxMessage, OutboxStatus

    _beat(monitored, SCHEDULER, timedelta(seconds=5))
    _beat(monitored, DAILY_RUN, timedelta(hours=1))
    with monitored.app_context():
        db.session.add(
            OutboxMessage(
                run_on=utcnow().date(),
                to_address="olu.officer@opcc.example.org",
                subject="Reminders",
                text_body="x",
                html_body="x",
                marking=Marking.OFFICIAL,
                status=OutboxStatus.FAILED,
            )
        )
        db.session.commit()
    response = _detail(client)
    assert response.status_code == 503
    outbox = response.get_json()["checks"]["outbox"]
    assert outbox["failed"] == 1
    assert "could not be sent" in outbox["problem"]


@pytest.mark.parametrize("token", ["wrong-token", "", TOKEN[:-1]])
def test_detail_refuses_a_wrong_token(monitored, client, token):
    response = _detail(client, token)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_detail_refuses_every_token_when_none_is_configured(app, client):
    app.config["HEALTH_TOKEN"] = ""
    response = client.get("/healthz/detail", headers={"Authorization": "Bearer "})
    assert response.status_code == 302


def test_detail_is_refused_to_other_signed_in_users(client, login_as, officer):
    login_as(officer)
    assert client.get("/healthz/detail").status_code == 403


def test_detail_is_shown_to_a_signed_in_administrator(app, client, login_as, admin):
    _beat(app, SCHEDULER, timedelta(seconds=5))
    _beat(app, DAILY_RUN, timedelta(hours=1))
    login_as(admin)
    response = client.get("/healthz/detail")
    assert response.status_code == 200
    assert set(response.get_json()["checks"]) == {
        "database",
        "scheduler",
        "daily_run",
        "worker",
        "outbox",
    }


def test_home_needs_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_unknown_page_is_a_styled_404(client, officer, login_as):
    login_as(officer)
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "<title>Page not found" in response.text
    assert 'class="govuk-heading-l">Page not found' in response.text


def test_signed_in_page_has_title_skip_link_and_service_name(client, officer, login_as):
    login_as(officer)
    page = client.get("/").text
    assert "<title>Home \N{EN DASH} Holding to account tracker</title>" in page
    assert 'href="#main-content"' in page
    assert "Holding to account tracker" in page
    assert "Olu Officer" in page


def _queue_report_job(app, user) -> None:
    from tracker.reports.models import ReportJob

    with app.app_context():
        db.session.add(ReportJob(requested_by_id=user.id, kind="actions", params={}))
        db.session.commit()


def test_detail_shows_the_worker_alive_with_its_age(monitored, client):
    _beat(monitored, SCHEDULER, timedelta(seconds=5))
    _beat(monitored, DAILY_RUN, timedelta(hours=1))
    _beat(monitored, WORKER, timedelta(seconds=20))
    response = _detail(client)
    assert response.status_code == 200
    worker = response.get_json()["checks"]["worker"]
    assert worker["status"] == "ok"
    assert 15 <= worker["age_seconds"] <= 80
    assert worker["jobs_waiting"] == 0


def test_a_stopped_worker_is_fine_while_no_job_waits(monitored, client):
    _beat(monitored, SCHEDULER, timedelta(seconds=5))
    _beat(monitored, DAILY_RUN, timedelta(hours=1))
    _beat(monitored, WORKER, timedelta(hours=2))
    response = _detail(client)
    assert response.status_code == 200
    assert response.get_json()["checks"]["worker"]["status"] == "ok"


def test_detail_is_503_when_jobs_wait_and_the_worker_stopped(monitored, client, officer):
    _beat(monitored, SCHEDULER, timedelta(seconds=5))
    _beat(monitored, DAILY_RUN, timedelta(hours=1))
    _beat(monitored, WORKER, timedelta(minutes=12))
    _queue_report_job(monitored, officer)
    response = _detail(client)
    assert response.status_code == 503
    worker = response.get_json()["checks"]["worker"]
    assert worker["jobs_waiting"] == 1
    assert "12 minutes ago" in worker["problem"]


def test_detail_is_503_when_jobs_wait_and_no_worker_ever_ran(monitored, client, officer):
    _beat(monitored, SCHEDULER, timedelta(seconds=5))
    _beat(monitored, DAILY_RUN, timedelta(hours=1))
    _queue_report_job(monitored, officer)
    response = _detail(client)
    assert response.status_code == 503
    assert "flask worker" in response.get_json()["checks"]["worker"]["problem"]
