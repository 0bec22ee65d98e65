"""The help page: RAG, deadlines and roles, in the words and numbers the code uses."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from tracker import clock
from tracker.actions.models import ActionStatus, Rag
from tracker.actions.rag import rag, rag_meanings
from tracker.auth.models import Role
from tracker.db import db
from tracker.deadlines import bank_holidays, response_due, s55_comments_due
from tracker.main.guide import build_guide, rag_examples, role_duties
from tracker.settings.services import set_setting


def _text(html: str) -> str:
    """The page's visible words, tags stripped and spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_help_page_is_linked_from_the_header(client, login_as, liaison):
    login_as(liaison)
    assert 'href="/help"' in client.get("/").text


def test_help_page_needs_signing_in(client):
    response = client.get("/help")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_help_page_shows_each_rag_meaning_with_the_current_amber_days(app, client, login_as, admin):
    with app.app_context():
        set_setting("amber_days", "9", by=None)
        db.session.commit()
    login_as(admin)
    page = _text(client.get("/help").text)
    assert "currently 9 days" in page
    for rating, meaning in rag_meanings(9).items():
        assert f"{rating.label} {meaning}" in page
    assert "within the next 9 days" in page


@pytest.mark.parametrize("amber_days", [0, 1, 14])
def test_rag_meanings_agree_with_the_rag_rule(amber_days):
    today = date(2026, 3, 10)
    meanings = rag_meanings(amber_days)
    ratings = {
        rag(ActionStatus.OPEN, today - timedelta(days=1), today, amber_days),
        rag(ActionStatus.OPEN, today, today, amber_days),
        rag(ActionStatus.OPEN, today + timedelta(days=amber_days), today, amber_days),
        rag(ActionStatus.OPEN, today + timedelta(days=amber_days + 1), today, amber_days),
        rag(ActionStatus.CLOSED, today, today, amber_days),
    }
    assert ratings == {r.value for r in meanings}
    assert f"next {amber_days} day" in meanings[Rag.AMBER]
    for status in ActionStatus:
        named = status.label.lower() in meanings[Rag.COMPLETE]
        assert named == status.is_complete, status


def test_rag_examples_straddle_each_boundary():
    today = date(2026, 3, 10)
    examples = rag_examples(today, 14)
    assert [(e.due_on, e.rag) for e in examples] == [
        (date(2026, 3, 9), "red"),
        (date(2026, 3, 10), "amber"),
        (date(2026, 3, 24), "amber"),
        (date(2026, 3, 25), "green"),
    ]


def test_help_page_explains_deadlines_with_the_calculator(app, client, login_as, officer):
    login_as(officer)
    page = _text(client.get("/help").text)
    with app.app_context():
        today = clock.today()
    assert response_due(today, 10, "working_days").explanation in page
    assert s55_comments_due(today).explanation in page
    assert "56 days beginning with the day the report is published" in page


def test_guide_lists_bank_holidays_in_the_coming_year():
    guide = build_guide(
        today=date(2026, 12, 1), amber_days=14, adhoc_period=10, adhoc_unit="working_days"
    )
    expected = {
        day
        for day in {**bank_holidays(2026), **bank_holidays(2027)}
        if date(2026, 12, 1) <= day < date(2027, 12, 2)
    }
    assert {day for day, _ in guide.bank_holidays} == expected
    assert date(2026, 12, 25) in expected


def test_guide_uses_the_calendar_when_the_period_is_in_calendar_days():
    guide = build_guide(
        today=date(2026, 12, 1), amber_days=14, adhoc_period=10, adhoc_unit="calendar_days"
    )
    assert guide.adhoc_example.due == date(2026, 12, 11)


def test_who_does_what_follows_the_policy():
    duties = {entry.role: entry for entry in role_duties()}
    assert "Invite users, change roles, deactivate and reactivate accounts." in (
        duties[Role.ADMIN].duties
    )
    assert not any("Invite users" in d for d in duties[Role.OPCC_OFFICER].duties)
    assert "Assure and close" in duties[Role.OPCC_OFFICER].moves
    assert "Submit as implemented" in duties[Role.FORCE_LIAISON].moves
    assert "Assure and close" not in duties[Role.FORCE_LIAISON].moves
    assert duties[Role.PANEL_CLERK].moves == []
    assert duties[Role.PANEL_CLERK].duties == [
        "Open the action list and dashboard (everyone signed in; rows are filtered)."
    ]


def test_help_page_lists_every_role(client, login_as, clerk):
    login_as(clerk)
    page = _text(client.get("/help").text)
    for role in Role:
        assert role.label in page
    assert "Force: force-owned and unrestricted" in page
