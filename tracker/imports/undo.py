"""Undoing a committed import batch, only while nothing it touched has changed since.

The batch's audit events say what it created and updated and each record's version
afterwards. A record whose version moved on, or that has later audit events from
outside the batch (an update posted, an action raised on an imported Panel item), is
named and the undo refused. Otherwise created records are deleted and updated ones get
their old values back from the audit `changes`; the undo is audited under the batch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Date, Enum, delete, or_, select

from tracker import policy
from tracker.actions.models import Action, ActionUpdate, ExtensionRequest, action_tags
from tracker.actions.services import action_snapshot
from tracker.audit.models import AuditEvent
from tracker.audit.services import diff, import_batch, record
from tracker.audit.vocabulary import AuditEntity
from tracker.auth.models import User
from tracker.db import db, utcnow
from tracker.errors import PermissionDeniedError
from tracker.imports.models import ImportBatch, ImportStatus
from tracker.imports.plan import chunks
from tracker.imports.services import BatchStateError
from tracker.s55.models import S55Entry
from tracker.search import index as search_index
from tracker.settings.models import Tag
from tracker.sources.models import Finding, PanelItem

MODELS: dict[AuditEntity, type] = {
    AuditEntity.ACTION: Action,
    AuditEntity.PANEL_ITEM: PanelItem,
    AuditEntity.FINDING: Finding,
}


class UndoRefusedError(Exception):
    """Something in the batch changed since; `records` names what."""

    def __init__(self, message: str, records: list[str]) -> None:
        super().__init__(message)
        self.records = records


@dataclass
class Touched:
    """One record the batch created or updated."""

    entity_type: AuditEntity
    entity_id: int
    created: bool = False
    version: int | None = None
    old_values: dict[str, Any] = field(default_factory=dict)
    first_event_id: int = 0


def _touched(batch: ImportBatch) -> dict[tuple[str, int], Touched]:
    events = db.session.scalars(
        select(AuditEvent)
        .where(
            AuditEvent.batch_id == batch.id,
            AuditEvent.entity_type.in_([kind.value for kind in MODELS]),
        )
        .order_by(AuditEvent.id)
    )
    touched: dict[tuple[str, int], Touched] = {}
    for event in events:
        key = (AuditEntity(event.entity_type), event.entity_id)
        item = touched.get(key)
        if item is None:
            item = touched[key] = Touched(*key, first_event_id=event.id)
        item.created = item.created or event.action == "created"
        if event.entity_version is not None:
            item.version = event.entity_version
        for name, (old, _new) in (event.changes or {}).items():
            item.old_values.setdefault(name, old)
    return touched


def _label(record_: Any) -> str:
    if isinstance(record_, Action):
        return record_.reference
    if isinstance(record_, Finding):
        return f"finding {record_.reference}"
    return f"Panel item {record_.id} ({record_.text[:40]})"


def _load(touched: dict[tuple[str, int], Touched]) -> dict[tuple[str, int], Any]:
    loaded: dict[tuple[str, int], Any] = {}
    for entity_type, model in MODELS.items():
        ids = [entity_id for (kind, entity_id) in touched if kind == entity_type]
        for part in chunks(ids):
            for row in db.session.scalars(select(model).where(model.id.in_(part))):
                loaded[(entity_type, row.id)] = row
    return loaded


def _later_outside_events(batch: ImportBatch, touched: dict) -> set[tuple[str, int]]:
    """Records with audit events after the batch's that the batch did not write."""
    if not touched:
        return set()
    first = min(item.first_event_id for item in touched.values())
    found: set[tuple[str, int]] = set()
    for entity_type in MODELS:
        ids = [entity_id for (kind, entity_id) in touched if kind == entity_type]
        for part in chunks(ids):
            rows = db.session.execute(
                select(AuditEvent.entity_type, AuditEvent.entity_id).where(
                    AuditEvent.entity_type == entity_type.value,
                    AuditEvent.entity_id.in_(part),
                    AuditEvent.id > first,
                    or_(AuditEvent.batch_id.is_(None), AuditEvent.batch_id != batch.id),
                )
            )
            found.update((kind, entity_id) for kind, entity_id in rows)
    return found


def _dependants(touched: dict) -> list[str]:
    """Actions, findings or s.55 responses made outside the batch that hang on a created
    source."""
    created_items = [
        i for (k, i), t in touched.items() if k == AuditEntity.PANEL_ITEM and t.created
    ]
    created_findings = [
        i for (k, i), t in touched.items() if k == AuditEntity.FINDING and t.created
    ]
    names = []
    for part in chunks(created_items):
        query = select(Action.reference).where(Action.panel_item_id.in_(part))
        names += [f"{ref} (raised on an imported Panel item)" for ref in db.session.scalars(query)]
    for part in chunks(created_findings):
        query = select(Action.reference).where(Action.finding_id.in_(part))
        names += [f"{ref} (raised on an imported finding)" for ref in db.session.scalars(query)]
        query = select(Finding.reference).where(
            Finding.parent_id.in_(part), Finding.id.not_in(created_findings)
        )
        names += [
            f"finding {ref} (under an imported cause of concern)"
            for ref in db.session.scalars(query)
        ]
        query = (
            select(Finding.reference)
            .join(S55Entry, S55Entry.finding_id == Finding.id)
            .where(Finding.id.in_(part))
            .distinct()
        )
        names += [f"finding {ref} (in an s.55 response)" for ref in db.session.scalars(query)]
    return names


def check_undo(batch: ImportBatch) -> tuple[dict, dict]:
    """The touched records, loaded; UndoRefusedError naming anything changed since."""
    if batch.status != ImportStatus.COMMITTED:
        raise BatchStateError(
            f"Only an imported batch can be undone (this one is {batch.status.in_sentence})"
        )
    touched = _touched(batch)
    loaded = _load(touched)
    changed = []
    later = _later_outside_events(batch, touched)
    for key, item in touched.items():
        current = loaded.get(key)
        if current is None:
            changed.append(f"{key[0].replace('_', ' ')} {key[1]} (deleted since)")
        elif key in later or (item.version is not None and current.version != item.version):
            changed.append(_label(current))
    changed += _dependants(touched)
    if changed:
        raise UndoRefusedError(
            f"This import cannot be undone because {len(changed)} of its records changed "
            "since it was imported",
            sorted(changed),
        )
    return touched, loaded


def undo_batch(batch: ImportBatch, *, by: User, expected_version: int) -> int:
    """Delete what the batch created and restore what it updated; returns records undone."""
    if not policy.can_import(by):
        raise PermissionDeniedError("Only OPCC staff can undo imports")
    if batch.version != expected_version:
        raise BatchStateError("This import changed in another tab. Check it and try again")
    touched, loaded = check_undo(batch)
    batch.status = ImportStatus.UNDONE
    batch.undone_at = utcnow()
    batch.undone_by_id = by.id
    db.session.flush()
    with import_batch(batch.id):
        for key, item in touched.items():
            if not item.created:
                _restore(loaded[key], item, by)
        _delete_created(touched, loaded, by)
        record(
            actor=by,
            entity_type=AuditEntity.IMPORT_BATCH,
            entity_id=batch.id,
            action="undone",
            summary=f"Import of {batch.filename} undone",
            version=batch.version,
        )
    db.session.flush()
    return len(touched)


def _typed(model: type, name: str, raw: Any) -> Any:
    column = model.__table__.c.get(name)
    if column is None or raw is None:
        return raw
    if isinstance(column.type, Date):
        return date.fromisoformat(raw)
    if isinstance(column.type, Enum) and column.type.enum_class is not None:
        return column.type.enum_class(raw)
    return raw


def _restore(current: Any, item: Touched, by: User) -> None:
    model = type(current)
    before = action_snapshot(current) if model is Action else {}
    for name, old in item.old_values.items():
        if name == "tags" and model is Action:
            names = [n.strip() for n in (old or "").split(",") if n.strip()]
            tags = db.session.scalars(select(Tag).where(Tag.name.in_(names))).all() if names else []
            current.tags = list(tags)
        elif name in model.__table__.c:
            if model is not Action:
                before[name] = getattr(current, name)
            setattr(current, name, _typed(model, name, old))
    db.session.flush()
    after = (
        action_snapshot(current) if model is Action else {n: getattr(current, n) for n in before}
    )
    record(
        actor=by,
        entity_type=item.entity_type,
        entity_id=item.entity_id,
        action="updated",
        summary="Import undone: earlier values restored",
        changes=diff(before, after),
        version=current.version,
    )


def _delete_created(touched: dict, loaded: dict, by: User) -> None:
    created = {
        kind: [i for (k, i), t in touched.items() if k == kind and t.created] for kind in MODELS
    }
    for part in chunks(created[AuditEntity.ACTION]):
        db.session.execute(delete(action_tags).where(action_tags.c.action_id.in_(part)))
        db.session.execute(delete(ActionUpdate).where(ActionUpdate.action_id.in_(part)))
        db.session.execute(delete(ExtensionRequest).where(ExtensionRequest.action_id.in_(part)))
    for part in chunks(created[AuditEntity.FINDING]):
        db.session.execute(
            Finding.__table__.update().where(Finding.id.in_(part)).values(parent_id=None)
        )
    for kind in (AuditEntity.ACTION, AuditEntity.FINDING, AuditEntity.PANEL_ITEM):
        for entity_id in created[kind]:
            record(
                actor=by,
                entity_type=kind,
                entity_id=entity_id,
                action="deleted",
                summary=f"Import undone: {_label(loaded[(kind, entity_id)])} deleted",
            )
        model = MODELS[kind]
        search_index.forget_records(db.session, model, created[kind])  # a bulk delete
        for part in chunks(created[kind]):
            db.session.execute(delete(model).where(model.id.in_(part)))
