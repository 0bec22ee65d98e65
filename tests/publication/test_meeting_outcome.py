"""A meeting's outcome summary and publication date: recorded on the meeting form,
audited, and shown on the meeting's page."""

from __future__ import annotations

from datetime import date

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
    shown = client.get(f"/meetings/{meeting.id}").text
    assert "The PCC was assured on response times." in shown
    assert "20 May 2026" in shown
