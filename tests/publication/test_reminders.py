"""Publication deadlines in the reminder digest: to the meeting's OPCC lead or the OPCC
lead, before, on and after the due date, once each; never once published."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from tests.factories import make_meeting, make_panel_item
from tracker.db import db
from tracker.publication.models import PublicationKind, PublicationRecord
from tracker.reminders.models import OutboxMessage
from tracker.sources.models import PanelItemKind

# Wednesday 10 June 2026; a decision due that day.
DUE_DAY = date(2026, 6, 10)


@pytest.fixture
def decision(app) -> int:
    with app.app_context():
        record = PublicationRecord(
            kind=PublicationKind.DECISION, title="Decision Meadowsweet", due_on=DUE_DAY
        )
        db.session.add(record)
        db.session.commit()
        return record.id


def _publication_reminders(result):
    return [r for r in result.new if r.rule.startswith("publication_")]


def test_due_soon_then_due_today_then_overdue_to_the_opcc_lead(app, run_day, leads, decision):
    seen = []
    for day in (date(2026, 5, 27), date(2026, 6, 8), DUE_DAY, date(2026, 6, 11)):
        result, _ = run_day(day)
        seen += [(r.rule, r.recipient_id, r.item_id) for r in _publication_reminders(result)]
    opcc = leads["opcc"].id
    assert seen == [
        ("publication_due_soon", opcc, decision),
        ("publication_due_soon", opcc, decision),
        ("publication_due_today", opcc, decision),
        ("publication_overdue", opcc, decision),
    ]


def test_a_second_run_the_same_day_sends_nothing_more(app, run_day, leads, decision):
    first, _ = run_day(DUE_DAY)
    second, _ = run_day(DUE_DAY)
    assert _publication_reminders(first)
    assert _publication_reminders(second) == []


def test_nothing_once_published(app, run_day, leads, decision):
    with app.app_context():
        record = db.session.get(PublicationRecord, decision)
        record.published_on = date(2026, 6, 9)
        record.url = "https://opcc.example.org/decisions/meadowsweet"
        db.session.commit()
    result, _ = run_day(date(2026, 6, 11))
    assert _publication_reminders(result) == []


def test_meeting_minutes_go_to_the_meetings_own_lead(app, run_day, leads, make_user):
    from tracker.auth.models import Role

    lead = make_user(Role.OPCC_OFFICER, name="Mina Meetinglead", email="mina@opcc.example.org")
    # Held Wednesday 13 May 2026; 20 working days on (after the 25 May bank holiday) is
    # Thursday 11 June 2026.
    meeting = make_meeting(app, held_on=date(2026, 5, 13), opcc_lead_id=lead.id)
    result, _ = run_day(date(2026, 6, 11))
    got = [(r.rule, r.recipient_id, r.item_type, r.item_id) for r in _publication_reminders(result)]
    assert got == [("publication_due_today", lead.id, "publication_meeting", meeting.id)]


def test_panel_responses_are_left_to_the_panel_reminders(app, run_day, leads):
    make_panel_item(app, kind=PanelItemKind.RECOMMENDATION, response_due_on=DUE_DAY)
    result, _ = run_day(DUE_DAY)
    assert _publication_reminders(result) == []
    assert [r.rule for r in result.new] == ["panel_item_due_today"]


def test_the_link_opens_for_the_lead(app, run_day, leads, decision, client, login_as):
    run_day(DUE_DAY)
    with app.app_context():
        body = db.session.scalars(
            select(OutboxMessage.text_body).where(OutboxMessage.recipient_id == leads["opcc"].id)
        ).one()
    assert "Decision Meadowsweet" in body
    paths = set(re.findall(r"https?://[^/\s]+(/publication/[^\s\"'<>)]*)", body))
    assert paths == {f"/publication/records/{decision}"}
    login_as(leads["opcc"])
    for path in paths:
        assert client.get(path).status_code == 200


def test_reminders_stop_four_weeks_after_the_due_date(app, run_day, leads, decision):
    # 8 July 2026 is 28 days after; 15 July 2026 is 35 days after (both Wednesdays).
    last, _ = run_day(date(2026, 7, 8))
    after, _ = run_day(date(2026, 7, 15))
    assert [r.rule for r in _publication_reminders(last)] == ["publication_overdue"]
    assert _publication_reminders(after) == []
