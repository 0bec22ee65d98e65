"""Queries over reminders, for the action page and the outbox."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select

from tracker.auth.models import User
from tracker.reminders.models import OutboxMessage, ReminderItem


def reminders_about(item_type: str, item_id: int) -> Select:
    """Reminders about one item, newest first: occasion, rule, recipient and delivery."""
    return (
        select(
            ReminderItem.occurrence,
            ReminderItem.rule,
            User.name,
            OutboxMessage.status,
            OutboxMessage.sent_at,
            OutboxMessage.created_at,
        )
        .join(User, User.id == ReminderItem.recipient_id)
        .outerjoin(OutboxMessage, OutboxMessage.id == ReminderItem.message_id)
        .where(ReminderItem.item_type == item_type, ReminderItem.item_id == item_id)
        .order_by(ReminderItem.occurrence.desc(), ReminderItem.id.desc())
    )


def reminders_for(item_type: str, item_id: int) -> list[Any]:
    """The rows of `reminders_about`, for a record's page (template global, so the pages
    of other features can show them without importing the reminders feature)."""
    from tracker.db import db

    return list(db.session.execute(reminders_about(item_type, item_id)))
