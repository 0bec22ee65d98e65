"""Late responses and comments are tagged "Overdue" with the days overdue, on the list
and show pages of ad-hoc requests, Panel items and HMICFRS reports, by one rule
(`tracker.deadlines.days_late`, which the actions' days overdue also use)."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from tests.factories import london_today, make_adhoc_request, make_panel_item, make_report
from tracker.actions.models import ActionStatus
from tracker.actions.rag import days_overdue
from tracker.deadlines import days_late
from tracker.sources.models import AdhocRequest, HmicfrsReport, PanelItem, RequestStatus

DAY = date(2026, 6, 10)


@pytest.mark.parametrize(
    ("due_on", "done", "expected"),
    [
        (DAY - timedelta(days=1), False, 1),
        (DAY - timedelta(days=9), False, 9),
        (DAY, False, 0),  # due today is not late
        (DAY + timedelta(days=3), False, 0),
        (DAY - timedelta(days=9), True, 0),
        (None, False, 0),  # no date set
    ],
)
def test_days_late(due_on, done, expected):
    assert days_late(due_on, DAY, done=done) == expected


@pytest.mark.parametrize("status", list(ActionStatus))
def test_actions_days_overdue_is_the_same_rule(status):
    due = DAY - timedelta(days=4)
    assert days_overdue(status, due, DAY) == days_late(due, DAY, done=status.is_complete)


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (RequestStatus.AWAITING, 5),
        (RequestStatus.RECEIVED, 0),
        (RequestStatus.FOLLOW_UP, 0),
        (RequestStatus.CLOSED, 0),
    ],
)
def test_adhoc_request_is_late_only_while_the_response_is_awaited(status, expected):
    adhoc = AdhocRequest(status=status, response_due_on=DAY - timedelta(days=5))
    assert adhoc.days_overdue(DAY) == expected


@pytest.mark.parametrize(
    ("due_on", "answered_on", "expected"),
    [
        (DAY - timedelta(days=2), None, 2),
        (DAY - timedelta(days=2), DAY - timedelta(days=1), 0),
        (None, None, 0),
    ],
)
def test_panel_item_is_late_until_the_pcc_responds(due_on, answered_on, expected):
    item = PanelItem(response_due_on=due_on, pcc_response_on=answered_on)
    assert item.days_overdue(DAY) == expected


@pytest.mark.parametrize("published_on", [None, DAY - timedelta(days=1)])
def test_report_comments_are_late_until_the_pcc_publishes_them(published_on):
    report = HmicfrsReport(
        pcc_comments_due_on=DAY - timedelta(days=3),
        cc_comments_due_on=DAY - timedelta(days=20),
        comments_published_on=published_on,
    )
    late = published_on is None
    assert report.pcc_comments_days_overdue(DAY) == (3 if late else 0)
    assert report.cc_comments_days_overdue(DAY) == (20 if late else 0)
    assert HmicfrsReport(pcc_comments_due_on=DAY).cc_comments_days_overdue(DAY) == 0


# Pages ---------------------------------------------------------------------------------


def _overdue_tags(html: str) -> list[str]:
    """The "N days overdue" texts shown beside an Overdue tag, in page order."""
    return re.findall(
        r'govuk-tag--red">Overdue</strong>\s*<span[^>]*app-overdue">(\d+ days? overdue)', html
    )


@pytest.fixture
def as_liaison(client, login_as, liaison):
    login_as(liaison)
    return client


def test_adhoc_request_past_due_is_overdue_on_list_and_page(app, as_liaison):
    today = london_today()
    late = make_adhoc_request(
        app,
        subject="Late request",
        sent_on=today - timedelta(days=30),
        response_due_on=today - timedelta(days=6),
    )
    make_adhoc_request(
        app,
        subject="Answered request",
        sent_on=today - timedelta(days=30),
        response_due_on=today - timedelta(days=6),
        status=RequestStatus.RECEIVED,
        response_received_on=today - timedelta(days=7),
    )
    make_adhoc_request(
        app, subject="Not yet due", sent_on=today, response_due_on=today + timedelta(days=5)
    )
    assert _overdue_tags(as_liaison.get("/requests/").text) == ["6 days overdue"]
    page = as_liaison.get(f"/requests/{late.id}").text
    assert _overdue_tags(page) == ["6 days overdue"]
    assert "Awaiting response" in page


def test_panel_item_awaiting_the_pcc_past_its_date_is_overdue(app, client, login_as, officer):
    today = london_today()
    late = make_panel_item(
        app, text="Late Panel question", response_due_on=today - timedelta(days=1)
    )
    make_panel_item(
        app,
        text="Answered Panel question",
        response_due_on=today - timedelta(days=9),
        pcc_response="Answered",
        pcc_response_on=today - timedelta(days=10),
    )
    make_panel_item(app, text="Panel question without a date")
    login_as(officer)
    assert _overdue_tags(client.get("/panel/").text) == ["1 day overdue"]
    assert _overdue_tags(client.get(f"/panel/{late.id}").text) == ["1 day overdue"]


def test_report_with_late_comments_is_overdue_for_both_deadlines(app, as_liaison):
    today = london_today()
    report = make_report(
        app,
        published_on=today - timedelta(days=70),
        pcc_comments_due_on=today - timedelta(days=14),
        cc_comments_due_on=today - timedelta(days=35),
    )
    make_report(
        app,
        published_on=today - timedelta(days=70),
        pcc_comments_due_on=today - timedelta(days=14),
        cc_comments_due_on=today - timedelta(days=35),
        comments_published_on=today - timedelta(days=15),
    )
    expected = ["14 days overdue", "35 days overdue"]
    assert _overdue_tags(as_liaison.get("/hmicfrs/").text) == expected
    assert _overdue_tags(as_liaison.get(f"/hmicfrs/{report.id}").text) == expected


def test_nothing_is_overdue_when_on_time(app, as_liaison):
    today = london_today()
    adhoc = make_adhoc_request(app, sent_on=today, response_due_on=today + timedelta(days=10))
    report = make_report(
        app,
        published_on=today,
        pcc_comments_due_on=today + timedelta(days=55),
        cc_comments_due_on=today,
    )
    for url in ("/requests/", f"/requests/{adhoc.id}", "/hmicfrs/", f"/hmicfrs/{report.id}"):
        page = as_liaison.get(url).text
        assert 'govuk-tag--red">Overdue' not in page, url
        assert not re.search(r"\d+ days? overdue", page), url
