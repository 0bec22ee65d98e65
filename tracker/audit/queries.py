"""Queries over the audit trail, reused by history panels and the audit browser."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from tracker.audit.models import AuditEvent
from tracker.audit.vocabulary import AuditEntity

if TYPE_CHECKING:
    from tracker.audit.display import HistoryEntry


def events_for(entity_type: AuditEntity, entity_id: int) -> Select[tuple[AuditEvent]]:
    """Every event about one record, newest first, with the actor loaded."""
    return (
        select(AuditEvent)
        .where(
            AuditEvent.entity_type == AuditEntity(entity_type).value,
            AuditEvent.entity_id == entity_id,
        )
        .options(selectinload(AuditEvent.actor))
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
    )


def history_for(entity_type: AuditEntity, entity_id: int) -> list[HistoryEntry]:
    """A record's history in words for the current user: OPCC staff only, else nothing
    (template global)."""
    from flask_login import current_user

    from tracker.audit.display import describe_events
    from tracker.db import db
    from tracker.policy import can_view_history

    if not can_view_history(current_user):
        return []
    events = list(db.session.scalars(events_for(entity_type, entity_id)))
    return describe_events(events, reader=current_user)
