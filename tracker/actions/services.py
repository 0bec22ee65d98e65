"""State changes for actions: create, edit, transition, update, extensions.

Each function checks permission through `policy`, changes the objects, writes the
audit events and flushes; the caller (view, CLI, import, job) commits once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from tracker import policy
from tracker.actions.models import (
    Action,
    ActionStatus,
    ActionUpdate,
    ExtensionRequest,
    ExtensionStatus,
    Marking,
    Rag,
    SourceType,
    Tag,
)
from tracker.actions.status import transition_for
from tracker.audit.services import diff, record
from tracker.audit.vocabulary import ACTION_EDITABLE, AuditEntity
from tracker.auth.models import Organisation, User
from tracker.concurrency import ensure_current
from tracker.db import db, utcnow
from tracker.errors import PermissionDeniedError
from tracker.settings.services import UPDATE_GRACE_MINUTES, setting
from tracker.sources.models import AdhocRequest, Finding, Meeting, PanelItem

Source = Meeting | AdhocRequest | PanelItem | Finding


class ActionRuleError(Exception):
    """A change the rules do not allow; the message says why, in the user's terms."""


class DuplicateReferenceError(ActionRuleError):
    """Another action already has this reference."""


@dataclass
class ActionDetails:
    """The editable fields of an action, as a form delivers them."""

    title: str
    description: str
    owner: User
    owning_organisation: Organisation
    lead_role: str
    raised_on: date
    due_on: date
    marking: Marking
    opcc_only: bool
    opcc_note: str
    tags: list[Tag]


# The fields an edit (or an import) may change, from the audit vocabulary; status and the
# closed date move only through transition().
EDITABLE_FIELDS = ACTION_EDITABLE


def action_snapshot(action: Action, tags: list[Tag] | None = None) -> dict[str, Any]:
    """The audited editable fields of an action, tags as one sorted string (for `diff`)."""
    values = {name: getattr(action, name) for name in EDITABLE_FIELDS}
    values["tags"] = ", ".join(sorted(t.name for t in (action.tags if tags is None else tags)))
    return values


def _source_type(source: Source) -> SourceType:
    return {
        Meeting: SourceType.MEETING,
        AdhocRequest: SourceType.ADHOC,
        PanelItem: SourceType.PANEL,
        Finding: SourceType.HMICFRS,
    }[type(source)]


_PREFIX = {SourceType.MEETING: "AA", SourceType.ADHOC: "AR", SourceType.PANEL: "PCP"}


def _audit(action: Action, by: User, what: str, **details: Any) -> None:
    """Record an audit event about `action` (summary, changes and version as keywords)."""
    record(actor=by, entity_type=AuditEntity.ACTION, entity_id=action.id, action=what, **details)


def next_reference(source: Source, raised_on: date) -> str:
    """A readable reference: AA-2023-014, AR-2023-003, PCP-2023-007 or HM-PEEL22-R3."""
    source_type = _source_type(source)
    if isinstance(source, Finding):
        base = f"HM-{source.report.code}-{source.reference}".upper()
        taken = set(
            db.session.scalars(select(Action.reference).where(Action.reference.like(f"{base}%")))
        )
        if base not in taken:
            return base
        n = 2
        while f"{base}-{n}" in taken:
            n += 1
        return f"{base}-{n}"
    prefix = f"{_PREFIX[source_type]}-{raised_on.year}-"
    highest = db.session.scalar(
        select(func.max(Action.reference)).where(Action.reference.like(f"{prefix}%"))
    )
    number = int(highest.rsplit("-", 1)[1]) + 1 if highest and highest[-3:].isdigit() else 1
    return f"{prefix}{number:03d}"


def _check_details(details: ActionDetails) -> None:
    if details.due_on < details.raised_on:
        raise ActionRuleError("Due date must be the same as or after the date raised")
    if not details.owner.active:
        raise ActionRuleError(f"{details.owner.name} is deactivated: choose an active owner")
    if details.owner.organisation not in (Organisation.OPCC, Organisation.FORCE):
        raise ActionRuleError("The owner must work for the OPCC or the force")
    if details.owning_organisation == Organisation.FORCE and details.opcc_only:
        raise ActionRuleError("An action owned by the force cannot be restricted to the OPCC")


def create_action(
    source: Source, details: ActionDetails, *, by: User, reference: str | None = None
) -> Action:
    """Raise a new action from `source`."""
    if not policy.can_create_actions(by):
        raise PermissionDeniedError("Only OPCC staff can raise actions")
    _check_details(details)
    reference = (reference or "").strip().upper() or next_reference(source, details.raised_on)
    if db.session.scalar(select(Action.id).where(Action.reference == reference)) is not None:
        raise DuplicateReferenceError(f"Reference {reference} is already used by another action")
    source_type = _source_type(source)
    action = Action(
        reference=reference,
        source_type=source_type,
        status=ActionStatus.OPEN,
        original_due_on=details.due_on,
        created_by_id=by.id,
        **{f"{source_type.value}_id": source.id},
    )
    _apply(action, details)
    if isinstance(source, Meeting):
        highest = db.session.scalar(
            select(func.max(Action.meeting_item_no)).where(Action.meeting_id == source.id)
        )
        action.meeting_item_no = (highest or 0) + 1
    db.session.add(action)
    db.session.flush()
    _audit(
        action,
        by,
        "created",
        summary=f"{action.reference} raised",
        changes=diff({}, action_snapshot(action)),
        version=action.version,
    )
    return action


def _apply(action: Action, details: ActionDetails) -> None:
    action.title = details.title
    action.description = details.description
    action.owner = details.owner
    action.owner_id = details.owner.id
    action.owning_organisation = details.owning_organisation
    action.lead_role = details.lead_role
    action.raised_on = details.raised_on
    action.due_on = details.due_on
    action.marking = details.marking
    action.opcc_only = details.opcc_only
    action.opcc_note = details.opcc_note
    action.tags = list(details.tags)


def edit_action(action: Action, details: ActionDetails, *, by: User, expected_version: int) -> None:
    """Change an action's details; refused when someone else changed it first.

    A changed due date here is a correction by the OPCC; the original due date stays.
    """
    if not policy.can_edit_action(by, action):
        raise PermissionDeniedError("Only OPCC staff can change an action")
    ensure_current(action, expected_version, entity_type=AuditEntity.ACTION)
    _check_details(details)
    before = action_snapshot(action)
    _apply(action, details)
    changes = diff(before, action_snapshot(action))
    if not changes:
        return
    db.session.flush()
    _audit(
        action,
        by,
        "updated",
        changes=changes,
        version=action.version,
    )


def transition(
    action: Action,
    target: ActionStatus,
    *,
    by: User,
    note: str,
    today: date,
    expected_version: int | None = None,
) -> ActionUpdate:
    """Move an action to `target` through the state machine, recording why and by whom."""
    declared = transition_for(action.status, target)
    if declared is None:
        raise ActionRuleError(
            f"An action that is {action.status.label.lower()} cannot become {target.label.lower()}"
        )
    if not policy.can_transition(by, action, target):
        raise PermissionDeniedError(f"You cannot make this action {target.label.lower()}")
    if expected_version is not None:
        ensure_current(action, expected_version, entity_type=AuditEntity.ACTION)
    note = note.strip()
    if declared.reason_required and not note:
        raise ActionRuleError(f"Enter {declared.reason_label.lower()}")
    before = {"status": action.status, "closed_on": action.closed_on}
    previous = action.status
    action.status = target
    action.closed_on = today if target == ActionStatus.CLOSED else None
    update = ActionUpdate(
        action=action, author_id=by.id, text=note, from_status=previous, to_status=target
    )
    db.session.add(update)
    db.session.flush()
    _audit(
        action,
        by,
        "status_changed",
        summary=note,
        changes=diff(before, {"status": action.status, "closed_on": action.closed_on}),
        version=action.version,
    )
    return update


def add_update(
    action: Action, *, by: User, text: str, rag: Rag | None = None, opcc_only: bool = False
) -> ActionUpdate:
    """Post a progress update (an OPCC-internal one when `opcc_only`)."""
    if not policy.can_add_update(by, action):
        raise PermissionDeniedError("You cannot update this action")
    if opcc_only and not policy.can_see_opcc_notes(by):
        raise PermissionDeniedError("Only OPCC staff can post internal updates")
    if not text.strip():
        raise ActionRuleError("Enter the update")
    update = ActionUpdate(
        action=action, author_id=by.id, text=text.strip(), rag=rag, opcc_only=opcc_only
    )
    db.session.add(update)
    db.session.flush()
    _audit(
        action,
        by,
        "update_added",
        summary=text.strip()[:500],
        changes={"rag": [None, rag.value]} if rag else None,
    )
    return update


def grace_period() -> timedelta:
    """How long an author may correct their own update."""
    return timedelta(minutes=setting(UPDATE_GRACE_MINUTES))


def update_is_editable(update: ActionUpdate, *, now: datetime | None = None) -> bool:
    """Within the grace period after posting (status changes are never editable)."""
    if update.is_status_change:
        return False
    return (now or utcnow()) - update.created_at <= grace_period()


def edit_update(update: ActionUpdate, *, by: User, text: str, now: datetime | None = None) -> None:
    """Correct one's own update within the grace period; the original text is audited."""
    if not policy.can_edit_update(by, update):
        raise PermissionDeniedError("Only the author can correct an update")
    if not update_is_editable(update, now=now):
        raise ActionRuleError("This update can no longer be changed. Post a new update instead.")
    if not text.strip():
        raise ActionRuleError("Enter the update")
    old = update.text
    update.text = text.strip()
    update.edited_at = now or utcnow()
    _audit(update.action, by, "update_corrected", changes={"update_text": [old, update.text]})


def request_extension(
    action: Action, *, by: User, proposed_due_on: date, reason: str
) -> ExtensionRequest:
    """Ask the OPCC for a later due date."""
    if not policy.can_request_extension(by, action):
        raise PermissionDeniedError("You cannot ask for an extension to this action")
    if proposed_due_on <= action.due_on:
        raise ActionRuleError("The new due date must be after the current due date")
    if not reason.strip():
        raise ActionRuleError("Enter the reason for the extension")
    extension = ExtensionRequest(
        action=action,
        requested_by_id=by.id,
        current_due_on=action.due_on,
        proposed_due_on=proposed_due_on,
        reason=reason.strip(),
    )
    db.session.add(extension)
    db.session.flush()
    _audit(
        action,
        by,
        "extension_requested",
        summary=reason.strip()[:500],
        changes={"due_on": [action.due_on.isoformat(), proposed_due_on.isoformat()]},
    )
    return extension


def decide_extension(extension: ExtensionRequest, *, by: User, approve: bool, note: str) -> None:
    """Approve (moving the due date) or decline an extension request."""
    action = extension.action
    if not policy.can_decide_extension(by, action):
        raise PermissionDeniedError("Only OPCC staff can decide extension requests")
    if extension.status != ExtensionStatus.PENDING:
        raise ActionRuleError("This request has already been decided")
    if not approve and not note.strip():
        raise ActionRuleError("Enter the reason for declining")
    extension.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.DECLINED
    extension.decided_by_id = by.id
    extension.decided_at = utcnow()
    extension.decision_note = note.strip()
    changes = None
    if approve:
        changes = {"due_on": [action.due_on.isoformat(), extension.proposed_due_on.isoformat()]}
        action.due_on = extension.proposed_due_on
    db.session.flush()
    _audit(
        action,
        by,
        "extension_approved" if approve else "extension_declined",
        summary=note.strip()[:500],
        changes=changes,
        version=action.version,
    )
