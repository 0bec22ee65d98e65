"""The A&A programme in a real browser, with axe on every page it loads."""

from __future__ import annotations

from datetime import date

from tests.conftest import DEFAULT_PASSWORD
from tests.factories import make_meeting, meeting_kind
from tracker.db import db
from tracker.programme.models import LineOfEnquiry, PublicQuestion
from tracker.sources.models import MeetingState


def test_force_opens_the_next_meeting_from_the_timetable_and_answers_a_line(
    ui, app, officer, liaison, admin
):
    meeting = make_meeting(
        app,
        held_on=date(2099, 6, 3),
        state=MeetingState.PLANNED,
        title="Performance meeting Kestrel",
        themes="Victims",
    )
    with app.app_context():
        db.session.add(
            LineOfEnquiry(meeting_id=meeting.id, question="How are victims kept informed?")
        )
        db.session.add(
            PublicQuestion(
                meeting_id=meeting.id, question="Why close the front counter?", published=True
            )
        )
        db.session.commit()

    ui.sign_in(liaison.email, DEFAULT_PASSWORD)
    ui.goto("/programme/timetable?year=2099")
    assert ui.heading == "A&A timetable 2099/00"
    assert "Planned" in ui.text()
    ui.click("Performance meeting Kestrel", role="link")
    assert "How are victims kept informed?" in ui.text()
    ui.click("Answer line of enquiry 1", role="link")
    ui.fill("The force's answer", "A weekly update call from the case officer")
    ui.click("Save answer")
    assert "Answer saved" in ui.text()
    assert "A weekly update call from the case officer" in ui.text()
    ui.sign_out()

    ui.sign_in(officer.email, DEFAULT_PASSWORD)
    ui.goto(f"/meetings/{meeting.id}")
    ui.click("Conclude line of enquiry 1", role="link")
    ui.fill("The OPCC's conclusion", "The PCC sought reassurance that calls are logged")
    ui.click("Save conclusion")
    assert "Outcome" in ui.text()
    ui.click("Add a line of enquiry", role="link")
    ui.fill("Question", "What is the abstraction rate?")
    ui.click("Save line of enquiry")
    ui.click("Record a public question", role="link")
    ui.fill("Question", "When will the station reopen?")
    ui.click("Save public question")
    ui.click("Record the papers as received", role="link")
    ui.click("Save")
    ui.click("Cancel the meeting", role="link")
    ui.fill("Why was the meeting cancelled?", "The Chief Constable is unavailable")
    ui.click("Cancel the meeting")
    assert "Cancelled" in ui.text()
    ui.sign_out()

    meeting_kind(app, "Unused kind")
    ui.sign_in(admin.email, DEFAULT_PASSWORD)
    ui.goto("/admin/settings/meeting-kinds")
    assert ui.heading == "Meeting kinds"
    ui.click("Rename Unused kind", role="link")
    ui.fill("Name", "Estates")
    ui.click("Save")
    assert "Estates" in ui.text()
