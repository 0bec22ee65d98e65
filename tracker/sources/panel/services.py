"""State changes for the Panel's business: the PCC's response to a Panel item, what the
Panel made of it, and the work programme.

Panel meetings and items are sources and are recorded through tracker.sources.services;
these are the verbs only the Panel's business has.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from tracker import policy
from tracker.attachments.rules import PreparedFile
from tracker.attachments.services import attach_files
from tracker.audit.services import add_created, diff, record
from tracker.audit.vocabulary import AuditEntity, record_fields
from tracker.auth.models import User
from tracker.concurrency import ensure_current
from tracker.db import db
from tracker.errors import PermissionDeniedError
from tracker.sources import rules
from tracker.sources.models import (
    PanelItem,
    PanelMatterState,
    PanelMeeting,
    PccResponseOutcome,
    WorkProgrammeItem,
)
from tracker.sources.panel.evidence import PANEL_RESPONSE
from tracker.sources.services import SourceRuleError, change_source


def _raise_first(problems: dict[str, str]) -> None:
    if problems:
        field, message = next(iter(problems.items()))
        raise SourceRuleError(message, field=field)


def record_pcc_response(
    item: PanelItem,
    *,
    outcome: PccResponseOutcome,
    text: str,
    responded_on: date,
    by: User,
    expected_version: int,
    files: Sequence[PreparedFile] = (),
) -> None:
    """Record (or correct) the PCC's response to a Panel item, with its documents."""
    if not policy.can_record_pcc_response(by, item):
        raise PermissionDeniedError("Only OPCC staff can record the PCC's response")
    change_source(
        item,
        {"response_outcome": outcome, "pcc_response": text, "pcc_response_on": responded_on},
        by=by,
        expected_version=expected_version,
    )
    attach_files(PANEL_RESPONSE.name, item.id, files, by=by)


def conclude_panel_item(
    item: PanelItem,
    *,
    state: PanelMatterState,
    carried_forward_to: PanelMeeting | None,
    note: str,
    by: User,
    expected_version: int,
) -> None:
    """Record what the Panel made of the PCC's response: the matter is concluded, or
    carried forward to a later Panel meeting."""
    if not policy.can_conclude_panel_item(by, item):
        raise PermissionDeniedError("Only the Panel's clerk can conclude a Panel item")
    ensure_current(item, expected_version, entity_type=AuditEntity.PANEL_ITEM)
    forward = carried_forward_to if state == PanelMatterState.CARRIED_FORWARD else None
    _raise_first(
        rules.check_panel_conclusion(
            state,
            has_response=item.has_response,
            meeting_on=item.panel_meeting_on,
            carried_forward_to_on=forward.held_on if forward else None,
            note=note,
        )
    )
    change_source(
        item,
        {
            "matter_state": state,
            "carried_forward_to_id": forward.id if forward else None,
            "matter_note": note.strip(),
        },
        by=by,
        expected_version=expected_version,
    )


# The work programme -------------------------------------------------------------------


def _programme_snapshot(item: WorkProgrammeItem) -> dict[str, Any]:
    return {name: getattr(item, name) for name in record_fields(AuditEntity.WORK_PROGRAMME_ITEM)}


def _check_programme(fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(record_fields(AuditEntity.WORK_PROGRAMME_ITEM))
    if unknown:
        raise ValueError(f"Work programme fields not in the audit vocabulary: {sorted(unknown)}")
    _raise_first(
        rules.check_work_programme_item(
            report_requested=bool(fields.get("report_requested")),
            report_due_on=fields.get("report_due_on"),
            last_reported_on=fields.get("last_reported_on"),
        )
    )


def add_programme_item(fields: dict[str, Any], *, by: User) -> WorkProgrammeItem:
    """Add a topic to the Panel's work programme."""
    if not policy.can_record_panel_business(by):
        raise PermissionDeniedError("Only the Panel's clerk and OPCC staff keep the programme")
    _check_programme(fields)
    item = WorkProgrammeItem(**fields)
    return add_created(
        item, _programme_snapshot, actor=by, entity_type=AuditEntity.WORK_PROGRAMME_ITEM
    )


def change_programme_item(
    item: WorkProgrammeItem, fields: dict[str, Any], *, by: User, expected_version: int
) -> None:
    """Change a topic on the work programme; refused when someone else saved it first."""
    if not policy.can_record_panel_business(by):
        raise PermissionDeniedError("Only the Panel's clerk and OPCC staff keep the programme")
    ensure_current(item, expected_version, entity_type=AuditEntity.WORK_PROGRAMME_ITEM)
    _check_programme(fields)
    before = _programme_snapshot(item)
    for name, value in fields.items():
        setattr(item, name, value)
    changes = diff(before, _programme_snapshot(item))
    if not changes:
        return
    db.session.flush()
    record(
        actor=by,
        entity_type=AuditEntity.WORK_PROGRAMME_ITEM,
        entity_id=item.id,
        action="updated",
        changes=changes,
        version=item.version,
    )
