"""Audit events in words, for every page that shows them.

`describe_events` turns events into `HistoryEntry` rows (who, what, which record with
a link where the reader may open it, and one line per changed field); `change_lines`
is the one function that says an event's changes in words. Both read the labels and
values from `tracker.audit.vocabulary`. Names of people and records are loaded in one
query per kind of record, whatever the number of events.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker import policy
from tracker.actions.models import Action
from tracker.audit.models import AuditEvent
from tracker.audit.vocabulary import NOTHING, AuditEntity, FieldKind, audited_fields, field_for
from tracker.auth.models import User
from tracker.db import db
from tracker.imports.models import ImportBatch
from tracker.programme.models import LineOfEnquiry, PublicQuestion
from tracker.publication.models import PublicationRecord
from tracker.reminders.models import OutboxMessage
from tracker.settings.models import Tag
from tracker.sources.models import (
    AdhocRequest,
    Finding,
    HmicfrsReport,
    Meeting,
    MeetingKind,
    MeetingSeries,
    PanelItem,
    PanelMeeting,
    WorkProgrammeItem,
)
from tracker.statutory.models import AnnualReportReview, ChiefConstableAppointment, PreceptYear

ARROW = "→"


@dataclass(frozen=True)
class RecordName:
    """A record as a reader sees it: "Action AA-2023-014", and a link when they may open it."""

    text: str
    url: str | None = None


@dataclass(frozen=True)
class HistoryEntry:
    """One audit event in words."""

    occurred_at: datetime
    who: str
    what: str
    record: RecordName
    summary: str
    lines: list[str] = field(default_factory=list)


# Verbs the general rule below would say badly ("S55 drafted").
ACTION_WORDS: dict[str, str] = {
    "s55_drafted": "s.55 response drafted",
    "s55_edited": "s.55 response edited",
    "s55_submitted": "s.55 response submitted for approval",
    "s55_approved": "s.55 response approved",
    "s55_published": "s.55 response published",
    "s55_sent": "s.55 response sent",
}


def action_words(action: str) -> str:
    """The event's verb in words: "status_changed" -> "Status changed"."""
    if action in ACTION_WORDS:
        return ACTION_WORDS[action]
    return action.replace("_", " ").strip().capitalize() or "Changed"


def _entity(entity_type: str) -> AuditEntity | None:
    try:
        return AuditEntity(entity_type)
    except ValueError:
        return None


def change_lines(
    event: AuditEvent,
    *,
    user_names: Mapping[int, str] | None = None,
    record_names: Mapping[AuditEntity, Mapping[int, str]] | None = None,
) -> list[str]:
    """Each changed field of `event` as a line: "Status: Open → In progress".

    A value set where there was none reads "Owner: Priya Shah"; one taken away reads
    "Lead role: removed (was Head of performance)"; a change from nothing to nothing
    is left out.
    """
    lines = []
    for name, values in (event.changes or {}).items():
        audited = field_for(event.entity_type, name)
        old, new = _pair(values)
        names = (record_names or {}).get(audited.target, {}) if audited.target else None
        before = audited.describe(old, user_names=user_names, record_names=names)
        after = audited.describe(new, user_names=user_names, record_names=names)
        if before == NOTHING and after == NOTHING:
            continue
        if before == NOTHING:
            lines.append(f"{audited.label}: {after}")
        elif after == NOTHING:
            lines.append(f"{audited.label}: removed (was {before})")
        else:
            lines.append(f"{audited.label}: {before} {ARROW} {after}")
    return lines


def _pair(values: Any) -> tuple[Any, Any]:
    """[old, new] as stored; anything else is read as a new value with no old one."""
    if isinstance(values, list | tuple) and len(values) == 2:
        return values[0], values[1]
    return None, values


# How each kind of record is named, and where its page is (None: no page, or not for
# this reader). Each namer gets the loaded record and the reader.
_Namer = Callable[[Any, Any], RecordName]


def _source_link(endpoint: str, arg: str) -> Callable[[Any, Any], str | None]:
    def link(source: Any, reader: Any) -> str | None:
        if policy.can_view_source(reader, source):
            return url_for(endpoint, **{arg: source.id})
        return None

    return link


def _action(action: Action, reader: Any) -> RecordName:
    url = url_for("actions.show", action_id=action.id)
    return RecordName(
        f"Action {action.reference}", url if policy.can_view_action(reader, action) else None
    )


def _meeting(meeting: Meeting, reader: Any) -> RecordName:
    link = _source_link("meetings.show", "meeting_id")
    return RecordName(f"A&A meeting {meeting.title}", link(meeting, reader))


def _adhoc(adhoc: AdhocRequest, reader: Any) -> RecordName:
    link = _source_link("adhoc_requests.show", "request_id")
    return RecordName(f"Ad-hoc request {adhoc.subject}", link(adhoc, reader))


def _panel_item(item: PanelItem, reader: Any) -> RecordName:
    link = _source_link("panel_items.show", "item_id")
    words = item.agenda_item or f"{item.kind.label} of {item.panel_meeting_on.day} " + (
        f"{item.panel_meeting_on:%B %Y}"
    )
    return RecordName(f"Panel item {words}", link(item, reader))


def _panel_meeting(meeting: PanelMeeting, reader: Any) -> RecordName:
    link = _source_link("panel_items.meeting", "panel_meeting_id")
    return RecordName(
        f"Panel meeting of {meeting.held_on.day} {meeting.held_on:%B %Y}", link(meeting, reader)
    )


def _work_programme_item(item: WorkProgrammeItem, reader: Any) -> RecordName:
    url = url_for("panel_items.programme") if policy.can_view_panel_business(reader) else None
    return RecordName(f"Work programme topic {item.topic}", url)


def _report(report: HmicfrsReport, reader: Any) -> RecordName:
    link = _source_link("hmicfrs.show", "report_id")
    return RecordName(f"HMICFRS report {report.code}: {report.title}", link(report, reader))


def _finding(finding: Finding, reader: Any) -> RecordName:
    report = finding.report
    url = None
    if policy.can_view_source(reader, finding):
        url = url_for("hmicfrs.show", report_id=finding.report_id)
    return RecordName(f"HMICFRS finding {report.code} {finding.reference}", url)


def _user(user: User, reader: Any) -> RecordName:
    url = url_for("users.show", user_id=user.id) if policy.can_manage_users(reader) else None
    return RecordName(f"User {user.name}", url)


def _tag(tag: Tag, reader: Any) -> RecordName:
    url = (
        url_for("settings.edit_tag", tag_id=tag.id) if policy.can_manage_settings(reader) else None
    )
    return RecordName(f"Tag {tag.name}", url)


def _outbox(message: OutboxMessage, reader: Any) -> RecordName:
    url = (
        url_for("reminders.message", message_id=message.id)
        if policy.can_view_outbox(reader)
        else None
    )
    return RecordName(f"Email to {message.to_address}", url)


def _statutory(endpoint: str, arg: str, words: Callable[[Any], str]) -> _Namer:
    """A namer for a statutory calendar record, linked for those who may see it."""

    def name(item: Any, reader: Any) -> RecordName:
        url = url_for(endpoint, **{arg: item.id}) if policy.can_view_statutory(reader) else None
        return RecordName(words(item), url)

    return name


def _import(batch: ImportBatch, reader: Any) -> RecordName:
    url = url_for("imports.show", batch_id=batch.id) if policy.can_import(reader) else None
    return RecordName(f"Import of {batch.filename}", url)


def _meeting_kind(kind: MeetingKind, reader: Any) -> RecordName:
    url = url_for("programme.kinds") if policy.can_manage_settings(reader) else None
    return RecordName(f"Meeting kind {kind.name}", url)


def _meeting_series(series: MeetingSeries, reader: Any) -> RecordName:
    return RecordName(f"Meeting series {series.name}", None)


def _line_of_enquiry(line: LineOfEnquiry, reader: Any) -> RecordName:
    url = None
    if policy.can_view_line_of_enquiry(reader, line):
        url = url_for("meetings.show", meeting_id=line.meeting_id, _anchor=f"line-{line.id}")
    return RecordName(f"Line of enquiry {line.position}", url)


def _public_question(question: PublicQuestion, reader: Any) -> RecordName:
    url = None
    if policy.can_view_source(reader, question.meeting):
        url = url_for("meetings.show", meeting_id=question.meeting_id, _anchor="public-questions")
    return RecordName(f"Public question {question.id}", url)


def _publication_record(publication: PublicationRecord, reader: Any) -> RecordName:
    url = None
    if policy.can_view_publication_register(reader):
        url = url_for("publication.show", publication_id=publication.id)
    return RecordName(f"Publication {publication.title}", url)


_RECORDS: dict[AuditEntity, tuple[Any, _Namer]] = {
    AuditEntity.ACTION: (Action, _action),
    AuditEntity.MEETING: (Meeting, _meeting),
    AuditEntity.ADHOC_REQUEST: (AdhocRequest, _adhoc),
    AuditEntity.PANEL_ITEM: (PanelItem, _panel_item),
    AuditEntity.HMICFRS_REPORT: (HmicfrsReport, _report),
    AuditEntity.FINDING: (Finding, _finding),
    AuditEntity.USER: (User, _user),
    AuditEntity.TAG: (Tag, _tag),
    AuditEntity.OUTBOX: (OutboxMessage, _outbox),
    AuditEntity.IMPORT_BATCH: (ImportBatch, _import),
    AuditEntity.PRECEPT_YEAR: (
        PreceptYear,
        _statutory("statutory.precept", "precept_id", lambda r: f"Precept {r.label}"),
    ),
    AuditEntity.APPOINTMENT: (
        ChiefConstableAppointment,
        _statutory(
            "statutory.appointment",
            "appointment_id",
            lambda r: f"Chief Constable appointment ({r.candidate_name})",
        ),
    ),
    AuditEntity.ANNUAL_REPORT: (
        AnnualReportReview,
        _statutory("statutory.annual_report", "review_id", lambda r: f"Annual report {r.label}"),
    ),
    AuditEntity.MEETING_KIND: (MeetingKind, _meeting_kind),
    AuditEntity.MEETING_SERIES: (MeetingSeries, _meeting_series),
    AuditEntity.LINE_OF_ENQUIRY: (LineOfEnquiry, _line_of_enquiry),
    AuditEntity.PUBLIC_QUESTION: (PublicQuestion, _public_question),
    AuditEntity.PUBLICATION_RECORD: (PublicationRecord, _publication_record),
    AuditEntity.PANEL_MEETING: (PanelMeeting, _panel_meeting),
    AuditEntity.WORK_PROGRAMME_ITEM: (WorkProgrammeItem, _work_programme_item),
}


def _ids_wanted(events: Iterable[AuditEvent]) -> tuple[set[int], dict[AuditEntity, set[int]]]:
    """The user ids and the record ids (by kind) that the events mention."""
    users: set[int] = set()
    records: dict[AuditEntity, set[int]] = defaultdict(set)
    for event in events:
        entity = _entity(event.entity_type)
        if event.actor_id is not None:
            users.add(event.actor_id)
        if entity is not None and event.entity_id is not None:
            (users if entity == AuditEntity.USER else records[entity]).add(event.entity_id)
        for name, values in (event.changes or {}).items():
            audited = audited_fields(event.entity_type).get(name)
            if audited is None or audited.kind not in (FieldKind.USER, FieldKind.RECORD):
                continue
            for value in _pair(values):
                try:
                    number = int(value)
                except (TypeError, ValueError):
                    continue
                if audited.kind == FieldKind.USER:
                    users.add(number)
                elif audited.target is not None:
                    records[audited.target].add(number)
    return users, records


def _load(model: Any, ids: set[int]) -> dict[int, Any]:
    if not ids:
        return {}
    query = select(model).where(model.id.in_(ids))
    if model is Finding:
        query = query.options(selectinload(Finding.report))
    return {row.id: row for row in db.session.scalars(query)}


def describe_events(events: Sequence[AuditEvent], *, reader: Any = None) -> list[HistoryEntry]:
    """The events in words for `reader` (default: the signed-in user), in the same order."""
    if reader is None:
        from flask_login import current_user

        reader = current_user
    user_ids, record_ids = _ids_wanted(events)
    users = _load(User, user_ids)
    user_names = {user_id: user.name for user_id, user in users.items()}
    loaded: dict[AuditEntity, dict[int, Any]] = {AuditEntity.USER: users}
    for entity, ids in record_ids.items():
        if entity in _RECORDS:
            loaded[entity] = _load(_RECORDS[entity][0], ids)
    names: dict[AuditEntity, dict[int, RecordName]] = {
        entity: {rid: _RECORDS[entity][1](row, reader) for rid, row in rows.items()}
        for entity, rows in loaded.items()
    }
    record_names = {
        entity: {rid: name.text for rid, name in by_id.items()} for entity, by_id in names.items()
    }
    return [
        HistoryEntry(
            occurred_at=event.occurred_at,
            who=user_names.get(event.actor_id, "the system")
            if event.actor_id is not None
            else "the system",
            what=action_words(event.action),
            record=_record_name(event, names, reader),
            summary=event.summary or "",
            lines=change_lines(event, user_names=user_names, record_names=record_names),
        )
        for event in events
    ]


def _record_name(
    event: AuditEvent, names: Mapping[AuditEntity, Mapping[int, RecordName]], reader: Any
) -> RecordName:
    entity = _entity(event.entity_type)
    if entity is None:
        return RecordName(action_words(event.entity_type))
    if entity == AuditEntity.SETTING:
        labels = [field_for(entity, key).label for key in event.changes or {}]
        return RecordName(
            f"Setting {', '.join(labels)}" if labels else "Settings",
            url_for("settings.index") if policy.can_manage_settings(reader) else None,
        )
    found = names.get(entity, {}).get(event.entity_id) if event.entity_id is not None else None
    if found is not None:
        return found
    if event.entity_id is None:
        return RecordName(entity.label)
    return RecordName(f"{entity.label} (no longer held)")
