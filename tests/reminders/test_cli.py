"""`flask reminders run` and `flask scheduler`, through the command line."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from tests.conftest import free_port
from tests.factories import make_action, make_meeting
from tests.reminders.conftest import TODAY, item_count, outbox_count
from tracker.db import db, utcnow
from tracker.reminders.models import OutboxMessage


def test_dry_run_prints_what_would_be_sent_and_changes_nothing(app, runner, liaison, leads):
    make_action(app, make_meeting(app), liaison, due_on=TODAY)
    result = runner.invoke(args=["reminders", "run", "--today", TODAY.isoformat(), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Would send 1 new reminder(s) in 1 email(s)" in result.output
    assert liaison.email in result.output
    assert outbox_count(app) == 0
    assert item_count(app) == 0


def test_run_plans_and_sends_then_a_second_run_sends_nothing(
    app, runner, liaison, leads, smtp_server
):
    make_action(app, make_meeting(app), liaison, due_on=TODAY)
    first = runner.invoke(args=["reminders", "run", "--today", TODAY.isoformat()])
    assert "Planned 1 new reminder(s) in 1 email(s)" in first.output
    assert "Sent 1" in first.output
    second = runner.invoke(args=["reminders", "run", "--today", TODAY.isoformat()])
    assert "Planned 0 new reminder(s) in 0 email(s)" in second.output
    assert len(smtp_server.to(liaison.email)) == 1


def test_bad_date_is_refused(app, runner):
    result = runner.invoke(args=["reminders", "run", "--today", "2026-02-30"])
    assert result.exit_code != 0
    assert "Invalid value" in result.output
    assert outbox_count(app) == 0


def test_problems_are_printed(app, runner, liaison):
    make_action(
        app,
        make_meeting(app),
        liaison,
        raised_on=TODAY - timedelta(days=60),
        due_on=TODAY - timedelta(days=20),
    )
    result = runner.invoke(args=["reminders", "run", "--today", TODAY.isoformat()])
    assert "Problem: No OPCC lead is set" in result.output


def test_scheduler_runs_one_daily_job_in_london_time(app, scheduled_jobs):
    jobs = scheduled_jobs("--at", "07:00")
    job = jobs["reminders"]
    assert job.max_instances == 1
    assert job.coalesce is True
    assert str(job.trigger.timezone) == "Europe/London"
    assert "outbox-retry" in jobs


def test_scheduler_housekeeping_deletes_report_pdfs_older_than_a_week(app, scheduled_jobs, officer):
    from datetime import timedelta

    from tracker.db import db
    from tracker.reports.models import ReportJob, ReportJobStatus

    with app.app_context():
        for age in (8, 2):
            db.session.add(
                ReportJob(
                    requested_by_id=officer.id,
                    kind="actions",
                    title=f"{age} days old",
                    status=ReportJobStatus.READY,
                    created_at=datetime.now(UTC) - timedelta(days=age),
                )
            )
        db.session.commit()
    housekeeping = scheduled_jobs()["housekeeping"]
    assert housekeeping.max_instances == 1
    housekeeping.func()
    with app.app_context():
        assert [job.title for job in db.session.scalars(db.select(ReportJob))] == ["2 days old"]


def test_scheduler_beats_every_minute_and_after_each_daily_run(app, scheduled_jobs):
    from tracker.db import db
    from tracker.heartbeats import Heartbeat

    jobs = scheduled_jobs()
    heartbeat = jobs["heartbeat"]
    assert heartbeat.trigger.interval.total_seconds() == 60
    heartbeat.func()
    jobs["reminders"].func()
    with app.app_context():
        beats = {beat.name: beat for beat in db.session.scalars(db.select(Heartbeat))}
    assert set(beats) == {"scheduler", "daily_run"}
    assert beats["daily_run"].detail == {"emails": 0, "sent": 0, "deferred": 0, "failed": 0}


@pytest.mark.parametrize(
    ("now_utc", "expected_utc_hour"),
    [
        (datetime(2026, 3, 27, 12, 0, tzinfo=UTC), 7),  # GMT: 07:00 London is 07:00 UTC
        (datetime(2026, 3, 29, 12, 0, tzinfo=UTC), 6),
    ],  # BST from 29 March: 07:00 London is 06:00 UTC
)
def test_daily_run_stays_at_seven_local_across_the_clock_change(now_utc, expected_utc_hour):
    from apscheduler.triggers.cron import CronTrigger

    trigger = CronTrigger(hour=7, minute=0, timezone="Europe/London")
    next_run = trigger.get_next_fire_time(None, now_utc)
    assert next_run.astimezone(ZoneInfo("Europe/London")).hour == 7
    assert next_run.astimezone(UTC).hour == expected_utc_hour


@pytest.mark.parametrize(
    ("now_utc", "expected_day"),
    [
        (datetime(2026, 3, 28, 23, 30, tzinfo=UTC), "2026-03-28"),  # still GMT
        (datetime(2026, 6, 10, 23, 30, tzinfo=UTC), "2026-06-11"),
    ],  # BST: already tomorrow in London
)
def test_today_is_the_london_date(app, monkeypatch, now_utc, expected_day):
    import tracker.clock as clock

    class FrozenDatetime(datetime):
        @classmethod
        def now(cls, tz=None):
            return now_utc.astimezone(tz) if tz else now_utc

    monkeypatch.setattr(clock, "datetime", FrozenDatetime)
    with app.app_context():
        assert clock.today().isoformat() == expected_day


def _two_owners_due_today(app, liaison, make_user):
    from tracker.auth.models import Role

    other = make_user(Role.FORCE_LIAISON, name="Sam Second", email="sam@police.example.org")
    meeting = make_meeting(app)
    make_action(app, meeting, liaison, due_on=TODAY)
    make_action(app, meeting, other, due_on=TODAY)
    return other


def test_run_with_the_mail_server_up_exits_zero(app, runner, liaison, leads, smtp_server):
    make_action(app, make_meeting(app), liaison, due_on=TODAY)
    result = runner.invoke(args=["reminders", "run", "--today", TODAY.isoformat()])
    assert result.exit_code == 0, result.output
    assert "Sent 1 email(s); 0 not sent" in result.output
    assert "Not sent" not in result.output


def test_run_with_the_mail_server_down_names_each_failure_and_exits_one(
    app, runner, liaison, leads, make_user
):
    other = _two_owners_due_today(app, liaison, make_user)
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_USERNAME="")
    result = runner.invoke(args=["reminders", "run", "--today", TODAY.isoformat()])
    assert result.exit_code == 1, result.output
    assert "Sent 0 email(s); 2 not sent and left to retry" in result.output
    for person in (liaison, other):
        line = next(ln for ln in result.output.splitlines() if f"to {person.email}:" in ln)
        assert line.strip().startswith("Not sent (will retry)")
        assert "Connection" in line  # the error itself, e.g. ConnectionRefusedError


def _due_again(app) -> None:
    with app.app_context():
        for message in db.session.scalars(select(OutboxMessage)):
            message.next_attempt_at = utcnow()
        db.session.commit()


def test_send_exits_one_while_the_server_is_down_and_zero_once_it_is_back(
    app, runner, liaison, leads, make_user, smtp_server
):
    other = _two_owners_due_today(app, liaison, make_user)
    port = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = free_port()
    assert runner.invoke(args=["reminders", "run", "--today", TODAY.isoformat()]).exit_code == 1
    assert runner.invoke(args=["reminders", "send"]).exit_code == 0  # none due yet
    _due_again(app)
    down = runner.invoke(args=["reminders", "send"])
    assert down.exit_code == 1
    assert liaison.email in down.output
    assert other.email in down.output
    app.config["MAIL_PORT"] = port
    _due_again(app)
    back = runner.invoke(args=["reminders", "send"])
    assert back.exit_code == 0, back.output
    assert "Sent 2 email(s); 0 not sent" in back.output
    assert len(smtp_server.messages) == 2


def test_scheduler_refreshes_sqlite_statistics_at_start_and_every_six_hours(
    app, scheduled_jobs, officer
):
    from sqlalchemy import inspect, text

    from tracker.db import db

    make_action(app, make_meeting(app), officer)  # ANALYZE leaves empty tables out
    optimize = scheduled_jobs()["optimize-database"]
    assert optimize.max_instances == 1
    assert optimize.coalesce is True
    assert optimize.trigger.interval.total_seconds() == 6 * 3600
    assert optimize.next_run_time is not None  # the first run is at start
    with app.app_context():
        sqlite = db.engine.dialect.name == "sqlite"
    optimize.func()
    optimize.func()  # a second run changes nothing but the statistics
    with app.app_context():
        if sqlite:
            analysed = db.session.scalars(text("SELECT DISTINCT tbl FROM sqlite_stat1")).all()
            assert "actions" in analysed
        else:  # PostgreSQL keeps its own statistics: the job leaves it alone
            assert "sqlite_stat1" not in inspect(db.engine).get_table_names()
