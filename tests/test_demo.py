"""`flask seed-demo` loads the sample data file once, as a story that hangs together:
sources before their actions, history spread over past weeks in time order, a
realistic handful of overdue items, and every status, RAG colour and source type."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from tests.factories import london_today
from tracker.actions.models import (
    Action,
    ActionStatus,
    ActionUpdate,
    ExtensionRequest,
    ExtensionStatus,
    Marking,
    SourceType,
)
from tracker.actions.queries import rag_of
from tracker.assurance import AssuranceVerdict
from tracker.audit.models import AuditEvent
from tracker.auth.models import Organisation
from tracker.db import db
from tracker.deadlines import is_working_day
from tracker.demo.loader import SampleData, read_sample_data
from tracker.reminders.planner import run_planner
from tracker.reports.as_at import actions_as_at, moment_for
from tracker.s55.models import S55Response, S55State
from tracker.sources.models import (
    AdhocRequest,
    Finding,
    HmicfrsReport,
    Meeting,
    PanelItem,
    ReportScope,
)

LONDON = ZoneInfo("Europe/London")
SAMPLE = read_sample_data()


def counts(app) -> dict[str, int]:
    with app.app_context():
        return {
            model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
            for model in (
                Meeting,
                AdhocRequest,
                PanelItem,
                HmicfrsReport,
                Finding,
                Action,
                ActionUpdate,
                AuditEvent,
            )
        }


def _utc(instant: datetime) -> datetime:
    return instant.replace(tzinfo=UTC) if instant.tzinfo is None else instant.astimezone(UTC)


def _local_day(instant: datetime):
    return _utc(instant).astimezone(LONDON).date()


def _source_day(action: Action):
    source = action.source
    return {
        SourceType.MEETING: lambda: source.held_on,
        SourceType.ADHOC: lambda: source.sent_on,
        SourceType.PANEL: lambda: source.panel_meeting_on,
        SourceType.HMICFRS: lambda: source.report.published_on,
    }[action.source_type]()


def _action_specs():
    for report in SAMPLE["hmicfrs_reports"]:
        for finding in report["findings"]:
            yield from finding.get("actions", [])
    for group in ("meetings", "adhoc_requests"):
        for source in SAMPLE[group]:
            yield from source.get("actions", [])
    for meeting in SAMPLE["panel_meetings"]:
        for agenda_item in meeting["agenda_items"]:
            for item in agenda_item["items"]:
                yield from item.get("actions", [])


@pytest.fixture
def seeded(app, runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    return result


def test_seed_demo_loads_every_record_in_the_data_file(app, seeded):
    loaded = counts(app)
    panel_items = [
        item
        for meeting in SAMPLE["panel_meetings"]
        for agenda_item in meeting["agenda_items"]
        for item in agenda_item["items"]
    ]
    assert loaded["meetings"] == len(SAMPLE["meetings"])
    assert loaded["adhoc_requests"] == len(SAMPLE["adhoc_requests"])
    assert loaded["panel_items"] == len(panel_items)
    assert loaded["hmicfrs_reports"] == len(SAMPLE["hmicfrs_reports"])
    assert loaded["actions"] == len(list(_action_specs())) >= 20
    assert "Sample data:" in seeded.output


def test_seed_demo_twice_adds_nothing(app, runner, seeded):
    first = counts(app)
    second_run = runner.invoke(args=["seed-demo"])
    assert second_run.exit_code == 0
    assert "left unchanged" in second_run.output
    assert counts(app) == first


def test_seed_demo_shows_every_rag_colour(app, seeded):
    with app.app_context():
        rags = set(db.session.scalars(select(rag_of(london_today(), 14)).select_from(Action)))
    assert rags == {"red", "amber", "green", "complete"}


def test_seed_demo_shows_every_status_source_and_restriction(app, seeded):
    with app.app_context():
        found = db.session.scalars(select(Action)).all()
        pending = db.session.scalar(
            select(func.count(ExtensionRequest.id)).where(
                ExtensionRequest.status == ExtensionStatus.PENDING
            )
        )
        meetings_published = set(db.session.scalars(select(Meeting.published)))
        start_times = set(db.session.scalars(select(Meeting.starts_at)))
        items_published = set(db.session.scalars(select(PanelItem.published)))
        scopes = set(db.session.scalars(select(HmicfrsReport.scope)))
    assert {a.status for a in found} == set(ActionStatus)
    assert {a.source_type for a in found} == set(SourceType)
    assert any(a.opcc_only for a in found)
    assert any(a.marking == Marking.OFFICIAL_SENSITIVE for a in found)
    assert pending >= 2
    assert meetings_published == items_published == {True, False}
    assert scopes == set(ReportScope)
    assert start_times == {time(10, 0)}  # calendars show demo meetings as timed events


def test_demo_conclusions_show_every_verdict_and_every_close_has_one(app, seeded):
    with app.app_context():
        concluded = db.session.scalars(
            select(ActionUpdate).where(ActionUpdate.assurance_verdict.is_not(None))
        ).all()
        closes = db.session.scalars(
            select(ActionUpdate).where(ActionUpdate.to_status == ActionStatus.CLOSED)
        ).all()
    assert {u.assurance_verdict for u in concluded} == set(AssuranceVerdict)
    assert closes
    assert all(u.assurance_verdict is not None for u in closes)


def test_no_demo_action_is_force_owned_and_opcc_only(app, seeded):
    with app.app_context():
        clash = db.session.scalar(
            select(func.count(Action.id)).where(
                Action.owning_organisation == Organisation.FORCE, Action.opcc_only.is_(True)
            )
        )
    assert clash == 0


def test_every_hmicfrs_report_has_findings_national_ones_included(app, seeded):
    with app.app_context():
        reports = db.session.scalars(select(HmicfrsReport)).all()
        assert all(report.findings for report in reports)
        national = [r for r in reports if r.scope == ReportScope.NATIONAL]
        assert national
        assert all(any(f.actions for f in r.findings) for r in national)


def test_sources_come_before_actions_and_due_dates_after_raised(app, seeded):
    with app.app_context():
        for action in db.session.scalars(select(Action)):
            assert _source_day(action) <= action.raised_on <= action.due_on, action.reference
            assert action.raised_on <= action.original_due_on, action.reference
            assert _local_day(action.created_at) == action.raised_on, action.reference
            assert _utc(action.source.created_at) <= _utc(action.created_at), action.reference
            if action.status == ActionStatus.CLOSED:
                assert action.raised_on <= action.closed_on <= london_today()


def test_updates_follow_their_action_in_time_order(app, seeded):
    now = datetime.now(UTC)
    with app.app_context():
        for action in db.session.scalars(select(Action)):
            times = [_utc(action.created_at)] + [_utc(u.created_at) for u in action.updates]
            assert times == sorted(times), action.reference
            assert times[-1] <= now
            for extension in action.extension_requests:
                assert _utc(action.created_at) <= _utc(extension.requested_at) <= now
                if extension.decided_at is not None:
                    assert _utc(extension.requested_at) <= _utc(extension.decided_at)


def test_history_is_spread_over_past_weeks(app, seeded):
    today = london_today()
    with app.app_context():
        days = {_local_day(t) for t in db.session.scalars(select(AuditEvent.occurred_at))}
    assert len(days) >= 20
    assert min(days) <= today - timedelta(weeks=12)
    assert max(days) <= today


def test_audit_trail_is_in_time_order_and_verifies(app, runner, seeded):
    with app.app_context():
        times = [
            _utc(t)
            for t in db.session.scalars(
                select(AuditEvent.occurred_at).order_by(AuditEvent.chain_seq)
            )
        ]
    assert times == sorted(times)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "intact" in result.output


def test_seeding_leaves_the_real_clock_in_place(app, seeded):
    import tracker.clock
    import tracker.db

    assert tracker.db.datetime is datetime
    assert tracker.clock.datetime is datetime


def test_first_reminder_run_lists_a_realistic_handful_of_overdue_items(app, seeded):
    day = london_today()
    while not is_working_day(day):
        day += timedelta(days=1)
    with app.test_request_context():
        result = run_planner(day, dry_run=True)
    overdue = {
        (r.item_type, r.item_id): int(m[1])
        for r in result.planned
        if (m := re.search(r"(\d+) days? overdue", r.line))
    }
    assert len(overdue) >= 5
    assert max(overdue.values()) < 100


def test_as_at_three_weeks_ago_shows_fewer_actions_and_older_statuses(app, client, auth, seeded):
    day = london_today() - timedelta(weeks=3)
    with app.app_context():
        now = db.session.scalars(select(Action).order_by(Action.id)).all()
        then = {a.id: a for a in actions_as_at(now, moment_for(day))}
        assert 0 < len(then) < len(now)
        assert any(then[a.id].status != a.status for a in now if a.id in then)
        later = next(a for a in now if a.id not in then)
        earlier = next(iter(then.values()))
    auth.login("priya.shah@opcc.example.org", "orchard-kettle-officer-demo")
    past = client.get(f"/reports/actions?as_at={day.isoformat()}")
    current = client.get("/reports/actions")
    assert past.status_code == current.status_code == 200
    assert later.reference in current.text
    assert later.reference not in past.text
    assert earlier.reference in past.text


def test_panel_items_sit_under_their_agenda_items_with_their_types(app, seeded):
    with app.app_context():
        stored = {
            item.text: (item.agenda_item, item.kind.value, item.published)
            for item in db.session.scalars(select(PanelItem))
        }
    loaded = SampleData(SAMPLE, london_today()).sample
    for meeting in loaded["panel_meetings"]:
        for agenda_item in meeting["agenda_items"]:
            for item in agenda_item["items"]:
                expected = (agenda_item["title"], item["kind"], item.get("published", True))
                assert stored[item["text"]] == expected


def test_seed_demo_adds_no_backdated_history_after_newer_audit_events(app, runner, admin):
    from tracker.audit.services import record

    with app.app_context():
        record(actor=None, entity_type="user", entity_id=admin.id, action="created")
        db.session.commit()
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "Sample data not added" in result.output
    assert counts(app)["actions"] == 0
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0


def test_every_demo_user_can_open_every_list(app, seeded):
    from tests.conftest import AuthActions
    from tracker.demo import DEMO_USERS

    for demo in DEMO_USERS:
        client = app.test_client()
        AuthActions(client).login(demo.email, demo.password)
        for url in (
            "/",
            "/actions/",
            "/actions/dashboard",
            "/meetings/",
            "/requests/",
            "/panel/",
            "/hmicfrs/",
        ):
            assert client.get(url).status_code == 200, (demo.email, url)


def test_demo_shows_written_responses_in_every_state(app, seeded):
    from tracker.responses.models import ResponseState, WrittenResponse

    with app.app_context():
        states = set(db.session.scalars(select(WrittenResponse.state)))
        on_reports = db.session.scalar(
            select(func.count(WrittenResponse.id)).where(
                WrittenResponse.hmicfrs_report_id.is_not(None)
            )
        )
        late = [r for r in db.session.scalars(select(WrittenResponse)) if r.days_late]
        applying = db.session.scalar(
            select(func.count(HmicfrsReport.id)).where(HmicfrsReport.applies_to_force.is_(True))
        )
    assert states == set(ResponseState)
    assert on_reports >= 1
    assert late
    assert applying >= 1


def test_demo_has_evidence_files_on_an_update_and_a_written_response(app, seeded):
    from tracker.actions.evidence import ACTION_UPDATE
    from tracker.attachments.models import Attachment
    from tracker.responses.evidence import WRITTEN_RESPONSE

    with app.app_context():
        kinds = {
            (a.owner_kind, a.filename, a.content_type)
            for a in db.session.scalars(select(Attachment))
        }
    csv = ("Vetting renewals by month.csv", "text/plain; charset=utf-8")
    assert (ACTION_UPDATE.name, *csv) in kinds
    assert any(kind == WRITTEN_RESPONSE.name for kind, _name, _type in kinds)


def test_demo_has_one_published_s55_response_and_one_in_draft(app, seeded):
    with app.app_context():
        responses = {r.report.code: r for r in db.session.scalars(select(S55Response)).all()}
        assert {code: r.state for code, r in responses.items()} == {
            "PEEL22": S55State.SENT,
            "HOMI23": S55State.DRAFT,
        }
        published = responses["PEEL22"]
        assert published.public
        assert published.approved_by.email == "admin@opcc.example.org"
        assert published.published_on == published.report.comments_published_on
        assert all(e.action_text or e.no_action_reason for e in published.entries)
        assert responses["HOMI23"].include_afis


def test_panel_business_is_the_clerks_with_responses_decisions_and_a_programme(app, seeded):
    from tracker.sources.models import PanelMatterState, PanelMeeting, WorkProgrammeItem

    with app.app_context():
        meetings = db.session.scalars(select(PanelMeeting).order_by(PanelMeeting.held_on)).all()
        assert len(meetings) == 2
        first, later = meetings
        items = db.session.scalars(select(PanelItem)).all()
        assert {item.panel_meeting_id for item in items} == {first.id}
        assert all(item.minute_number for item in items)
        states = [item.matter_state for item in items]
        assert PanelMatterState.CONCLUDED in states
        carried = [i for i in items if i.matter_state == PanelMatterState.CARRIED_FORWARD]
        assert [item.carried_forward_to_id for item in carried] == [later.id]
        assert all(item.response_outcome for item in items if item.pcc_response_on)
        topics = db.session.scalars(select(WorkProgrammeItem)).all()
        assert len(topics) == len(SAMPLE["work_programme"])
        assert any(t.panel_meeting_id == later.id and t.report_requested for t in topics)


def test_titles_name_the_dates_the_demo_gives_its_meetings(app, seeded):
    from tracker.filters import format_date
    from tracker.programme.queries import financial_year_label, financial_year_of
    from tracker.sources.models import PanelMeeting, WorkProgrammeItem

    with app.app_context():
        quarterly = db.session.scalars(
            select(Meeting).where(Meeting.title.startswith("Quarterly performance meeting"))
        ).all()
        assert len(quarterly) == 3
        for meeting in quarterly:
            month = format_date(meeting.held_on).split(" ", 1)[1]
            assert meeting.title == f"Quarterly performance meeting, {month}"
        panel_meetings = db.session.scalars(select(PanelMeeting).order_by(PanelMeeting.held_on))
        for panel_meeting in panel_meetings:
            held_on = format_date(panel_meeting.held_on)
            assert panel_meeting.title == f"West Mercia Police and Crime Panel, {held_on}"
        # The earlier meeting is the one whose minutes the items and the programme cite.
        panel_meeting = db.session.scalars(
            select(PanelMeeting).order_by(PanelMeeting.held_on)
        ).first()
        held = format_date(panel_meeting.held_on)
        year = financial_year_of(panel_meeting.held_on)
        agenda = set(db.session.scalars(select(PanelItem.agenda_item)))
        assert f"PCC's annual report {financial_year_label(year - 1)}" in agenda
        titles = db.session.scalars(select(PanelItem.text)).all()
        notes = db.session.scalars(select(WorkProgrammeItem.notes)).all()
        assert f"Report requested at the meeting of {held} (minute 17)." in notes
        # No placeholder is left unwritten anywhere in what was loaded.
        texts = [*titles, *notes, *db.session.scalars(select(Action.title)).all()]
        assert not [text for text in texts if "{" in text]
