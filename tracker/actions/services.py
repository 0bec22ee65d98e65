"""State changes for actions: create, edit, transition, update, extensions.

Each function checks permission through `policy`, changes the objects, writes the
audit events and flushes; the caller (view, CLI, import, job) commits once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from tracker import policy
from tracker.actions import rules
from tracker.actions.evidence import ACTION_UPDATE
from tracker.actions.models import (
    Action,
    ActionStatus,
    ActionUpdate,
    ExtensionRequest,
    ExtensionStatus,
    Marking,
    Rag,
    SourceType,
)
from tracker.actions.status import transition_for
from tracker.assurance import AssuranceMethod, AssuranceVerdict
from tracker.attachments.rules import PreparedFile
from tracker.attachments.services import attach_files
from tracker.audit.services import diff, record
from tracker.audit.vocabulary import ACTION_EDITABLE, AuditEntity
from tracker.auth.models import Organisation, User
from tracker.concurrency import ensure_current
from tracker.db import db, utcnow
from tracker.errors import PermissionDeniedError, RuleError
from tracker.settings.definitions import UPDATE_GRACE_MINUTES
from tracker.settings.models import Tag
from tracker.settings.services import setting
from tracker.sources.models import AdhocRequest, Finding, Meeting, PanelItem
from tracker.wording import in_sentence

Source = Meeting | AdhocRequest | PanelItem | Finding


class ActionRuleError(RuleError):
    """A change the rules do not allow; the message says why, in the user's terms."""


class DuplicateReferenceError(ActionRuleError):
    """Another action already has this reference."""

    def __init__(self, message: str) -> None:
        super().__init__(message, field="reference")


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


class ReferenceAllocator:
    """Hands out new readable references: AA-2023-014, AR-2023-003, PCP-2023-007 or
    HM-PEEL22-R3 (HM-PEEL22-R3-2 for a second action on the same finding).

    A numbered series continues after the highest number the database holds; a finding's
    series takes the first free suffix. Each series is read from the database once, then
    counted on in memory, so an import numbers thousands of actions in a few queries.
    `taken` holds references already claimed outside the database (say, given in the
    same file), which are never handed out.
    """

    def __init__(self, taken: Iterable[str] = ()) -> None:
        self.taken = set(taken)
        self._next: dict[str, int] = {}

    def allocate(self, source: Source, raised_on: date) -> str:
        """The next free reference for an action raised from `source` on `raised_on`."""
        if isinstance(source, Finding):
            base = f"HM-{source.report.code}-{source.reference}".upper()
            if base not in self._next:
                self.taken.update(
                    db.session.scalars(
                        select(Action.reference).where(Action.reference.like(f"{base}%"))
                    )
                )
                self._next[base] = 1
            suffix = self._next[base]
            candidate = base if suffix == 1 else f"{base}-{suffix}"
            while candidate in self.taken:
                suffix += 1
                candidate = f"{base}-{suffix}"
        else:
            base = f"{_PREFIX[_source_type(source)]}-{raised_on.year}-"
            if base not in self._next:
                highest = db.session.scalar(
                    select(func.max(Action.reference)).where(Action.reference.like(f"{base}%"))
                )
                digits = highest is not None and highest[-3:].isdigit()
                self._next[base] = int(highest.rsplit("-", 1)[1]) + 1 if digits else 1
            suffix = self._next[base]
            candidate = f"{base}{suffix:03d}"
            while candidate in self.taken:
                suffix += 1
                candidate = f"{base}{suffix:03d}"
        self._next[base] = suffix + 1
        self.taken.add(candidate)
        return candidate


def next_reference(source: Source, raised_on: date) -> str:
    """A readable reference for one new action (see `ReferenceAllocator`)."""
    return ReferenceAllocator().allocate(source, raised_on)


def _check_details(details: ActionDetails) -> None:
    problems = rules.check_action(
        raised_on=details.raised_on,
        due_on=details.due_on,
        owner=details.owner,
        owning_organisation=details.owning_organisation,
        opcc_only=details.opcc_only,
    )
    if problems:
        field, message = next(iter(problems.items()))
        raise ActionRuleError(message, field=field)


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
    method: AssuranceMethod | None = None,
    verdict: AssuranceVerdict | None = None,
    files: Sequence[PreparedFile] = (),
) -> ActionUpdate:
    """Move an action to `target` through the state machine, recording why and by whom
    (with `files` attached to the status change, say the evidence of implementation).

    Closing needs the OPCC's assurance conclusion (`method` and `verdict`, see
    `rules.check_conclusion`); a conclusion may also come with sending an implemented
    action back ("not assured"). `assure` chooses between the two from the verdict.
    """
    declared = transition_for(action.status, target)
    if declared is None:
        raise ActionRuleError(
            f"An action that is {action.status.in_sentence} cannot become {target.in_sentence}"
        )
    if not policy.can_transition(by, action, target):
        raise PermissionDeniedError(f"You cannot make this action {target.in_sentence}")
    if expected_version is not None:
        ensure_current(action, expected_version, entity_type=AuditEntity.ACTION)
    note = note.strip()
    concluded = method is not None or verdict is not None
    if target == ActionStatus.CLOSED or concluded:
        _check_conclusion(action, target, method, verdict, note)
    if declared.reason_required and not note:
        raise ActionRuleError(f"Enter {in_sentence(declared.reason_label)}")
    before = {"status": action.status, "closed_on": action.closed_on}
    previous = action.status
    action.status = target
    action.closed_on = today if target == ActionStatus.CLOSED else None
    update = ActionUpdate(
        action=action,
        author_id=by.id,
        text=note,
        from_status=previous,
        to_status=target,
        assurance_method=method,
        assurance_verdict=verdict,
    )
    db.session.add(update)
    db.session.flush()
    changes = diff(before, {"status": action.status, "closed_on": action.closed_on})
    if verdict is not None and method is not None:
        changes["assurance_verdict"] = [None, verdict.value]
        changes["assurance_method"] = [None, method.value]
    _audit(
        action,
        by,
        "status_changed",
        summary=conclusion_summary(update) if concluded else note,
        changes=changes,
        version=action.version,
    )
    attach_files(ACTION_UPDATE.name, update.id, files, by=by)
    return update


def publish_to_panel(action: Action, *, by: User, publish: bool, expected_version: int) -> None:
    """Publish `action` to the Police and Crime Panel, or withdraw it from the Panel."""
    if not policy.can_publish_to_panel(by, action):
        raise PermissionDeniedError("You cannot publish this action to the Panel")
    ensure_current(action, expected_version, entity_type=AuditEntity.ACTION)
    if action.published_to_panel == publish:
        return
    before = {"published_to_panel": action.published_to_panel}
    action.published_to_panel = publish
    db.session.flush()
    _audit(
        action,
        by,
        "published_to_panel" if publish else "withdrawn_from_panel",
        changes=diff(before, {"published_to_panel": publish}),
        version=action.version,
    )


def _check_conclusion(
    action: Action,
    target: ActionStatus,
    method: AssuranceMethod | None,
    verdict: AssuranceVerdict | None,
    note: str,
) -> None:
    """Refuse a close without a whole conclusion, a conclusion on any move other than
    assuring an implemented action, and a verdict that does not fit the move."""
    if action.status != ActionStatus.IMPLEMENTED:
        raise ActionRuleError("Only an implemented action can be assured")
    problems = rules.check_conclusion(method, verdict, note)
    if problems:
        field, message = next(iter(problems.items()))
        raise ActionRuleError(message, field=field)
    closes = verdict is not None and verdict.closes
    if closes != (target == ActionStatus.CLOSED):
        raise ActionRuleError(
            "An action that is not assured goes back to its owner; it cannot be closed"
            if target == ActionStatus.CLOSED
            else "Only a not assured verdict sends an action back",
            field="verdict",
        )


def conclusion_summary(update: ActionUpdate) -> str:
    """The history line for an assurance conclusion:
    "Closed: Partly assured (dip sample). Note: ..." or "Sent back to the owner: ..."."""
    outcome = "Closed" if update.to_status == ActionStatus.CLOSED else "Sent back to the owner"
    summary = f"{outcome}: {update.conclusion}."
    return f"{summary} Note: {update.text}" if update.text else summary


def assure(
    action: Action,
    *,
    by: User,
    method: AssuranceMethod | None,
    verdict: AssuranceVerdict | None,
    note: str,
    today: date,
    expected_version: int | None = None,
) -> ActionUpdate:
    """The OPCC's assurance of an implemented action, in one step: assured or partly
    assured closes it; not assured sends it back to the owner (in progress), the note
    being the reason. Either way the conclusion is kept on the status change."""
    target = (
        ActionStatus.IN_PROGRESS if verdict == AssuranceVerdict.NOT_ASSURED else ActionStatus.CLOSED
    )
    return transition(
        action,
        target,
        by=by,
        note=note,
        today=today,
        expected_version=expected_version,
        method=method,
        verdict=verdict,
    )


def imported_status_note(status: ActionStatus) -> str:
    """The history note for an action an import created with a status other than open
    (the import writes the entry `transition` would, in bulk)."""
    return f"Imported with status {status.in_sentence}"


def add_update(
    action: Action,
    *,
    by: User,
    text: str,
    rag: Rag | None = None,
    opcc_only: bool = False,
    files: Sequence[PreparedFile] = (),
) -> ActionUpdate:
    """Post a progress update (an OPCC-internal one when `opcc_only`), with `files`
    attached to it."""
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
    attach_files(ACTION_UPDATE.name, update.id, files, by=by)
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
