"""Actions and their updates as they stood at the end of a past day (Europe/London).

Nothing here changes a stored record. The current row is the starting point and every
audited change made after the end of the chosen day is undone, newest first, on a
read-only copy:

- audit events about an action ("created", "updated", "status_changed",
  "extension_approved", imports...) carry {field: [old, new]}; the old value is put
  back for the fields reports show (status, due date, closed date, title, owner...).
  Events that record a request rather than a change (an extension request, a posted
  or corrected update) are skipped here.
- an action created after the end of the day did not exist then and is left out;
- updates posted after the end of the day are left out, and an update corrected
  after it shows the wording it had then (each correction is audited as
  "update_corrected" with {"update_text": [old, new]}).
- an action closed then shows the assurance conclusion of its latest close by then
  (conclusions are kept on the status change and never edited; `assurance_as_at`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from tracker import policy
from tracker.actions import rag
from tracker.actions.conclusions import assurance_lines
from tracker.actions.models import Action, ActionStatus, ActionUpdate
from tracker.audit.models import AuditEvent
from tracker.audit.vocabulary import AuditedField, AuditEntity, audited_fields
from tracker.auth.models import User
from tracker.clock import local_zone
from tracker.db import db

# Audit events about an action that record something asked for or said, not a change
# to the action's own fields.
NOT_CHANGES = frozenset(
    {"extension_requested", "extension_declined", "update_added", "update_corrected"}
)


# The action's audited fields (the audit vocabulary says how to read each stored value back).
FIELDS: Mapping[str, AuditedField] = {
    name: field for name, field in audited_fields(AuditEntity.ACTION).items() if field.on_record
}


@dataclass(frozen=True)
class AsAt:
    """A past day and the instant its end falls at (the next midnight in London, in UTC)."""

    day: date
    cutoff: datetime


def moment_for(day: date) -> AsAt:
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=local_zone())
    return AsAt(day=day, cutoff=end.astimezone(UTC))


def _local_day(instant: datetime) -> date:
    return instant.astimezone(local_zone()).date()


def earliest_day(user: Any) -> date | None:
    """The first day anything the user may see was recorded (None when nothing is)."""
    first = db.session.scalar(
        select(func.min(Action.created_at)).where(policy.action_visibility(user))
    )
    return _local_day(first) if first is not None else None


class AsAtError(ValueError):
    """An "as at" date that cannot be used; the message says why, in the user's terms."""


def parse_as_at(raw: str | None, *, user: Any, today: date) -> date | None:
    """The requested past day, None for "now", or AsAtError with a clear message."""
    text = (raw or "").strip()
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise AsAtError("Enter the 'as at' date as a real date, for example 2023-08-31") from None
    if len(text) != 10:
        raise AsAtError("Enter the 'as at' date as a real date, for example 2023-08-31")
    if day > today:
        raise AsAtError("The 'as at' date must be today or in the past")
    earliest = earliest_day(user)
    if earliest is None or day < earliest:
        when = f"{earliest.day} {earliest:%B %Y}" if earliest else "today"
        raise AsAtError(f"The 'as at' date must be on or after {when}, when records begin")
    return None if day == today else day


class ActionAsAt:
    """A read-only view of an action with the fields it had at a past moment.

    Reconstructed fields are plain attributes; everything else (reference, source,
    tags...) comes from the stored action. Never added to a session.
    """

    def __init__(self, action: Action, values: dict[str, Any]) -> None:
        self._action = action
        self.__dict__.update(values)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._action, name)

    def days_overdue(self, today: date) -> int:
        """Days overdue on `today` with the status and due date it had then."""
        return rag.days_overdue(self.status, self.due_on, today)

    def rag_on(self, today: date, amber_days: int) -> str:
        """RAG on `today` with the status and due date it had then."""
        return rag.rag(self.status, self.due_on, today, amber_days)

    def __repr__(self) -> str:
        return f"<ActionAsAt {self._action.reference} {self.status.value}>"


class UpdateAsAt:
    """An update with the wording it had at a past moment."""

    def __init__(self, update: ActionUpdate, text: str) -> None:
        self._update = update
        self.text = text

    def __getattr__(self, name: str) -> Any:
        return getattr(self._update, name)


def _events_after(ids: Sequence[int], cutoff: datetime) -> dict[int, list[AuditEvent]]:
    """Audit events about these actions after `cutoff`, newest first, per action."""
    found: dict[int, list[AuditEvent]] = defaultdict(list)
    for chunk in _chunks(ids):
        for event in db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.entity_type == AuditEntity.ACTION.value,
                AuditEvent.entity_id.in_(chunk),
                AuditEvent.occurred_at >= cutoff,
            )
        ):
            if event.occurred_at >= cutoff:
                found[event.entity_id].append(event)
    for events in found.values():
        events.sort(key=lambda e: (e.occurred_at, e.id), reverse=True)
    return found


def _closing_days(ids: Sequence[int], cutoff: datetime) -> dict[int, date]:
    """The day each action was last closed before `cutoff`, from its status changes.

    A status change records the closed date it set ("closed_on"); status changes
    recorded before closed_on was audited do not, and for those the closed date is
    taken to be the day the change was made.
    """
    closed: dict[int, tuple[datetime, date]] = {}
    for chunk in _chunks(ids):
        for event in db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.entity_type == AuditEntity.ACTION.value,
                AuditEvent.entity_id.in_(chunk),
                AuditEvent.occurred_at < cutoff,
            )
        ):
            change = (event.changes or {}).get("status")
            when = event.occurred_at
            if not isinstance(change, list) or len(change) != 2 or when >= cutoff:
                continue
            later = event.entity_id not in closed or closed[event.entity_id][0] < when
            if change[1] == ActionStatus.CLOSED.value and later:
                closed[event.entity_id] = (when, _audited_closed_on(event) or _local_day(when))
    return {action_id: day for action_id, (_, day) in closed.items()}


def _audited_closed_on(event: AuditEvent) -> date | None:
    """The closed date a status change recorded, if it recorded one."""
    change = (event.changes or {}).get("closed_on")
    if not isinstance(change, list) or len(change) != 2:
        return None
    try:
        return FIELDS["closed_on"].parse(change[1])
    except (TypeError, ValueError):
        return None


def _chunks(ids: Sequence[int], size: int = 500) -> Iterable[list[int]]:
    ids = list(ids)
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def actions_as_at(actions: Sequence[Action], moment: AsAt) -> list[ActionAsAt]:
    """The actions that existed at `moment`, each as it stood then (order kept)."""
    existing = [a for a in actions if a.created_at < moment.cutoff]
    ids = [a.id for a in existing]
    events = _events_after(ids, moment.cutoff)
    closing = _closing_days(ids, moment.cutoff)
    snapshots: list[tuple[Action, dict[str, Any]]] = []
    for action in existing:
        values = _values_then(action, events.get(action.id, []), closing.get(action.id))
        if values is not None:
            snapshots.append((action, values))
    owner_ids = {values["owner_id"] for _, values in snapshots}
    owners = {
        u.id: u for u in db.session.scalars(select(User).where(User.id.in_(owner_ids or [0])))
    }
    result = []
    for action, values in snapshots:
        values["owner"] = owners.get(values["owner_id"], action.owner)
        result.append(ActionAsAt(action, values))
    return result


def _values_then(
    action: Action, later_events: list[AuditEvent], closed_day: date | None
) -> dict[str, Any] | None:
    """The action's FIELDS with every later change undone (newest first), or None when it
    was created later or its status then cannot be read."""
    values = {name: getattr(action, name) for name in FIELDS}
    closed_on_audited = False
    for event in later_events:
        if event.action == "created":
            return None
        if event.action in NOT_CHANGES:
            continue
        undone = _undo(values, event.changes or {})
        closed_on_audited = closed_on_audited or "closed_on" in undone
    if values["status"] is None:
        return None
    if not closed_on_audited:
        closed = values["status"] == ActionStatus.CLOSED
        values["closed_on"] = (closed_day or action.closed_on) if closed else None
    if values["due_on"] is None:
        values["due_on"] = action.due_on
    return values


def _undo(values: dict[str, Any], changes: dict[str, Any]) -> set[str]:
    """Put back the old value of each audited change to a field in FIELDS; the names put
    back (an unreadable old value keeps the later one)."""
    undone = set()
    for name, change in changes.items():
        if name not in FIELDS or not isinstance(change, list) or len(change) != 2:
            continue
        try:
            values[name] = FIELDS[name].parse(change[0])
        except (TypeError, ValueError):
            continue
        undone.add(name)
    return undone


def visible_as_at(user: Any, actions: Sequence[ActionAsAt]) -> list[ActionAsAt]:
    """Those the user may see both now (the caller's SQL) and as they stood then."""
    return [a for a in actions if policy.can_view_action(user, a)]


def updates_as_at(
    user: Any, action_ids: Sequence[int], moment: AsAt, *, since: datetime | None = None
) -> dict[int, list[UpdateAsAt]]:
    """Each action's visible updates posted by `moment` (from `since`), with their text
    as it stood then, oldest first."""
    result: dict[int, list[UpdateAsAt]] = {i: [] for i in action_ids}
    if not action_ids:
        return result
    updates: list[ActionUpdate] = []
    for chunk in _chunks(action_ids):
        query = (
            select(ActionUpdate)
            .where(
                ActionUpdate.action_id.in_(chunk),
                policy.update_visibility(user),
                ActionUpdate.created_at < moment.cutoff,
            )
            .options(selectinload(ActionUpdate.author))
            .order_by(ActionUpdate.id)
        )
        if since is not None:
            query = query.where(ActionUpdate.created_at >= since)
        updates.extend(
            u
            for u in db.session.scalars(query)
            if u.created_at < moment.cutoff and (since is None or u.created_at >= since)
        )
    texts = {u.id: u.text for u in updates}
    by_action: dict[int, list[ActionUpdate]] = defaultdict(list)
    for update in updates:
        by_action[update.action_id].append(update)
    corrected = [i for i in by_action if any(u.edited_at for u in by_action[i])]
    corrections = _events_after(corrected, moment.cutoff) if corrected else {}
    for action_id, events in corrections.items():
        for event in events:  # newest first: undo each later correction in turn
            change = (event.changes or {}).get("update_text")
            if event.action != "update_corrected" or not isinstance(change, list):
                continue
            old, new = change if len(change) == 2 else (None, None)
            when = event.occurred_at
            candidates = [
                u for u in by_action[action_id] if texts[u.id] == new and u.created_at <= when
            ]
            if candidates and old is not None:
                texts[candidates[-1].id] = str(old)
    for update in updates:
        result[update.action_id].append(UpdateAsAt(update, texts[update.id]))
    return result


def latest_as_at(user: Any, action_ids: Sequence[int], moment: AsAt) -> dict[int, UpdateAsAt]:
    """The newest visible update each action had at `moment`."""
    return {i: ups[-1] for i, ups in updates_as_at(user, action_ids, moment).items() if ups}


def assurance_as_at(actions: Sequence[ActionAsAt], moment: AsAt) -> dict[int, str]:
    """{action id: assurance line} for the actions closed at `moment`: the conclusion
    of each one's latest close made by then (a later close, or a reopening, is not seen)."""
    return assurance_lines(actions, before=moment.cutoff)
