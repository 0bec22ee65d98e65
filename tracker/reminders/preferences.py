"""Which reminders each user has turned off (escalations to leads cannot be turned off)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import delete, select

from tracker.audit.services import record
from tracker.audit.vocabulary import AuditEntity
from tracker.db import db
from tracker.reminders.models import ReminderOptOut
from tracker.reminders.rules import OPTIONAL_GROUPS

if TYPE_CHECKING:
    from tracker.auth.models import User

OPTIONAL_VALUES = frozenset(group.value for group in OPTIONAL_GROUPS)


def turned_off_for(user: User) -> set[str]:
    """The reminder groups `user` has turned off."""
    return set(
        db.session.scalars(select(ReminderOptOut.rule).where(ReminderOptOut.user_id == user.id))
    )


def set_opt_outs(user: User, turned_off: set[str]) -> None:
    """Make `turned_off` the user's opt-outs, audited as their own change.

    Only optional groups may be turned off: anything else (escalations, made-up values)
    is a ValueError and nothing changes. Saving the same choice again changes nothing
    and writes no audit event. The caller commits.
    """
    unknown = set(turned_off) - OPTIONAL_VALUES
    if unknown:
        raise ValueError(f"These reminders cannot be turned off: {sorted(unknown)}")
    before = turned_off_for(user)
    after = set(turned_off)
    if before == after:
        return
    removed = before - after
    if removed:
        db.session.execute(
            delete(ReminderOptOut).where(
                ReminderOptOut.user_id == user.id, ReminderOptOut.rule.in_(removed)
            )
        )
    for rule in sorted(after - before):
        db.session.add(ReminderOptOut(user_id=user.id, rule=rule))
    record(
        actor=user,
        entity_type=AuditEntity.USER,
        entity_id=user.id,
        action="reminder_preferences_changed",
        changes={"turned_off": [sorted(before), sorted(after)]},
    )
