"""The audit vocabulary: which records are audited and, for each, which fields and their words.

`AuditEntity` names every kind of record an audit event can be about; its values are
the strings stored in `audit_events.entity_type` (and hashed into the chain), so they
never change. `AUDITED_FIELDS` is the one map of audited fields: for each entity type,
field name -> `AuditedField` (its label, how to read the stored JSON value back and how
to say it in words). Services build their audit snapshots from it, the as-at rebuild
puts values back with it and history pages describe changes with it.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from tracker.actions.models import ActionStatus, Marking, Rag
from tracker.assurance import AssuranceMethod, AssuranceVerdict
from tracker.auth.models import Organisation, Role
from tracker.db import LabelledEnum
from tracker.publication.models import PublicationKind
from tracker.reminders.models import OutboxStatus
from tracker.reminders.rules import GROUP_LABELS
from tracker.settings.models import TagList
from tracker.sources.models import (
    FindingKind,
    InspectorateStatus,
    MeetingState,
    PanelItemKind,
    PanelMatterState,
    PccResponseOutcome,
    ReportScope,
    ReportType,
    RequestStatus,
)
from tracker.statutory.models import PcDecision, Recommendation, VetoReason


class AuditEntity(enum.StrEnum):
    """The kinds of record audit events are about (values are the stored strings)."""

    ACTION = "action"
    MEETING = "meeting"
    ADHOC_REQUEST = "adhoc_request"
    PANEL_ITEM = "panel_item"
    HMICFRS_REPORT = "hmicfrs_report"
    FINDING = "finding"
    USER = "user"
    SETTING = "setting"
    TAG = "tag"
    OUTBOX = "outbox"
    IMPORT_BATCH = "import_batch"
    PRECEPT_YEAR = "precept_year"
    APPOINTMENT = "chief_constable_appointment"
    ANNUAL_REPORT = "annual_report_review"
    MEETING_KIND = "meeting_kind"
    MEETING_SERIES = "meeting_series"
    LINE_OF_ENQUIRY = "line_of_enquiry"
    PUBLIC_QUESTION = "public_question"
    PUBLICATION_RECORD = "publication_record"
    PANEL_MEETING = "panel_meeting"
    WORK_PROGRAMME_ITEM = "work_programme_item"

    @property
    def label(self) -> str:
        """The record type in words: "Ad-hoc request", "HMICFRS report"."""
        return ENTITY_LABELS[self]


ENTITY_LABELS: dict[AuditEntity, str] = {
    AuditEntity.ACTION: "Action",
    AuditEntity.MEETING: "A&A meeting",
    AuditEntity.ADHOC_REQUEST: "Ad-hoc request",
    AuditEntity.PANEL_ITEM: "Panel item",
    AuditEntity.HMICFRS_REPORT: "HMICFRS report",
    AuditEntity.FINDING: "HMICFRS finding",
    AuditEntity.USER: "User",
    AuditEntity.SETTING: "Setting",
    AuditEntity.TAG: "Tag",
    AuditEntity.OUTBOX: "Email",
    AuditEntity.IMPORT_BATCH: "Import",
    AuditEntity.PRECEPT_YEAR: "Precept year",
    AuditEntity.APPOINTMENT: "Chief Constable appointment",
    AuditEntity.ANNUAL_REPORT: "Annual report review",
    AuditEntity.MEETING_KIND: "Meeting kind",
    AuditEntity.MEETING_SERIES: "Meeting series",
    AuditEntity.LINE_OF_ENQUIRY: "Line of enquiry",
    AuditEntity.PUBLIC_QUESTION: "Public question",
    AuditEntity.PUBLICATION_RECORD: "Publication",
    AuditEntity.PANEL_MEETING: "Panel meeting",
    AuditEntity.WORK_PROGRAMME_ITEM: "Work programme topic",
}


class FieldKind(enum.StrEnum):
    """How an audited value is stored in `changes` and read back."""

    TEXT = "text"
    NUMBER = "number"
    DATE = "date"
    BOOL = "bool"
    CHOICE = "choice"  # a LabelledEnum, stored as its value
    USER = "user"  # a user id
    RECORD = "record"  # the id of another record (a parent finding, a report)
    LIST = "list"  # a list of short strings


NOTHING = "(none)"


@dataclass(frozen=True)
class AuditedField:
    """One audited field: its label and how to read and describe its stored value.

    `on_record` is False for what is audited about a record but is not one of its
    attributes (an action's tags as one string, a RAG given with an update, an
    update's corrected text): nothing can be put back on the record from those.
    """

    label: str
    kind: FieldKind = FieldKind.TEXT
    choices: type[LabelledEnum] | None = None
    on_record: bool = True
    # For a RECORD field: the kind of record its id points at (a finding's report).
    target: AuditEntity | None = None
    # For a LIST field: the words for each stored item ("due_soon" -> "Due soon").
    item_labels: Mapping[str, str] | None = None

    def parse(self, stored: Any) -> Any:
        """The Python value for a JSON value from `changes` (None stays None).

        Raises ValueError or TypeError for a value that cannot be read.
        """
        if stored is None:
            return None
        if self.kind == FieldKind.DATE:
            return date.fromisoformat(str(stored)[:10])
        if self.kind == FieldKind.BOOL:
            return stored in (True, 1, "1", "true", "yes")
        if self.kind == FieldKind.CHOICE and self.choices is not None:
            return self.choices(stored)
        if self.kind in (FieldKind.USER, FieldKind.RECORD, FieldKind.NUMBER):
            return int(stored)
        if self.kind == FieldKind.LIST:
            return [str(item) for item in stored]
        return str(stored)

    def describe(
        self,
        stored: Any,
        *,
        user_names: Mapping[int, str] | None = None,
        record_names: Mapping[int, str] | None = None,
    ) -> str:
        """The stored value in words: "5 March 2024", "In progress", "Yes", "Priya Shah".

        `user_names` and `record_names` (for a RECORD field, names of its target's
        records) map ids to names; an id missing from them is said as a number.
        """
        if stored is None or stored == "" or stored == []:
            return NOTHING
        try:
            value = self.parse(stored)
        except (TypeError, ValueError):
            return str(stored)
        if self.kind == FieldKind.DATE:
            return f"{value.day} {value:%B %Y}"
        if self.kind == FieldKind.BOOL:
            return "Yes" if value else "No"
        if self.kind == FieldKind.CHOICE:
            return value.label
        if self.kind == FieldKind.USER:
            return (user_names or {}).get(value, f"user {value}")
        if self.kind == FieldKind.RECORD:
            return (record_names or {}).get(value, f"record {value}")
        if self.kind == FieldKind.LIST:
            labels = self.item_labels or {}
            return ", ".join(labels.get(item, item) for item in value)
        return str(value)


def _text(label: str, *, on_record: bool = True) -> AuditedField:
    return AuditedField(label, FieldKind.TEXT, on_record=on_record)


def _date(label: str) -> AuditedField:
    return AuditedField(label, FieldKind.DATE)


def _flag(label: str) -> AuditedField:
    return AuditedField(label, FieldKind.BOOL)


def _choice(label: str, choices: type[LabelledEnum], *, on_record: bool = True) -> AuditedField:
    return AuditedField(label, FieldKind.CHOICE, choices, on_record=on_record)


# The fields an action edit (or an import) may change, in form order. Status and the
# closed date move only through actions.services.transition().
ACTION_EDITABLE = (
    "title",
    "description",
    "owner_id",
    "owning_organisation",
    "lead_role",
    "raised_on",
    "due_on",
    "marking",
    "opcc_only",
    "opcc_note",
)

AUDITED_FIELDS: dict[AuditEntity, dict[str, AuditedField]] = {
    AuditEntity.PRECEPT_YEAR: {
        "financial_year": AuditedField("Financial year", FieldKind.NUMBER),
        "proposal_notified_on": _date("Date the Panel was notified of the proposed precept"),
        "proposed_amount": _text("Proposed precept (£)"),
        "proposed_band_d": _text("Proposed Band D (£)"),
        "report_on": _date("Date of the Panel's report"),
        "report_text": _text("Panel's report"),
        "vetoed": _flag("Vetoed"),
        "veto_reason": _choice("Why vetoed", VetoReason),
        "panel_members": AuditedField("Members of the Panel", FieldKind.NUMBER),
        "votes_for_veto": AuditedField("Votes for the veto", FieldKind.NUMBER),
        "response_on": _date("Date of the PCC's response"),
        "response_text": _text("PCC's response"),
        "revised_amount": _text("Revised precept (£)"),
        "revised_band_d": _text("Revised Band D (£)"),
        "second_report_on": _date("Date of the Panel's report on the revised precept"),
        "second_report_text": _text("Panel's report on the revised precept"),
        "issued_on": _date("Date the precept was issued"),
        "final_amount": _text("Precept issued (£)"),
        "final_band_d": _text("Band D issued (£)"),
    },
    AuditEntity.APPOINTMENT: {
        "candidate_name": _text("Candidate"),
        "notified_on": _date("Date the Panel was notified"),
        "hearing_on": _date("Date of the confirmation hearing"),
        "report_on": _date("Date of the Panel's report"),
        "report_text": _text("Panel's report"),
        "recommendation": _choice("Panel's recommendation", Recommendation),
        "vetoed": _flag("Vetoed"),
        "panel_members": AuditedField("Members of the Panel", FieldKind.NUMBER),
        "votes_for_veto": AuditedField("Votes for the veto", FieldKind.NUMBER),
        "decision": _choice("PCC's decision", PcDecision),
        "decision_on": _date("Date of the PCC's decision"),
        "outcome_text": _text("Outcome"),
    },
    AuditEntity.ANNUAL_REPORT: {
        "financial_year": AuditedField("Financial year", FieldKind.NUMBER),
        "sent_on": _date("Date sent to the Panel"),
        "meeting_on": _date("Date of the public meeting"),
        "report_on": _date("Date of the Panel's report"),
        "report_text": _text("Panel's report or recommendations"),
        "response_due_on": _date("Response due date"),
        "response_on": _date("Date of the PCC's response"),
        "response_text": _text("PCC's response"),
        "published_on": _date("Date published"),
    },
    AuditEntity.ACTION: {
        "reference": _text("Reference"),
        "title": _text("Title"),
        "description": _text("Description"),
        "owner_id": AuditedField("Owner", FieldKind.USER),
        "owning_organisation": _choice("Owning organisation", Organisation),
        "lead_role": _text("Lead role"),
        "raised_on": _date("Date raised"),
        "due_on": _date("Due date"),
        "original_due_on": _date("Original due date"),
        "marking": _choice("Marking", Marking),
        "opcc_only": _flag("OPCC only"),
        "opcc_note": _text("OPCC note"),
        "published_to_panel": _flag("Published to the Panel"),
        "status": _choice("Status", ActionStatus),
        "closed_on": _date("Date closed"),
        "tags": _text("Tags", on_record=False),
        "rag": _choice("RAG", Rag, on_record=False),
        "update_text": _text("Update", on_record=False),
        # The OPCC's assurance conclusion given with a status change (kept on the update).
        "assurance_verdict": _choice("Assurance verdict", AssuranceVerdict, on_record=False),
        "assurance_method": _choice("Assurance method", AssuranceMethod, on_record=False),
    },
    AuditEntity.MEETING: {
        # Before kinds became a list, the kind was stored as a word ("performance").
        "kind": _text("Type of meeting", on_record=False),
        "kind_id": AuditedField(
            "Type of meeting", FieldKind.RECORD, target=AuditEntity.MEETING_KIND
        ),
        "series_id": AuditedField("Series", FieldKind.RECORD, target=AuditEntity.MEETING_SERIES),
        "held_on": _date("Date of the meeting"),
        "starts_at": _text("Start time"),
        "title": _text("Title"),
        "themes": _text("Themes"),
        "chair": _text("Chair"),
        "attendees": _text("Attendees"),
        "minutes_url": _text("Minutes link"),
        "published": _flag("Published"),
        "state": _choice("State", MeetingState),
        "cancel_reason": _text("Why it was cancelled"),
        "papers_received_on": _date("Date the papers were received"),
        "opcc_lead_id": AuditedField("OPCC lead", FieldKind.USER),
        "outcome_summary": _text("Outcome summary"),
        "outcome_published_on": _date("Date the minutes and outcome summary were published"),
    },
    AuditEntity.ADHOC_REQUEST: {
        "subject": _text("Subject"),
        "detail": _text("Detail"),
        "sent_on": _date("Date sent"),
        "recipient": _text("Sent to"),
        "response_due_on": _date("Response due date"),
        "due_override_reason": _text("Why the due date differs"),
        "response_received_on": _date("Date the response was received"),
        "response": _text("Response"),
        "status": _choice("Status", RequestStatus),
        "author_id": AuditedField("Author", FieldKind.USER),
    },
    AuditEntity.PANEL_ITEM: {
        "panel_meeting_id": AuditedField(
            "Panel meeting", FieldKind.RECORD, target=AuditEntity.PANEL_MEETING
        ),
        "panel_meeting_on": _date("Date of the Panel meeting"),
        "agenda_item": _text("Agenda item"),
        "minute_number": _text("Minute number"),
        "kind": _choice("Type of item", PanelItemKind),
        "text": _text("Text"),
        "response_due_on": _date("Response due date"),
        "pcc_response": _text("PCC's response"),
        "pcc_response_on": _date("Date of the PCC's response"),
        "response_outcome": _choice("Outcome of the PCC's response", PccResponseOutcome),
        "published": _flag("Published"),
        "matter_state": _choice("Panel's conclusion", PanelMatterState),
        "carried_forward_to_id": AuditedField(
            "Carried forward to", FieldKind.RECORD, target=AuditEntity.PANEL_MEETING
        ),
        "matter_note": _text("Note on the conclusion"),
    },
    AuditEntity.PANEL_MEETING: {
        "held_on": _date("Date of the Panel meeting"),
        "title": _text("Title"),
        "venue": _text("Venue"),
        "published": _flag("Published"),
    },
    AuditEntity.WORK_PROGRAMME_ITEM: {
        "topic": _text("Topic"),
        "panel_meeting_id": AuditedField(
            "Planned Panel meeting", FieldKind.RECORD, target=AuditEntity.PANEL_MEETING
        ),
        "last_reported_on": _date("Date last reported"),
        "report_requested": _flag("Report requested from the PCC"),
        "report_due_on": _date("Report due"),
        "notes": _text("Notes and follow-up"),
    },
    AuditEntity.HMICFRS_REPORT: {
        "code": _text("Code"),
        "title": _text("Title"),
        "report_type": _choice("Type of report", ReportType),
        "scope": _choice("Scope", ReportScope),
        "published_on": _date("Date published"),
        "pcc_comments_due_on": _date("PCC comments due"),
        "cc_comments_due_on": _date("Chief Constable comments due"),
        "comments_published_on": _date("Date comments published"),
        "comments_url": _text("Comments link"),
        "sent_to_hmicfrs_on": _date("Date sent to HMICFRS"),
        "sent_to_home_secretary_on": _date("Date sent to the Home Secretary"),
        "applies_to_force": _flag("Applies to the force"),
        "cc_comments": _text("Chief Constable's comments"),
        "cc_comments_received_on": _date("Date the Chief Constable's comments were accepted"),
    },
    AuditEntity.FINDING: {
        "report_id": AuditedField("Report", FieldKind.RECORD, target=AuditEntity.HMICFRS_REPORT),
        "kind": _choice("Type of finding", FindingKind),
        "reference": _text("Reference"),
        "text": _text("Text"),
        "parent_id": AuditedField("Cause of concern", FieldKind.RECORD, target=AuditEntity.FINDING),
        "inspectorate_status": _choice("Inspectorate status", InspectorateStatus),
    },
    AuditEntity.USER: {
        "name": _text("Name"),
        "email": _text("Email address"),
        "role": _choice("Role", Role),
        "organisation": _choice("Organisation", Organisation),
        "active": _flag("Active"),
        "turned_off": AuditedField(
            "Reminders turned off", FieldKind.LIST, on_record=False, item_labels=GROUP_LABELS
        ),
    },
    AuditEntity.TAG: {
        "tag_list": _choice("List", TagList),
        "name": _text("Name"),
        "active": _flag("Offered on the action form"),
    },
    AuditEntity.OUTBOX: {
        "status": _choice("Status", OutboxStatus),
        "attempts": AuditedField("Attempts", FieldKind.NUMBER),
    },
    AuditEntity.IMPORT_BATCH: {},
    AuditEntity.MEETING_KIND: {
        "name": _text("Name"),
        "active": _flag("Offered on the meeting form"),
    },
    AuditEntity.MEETING_SERIES: {
        "name": _text("Name"),
        "active": _flag("Offered on the meeting form"),
    },
    AuditEntity.LINE_OF_ENQUIRY: {
        "meeting_id": AuditedField("Meeting", FieldKind.RECORD, target=AuditEntity.MEETING),
        "position": AuditedField("Number", FieldKind.NUMBER),
        "question": _text("Question"),
        "answer": _text("The force's answer"),
        "conclusion": _text("The OPCC's conclusion"),
        "opcc_only": _flag("OPCC only"),
    },
    AuditEntity.PUBLIC_QUESTION: {
        "meeting_id": AuditedField("Meeting", FieldKind.RECORD, target=AuditEntity.MEETING),
        "question": _text("Question"),
        "asked_by": _text("Asked by"),
        "answer": _text("Answer"),
        "published": _flag("Published"),
    },
    AuditEntity.PUBLICATION_RECORD: {
        "kind": _choice("Type of publication", PublicationKind),
        "title": _text("Title"),
        "due_on": _date("Due date"),
        "published_on": _date("Date published"),
        "url": _text("Link"),
        "public": _flag("Shown on the public pages"),
        "summary": _text("Summary"),
    },
}


def _setting_fields() -> dict[str, AuditedField]:
    """Settings are audited under their key; the settings' own definitions give the labels."""
    from tracker.settings.definitions import DEFINITIONS

    return {
        key: AuditedField(
            definition.label,
            FieldKind.NUMBER if definition.kind == "number" else FieldKind.TEXT,
        )
        for key, definition in DEFINITIONS.items()
    }


_LATER: dict[AuditEntity, Callable[[], dict[str, AuditedField]]] = {
    AuditEntity.SETTING: _setting_fields,
}


def audited_fields(entity: AuditEntity | str) -> Mapping[str, AuditedField]:
    """The audited fields of one entity type (empty for an unknown type)."""
    try:
        entity = AuditEntity(entity)
    except ValueError:
        return {}
    if entity in _LATER:
        return _LATER[entity]()
    return AUDITED_FIELDS.get(entity, {})


def field_for(entity: AuditEntity | str, name: str) -> AuditedField:
    """The field's entry, or a plain text field labelled from its name for an unknown one."""
    found = audited_fields(entity).get(name)
    return found or AuditedField(name.replace("_", " ").capitalize())


def record_fields(entity: AuditEntity) -> tuple[str, ...]:
    """The audited fields that are attributes of the record, in map order."""
    return tuple(name for name, field in audited_fields(entity).items() if field.on_record)
