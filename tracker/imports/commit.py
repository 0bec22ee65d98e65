"""Writing a checked plan: actions in bulk, Panel items and findings through the source services.

Actions are built in memory and inserted with one flush (a file may hold ten thousand
rows), numbered by `tracker.actions.services.ReferenceAllocator` (the rule every new
action is numbered by), and each gets its own audit event. An action whose file gives a
status other than open is created open and moved to that status with the history entry
and audit event `tracker.actions.services.transition` writes. Sources are few per file,
so they go through `tracker.sources.services` one by one. The caller runs this inside
`tracker.audit.services.import_batch`, so every event carries the batch id.
"""

from __future__ import annotations

import enum
from collections import Counter
from datetime import date
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import selectinload

from tracker.actions.models import Action, ActionStatus, ActionUpdate, SourceType, action_tags
from tracker.actions.services import (
    EDITABLE_FIELDS,
    ReferenceAllocator,
    action_snapshot,
    imported_status_note,
)
from tracker.audit.services import diff, record
from tracker.audit.vocabulary import AuditEntity
from tracker.auth.models import User
from tracker.db import db, utcnow
from tracker.imports.plan import CREATE, SKIP, UNCHANGED, UPDATE, Plan, RowPlan, chunks
from tracker.search import index as search_index
from tracker.sources import services as source_services
from tracker.sources.models import Finding, PanelItem

ACTION_FIELDS = EDITABLE_FIELDS


def created_changes(snapshot: dict[str, Any]) -> dict[str, list[Any]]:
    """`diff({}, snapshot)` for a new record, without comparing against an empty dict (this
    runs once per imported row): {field: [None, value]} for every field that is set."""
    changes = {}
    for name, value in snapshot.items():
        if value is None:
            continue
        if isinstance(value, enum.Enum):
            value = value.value
        elif isinstance(value, date):
            value = value.isoformat()
        changes[name] = [None, value]
    return changes


def commit_actions(plan: Plan, *, by: User) -> Counter:
    """Create and update the planned actions; returns the counts by operation."""
    counts = Counter(row.operation for row in plan.rows)
    created = [row for row in plan.rows if row.operation == CREATE]
    if created:
        _create_actions(created, by=by)
    updated = [row for row in plan.rows if row.operation == UPDATE]
    if updated:
        _update_actions(updated, by=by)
    return counts


def _create_actions(rows: list[RowPlan], *, by: User) -> None:
    """One multi-row INSERT ... RETURNING for the actions, then their tags, first updates
    and one audit event each (built in memory, flushed together)."""
    taken = {row.values["reference"] for row in rows if row.values["reference"]}
    references = ReferenceAllocator(taken)
    item_numbers: dict[int, int] = dict(
        db.session.execute(
            select(Action.meeting_id, func.max(Action.meeting_item_no))
            .where(Action.meeting_id.is_not(None))
            .group_by(Action.meeting_id)
        ).all()
    )
    now = utcnow()
    records: list[dict[str, Any]] = []
    for row in rows:
        values = row.values
        source_type: SourceType = values["source_type"]
        source = values["source"]
        record_values = {
            "reference": values["reference"] or references.allocate(source, values["raised_on"]),
            "source_type": source_type,
            "status": values["status"],
            "closed_on": values["closed_on"],
            "original_due_on": values["original_due_on"],
            "created_by_id": by.id,
            "meeting_id": None,
            "adhoc_request_id": None,
            "panel_item_id": None,
            "finding_id": None,
            "meeting_item_no": None,
            "version": 1,
            "created_at": now,
            "updated_at": now,
            **{name: values[name] for name in ACTION_FIELDS},
        }
        record_values[f"{source_type.value}_id"] = source.id
        if source_type == SourceType.MEETING:
            item_numbers[source.id] = (item_numbers.get(source.id) or 0) + 1
            record_values["meeting_item_no"] = item_numbers[source.id]
        records.append(record_values)
    # A plain executemany is one fast statement on every database; ids are then read back by
    # the (unique) references rather than per-row RETURNING.
    db.session.execute(insert(Action), records)
    by_reference: dict[str, int] = {}
    for part in chunks([values["reference"] for values in records]):
        query = select(Action.reference, Action.id).where(Action.reference.in_(part))
        by_reference.update({ref: id_ for ref, id_ in db.session.execute(query)})
    ids = [by_reference[values["reference"]] for values in records]
    search_index.index_records(db.session, Action, ids)  # a bulk insert skips the flush hook
    tag_rows = [
        {"action_id": action_id, "tag_id": tag.id}
        for action_id, row in zip(ids, rows, strict=True)
        for tag in row.values["tags"]
    ]
    if tag_rows:
        db.session.execute(insert(action_tags), tag_rows)
    first_updates: list[dict[str, Any]] = []
    for action_id, row, values in zip(ids, rows, records, strict=True):
        snapshot = {name: values[name] for name in ACTION_FIELDS}
        snapshot["tags"] = ", ".join(sorted(t.name for t in row.values["tags"]))
        snapshot.update(reference=values["reference"], status=ActionStatus.OPEN)
        record(
            actor=by,
            entity_type=AuditEntity.ACTION,
            entity_id=action_id,
            action="created",
            summary=f"{values['reference']} imported",
            changes=created_changes(snapshot),
            version=1,
        )
        status = values["status"]
        if status != ActionStatus.OPEN:
            # What transition() writes: the history entry, then the audited status change.
            note = imported_status_note(status)
            first_updates.append(
                _update_row(action_id, by, note, from_status=ActionStatus.OPEN, to_status=status)
            )
            record(
                actor=by,
                entity_type=AuditEntity.ACTION,
                entity_id=action_id,
                action="status_changed",
                summary=note,
                changes=diff(
                    {"status": ActionStatus.OPEN, "closed_on": None},
                    {"status": status, "closed_on": values.get("closed_on")},
                ),
                version=1,
            )
        text = row.values["latest_update"]
        if text:
            first_updates.append(_update_row(action_id, by, text))
            record(
                actor=by,
                entity_type=AuditEntity.ACTION,
                entity_id=action_id,
                action="update_added",
                summary=text[:500],
                version=1,
            )
    if first_updates:
        db.session.execute(insert(ActionUpdate), first_updates)


def _update_row(
    action_id: int,
    by: User,
    text: str,
    *,
    from_status: ActionStatus | None = None,
    to_status: ActionStatus | None = None,
) -> dict[str, Any]:
    """One action_updates row for the bulk insert (every row names the same columns)."""
    return {
        "action_id": action_id,
        "author_id": by.id,
        "text": text,
        "from_status": from_status,
        "to_status": to_status,
    }


def _update_actions(rows: list[RowPlan], *, by: User) -> None:
    ids = [row.existing_id for row in rows]
    loaded: dict[int, Action] = {}
    for part in chunks(ids):
        query = select(Action).where(Action.id.in_(part)).options(selectinload(Action.tags))
        loaded.update({action.id: action for action in db.session.scalars(query)})
    before: dict[int, dict[str, Any]] = {}
    for row in rows:
        action = loaded[row.existing_id]
        before[action.id] = action_snapshot(action)
        for name, value in row.values.items():
            if name == "tags":
                action.tags = list(value)
            else:
                setattr(action, name, value)
    db.session.flush()
    for row in rows:
        action = loaded[row.existing_id]
        record(
            actor=by,
            entity_type=AuditEntity.ACTION,
            entity_id=action.id,
            action="updated",
            summary=f"{action.reference} updated by import",
            changes=diff(before[action.id], action_snapshot(action)),
            version=action.version,
        )


def commit_panel_items(plan: Plan, *, by: User) -> Counter:
    """Record and change Panel items through the source services."""
    for row in plan.rows:
        if row.operation == CREATE:
            source_services.create_source(PanelItem, row.values, by=by)
        elif row.operation == UPDATE:
            item = db.session.get(PanelItem, row.existing_id)
            source_services.edit_source(item, row.values, by=by, expected_version=item.version)
    return Counter(row.operation for row in plan.rows)


def commit_findings(plan: Plan, report_id: int, *, by: User) -> Counter:
    """Record and change findings; causes of concern first so recommendations can join them."""
    by_reference = {
        f.reference.casefold(): f
        for f in db.session.scalars(select(Finding).where(Finding.report_id == report_id))
    }
    ordered = sorted(plan.rows, key=lambda row: 0 if _is_cause(row) else 1)
    for row in ordered:
        if row.operation in (SKIP, UNCHANGED):
            continue
        values = dict(row.values)
        parent_reference = values.pop("parent", None)
        if parent_reference is not None:
            parent = by_reference.get(parent_reference.casefold()) if parent_reference else None
            values["parent_id"] = parent.id if parent else None
        if row.operation == CREATE:
            finding = source_services.create_source(
                Finding, {"report_id": report_id, **values}, by=by
            )
            by_reference[finding.reference.casefold()] = finding
        else:
            finding = db.session.get(Finding, row.existing_id)
            source_services.edit_source(finding, values, by=by, expected_version=finding.version)
    return Counter(row.operation for row in plan.rows)


def _is_cause(row: RowPlan) -> bool:
    kind = row.values.get("kind")
    return bool(kind is not None and kind.is_cause_of_concern)
