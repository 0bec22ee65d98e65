"""Optimistic locking for edit forms: a stale save is refused and told what changed."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker.audit.models import AuditEvent
from tracker.audit.vocabulary import AuditEntity
from tracker.db import db
from tracker.errors import ConflictError
from tracker.filters import format_datetime


def ensure_current(record: Any, expected_version: int, *, entity_type: AuditEntity) -> None:
    """Raise ConflictError naming who changed what since `expected_version`."""
    if record.version == expected_version:
        return
    events = db.session.scalars(
        select(AuditEvent)
        .where(
            AuditEvent.entity_type == AuditEntity(entity_type).value,
            AuditEvent.entity_id == record.id,
            AuditEvent.entity_version > expected_version,
        )
        .options(selectinload(AuditEvent.actor))
        .order_by(AuditEvent.id)
    ).all()
    raise ConflictError(describe_changes(events))


def describe_changes(events: list[AuditEvent]) -> str:
    """One sentence: 'Priya Shah changed due on (to 2024-03-05) and title at 5 March...'."""
    if not events:
        return (
            "Someone else saved this record while you were editing. "
            "Check the current details and make your change again."
        )
    parts = []
    for event in events:
        who = event.actor.name if event.actor else "Someone"
        fields = [
            f"{name.replace('_', ' ')} (to {new if new not in (None, '') else 'nothing'})"
            for name, (_old, new) in event.changes.items()
        ] or [event.action.replace("_", " ")]
        parts.append(f"{who} changed {', '.join(fields)} at {format_datetime(event.occurred_at)}")
    return (
        "This record changed while you were editing: "
        + "; ".join(parts)
        + ". Your changes have not been saved. Check them against the current details "
        "and save again."
    )
