"""Statutory deadlines in the reminder digest: to Panel clerks and the OPCC lead, never
to the force, with links each recipient can open."""

from __future__ import annotations

import re
from datetime import date

import pytest

from tracker.auth.models import Role
from tracker.db import db
from tracker.reminders.models import OutboxMessage
from tracker.statutory.models import PreceptYear
from tracker.statutory.queries import open_deadlines

# Wednesday 8 February 2023: the Panel's report on the 2023/24 precept is due today.
REPORT_DAY = date(2023, 2, 8)


@pytest.fixture
def precept(app) -> int:
    with app.app_context():
        record = PreceptYear(financial_year=2023, proposal_notified_on=date(2023, 1, 27))
        db.session.add(record)
        db.session.commit()
        return record.id


def test_open_deadlines_lists_undone_steps_that_apply(app, precept):
    with app.app_context():
        found = open_deadlines(REPORT_DAY)
    # Notified already; no veto, so the veto steps do not apply: the report and issue remain.
    assert [(d.item_type, d.due) for d in found] == [
        ("precept_2", date(2023, 2, 8)),
        ("precept_5", date(2023, 3, 1)),
    ]
    assert "reg. 4" in found[0].text


def test_open_deadlines_stop_four_weeks_after_the_date(app, precept):
    with app.app_context():
        assert open_deadlines(date(2023, 3, 30)) == []


def test_statutory_deadline_reaches_clerks_and_the_opcc_lead_not_the_force(
    app, run_day, leads, clerk, liaison, make_user, precept
):
    result, _ = run_day(REPORT_DAY)
    got = {(r.rule, r.recipient_id) for r in result.new}
    assert ("statutory_due_today", clerk.id) in got
    assert ("statutory_due_today", leads["opcc"].id) in got
    assert all(r.recipient_id not in {liaison.id, leads["force"].id} for r in result.new)


def test_statutory_links_open_for_the_clerk(app, run_day, leads, clerk, login_as, client, precept):
    run_day(REPORT_DAY)
    with app.app_context():
        body = db.session.query(OutboxMessage).filter_by(recipient_id=clerk.id).one().text_body
    paths = set(re.findall(r"https?://[^/\s]+(/statutory/[^\s\"'<>)]*)", body))
    assert paths == {f"/statutory/precepts/{precept}"}
    login_as(clerk)
    for path in paths:
        assert client.get(path).status_code == 200


def test_only_active_clerks_are_told(app, run_day, leads, make_user, precept):
    gone = make_user(Role.PANEL_CLERK, name="Gone Clerk", email="gone@panel.example.org")
    with app.app_context():
        from tracker.auth.models import User

        db.session.get(User, gone.id).active = False
        db.session.commit()
    result, _ = run_day(REPORT_DAY)
    assert all(r.recipient_id != gone.id for r in result.new)
