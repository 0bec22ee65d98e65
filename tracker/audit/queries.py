"""Queries over the audit trail, reused by history panels and the audit browser."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from tracker.audit.models import AuditEvent


def events_for(entity_type: str, entity_id: int) -> Select[tuple[AuditEvent]]:
    """Every event about one record, newest first, with the actor loaded."""
    return (
        select(AuditEvent)
        .where(AuditEvent.entity_type == entity_type, AuditEvent.entity_id == entity_id)
        .options(selectinload(AuditEvent.actor))
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
    )
