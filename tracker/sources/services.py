"""State changes for sources (meetings, requests, Panel items, reports, findings).

Sources share one create/edit path: apply the fields, audit old and new values,
refuse stale edits. Each source type adds only what is special about it.
"""

from __future__ import annotations

from datetime import date
from typing import Any, TypeVar

from sqlalchemy import select, true

from tracker import deadlines, policy
from tracker.audit.services import diff, record
from tracker.audit.vocabulary import AuditEntity, record_fields
from tracker.auth.models import User
from tracker.clock import today
from tracker.concurrency import ensure_current
from tracker.db import db
from tracker.errors import PermissionDeniedError, RuleError
from tracker.settings.definitions import ADHOC_RESPONSE_PERIOD, ADHOC_RESPONSE_UNIT
from tracker.settings.services import setting
from tracker.sources import rules
from tracker.sources.models import (
    AdhocRequest,
    Finding,
    FindingKind,
    HmicfrsReport,
    Meeting,
    PanelItem,
    PanelMeeting,
)

Record = TypeVar("Record", Meeting, AdhocRequest, PanelItem, HmicfrsReport, Finding, PanelMeeting)

ENTITY_TYPES: dict[type, AuditEntity] = {
    Meeting: AuditEntity.MEETING,
    AdhocRequest: AuditEntity.ADHOC_REQUEST,
    PanelItem: AuditEntity.PANEL_ITEM,
    HmicfrsReport: AuditEntity.HMICFRS_REPORT,
    Finding: AuditEntity.FINDING,
    PanelMeeting: AuditEntity.PANEL_MEETING,
}

# The title of a Panel meeting created because an item was recorded or imported with a
# date no Panel meeting has yet.
PANEL_MEETING_TITLE = "Police and Crime Panel"


class SourceRuleError(RuleError):
    """A change to a source the rules do not allow; the message says why."""


def source_snapshot(source: Any) -> dict[str, Any]:
    """The audited fields of a source (from the audit vocabulary), for `diff`."""
    return {name: getattr(source, name) for name in record_fields(ENTITY_TYPES[type(source)])}


def _check_audited(model: type, fields: dict[str, Any]) -> None:
    """Refuse to set a field the audit vocabulary does not know: it would go unaudited."""
    unknown = set(fields) - set(record_fields(ENTITY_TYPES[model]))
    if unknown:
        raise ValueError(f"{model.__name__} fields not in the audit vocabulary: {sorted(unknown)}")


def _raise_first(problems: dict[str, str]) -> None:
    """Raise the first of a rule function's field-keyed messages, if any."""
    if problems:
        field, message = next(iter(problems.items()))
        raise SourceRuleError(message, field=field)


def _check_rules(model: type, current: Any, fields: dict[str, Any]) -> None:
    """The source rules on the record as it would be saved (`current` is None when new)."""

    def value(name: str) -> Any:
        return fields[name] if name in fields else getattr(current, name, None)

    if model is Meeting:
        _raise_first(
            rules.check_meeting_state(
                value("state"), value("held_on"), value("cancel_reason") or "", today()
            )
        )
    elif model is PanelItem:
        names = ("panel_meeting_on", "response_due_on", "pcc_response", "pcc_response_on", "kind")
        saved = {name: value(name) for name in names}
        saved["pcc_response"] = saved["pcc_response"] or ""
        if current is not None and not {"kind", "response_due_on"} & set(fields):
            # Recording the response or the Panel's decision does not judge what the
            # Panel resolved (a recommendation recorded before due dates were required).
            saved["kind"] = None
        _raise_first(rules.check_panel_item(**saved))
    elif model is PanelMeeting:
        taken = db.session.scalar(
            select(PanelMeeting.id).where(
                PanelMeeting.held_on == value("held_on"),
                PanelMeeting.id != getattr(current, "id", None) if current else true(),
            )
        )
        if taken is not None:
            raise SourceRuleError("There is already a Panel meeting on that date", field="held_on")
    elif model is Finding:
        report = db.session.get(HmicfrsReport, value("report_id"))
        parent_id = value("parent_id")
        parent = db.session.get(Finding, parent_id) if parent_id else None
        if report is not None:
            check_finding_parent(report, value("kind"), parent, getattr(current, "id", None))
        if current is not None:
            children = bool(current.children)
            _raise_first(
                rules.check_finding_kind(current.reference, value("kind"), has_children=children)
            )


def _file_under_meeting(fields: dict[str, Any], *, by: User) -> dict[str, Any]:
    """A Panel item's fields with the Panel meeting of its date (created when there is
    none yet), so the item's date and its meeting's always agree."""
    day = fields.get("panel_meeting_on")
    if day is None:
        return fields
    meeting = db.session.scalar(select(PanelMeeting).where(PanelMeeting.held_on == day))
    if meeting is None:
        meeting = create_source(
            PanelMeeting, {"held_on": day, "title": PANEL_MEETING_TITLE}, by=by, checked=True
        )
    return {**fields, "panel_meeting_id": meeting.id}


def create_source(
    model: type[Record], fields: dict[str, Any], *, by: User, checked: bool = False
) -> Record:
    """Create a source record from validated form fields (`checked`: the caller has
    already checked the permission, as for a Panel meeting made for a new item)."""
    if not checked and not policy.can_change_source(by, model):
        raise PermissionDeniedError("You cannot record this kind of source")
    _check_audited(model, fields)
    _check_rules(model, None, fields)
    if model is PanelItem:
        fields = _file_under_meeting(fields, by=by)
    source = model(**fields)
    db.session.add(source)
    db.session.flush()
    record(
        actor=by,
        entity_type=ENTITY_TYPES[model],
        entity_id=source.id,
        action="created",
        changes=diff({}, source_snapshot(source)),
        version=source.version,
    )
    return source


def edit_source(source: Record, fields: dict[str, Any], *, by: User, expected_version: int) -> None:
    """Change a source; refused when someone else saved it first."""
    if not policy.can_change_source(by, type(source)):
        raise PermissionDeniedError("You cannot change this kind of source")
    change_source(source, fields, by=by, expected_version=expected_version)


def change_source(
    source: Record, fields: dict[str, Any], *, by: User, expected_version: int
) -> None:
    """Apply `fields` to `source` under the rules, audited and refused when stale; the
    caller has checked the permission (edit_source, or a service for one verb)."""
    entity_type = ENTITY_TYPES[type(source)]
    ensure_current(source, expected_version, entity_type=entity_type)
    _check_audited(type(source), fields)
    _check_rules(type(source), source, fields)
    if isinstance(source, PanelItem) and "panel_meeting_on" in fields:
        fields = _file_under_meeting(fields, by=by)
    before = source_snapshot(source)
    for name, value in fields.items():
        setattr(source, name, value)
    if isinstance(source, PanelMeeting):
        # Its items carry the meeting's date for the lists, reports and exports.
        for item in source.items:
            item.panel_meeting_on = source.held_on
    changes = diff(before, source_snapshot(source))
    if not changes:
        return
    db.session.flush()
    record(
        actor=by,
        entity_type=entity_type,
        entity_id=source.id,
        action="updated",
        changes=changes,
        version=source.version,
    )


# Ad-hoc requests ------------------------------------------------------------------------


def adhoc_response_deadline(sent_on: date) -> deadlines.Deadline:
    """The response due date from the configured period (default 10 working days)."""
    return deadlines.response_due(
        sent_on, setting(ADHOC_RESPONSE_PERIOD), setting(ADHOC_RESPONSE_UNIT)
    )


def adhoc_due_fields(sent_on: date, override_on: date | None, reason: str) -> dict[str, Any]:
    """response_due_on and due_override_reason: computed, or typed in with a reason."""
    _raise_first(rules.check_adhoc_due(sent_on, override_on, reason))
    if override_on is None:
        return {"response_due_on": adhoc_response_deadline(sent_on).due, "due_override_reason": ""}
    return {"response_due_on": override_on, "due_override_reason": reason.strip()}


# HMICFRS reports --------------------------------------------------------------------------


def s55_fields(published_on: date) -> dict[str, Any]:
    """PCC comments due: the 56 days beginning with publication day (s.55)."""
    return {"pcc_comments_due_on": deadlines.s55_comments_due(published_on).due}


def check_finding_parent(
    report: HmicfrsReport, kind: FindingKind | None, parent: Finding | None, finding_id: int | None
) -> None:
    """A finding of `kind` may belong to `parent` (`rules.check_finding_parent`)."""
    if parent is None:
        return
    choice = rules.ParentChoice(
        reference=parent.reference,
        kind=parent.kind,
        same_report=parent.report_id == report.id,
        is_self=finding_id is not None and parent.id == finding_id,
    )
    _raise_first(rules.check_finding_parent(kind, choice))
