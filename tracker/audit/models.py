"""Audit events: append-only records of every change."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.db import UTCDateTime, db, utcnow

if TYPE_CHECKING:
    from tracker.auth.models import User


class AuditEvent(db.Model):
    """One change to one record, written in the same transaction as the change."""

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_entity", "entity_type", "entity_id"),
        Index("ix_audit_events_occurred_at", "occurred_at"),
        Index("ix_audit_events_batch_id", "batch_id"),
        UniqueConstraint("chain_seq"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    entity_type: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int | None]
    # The record's version after this change, so a stale editor can be told what changed.
    entity_version: Mapped[int | None]
    action: Mapped[str] = mapped_column(String(40))
    summary: Mapped[str] = mapped_column(Text, default="")
    # {"field": [old, new], ...} with values rendered as JSON-safe scalars.
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    ip_address: Mapped[str | None] = mapped_column(String(45))
    # The import batch that made this change, if any (so a batch can be listed and undone).
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))
    # Tamper evidence: events form a hash chain in chain_seq order. Each event's hash
    # covers its own content and the previous event's hash.
    chain_seq: Mapped[int | None]
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))
    # The audit key (tracker.audit.keys) whose HMAC `hash` is; None: a plain SHA-256
    # from before keys were introduced.
    key_id: Mapped[str | None] = mapped_column(String(16))

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])

    def __repr__(self) -> str:
        return f"<AuditEvent {self.id} {self.action} {self.entity_type}:{self.entity_id}>"
