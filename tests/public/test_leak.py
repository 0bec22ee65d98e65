"""The leak test: for every kind of publication, one published, one unpublished and one
restricted record; only the published one appears on any public page, the Atom feed or
the timetable ICS. Nothing internal to a published record ever appears: who asked a
public question, lines of enquiry, actions, attendees, the OPCC lead, OPCC notes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.factories import (
    london_today,
    make_action,
    make_finding,
    make_meeting,
    make_panel_item,
    make_report,
)
from tracker.actions.models import Marking
from tracker.db import db
from tracker.programme.models import LineOfEnquiry, PublicQuestion
from tracker.publication.models import PublicationKind, PublicationRecord
from tracker.s55.models import S55Entry, S55Response, S55State
from tracker.sources.models import MeetingState, PanelItemKind

# Words that must appear on the public pages (each on at least one of them).
SHOWN = {
    "Meeting Aurora",
    "Outcome Aurora",
    "Question Dahlia",
    "Answer Dahlia",
    "Recommendation Juniper",
    "Response Juniper",
    "Decision Marigold",
    "Summary Marigold",
    "Comments Saffron",
    "Entry Saffron",
}
# Words that must appear on none of them.
NEVER = {
    # A meeting not published, and its outcome.
    "Meeting Brimstone",
    "Outcome Brimstone",
    # A published meeting whose outcome is not yet published (restricted: a draft).
    "Outcome Cinder",
    # Internal parts of the published meeting.
    "Asker Ember",
    "Question Fennel",
    "Line Gorse",
    "Line Heather",
    "Action Iris",
    "Note Iris",
    "Sensitive Ivy",
    "Attendee Zeppelin",
    "Lead Quince",
    # A Panel recommendation not published, and one whose response is only drafted.
    "Recommendation Kestrel",
    "Response Kestrel",
    "Response Lupin",
    # Publication records: not yet published, and published but restricted.
    "Decision Nettle",
    "Decision Oleander",
    "Summary Oleander",
    # s.55 responses: a draft, and a published one marked OFFICIAL-SENSITIVE.
    "Comments Tansy",
    "Comments Umber",
    "Entry Umber",
}


@pytest.fixture
def world(app, officer, liaison, make_user):
    from tracker.auth.models import Role

    lead = make_user(Role.OPCC_OFFICER, name="Lead Quince", email="quince@opcc.example.org")
    recent = london_today() - timedelta(days=40)
    published = make_meeting(
        app,
        title="Meeting Aurora",
        held_on=recent,
        published=True,
        outcome_summary="Outcome Aurora",
        outcome_published_on=recent + timedelta(days=10),
        attendees="Attendee Zeppelin, Superintendent",
        opcc_lead_id=lead.id,
    )
    make_meeting(
        app,
        title="Meeting Brimstone",
        held_on=recent,
        published=False,
        outcome_summary="Outcome Brimstone",
        outcome_published_on=recent + timedelta(days=5),
    )
    draft = make_meeting(
        app,
        title="Meeting Cinder",
        held_on=recent,
        published=True,
        outcome_summary="Outcome Cinder",
    )
    make_action(app, published, liaison, title="Action Iris", opcc_note="Note Iris")
    make_action(
        app,
        published,
        officer,
        title="Sensitive Ivy",
        opcc_only=True,
        marking=Marking.OFFICIAL_SENSITIVE,
    )
    make_panel_item(
        app,
        kind=PanelItemKind.RECOMMENDATION,
        text="Recommendation Juniper",
        pcc_response="Response Juniper",
        pcc_response_on=recent,
        published=True,
    )
    make_panel_item(
        app,
        kind=PanelItemKind.RECOMMENDATION,
        text="Recommendation Kestrel",
        pcc_response="Response Kestrel",
        pcc_response_on=recent,
        published=False,
    )
    make_panel_item(
        app,
        kind=PanelItemKind.RECOMMENDATION,
        text="Recommendation awaiting a response",
        pcc_response="Response Lupin",
        published=True,
    )
    with app.app_context():
        db.session.add_all(
            [
                PublicQuestion(
                    meeting_id=published.id,
                    question="Question Dahlia",
                    asked_by="Asker Ember",
                    answer="Answer Dahlia",
                    published=True,
                ),
                PublicQuestion(
                    meeting_id=published.id, question="Question Fennel", published=False
                ),
                LineOfEnquiry(meeting_id=published.id, question="Line Gorse", opcc_only=True),
                LineOfEnquiry(meeting_id=published.id, question="Line Heather"),
                PublicationRecord(
                    kind=PublicationKind.DECISION,
                    title="Decision Marigold",
                    summary="Summary Marigold",
                    due_on=recent,
                    published_on=recent,
                    url="https://opcc.example.org/decisions/marigold",
                ),
                PublicationRecord(
                    kind=PublicationKind.DECISION,
                    title="Decision Nettle",
                    summary="Summary Nettle",
                    due_on=recent,
                ),
                PublicationRecord(
                    kind=PublicationKind.DECISION,
                    title="Decision Oleander",
                    summary="Summary Oleander",
                    due_on=recent,
                    published_on=recent,
                    url="https://opcc.example.org/decisions/oleander",
                    public=False,
                ),
            ]
        )
        db.session.commit()
    _s55_responses(app, recent)
    # A planned meeting that is not published stays off the timetable too.
    make_meeting(
        app,
        title="Meeting Brimstone planned",
        held_on=london_today() + timedelta(days=20),
        state=MeetingState.PLANNED,
        published=False,
    )
    return {"published": published.id, "draft": draft.id}


def _s55_responses(app, recent) -> None:
    """One published s.55 response, one still a draft, one published but marked
    OFFICIAL-SENSITIVE (each on its own report)."""
    cases = [
        ("Saffron", S55State.PUBLISHED, Marking.OFFICIAL),
        ("Tansy", S55State.DRAFT, Marking.OFFICIAL),
        ("Umber", S55State.SENT, Marking.OFFICIAL_SENSITIVE),
    ]
    for word, state, marking in cases:
        report = make_report(app, title=f"Inspection {word}", published_on=recent)
        finding = make_finding(app, report, reference="R1", text=f"Finding {word}")
        published = state.published
        with app.app_context():
            response = S55Response(
                report_id=report.id,
                number=1,
                state=state,
                pcc_comments=f"Comments {word}",
                marking=marking,
                approved_on=recent if published else None,
                published_on=recent + timedelta(days=1) if published else None,
                published_url=f"https://opcc.example.org/s55/{word.lower()}" if published else "",
                sent_to_hmicfrs_on=recent + timedelta(days=2) if state == S55State.SENT else None,
                sent_to_home_secretary_on=(
                    recent + timedelta(days=2) if state == S55State.SENT else None
                ),
                public=published,
            )
            response.entries.append(
                S55Entry(finding_id=finding.id, position=1, action_text=f"Entry {word}")
            )
            db.session.add(response)
            db.session.commit()


def _public_bodies(client, world) -> dict[str, str]:
    paths = [
        "/public/",
        "/public/meetings",
        f"/public/meetings/{world['published']}",
        f"/public/meetings/{world['draft']}",
        "/public/panel-recommendations",
        "/public/s55-responses",
        "/public/publications",
        "/public/timetable",
        "/public/feed.atom",
        "/calendar/timetable.ics",
    ]
    bodies = {}
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        # iCalendar folds long lines; unfold before searching.
        bodies[path] = response.get_data(as_text=True).replace("\r\n ", "")
    return bodies


def test_only_published_records_appear_on_public_pages_feed_and_timetable(client, world):
    bodies = _public_bodies(client, world)
    everything = "\n".join(bodies.values())
    for word in SHOWN:
        assert word in everything, word
    for path, body in bodies.items():
        leaked = {word for word in NEVER if word in body}
        assert not leaked, f"{path} shows {sorted(leaked)}"


def test_the_feed_lists_only_published_items(client, world):
    feed = client.get("/public/feed.atom").text
    for word in ("Meeting Aurora", "Recommendation Juniper", "Decision Marigold"):
        assert word in feed or word.replace("Recommendation ", "") in feed
    assert "Meeting Cinder" not in feed  # its outcome is not published yet


@pytest.mark.parametrize("which", ["unpublished", "planned"])
def test_unpublished_or_not_held_meetings_have_no_public_page(app, client, which):
    if which == "unpublished":
        meeting = make_meeting(app, published=False)
    else:
        meeting = make_meeting(
            app, state=MeetingState.PLANNED, held_on=london_today() + timedelta(days=9)
        )
    assert client.get(f"/public/meetings/{meeting.id}").status_code == 404


def test_a_signed_in_officer_sees_the_same_public_page(client, login_as, officer, world):
    login_as(officer)
    body = client.get(f"/public/meetings/{world['published']}").text
    assert "Asker Ember" not in body
    assert "Line Gorse" not in body
    assert "Question Dahlia" in body
