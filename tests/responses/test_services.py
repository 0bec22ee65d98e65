"""Written responses: drafts, submission, sending back, acceptance, versions and conflicts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.factories import london_today, make_adhoc_request, make_report
from tracker.assurance import AssuranceMethod, AssuranceVerdict
from tracker.audit.models import AuditEvent
from tracker.auth.models import Role, User
from tracker.db import db
from tracker.errors import ConflictError, PermissionDeniedError
from tracker.responses import services
from tracker.responses.models import ResponseState, WrittenResponse
from tracker.sources.models import AdhocRequest, HmicfrsReport, ReportScope, RequestStatus


@pytest.fixture
def people(make_user):
    return {
        "force": make_user(Role.FORCE_LIAISON, name="Fran Force"),
        "opcc": make_user(Role.OPCC_OFFICER, name="Olly Opcc"),
        "clerk": make_user(Role.PANEL_CLERK),
    }


def _user(user: User) -> User:
    return db.session.get(User, user.id)


def _token(subject) -> str:
    return services.based_on(services.latest_for(subject))


def _submit(subject, force: User, text: str = "The force's answer") -> WrittenResponse:
    return services.submit(subject, text, by=_user(force), based_on_token=_token(subject))


def _accept(subject, opcc: User, verdict=AssuranceVerdict.ASSURED, note: str = ""):
    return services.accept(
        subject,
        method=AssuranceMethod.EVIDENCE_REVIEWED,
        verdict=verdict,
        note=note,
        by=_user(opcc),
        based_on_token=_token(subject),
    )


def _future_request(app):
    day = london_today()
    return make_adhoc_request(app, sent_on=day, response_due_on=day + timedelta(days=14))


def test_draft_then_submit_records_who_when_and_on_time(app, people):
    adhoc = _future_request(app)
    with app.app_context():
        subject = db.session.get(AdhocRequest, adhoc.id)
        draft = services.save_draft(
            subject, "First thoughts", by=_user(people["force"]), based_on_token="0:0"
        )
        assert (draft.number, draft.state) == (1, ResponseState.DRAFT)
        services.save_draft(
            subject, "Better thoughts", by=_user(people["force"]), based_on_token=_token(subject)
        )
        submitted = _submit(subject, people["force"], "Final answer")
        db.session.commit()
        assert submitted.id == draft.id  # the draft became the submitted version
        assert submitted.state == ResponseState.SUBMITTED
        assert submitted.text == "Final answer"
        assert submitted.submitted_by_id == people["force"].id
        assert submitted.submitted_on == london_today()
        assert submitted.due_on == adhoc.response_due_on
        assert submitted.days_late == 0
        assert services.lateness(submitted) == "on time"
        # The request itself still awaits an accepted response.
        assert subject.status == RequestStatus.AWAITING


def test_late_submission_says_how_many_days_late(app, people):
    adhoc = make_adhoc_request(app)  # due 17 July 2023
    with app.app_context():
        subject = db.session.get(AdhocRequest, adhoc.id)
        submitted = _submit(subject, people["force"])
        expected = (london_today() - adhoc.response_due_on).days
        assert submitted.days_late == expected
        assert services.lateness(submitted) == f"{expected} days late"


def test_send_back_needs_a_reason_and_the_next_version_is_kept_beside_it(app, people):
    adhoc = _future_request(app)
    with app.app_context():
        subject = db.session.get(AdhocRequest, adhoc.id)
        _submit(subject, people["force"], "Version one")
        with pytest.raises(services.ResponseRuleError) as refused:
            services.send_back(
                subject, "  ", by=_user(people["opcc"]), based_on_token=_token(subject)
            )
        assert refused.value.field == "reason"
        services.send_back(
            subject, "Give the figures", by=_user(people["opcc"]), based_on_token=_token(subject)
        )
        second = _submit(subject, people["force"], "Version two, with figures")
        db.session.commit()
        versions = services.versions_for(subject)
        assert [(v.number, v.state, v.text) for v in versions] == [
            (1, ResponseState.SENT_BACK, "Version one"),
            (2, ResponseState.SUBMITTED, "Version two, with figures"),
        ]
        assert versions[0].review_reason == "Give the figures"
        assert versions[0].reviewed_by_id == people["opcc"].id
        assert second.number == 2


def test_accepting_a_request_response_records_it_on_the_request(app, people):
    adhoc = _future_request(app)
    with app.app_context():
        subject = db.session.get(AdhocRequest, adhoc.id)
        _submit(subject, people["force"], "The Chief Constable's answer")
        accepted = _accept(subject, people["opcc"], AssuranceVerdict.PARTLY_ASSURED, "Mostly")
        db.session.commit()
        assert accepted.state == ResponseState.ACCEPTED
        assert accepted.assurance_verdict == AssuranceVerdict.PARTLY_ASSURED
        assert accepted.assurance_method == AssuranceMethod.EVIDENCE_REVIEWED
        assert subject.response == "The Chief Constable's answer"
        assert subject.response_received_on == london_today()
        assert subject.status == RequestStatus.RECEIVED
        assert subject.days_overdue(london_today() + timedelta(days=60)) == 0
        events = db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.entity_type == "adhoc_request", AuditEvent.entity_id == adhoc.id)
            .order_by(AuditEvent.id)
        ).all()
        assert [e.action for e in events][-3:] == [
            "response_draft_saved",
            "response_submitted",
            "response_accepted",
        ]
        assert "Partly assured (evidence reviewed)" in events[-1].summary
        assert events[-1].changes["status"] == ["awaiting_response", "response_received"]


def test_not_assured_sends_back_and_never_accepts(app, people):
    adhoc = _future_request(app)
    with app.app_context():
        subject = db.session.get(AdhocRequest, adhoc.id)
        _submit(subject, people["force"])
        with pytest.raises(services.ResponseRuleError) as refused:
            _accept(subject, people["opcc"], AssuranceVerdict.NOT_ASSURED, "")
        assert refused.value.field == "note"
        returned = _accept(subject, people["opcc"], AssuranceVerdict.NOT_ASSURED, "No evidence")
        db.session.commit()
        assert returned.state == ResponseState.SENT_BACK
        assert returned.review_reason == "No evidence"
        assert returned.assurance_verdict == AssuranceVerdict.NOT_ASSURED
        assert subject.status == RequestStatus.AWAITING
        assert subject.response == ""


def test_accepting_comments_records_them_on_the_report(app, people):
    report = make_report(app, cc_comments_due_on=london_today() - timedelta(days=3))
    with app.app_context():
        subject = db.session.get(HmicfrsReport, report.id)
        assert subject.cc_comments_days_overdue(london_today()) == 3
        _submit(subject, people["force"], "Comments on the inspection")
        _accept(subject, people["opcc"])
        db.session.commit()
        assert subject.cc_comments == "Comments on the inspection"
        assert subject.cc_comments_received_on == london_today()
        assert subject.cc_comments_days_overdue(london_today()) == 0


def test_a_stale_form_never_overwrites(app, people):
    adhoc = _future_request(app)
    with app.app_context():
        subject = db.session.get(AdhocRequest, adhoc.id)
        services.save_draft(subject, "Mine", by=_user(people["force"]), based_on_token="0:0")
        db.session.commit()
        # A colleague who opened the page before the first draft was saved.
        with pytest.raises(ConflictError):
            services.save_draft(subject, "Theirs", by=_user(people["force"]), based_on_token="0:0")
        db.session.rollback()
        stale = _token(subject)
        _submit(subject, people["force"])
        db.session.commit()
        with pytest.raises(ConflictError):
            services.send_back(subject, "No", by=_user(people["opcc"]), based_on_token=stale)
        db.session.rollback()
        assert [v.text for v in services.versions_for(subject)] == ["The force's answer"]


def test_two_reviewers_at_once_one_is_refused(app, people):
    adhoc = _future_request(app)
    with app.app_context():
        subject = db.session.get(AdhocRequest, adhoc.id)
        _submit(subject, people["force"])
        db.session.commit()
        seen = _token(subject)
        services.send_back(subject, "Redo", by=_user(people["opcc"]), based_on_token=seen)
        db.session.commit()
        with pytest.raises(ConflictError, match="Sent back"):
            services.accept(
                subject,
                method=AssuranceMethod.DIP_SAMPLE,
                verdict=AssuranceVerdict.ASSURED,
                note="",
                by=_user(people["opcc"]),
                based_on_token=seen,
            )


@pytest.mark.parametrize("who", ["opcc", "clerk"])
def test_only_the_force_writes(app, people, who):
    adhoc = _future_request(app)
    with app.app_context(), pytest.raises(PermissionDeniedError):
        services.save_draft(
            db.session.get(AdhocRequest, adhoc.id),
            "Text",
            by=_user(people[who]),
            based_on_token="0:0",
        )


@pytest.mark.parametrize("who", ["force", "clerk"])
def test_only_the_opcc_reviews(app, people, who):
    adhoc = _future_request(app)
    with app.app_context():
        subject = db.session.get(AdhocRequest, adhoc.id)
        _submit(subject, people["force"])
        with pytest.raises(PermissionDeniedError):
            _accept(subject, people[who])


def test_the_force_cannot_comment_on_a_national_report_not_addressed_to_it(app, people):
    report = make_report(app, scope=ReportScope.NATIONAL)
    with app.app_context(), pytest.raises(PermissionDeniedError):
        _submit(db.session.get(HmicfrsReport, report.id), people["force"])


def test_nothing_more_is_drafted_once_submitted_or_accepted(app, people):
    adhoc = _future_request(app)
    with app.app_context():
        subject = db.session.get(AdhocRequest, adhoc.id)
        _submit(subject, people["force"])
        with pytest.raises(services.ResponseRuleError, match="awaiting the OPCC"):
            services.save_draft(
                subject, "More", by=_user(people["force"]), based_on_token=_token(subject)
            )
        _accept(subject, people["opcc"])
        with pytest.raises(services.ResponseRuleError, match="already accepted"):
            services.save_draft(
                subject, "More", by=_user(people["force"]), based_on_token=_token(subject)
            )


def test_opcc_sees_submitted_versions_but_not_drafts(app, people):
    adhoc = _future_request(app)
    with app.app_context():
        subject = db.session.get(AdhocRequest, adhoc.id)
        _submit(subject, people["force"], "One")
        services.send_back(
            subject, "Again", by=_user(people["opcc"]), based_on_token=_token(subject)
        )
        services.save_draft(
            subject, "Two, in draft", by=_user(people["force"]), based_on_token=_token(subject)
        )
        for who, texts in (("opcc", ["One"]), ("force", ["Two, in draft", "One"])):
            exchange = services.exchange_for(_user(people[who]), subject)
            assert [v.text for v in exchange.versions] == texts
        assert services.exchange_for(_user(people["clerk"]), subject).versions == []


def test_accepting_follows_the_one_conclusion_rule_actions_use(app, people):
    """A partly assured response must say what is outstanding, as a partly assured close
    of an action must (tracker.assurance.check_conclusion)."""
    from tracker.assurance import NOTE_NEEDED

    adhoc = _future_request(app)
    with app.app_context():
        subject = db.session.get(AdhocRequest, adhoc.id)
        _submit(subject, people["force"])
        with pytest.raises(services.ResponseRuleError) as refused:
            _accept(subject, people["opcc"], AssuranceVerdict.PARTLY_ASSURED, "")
        assert refused.value.message == NOTE_NEEDED[AssuranceVerdict.PARTLY_ASSURED]
        assert refused.value.field == "note"
