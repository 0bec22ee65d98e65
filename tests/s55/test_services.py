"""The s.55 rules: bad transitions refused with a message and nothing changed, frozen
text, stale versions, new versions after approval, the deadline met or missed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.factories import london_today, make_report
from tests.s55.helpers import build_scenario
from tracker.audit.display import describe_events
from tracker.audit.models import AuditEvent
from tracker.db import db
from tracker.errors import ConflictError, PermissionDeniedError
from tracker.s55 import services
from tracker.s55.models import S55Response, S55State
from tracker.s55.queries import met_deadline, published_responses, register_rows
from tracker.sources.models import HmicfrsReport, ReportScope


def _report(app, scenario) -> HmicfrsReport:
    return db.session.get(HmicfrsReport, scenario.report_id)


def _audit_count() -> int:
    return db.session.scalar(select(func.count(AuditEvent.id)))


def _drafted(app, scenario, officer, *, include_afis=False) -> S55Response:
    response = services.build_draft(_report(app, scenario), by=officer, include_afis=include_afis)
    response.pcc_comments = "The PCC's view"
    for entry in response.entries:
        if not entry.action_text:
            entry.no_action_reason = "Covered elsewhere"
    db.session.flush()
    return response


def _approved(app, scenario, officer, admin) -> S55Response:
    response = _drafted(app, scenario, officer)
    services.submit(response, by=officer, expected_version=response.version)
    services.approve(response, by=admin, expected_version=response.version)
    return response


def test_draft_leaves_out_afis_unless_chosen(app, officer, liaison):
    scenario = build_scenario(app, liaison)
    with app.app_context():
        without = services.build_draft(_report(app, scenario), by=officer, include_afis=False)
        assert [e.finding_id for e in without.entries] == scenario.recommendations
        db.session.rollback()
        with_afis = services.build_draft(_report(app, scenario), by=officer, include_afis=True)
        assert [e.finding_id for e in with_afis.entries] == [
            *scenario.recommendations,
            scenario.afi_id,
        ]


def test_draft_leaves_out_opcc_only_actions_and_updates(app, officer, admin, liaison):
    from tests.factories import make_action
    from tracker.sources.models import Finding

    scenario = build_scenario(app, liaison)
    with app.app_context():
        finding = db.session.get(Finding, scenario.recommendations[1])
    make_action(app, finding, admin, title="Internal review Mulberry", opcc_only=True)
    with app.app_context():
        response = services.build_draft(_report(app, scenario), by=officer, include_afis=False)
        assert "Mulberry" not in response.entries[1].action_text
        assert response.entries[1].action_text == ""


def test_cannot_submit_without_the_pccs_comments(app, officer, liaison):
    scenario = build_scenario(app, liaison)
    with app.app_context():
        response = services.build_draft(_report(app, scenario), by=officer, include_afis=False)
        db.session.commit()
        before = _audit_count()
        with pytest.raises(services.S55RuleError) as refused:
            services.submit(response, by=officer, expected_version=response.version)
        assert refused.value.field == "pcc_comments"
        assert "PCC's comments" in refused.value.message
        db.session.rollback()
        assert db.session.get(S55Response, response.id).state == S55State.DRAFT
        assert _audit_count() == before


def test_cannot_submit_while_a_finding_has_neither_action_nor_reason(app, officer, liaison):
    scenario = build_scenario(app, liaison)
    with app.app_context():
        response = services.build_draft(_report(app, scenario), by=officer, include_afis=False)
        response.pcc_comments = "The PCC's view"
        with pytest.raises(services.S55RuleError, match="R2"):
            services.submit(response, by=officer, expected_version=response.version)


def test_cannot_approve_unless_awaiting_approval(app, officer, admin, liaison):
    scenario = build_scenario(app, liaison)
    with app.app_context():
        response = _drafted(app, scenario, officer)
        with pytest.raises(services.S55RuleError, match="only a response awaiting approval"):
            services.approve(response, by=admin, expected_version=response.version)
        assert response.state == S55State.DRAFT
        assert response.approved_on is None


def test_an_officer_cannot_approve(app, officer, liaison):
    scenario = build_scenario(app, liaison)
    with app.app_context():
        response = _drafted(app, scenario, officer)
        services.submit(response, by=officer, expected_version=response.version)
        with pytest.raises(PermissionDeniedError):
            services.approve(response, by=officer, expected_version=response.version)


def test_approved_text_is_frozen(app, officer, admin, liaison):
    scenario = build_scenario(app, liaison)
    with app.app_context():
        response = _approved(app, scenario, officer, admin)
        with pytest.raises(services.S55RuleError, match="frozen"):
            services.save_text(
                response,
                cc_comments="Changed",
                pcc_comments="Changed",
                entries={},
                by=officer,
                expected_version=response.version,
            )


def test_a_stale_version_is_refused(app, officer, liaison):
    scenario = build_scenario(app, liaison)
    with app.app_context():
        response = _drafted(app, scenario, officer)
        db.session.commit()
        stale = response.version
        services.save_text(
            response,
            cc_comments="First",
            pcc_comments="First save",
            entries={},
            by=officer,
            expected_version=stale,
        )
        db.session.commit()
        with pytest.raises(ConflictError, match="changed by someone else"):
            services.save_text(
                response,
                cc_comments="Second",
                pcc_comments="Second save",
                entries={},
                by=officer,
                expected_version=stale,
            )
        assert response.pcc_comments == "First save"


@pytest.mark.parametrize(
    ("days", "url", "field", "message"),
    [
        (None, "https://opcc.example.org/r", "published_on", "Enter the date"),
        (1, "https://opcc.example.org/r", "published_on", "today or in the past"),
        (-1, "https://opcc.example.org/r", "published_on", "on or after the date it was approved"),
        (0, "http://opcc.example.org/r", "url", "starting https://"),
        (0, "", "url", "starting https://"),
    ],
)
def test_publication_needs_a_good_date_and_an_https_address(
    app, officer, admin, liaison, days, url, field, message
):
    scenario = build_scenario(app, liaison)
    with app.app_context():
        response = _approved(app, scenario, officer, admin)
        day = None if days is None else london_today() + timedelta(days=days)
        with pytest.raises(services.S55RuleError) as refused:
            services.publish(
                response, published_on=day, url=url, by=officer, expected_version=response.version
            )
        assert refused.value.field == field
        assert message in refused.value.message
        assert response.state == S55State.APPROVED
        assert response.public is False


def test_cannot_publish_before_approval(app, officer, liaison):
    scenario = build_scenario(app, liaison)
    with app.app_context():
        response = _drafted(app, scenario, officer)
        with pytest.raises(services.S55RuleError, match="only an approved response"):
            services.publish(
                response,
                published_on=london_today(),
                url="https://opcc.example.org/r",
                by=officer,
                expected_version=response.version,
            )


def test_sent_dates_not_before_publication(app, officer, admin, liaison):
    scenario = build_scenario(app, liaison)
    with app.app_context():
        response = _approved(app, scenario, officer, admin)
        today = london_today()
        services.publish(
            response,
            published_on=today,
            url="https://opcc.example.org/r",
            by=officer,
            expected_version=response.version,
        )
        with pytest.raises(services.S55RuleError) as refused:
            services.record_sent(
                response,
                to_hmicfrs_on=today - timedelta(days=1),
                to_home_secretary_on=None,
                by=officer,
                expected_version=response.version,
            )
        assert refused.value.field == "to_hmicfrs_on"
        assert "on or after the date it was published" in refused.value.message
        services.record_sent(
            response,
            to_hmicfrs_on=today,
            to_home_secretary_on=None,
            by=officer,
            expected_version=response.version,
        )
        assert response.state == S55State.PUBLISHED  # one copy still to send
        services.record_sent(
            response,
            to_hmicfrs_on=None,
            to_home_secretary_on=today,
            by=officer,
            expected_version=response.version,
        )
        assert response.state == S55State.SENT
        assert response.sent_to_hmicfrs_on == today


def test_a_new_version_after_approval_is_a_new_draft(app, officer, admin, liaison):
    scenario = build_scenario(app, liaison)
    with app.app_context():
        first = _approved(app, scenario, officer, admin)
        db.session.commit()
        second = services.build_draft(_report(app, scenario), by=officer, include_afis=False)
        assert (second.number, second.state) == (2, S55State.DRAFT)
        assert second.pcc_comments == "The PCC's view"
        assert first.state == S55State.APPROVED
        assert services.current_for(_report(app, scenario)) == second


def test_only_one_draft_at_a_time(app, officer, liaison):
    scenario = build_scenario(app, liaison)
    with app.app_context():
        services.build_draft(_report(app, scenario), by=officer, include_afis=False)
        with pytest.raises(services.S55RuleError, match="edit it rather than drafting another"):
            services.build_draft(_report(app, scenario), by=officer, include_afis=False)


@pytest.mark.parametrize(
    ("published", "today_offset", "expected"),
    [(56, 70, False), (55, 70, True), (None, 55, None), (None, 56, False), (0, 0, True)],
)
def test_met_deadline(published, today_offset, expected):
    start = london_today()
    due = start + timedelta(days=55)
    published_on = None if published is None else start + timedelta(days=published)
    assert met_deadline(published_on, due, start + timedelta(days=today_offset)) is expected


def _publish(response, officer, day):
    services.publish(
        response,
        published_on=day,
        url="https://opcc.example.org/r",
        by=officer,
        expected_version=response.version,
    )


def test_register_rows_say_met_missed_and_due(app, officer, admin, liaison):
    today = london_today()
    on_time = build_scenario(app, liaison, published_days_ago=20)
    late = build_scenario(app, liaison, published_days_ago=80)
    pending = make_report(app, title="Not started Lupin", published_on=today - timedelta(days=3))
    make_report(app, title="National Bryony", scope=ReportScope.NATIONAL, published_on=today)
    with app.app_context():
        _publish(_approved(app, on_time, officer, admin), officer, today)
        _publish(_approved(app, late, officer, admin), officer, today)
        db.session.commit()
        rows = {row.report_id: row for row in register_rows(today)}
        assert len(rows) == 3  # the national report does not apply to the force
        assert rows[on_time.report_id].met is True
        assert rows[late.report_id].met is False
        assert rows[pending.id].met is None
        assert rows[pending.id].state_label == "Not started"
        row = rows[on_time.report_id]
        assert row.published_on == today
        assert row.published_url == "https://opcc.example.org/r"
        assert row.state_label == "Version 1: Published"
        assert row.url == f"/hmicfrs/{on_time.report_id}/s55"
        assert "56 days beginning with the day of publication" in row.explanation
        assert row.due_on == today - timedelta(days=20) + timedelta(days=55)
        # Both published today: the later publication (by id) first.
        assert [r.report_id for r in published_responses()] == [late.report_id, on_time.report_id]


def test_published_responses_leave_out_drafts_and_approved(app, officer, admin, liaison):
    draft = build_scenario(app, liaison)
    approved = build_scenario(app, liaison)
    with app.app_context():
        _drafted(app, draft, officer)
        _approved(app, approved, officer, admin)
        db.session.commit()
        assert published_responses() == []


def test_every_transition_is_audited_in_words(app, officer, admin, liaison):
    scenario = build_scenario(app, liaison)
    with app.test_request_context():
        response = _approved(app, scenario, officer, admin)
        _publish(response, officer, london_today())
        db.session.commit()
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action.like("s55_%")).order_by(AuditEvent.id)
        ).all()
        words = [entry.what for entry in describe_events(events, reader=admin)]
        assert words == [
            "s.55 response drafted",
            "s.55 response submitted for approval",
            "s.55 response approved",
            "s.55 response published",
        ]
        published = describe_events(events[-1:], reader=admin)[0]
        assert published.summary.startswith("Version 1 of the s.55 response published on")
        assert any("Date comments published" in line for line in published.lines)
