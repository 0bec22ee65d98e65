"""When reminders fall due: one pure function over dates, used for every kind of deadline.

Every deadline (an action's due date, an ad-hoc response, a Panel response, s.55
comments, the chief constable's comments) is chased the same way: before it is due
(the configured days, default 14 and 3), on the day, and while overdue (the day
after, then every 7 days). Actions are escalated once after 14 days overdue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum


class Group(StrEnum):
    """Sections of the digest email, most urgent first; also what users can turn off."""

    OVERDUE = "overdue"
    DUE_TODAY = "due_today"
    DUE_SOON = "due_soon"
    UPDATES_REQUESTED = "updates_requested"
    AWAITING_REVIEW = "awaiting_review"
    ESCALATION = "escalation"


GROUP_LABELS = {
    Group.ESCALATION: "Escalated: overdue for more than the escalation period",
    Group.OVERDUE: "Overdue",
    Group.DUE_TODAY: "Due today",
    Group.DUE_SOON: "Due soon",
    Group.UPDATES_REQUESTED: "Updates requested before a meeting",
    Group.AWAITING_REVIEW: "Submitted by the force, awaiting your review",
}
DIGEST_ORDER = [
    Group.ESCALATION,
    Group.OVERDUE,
    Group.DUE_TODAY,
    Group.DUE_SOON,
    Group.AWAITING_REVIEW,
    Group.UPDATES_REQUESTED,
]
# How a section is counted in a subject line: (one item, several items).
SUBJECT_WORDS = {
    Group.ESCALATION: ("escalated", "escalated"),
    Group.OVERDUE: ("overdue", "overdue"),
    Group.DUE_TODAY: ("due today", "due today"),
    Group.DUE_SOON: ("due soon", "due soon"),
    Group.UPDATES_REQUESTED: ("update requested", "updates requested"),
    Group.AWAITING_REVIEW: ("awaiting your review", "awaiting your review"),
}
# Escalations go to leads and cannot be turned off; nor can the OPCC's notice that the
# force has submitted something for it to review (the only word it gets of it).
OPTIONAL_GROUPS = [Group.DUE_SOON, Group.DUE_TODAY, Group.OVERDUE, Group.UPDATES_REQUESTED]


def subject_phrase(group: Group, count: int, first: str | None = None) -> str:
    """A section in a subject: "1 due soon"; with the name of its most urgent item,
    "AA-2019-001 overdue" or "2 overdue, including AA-2019-001"."""
    one, several = SUBJECT_WORDS[group]
    if first is None:
        return f"{count} {one if count == 1 else several}"
    if count == 1:
        return f"{first} {one}"
    return f"{count} {several}, including {first}"


@dataclass(frozen=True)
class Schedule:
    """The reminder settings for one run."""

    before_days: tuple[int, ...] = (14, 3)
    overdue_every: int = 7
    escalate_after: int = 14
    lookback: int = 7  # catch up on reminders missed while the scheduler was down

    @classmethod
    def parse_days(cls, text: str) -> tuple[int, ...]:
        """Read a list like "14, 3" as (14, 3): whole positive numbers, largest first."""
        days = {int(part) for part in str(text).replace(";", ",").split(",") if part.strip()}
        return tuple(sorted((d for d in days if d > 0), reverse=True))


def deadline_occurrence(due: date, today: date, schedule: Schedule) -> tuple[Group, date] | None:
    """The reminder that applies today for a deadline, and the date it belongs to.

    The date is the occasion's key: the same occasion is never sent twice, and one
    missed while the scheduler was down (within the lookback) is still sent.
    """
    if today > due:
        cycle = max(schedule.overdue_every, 1)
        occurrence = due + timedelta(
            days=1 + cycle * ((today - due - timedelta(days=1)).days // cycle)
        )
        return Group.OVERDUE, occurrence
    if today == due:
        return Group.DUE_TODAY, due
    passed = [
        due - timedelta(days=n) for n in schedule.before_days if due - timedelta(days=n) <= today
    ]
    if not passed:
        return None
    occurrence = max(passed)
    if (today - occurrence).days > schedule.lookback:
        return None
    return Group.DUE_SOON, occurrence


def escalation_occurrence(due: date, today: date, schedule: Schedule) -> date | None:
    """The day an overdue action is escalated (once), if that day has come."""
    escalate_on = due + timedelta(days=schedule.escalate_after)
    return escalate_on if today >= escalate_on else None
