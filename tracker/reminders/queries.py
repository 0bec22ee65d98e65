"""Queries over reminders, for the action page and the outbox."""

from __future__ import annotations

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
