"""Reminders for the chief constable's papers before an A&A meeting."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tests.factories import make_meeting
from tests.reminders.conftest import TODAY
from tracker.db import db
from tracker.reminders.models import ReminderItem
from tracker.sources.models import Meeting, MeetingState


def _papers_reminders(app) -> list[ReminderItem]:
    with app.app_context():
        return db.session.scalars(
            select(ReminderItem).where(ReminderItem.item_type == "meeting_papers")
        ).all()


def test_the_force_lead_and_the_meetings_opcc_lead_are_told_papers_are_due_today(
    app, run_day, officer, leads, client, login_as
):
    # 10 June 2026 is a Wednesday; papers are due 5 working days before 17 June.
    meeting = make_meeting(
        app,
        held_on=TODAY + timedelta(days=7),
        state=MeetingState.PLANNED,
        title="June performance meeting",
        opcc_lead_id=officer.id,
        published=False,
    )
    run_day(TODAY)
    items = _papers_reminders(app)
    force_lead = leads["force"]
    assert {item.recipient_id for item in items} == {officer.id, force_lead.id}
    assert all(item.item_id == meeting.id for item in items)
    with app.app_context():
        message = db.session.get(ReminderItem, items[0].id).message
        assert "June performance meeting" in message.text_body
        assert "chief constable's papers" in message.text_body
    assert run_day(TODAY)[0].new == []
    # The link opens for the force lead contact.
    login_as(force_lead)
    assert client.get(f"/meetings/{meeting.id}").status_code == 200


def test_no_reminder_once_the_papers_are_received(app, run_day, officer, leads):
    make_meeting(
        app,
        held_on=TODAY + timedelta(days=7),
        state=MeetingState.PLANNED,
        papers_received_on=TODAY - timedelta(days=1),
    )
    run_day(TODAY)
    assert _papers_reminders(app) == []


def test_no_reminder_for_a_cancelled_meeting(app, run_day, officer, leads):
    make_meeting(
        app,
        held_on=TODAY + timedelta(days=7),
        state=MeetingState.CANCELLED,
        cancel_reason="The PCC is unavailable",
    )
    run_day(TODAY)
    assert _papers_reminders(app) == []
    with app.app_context():
        assert db.session.scalar(select(Meeting.state)) == MeetingState.CANCELLED
