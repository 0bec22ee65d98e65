"""What the OPCC has asked for: every open ask addressed to the force, with a working link."""

from __future__ import annotations

from datetime import timedelta

from tests.factories import (
    london_today,
    make_action,
    make_adhoc_request,
    make_meeting,
    make_report,
)
from tracker.actions.models import ActionStatus
from tracker.asks import providers
from tracker.db import db
from tracker.responses.models import ResponseState, WrittenResponse
from tracker.sources.models import ReportScope, RequestStatus


def _submitted(app, **subject) -> None:
    from tracker.db import utcnow

    with app.app_context():
        db.session.add(
            WrittenResponse(
                number=1,
                text="Answer",
                state=ResponseState.SUBMITTED,
                submitted_at=utcnow(),
                submitted_on=london_today(),
                **subject,
            )
        )
        db.session.commit()


def test_force_sees_every_open_ask_with_due_dates_and_links(
    app, client, login_as, liaison, officer
):
    day = london_today()
    late = make_adhoc_request(
        app,
        subject="Request Foxglove",
        sent_on=day - timedelta(days=20),
        response_due_on=day - timedelta(days=4),
    )
    make_adhoc_request(app, subject="Request Answered", status=RequestStatus.RECEIVED)
    with_opcc = make_adhoc_request(app, subject="Request Submitted Already")
    _submitted(app, adhoc_request_id=with_opcc.id)
    report = make_report(app, title="Report Bellflower", cc_comments_due_on=day + timedelta(days=6))
    make_report(
        app,
        title="Report Elsewhere",
        scope=ReportScope.NATIONAL,
        cc_comments_due_on=day + timedelta(days=6),
    )
    meeting = make_meeting(app)
    action = make_action(app, meeting, liaison, title="Action Cowslip", due_on=day)
    make_action(app, meeting, liaison, title="Action Implemented", status=ActionStatus.IMPLEMENTED)
    make_action(app, meeting, officer, title="Action Of The OPCC")
    login_as(liaison)
    page = client.get("/asked").text
    for shown in ("Request Foxglove", "Report Bellflower", "Action Cowslip"):
        assert shown in page
    for hidden in (
        "Request Answered",
        "Request Submitted Already",
        "Report Elsewhere",
        "Action Implemented",
        "Action Of The OPCC",
    ):
        assert hidden not in page
    assert "4 days overdue" in page
    assert "6 days left" in page
    assert "Due today" in page
    # Most urgent first.
    assert page.index("Request Foxglove") < page.index("Action Cowslip")
    assert page.index("Action Cowslip") < page.index("Report Bellflower")
    assert "Asked for (3)" in page  # the navigation's count
    for link in (
        f"/requests/{late.id}",
        f"/hmicfrs/{report.id}",
        f"/actions/{action.id}",
    ):
        assert f'href="{link}"' in page
        assert client.get(link).status_code == 200


def test_a_sent_back_response_is_asked_for_again(app, client, login_as, liaison):
    adhoc = make_adhoc_request(app, subject="Request Sent Back")
    with app.app_context():
        from tracker.db import utcnow

        db.session.add(
            WrittenResponse(
                adhoc_request_id=adhoc.id,
                number=1,
                text="Answer",
                state=ResponseState.SENT_BACK,
                submitted_at=utcnow(),
                submitted_on=london_today(),
                review_reason="More detail",
            )
        )
        db.session.commit()
    login_as(liaison)
    page = client.get("/asked").text
    assert "Request Sent Back" in page
    assert "Version 1 sent back by the OPCC" in page


def test_only_the_force_has_the_page(app, client, auth, login_as, officer, clerk):
    for user in (officer, clerk):
        login_as(user)
        assert client.get("/asked").status_code == 403
        assert "Asked for" not in client.get("/").text
        auth.logout()


def test_every_provider_returns_nothing_for_others(app, officer):
    make_adhoc_request(app)
    with app.test_request_context():
        user = db.session.merge(officer)
        for provider in providers.PROVIDERS:
            assert provider(user, london_today()) is None
        assert providers.count_asks(user, london_today()) == 0


def test_the_page_runs_a_fixed_number_of_queries(app, client, login_as, liaison):
    from tests.conftest import counting_statements

    meeting = make_meeting(app)
    login_as(liaison)
    counts = []
    for n in range(2):
        for m in range(3):
            make_adhoc_request(app, subject=f"Request {n}-{m}")
            make_report(app, cc_comments_due_on=london_today())
            make_action(app, meeting, liaison)
        with counting_statements(app) as statements:
            assert client.get("/asked").status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1]


def test_the_navigation_count_is_one_statement_and_agrees_with_the_page(
    app, client, login_as, liaison
):
    from tests.conftest import counting_statements
    from tracker.auth.models import User

    meeting = make_meeting(app)
    for n in range(3):
        make_adhoc_request(app, subject=f"Request {n}")
        make_report(app, cc_comments_due_on=london_today())
        make_action(app, meeting, liaison)
    with app.test_request_context():
        user = db.session.get(User, liaison.id)
        with counting_statements(app) as statements:
            count = providers.count_asks(user, london_today())
        assert len(statements) == 1
        assert count == len(providers.asks_for(user, london_today())) == 9


def test_papers_due_for_a_planned_meeting_are_asked_for_until_received(
    app, client, login_as, liaison
):
    from tracker.sources.models import Meeting, MeetingState

    day = london_today()
    planned = make_meeting(
        app,
        title="Meeting Hawthorn",
        held_on=day + timedelta(days=3),
        state=MeetingState.PLANNED,
    )
    make_meeting(
        app,
        title="Meeting Cancelled",
        held_on=day + timedelta(days=3),
        state=MeetingState.CANCELLED,
        cancel_reason="Diary clash",
    )
    login_as(liaison)
    page = client.get("/asked").text
    assert "Meeting Hawthorn" in page
    assert f'href="/meetings/{planned.id}"' in page
    # Papers are due five working days before: three days away they are overdue.
    assert "Overdue" in page
    assert "Meeting Cancelled" not in page
    assert client.get(f"/meetings/{planned.id}").status_code == 200

    with app.app_context():
        db.session.get(Meeting, planned.id).papers_received_on = day
        db.session.commit()
    assert "Meeting Hawthorn" not in client.get("/asked").text
