"""Writing audit events. Services call `record` in the same transaction as the change."""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, time
from typing import Any, TypeVar

from flask import has_request_context

from tracker.audit.models import AuditEvent
from tracker.audit.vocabulary import AuditEntity
from tracker.db import db

# The import batch whose commit (or undo) is running, so every event it causes is tagged.
_current_batch: ContextVar[int | None] = ContextVar("current_import_batch", default=None)


@contextmanager
def import_batch(batch_id: int) -> Iterator[None]:
    """Tag every audit event recorded inside the block with the import batch."""
    token = _current_batch.set(batch_id)
    try:
        yield
    finally:
        _current_batch.reset(token)


def _plain(value: Any) -> Any:
    """A JSON-safe form of a column value for the changes column."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, time):
        return value.isoformat(timespec="minutes")
    return value


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """The fields whose value differs, as {field: [old, new]}."""
    return {
        key: [_plain(before.get(key)), _plain(after.get(key))]
        for key in after
        if _plain(before.get(key)) != _plain(after.get(key))
    }


def record(
    *,
    actor: Any,
    entity_type: AuditEntity,
    entity_id: int | None,
    action: str,
    summary: str = "",
    changes: dict[str, list[Any]] | None = None,
    version: int | None = None,
) -> AuditEvent:
    """Add an audit event to the session (the caller's unit of work commits it).

    Its place in the hash chain (chain_seq, prev_hash, hash) is set when the session
    flushes (tracker.audit.chain), so events added in bulk cost one head lookup per
    transaction, not one per event.
    """
    from tracker.security import client_address

    event = AuditEvent(
        actor_id=getattr(actor, "id", None),
        # Stored as the plain string, so the hashed canonical form is what it always was.
        entity_type=AuditEntity(entity_type).value,
        entity_id=entity_id,
        entity_version=version,
        action=action,
        summary=summary,
        changes=changes or {},
        ip_address=client_address() if has_request_context() else None,
        batch_id=_current_batch.get(),
    )
    db.session.add(event)
    return event


Created = TypeVar("Created")


def add_created(
    item: Created,
    snapshot: Callable[[Created], dict[str, Any]],
    *,
    actor: Any,
    entity_type: AuditEntity,
    summary: str = "",
) -> Created:
    """Add a new record to the session and audit its creation with its audited values
    (`snapshot(item)`, taken once the database has filled in defaults): the one way a
    service adds a record and says so in the trail."""
    db.session.add(item)
    db.session.flush()
    record(
        actor=actor,
        entity_type=entity_type,
        entity_id=item.id,  # type: ignore[attr-defined]
        action="created",
        summary=summary,
        changes=diff({}, snapshot(item)),
        version=getattr(item, "version", None),
    )
    return item
