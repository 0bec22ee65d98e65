"""Reminders for written responses: the force is chased until it submits, the OPCC is told
a submitted response awaits review, and chasing starts again when it is sent back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from tests.factories import make_adhoc_request, make_report
from tests.reminders.conftest import TODAY
from tracker.db import db
from tracker.reminders.models import OutboxMessage
from tracker.responses.models import ResponseState, WrittenResponse
from tracker.sources.models import ReportScope


def _respond(app, state: ResponseState, number: int = 1, **subject) -> None:
    submitted = TODAY - timedelta(days=1)
    with app.app_context():
        db.session.add(
            WrittenResponse(
                number=number,
                text="The answer",
                state=state,
                submitted_at=datetime(submitted.year, submitted.month, submitted.day, tzinfo=UTC),
                submitted_on=submitted,
                due_on=TODAY - timedelta(days=3),
                review_reason="Redo it" if state == ResponseState.SENT_BACK else "",
                **subject,
            )
        )
        db.session.commit()


def _rules(result) -> set[tuple[str, int]]:
    return {(r.rule, r.recipient_id) for r in result.new}


def _late_request(app, officer):
    return make_adhoc_request(
        app,
        subject="Request Marshwort",
        sent_on=TODAY - timedelta(days=20),
        response_due_on=TODAY - timedelta(days=3),
        author_id=officer.id,
    )


def test_a_late_request_chases_the_force_lead_and_the_author(app, run_day, leads, officer):
    _late_request(app, officer)
    result, _ = run_day(TODAY)
    assert ("adhoc_request_overdue", leads["force"].id) in _rules(result)
    assert ("adhoc_request_overdue", officer.id) in _rules(result)


def test_a_submitted_response_stops_the_chase_and_awaits_the_author(app, run_day, leads, officer):
    adhoc = _late_request(app, officer)
    _respond(app, ResponseState.SUBMITTED, adhoc_request_id=adhoc.id)
    result, _ = run_day(TODAY)
    assert _rules(result) == {("adhoc_request_review", officer.id)}
    with app.app_context():
        [digest] = db.session.scalars(select(OutboxMessage)).all()
        assert digest.to_address == officer.email
        assert "awaiting your review" in digest.text_body
        assert "2 days late" in digest.text_body
        assert "SUBMITTED BY THE FORCE, AWAITING YOUR REVIEW" in digest.text_body.upper()
    # Told once per submission.
    assert run_day(TODAY + timedelta(days=1))[0].new == []


def test_chasing_starts_again_when_sent_back(app, run_day, leads, officer):
    adhoc = _late_request(app, officer)
    _respond(app, ResponseState.SENT_BACK, adhoc_request_id=adhoc.id)
    result, _ = run_day(TODAY)
    assert ("adhoc_request_overdue", leads["force"].id) in _rules(result)
    assert not any(rule.endswith("_review") for rule, _ in _rules(result))


def test_comments_on_a_report_addressed_to_the_force_chase_the_force_lead(app, run_day, leads):
    make_report(app, cc_comments_due_on=TODAY, pcc_comments_due_on=TODAY + timedelta(days=30))
    national = make_report(
        app,
        scope=ReportScope.NATIONAL,
        cc_comments_due_on=TODAY,
        pcc_comments_due_on=TODAY + timedelta(days=30),
    )
    result, _ = run_day(TODAY)
    force_items = [r.item_id for r in result.new if r.recipient_id == leads["force"].id]
    opcc_items = [r.item_id for r in result.new if r.recipient_id == leads["opcc"].id]
    assert national.id not in force_items
    assert len(force_items) == 1
    assert national.id in opcc_items


def test_submitted_comments_await_the_opcc_lead(app, run_day, leads):
    report = make_report(app, cc_comments_due_on=TODAY - timedelta(days=3))
    _respond(app, ResponseState.SUBMITTED, hmicfrs_report_id=report.id)
    result, _ = run_day(TODAY)
    cc_rules = {rule for rule in _rules(result) if rule[0].startswith("hmicfrs_cc")}
    assert cc_rules == {("hmicfrs_cc_review", leads["opcc"].id)}
