"""A meeting's outcome summary and publication date: recorded on the meeting form,
audited, and shown on the meeting's page."""

from __future__ import annotations

from datetime import date, time

import pytest
from sqlalchemy import select

from tests.factories import make_meeting
from tracker.audit.models import AuditEvent
from tracker.db import db
from tracker.sources.models import Meeting


def test_officer_records_the_outcome_on_the_meeting_form(app, client, login_as, officer, post_form):
    meeting = make_meeting(app, title="Meeting Rowan", held_on=date(2026, 5, 6))
    login_as(officer)
    edit_url = f"/meetings/{meeting.id}/edit"
    page = client.get(edit_url).text
    assert 'name="outcome_summary"' in page
    with app.app_context():
        kind_id = str(db.session.get(Meeting, meeting.id).kind_id)
    response = post_form(
        edit_url,
        {
            "version": "1",
            "kind": kind_id,
            "title": "Meeting Rowan",
            "held_on": ["6", "5", "2026"],
            "starts_at": "9.30",
            "published": "y",
            "outcome_summary": "The PCC was assured on response times.",
            "outcome_published_on": ["20", "5", "2026"],
        },
    )
    assert response.status_code == 302, response.text
    with app.app_context():
        saved = db.session.get(Meeting, meeting.id)
        assert saved.outcome_published_on == date(2026, 5, 20)
        changes = db.session.scalars(
            select(AuditEvent.changes).where(
                AuditEvent.entity_type == "meeting", AuditEvent.action == "updated"
            )
        ).one()
        assert changes["outcome_published_on"] == [None, "2026-05-20"]
        assert saved.starts_at == time(9, 30)
        assert changes["starts_at"] == [None, "09:30"]
    shown = client.get(f"/meetings/{meeting.id}").text
    assert "6 May 2026, 09:30" in shown
    assert "The PCC was assured on response times." in shown
    assert "20 May 2026" in shown


@pytest.mark.parametrize("typed", ["25:00", "9am", "10:5x", "12:60"])
def test_a_start_time_that_is_not_a_time_is_explained_and_nothing_changes(
    app, client, login_as, officer, post_form, typed
):
    meeting = make_meeting(app, title="Meeting Willow", held_on=date(2026, 5, 6))
    login_as(officer)
    with app.app_context():
        kind_id = str(db.session.get(Meeting, meeting.id).kind_id)
    response = post_form(
        f"/meetings/{meeting.id}/edit",
        {
            "version": "1",
            "kind": kind_id,
            "title": "Meeting Willow renamed",
            "held_on": ["6", "5", "2026"],
            "starts_at": typed,
        },
    )
    assert response.status_code == 200
    assert "Start time must be a time on the 24-hour clock, like 10:00 or 14:30" in response.text
    assert f'value="{typed}"' in response.text  # what was typed is kept to correct
    with app.app_context():
        kept = db.session.get(Meeting, meeting.id)
        assert (kept.title, kept.starts_at, kept.version) == ("Meeting Willow", None, 1)
