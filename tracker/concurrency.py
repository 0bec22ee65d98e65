"""Optimistic locking for edit forms: a stale save is refused and told what changed."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker.audit.display import action_words, change_lines
from tracker.audit.models import AuditEvent
from tracker.audit.vocabulary import AuditEntity, FieldKind, audited_fields
from tracker.auth.models import User
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
    """Who changed what, in the history page's words (`change_lines`): "On 5 March 2024
    at 2:05pm Priya Shah changed Title: Old → New; Owner: Sam Jones."""
    if not events:
        return (
            "Someone else saved this record while you were editing. "
            "Check the current details and make your change again."
        )
    user_names = _user_names(events)
    parts = []
    for event in events:
        who = event.actor.name if event.actor else "Someone"
        lines = change_lines(event, user_names=user_names) or [action_words(event.action)]
        parts.append(f"On {format_datetime(event.occurred_at)} {who} changed {'; '.join(lines)}.")
    return (
        "This record changed while you were editing. "
        + " ".join(parts)
        + " Your changes have not been saved. Check them against the current details "
        "and save again."
    )


def _user_names(events: list[AuditEvent]) -> dict[int, str]:
    """Names of the people the events' changed fields refer to (an owner, say), in one query."""
    ids: set[int] = set()
    for event in events:
        fields = audited_fields(event.entity_type)
        for name, values in (event.changes or {}).items():
            audited = fields.get(name)
            if audited is None or audited.kind != FieldKind.USER:
                continue
            for value in values if isinstance(values, list | tuple) else [values]:
                if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
                    ids.add(int(value))
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all())
