"""The audit vocabulary: every entity type and every audited field is named in one map."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from sqlalchemy import select

from tests.factories import (
    make_adhoc_request,
    make_finding,
    make_meeting,
    make_panel_item,
    make_report,
)
from tracker.actions import services as actions
from tracker.actions.models import ActionStatus, Marking, Rag
from tracker.assurance import AssuranceMethod, AssuranceVerdict
from tracker.audit.models import AuditEvent
from tracker.audit.vocabulary import AuditEntity, FieldKind, audited_fields, field_for
from tracker.auth import services as auth
from tracker.auth.models import Organisation, Role, User
from tracker.db import db
from tracker.programme import services as programme
from tracker.publication import services as publication_services
from tracker.publication.models import PublicationKind
from tracker.reminders.preferences import set_opt_outs
from tracker.settings import services as settings
from tracker.settings.models import TagList
from tracker.sources import services as sources
from tracker.sources.models import (
    AdhocRequest,
    Finding,
    FindingKind,
    HmicfrsReport,
    Meeting,
    MeetingState,
    PanelItem,
    PanelItemKind,
    PanelMatterState,
    PanelMeeting,
    PccResponseOutcome,
    RequestStatus,
)
from tracker.sources.panel import services as panel

TRACKER = Path(__file__).resolve().parents[2] / "tracker"
EVIDENCE, ASSURED = AssuranceMethod.EVIDENCE_REVIEWED, AssuranceVerdict.ASSURED


def test_no_entity_type_is_named_by_a_bare_string():
    pattern = re.compile(r"""entity_type\s*(=|==)\s*["']""")
    offenders = [
        f"{path.relative_to(TRACKER)}:{number}"
        for path in TRACKER.rglob("*.py")
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if pattern.search(line)
    ]
    assert offenders == []


def test_entity_values_are_the_strings_already_stored():
    assert {e.value for e in AuditEntity} == {
        "action",
        "meeting",
        "adhoc_request",
        "panel_item",
        "hmicfrs_report",
        "finding",
        "user",
        "setting",
        "tag",
        "outbox",
        "import_batch",
        "precept_year",
        "chief_constable_appointment",
        "annual_report_review",
        "meeting_kind",
        "meeting_series",
        "line_of_enquiry",
        "public_question",
        "publication_record",
        "panel_meeting",
        "work_programme_item",
    }


def _details(owner: User, **changes) -> actions.ActionDetails:
    values = {
        "title": "Review the victims needs assessment",
        "description": "",
        "owner": owner,
        "owning_organisation": owner.organisation,
        "lead_role": "",
        "raised_on": date(2024, 3, 4),
        "due_on": date(2024, 5, 31),
        "marking": Marking.OFFICIAL,
        "opcc_only": False,
        "opcc_note": "",
        "tags": [],
    }
    values.update(changes)
    return actions.ActionDetails(**values)


def _drive_every_service(app, officer, liaison, admin) -> None:
    """Make every kind of audited change through the services."""
    meeting = make_meeting(app)
    adhoc = make_adhoc_request(app)
    item = make_panel_item(app)
    report = make_report(app)
    cause = make_finding(app, report, kind=FindingKind.CAUSE_OF_CONCERN, reference="C1")
    with app.app_context():
        o = db.session.get(User, officer.id)
        f = db.session.get(User, liaison.id)
        a = db.session.get(User, admin.id)
        tag = settings.add_tag(TagList.LOCAL_AREA, "Worcester", by=a)
        action = actions.create_action(
            db.session.get(Meeting, meeting.id), _details(f, tags=[tag]), by=o
        )
        actions.edit_action(
            action,
            _details(
                o,
                title="Renamed",
                description="More detail",
                owning_organisation=Organisation.OPCC,
                lead_role="Head of performance",
                raised_on=date(2024, 3, 5),
                due_on=date(2024, 6, 28),
                marking=Marking.OFFICIAL_SENSITIVE,
                opcc_only=True,
                opcc_note="Internal",
                tags=[],
            ),
            by=o,
            expected_version=action.version,
        )
        actions.edit_action(
            action,
            _details(f, opcc_only=False, owning_organisation=Organisation.FORCE),
            by=o,
            expected_version=action.version,
        )
        today = date(2024, 4, 2)
        actions.transition(action, ActionStatus.IN_PROGRESS, by=f, note="", today=today)
        update = actions.add_update(action, by=f, text="Draft", rag=Rag.AMBER)
        actions.edit_update(update, by=f, text="Final")
        extension = actions.request_extension(
            action, by=f, proposed_due_on=date(2024, 9, 30), reason="Waiting"
        )
        actions.decide_extension(extension, by=o, approve=True, note="")
        actions.transition(action, ActionStatus.IMPLEMENTED, by=f, note="Done", today=today)
        actions.assure(action, by=o, method=EVIDENCE, verdict=ASSURED, note="", today=today)
        actions.transition(action, ActionStatus.REOPENED, by=o, note="Again", today=today)

        for model, record_id, fields in (
            (Meeting, meeting.id, {"themes": "Victims", "chair": "PCC", "published": False}),
            (
                AdhocRequest,
                adhoc.id,
                {
                    "response_received_on": date(2030, 7, 1),
                    "response": "Answered",
                    "status": RequestStatus.RECEIVED,
                },
            ),
            (PanelItem, item.id, {"pcc_response": "Noted", "pcc_response_on": date(2030, 8, 1)}),
            (HmicfrsReport, report.id, {"comments_url": "https://example.org/comments"}),
            (Finding, cause.id, {"text": "Reworded"}),
        ):
            source = db.session.get(model, record_id)
            sources.edit_source(source, fields, by=o, expected_version=source.version)
        sources.create_source(
            Finding,
            {
                "report_id": report.id,
                "kind": FindingKind.RECOMMENDATION,
                "reference": "R1",
                "text": "Improve",
                "parent_id": cause.id,
            },
            by=o,
        )

        invited = auth.invite_user(
            by=a, name="Priya Shah", email="priya@example.org", role=Role.ADMIN
        )
        auth.update_user(
            by=a,
            user=invited,
            name="Priya Shah-Jones",
            email="priya.shah@example.org",
            role=Role.OPCC_OFFICER,
            expected_version=invited.version,
        )
        auth.set_active(by=a, user=invited, active=False)
        set_opt_outs(o, {"due_soon"})
        settings.set_setting("amber_days", 7, by=a)
        settings.rename_tag(tag, "Worcester city", by=a)
        settings.set_tag_active(tag, False, by=a)
        _drive_programme(o, f, a)
        _drive_panel(o)
        db.session.commit()


def _drive_panel(o: User) -> None:
    """Every audited change in the Panel's business (its clerk concludes the matter)."""
    c = User(
        name="Cam Clerk",
        email="cam.clerk@council.example.org",
        role=Role.PANEL_CLERK,
        organisation=Organisation.PANEL,
        active=True,
    )
    db.session.add(c)
    db.session.flush()
    meeting = sources.create_source(
        PanelMeeting, {"held_on": date(2031, 1, 20), "title": "Panel"}, by=c
    )
    sources.edit_source(
        meeting,
        {"title": "Police and Crime Panel", "venue": "County Hall", "published": False},
        by=c,
        expected_version=meeting.version,
    )
    later = sources.create_source(
        PanelMeeting, {"held_on": date(2031, 3, 2), "title": "Panel"}, by=c
    )
    item = sources.create_source(
        PanelItem,
        {
            "panel_meeting_on": meeting.held_on,
            "kind": PanelItemKind.RECOMMENDATION,
            "text": "Report on technology",
            "response_due_on": date(2031, 2, 17),
            "minute_number": "12/31",
            "agenda_item": "6. Technology",
        },
        by=c,
    )
    panel.record_pcc_response(
        item,
        outcome=PccResponseOutcome.PARTLY_ACCEPTED,
        text="In part",
        responded_on=date(2031, 2, 10),
        by=o,
        expected_version=item.version,
    )
    panel.conclude_panel_item(
        item,
        state=PanelMatterState.CARRIED_FORWARD,
        carried_forward_to=later,
        note="Wait for the budget",
        by=c,
        expected_version=item.version,
    )
    topic = panel.add_programme_item({"topic": "Estates", "notes": ""}, by=c)
    panel.change_programme_item(
        topic,
        {
            "topic": "Estates strategy",
            "panel_meeting_id": later.id,
            "last_reported_on": date(2030, 6, 1),
            "report_requested": True,
            "report_due_on": date(2031, 2, 20),
            "notes": "Ask for costs",
        },
        by=c,
        expected_version=topic.version,
    )


def _drive_programme(o: User, f: User, a: User) -> None:
    """Every audited change in the A&A programme."""
    kind = programme.add_meeting_kind("Estates", by=a)
    programme.rename_meeting_kind(kind, "Estates and fleet", by=a)
    programme.set_meeting_kind_active(kind, False, by=a)
    series = programme.series_named("Estates 2026/27", by=o)
    planned = sources.create_source(
        Meeting,
        {
            "kind_id": kind.id,
            "series_id": series.id,
            "held_on": date(2099, 6, 3),
            "title": "Planned",
            "state": MeetingState.PLANNED,
            "opcc_lead_id": o.id,
        },
        by=o,
    )
    programme.record_papers_received(
        planned, date(2099, 5, 1), by=o, expected_version=planned.version
    )
    programme.cancel_meeting(planned, "Snow", by=o, expected_version=planned.version)
    other = sources.create_source(
        Meeting,
        {
            "kind_id": kind.id,
            "held_on": date(2024, 6, 3),
            "title": "Held",
            "state": MeetingState.PLANNED,
        },
        by=o,
    )
    programme.record_held(other, by=o, today=date(2024, 6, 3), expected_version=other.version)
    line = programme.add_line_of_enquiry(other, "Why?", by=o)
    programme.edit_line_question(
        line, "Why so?", opcc_only=False, by=o, expected_version=line.version
    )
    programme.answer_line(line, "Because", by=f, expected_version=line.version)
    programme.conclude_line(line, "Concluded that", by=o, expected_version=line.version)
    question = programme.save_public_question(
        other, {"question": "Q", "asked_by": "A", "answer": "", "published": False}, by=o
    )
    programme.save_public_question(
        other,
        {"question": "Q", "asked_by": "A", "answer": "Yes", "published": True},
        by=o,
        question=question,
        expected_version=question.version,
    )
    sources.edit_source(
        other,
        {"outcome_summary": "Assured", "outcome_published_on": date(2024, 6, 20)},
        by=o,
        expected_version=other.version,
    )
    publication = publication_services.create_publication(
        by=o, kind=PublicationKind.DECISION, title="Decision", due_on=date(2024, 7, 1)
    )
    publication_services.edit_publication(
        publication,
        by=o,
        expected_version=publication.version,
        published_on=date(2024, 6, 28),
        url="https://opcc.example.org/decision",
        public=False,
        summary="Summary",
    )


def test_every_field_any_service_audits_is_in_the_vocabulary(app, officer, liaison, admin):
    _drive_every_service(app, officer, liaison, admin)
    with app.app_context():
        events = db.session.scalars(select(AuditEvent)).all()
        audited = {(e.entity_type, name) for e in events for name in e.changes or {}}
    assert len(audited) >= 40  # the drive above really touched the fields
    missing = sorted(
        (entity, name) for entity, name in audited if name not in audited_fields(entity)
    )
    assert missing == []
    assert {entity for entity, _ in audited} >= {e.value for e in AuditEntity} - {
        "outbox",
        "import_batch",
        "precept_year",
        "chief_constable_appointment",
        "annual_report_review",
    }


def test_status_changes_record_the_closed_date_they_set(app, officer, liaison, admin):
    _drive_every_service(app, officer, liaison, admin)
    with app.app_context():
        changes = [
            e.changes
            for e in db.session.scalars(
                select(AuditEvent)
                .where(AuditEvent.action == "status_changed")
                .order_by(AuditEvent.chain_seq)
            )
        ]
    assert changes[-2] == {
        "status": ["implemented", "closed"],
        "closed_on": [None, "2024-04-02"],
        "assurance_verdict": [None, "assured"],
        "assurance_method": [None, "evidence_reviewed"],
    }
    assert changes[-1] == {"status": ["closed", "reopened"], "closed_on": ["2024-04-02", None]}
    assert "closed_on" not in changes[0]  # open -> in progress leaves the closed date alone


def test_fields_parse_stored_values_back():
    fields = audited_fields(AuditEntity.ACTION)
    assert fields["due_on"].parse("2024-03-05") == date(2024, 3, 5)
    assert fields["status"].parse("in_progress") is ActionStatus.IN_PROGRESS
    assert fields["opcc_only"].parse(True) is True
    assert fields["owner_id"].parse(3) == 3
    assert fields["title"].parse(None) is None


def test_fields_describe_stored_values_in_words():
    fields = audited_fields(AuditEntity.ACTION)
    assert fields["owner_id"].label == "Owner"
    assert fields["owner_id"].describe(3, user_names={3: "Priya Shah"}) == "Priya Shah"
    assert fields["status"].describe("in_progress") == "In progress"
    assert fields["due_on"].describe("2024-03-05") == "5 March 2024"
    assert fields["opcc_only"].label == "OPCC only"
    assert fields["opcc_only"].describe(False) == "No"
    assert fields["owner_id"].describe(None) == "(none)"


def test_setting_fields_are_labelled_from_the_settings_definitions(app):
    with app.app_context():
        field = audited_fields(AuditEntity.SETTING)["amber_days"]
    assert field.label == "Amber warning (days before due)"
    assert field.kind == FieldKind.NUMBER


def test_an_unknown_field_is_described_from_its_name():
    assert field_for(AuditEntity.ACTION, "made_up_field").label == "Made up field"
