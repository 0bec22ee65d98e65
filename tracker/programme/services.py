"""State changes in the A&A programme: meeting kinds and series, a meeting's state and
papers, lines of enquiry, public questions and actions brought to a meeting.

Each function checks permission through `policy`, changes the objects, writes the audit
event and flushes; the caller commits.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, select

from tracker import deadlines, policy
from tracker.actions.models import Action
from tracker.audit.services import add_created, diff, record
from tracker.audit.vocabulary import AuditEntity
from tracker.auth.models import User
from tracker.concurrency import ensure_current
from tracker.db import db
from tracker.errors import PermissionDeniedError, RuleError
from tracker.programme.models import BroughtAction, LineOfEnquiry, PublicQuestion
from tracker.settings.definitions import PAPERS_DUE_WORKING_DAYS
from tracker.settings.services import setting
from tracker.sources.models import (
    LEGACY_MEETING_KINDS,
    Meeting,
    MeetingKind,
    MeetingSeries,
    MeetingState,
)
from tracker.sources.rules import check_meeting_state

# The kinds every new installation starts with (the migration seeds the same names).
DEFAULT_MEETING_KINDS = (*LEGACY_MEETING_KINDS.values(), "Monthly assurance")


class ProgrammeRuleError(RuleError):
    """A change to the A&A programme the rules do not allow; the message says why."""


def _raise_first(problems: dict[str, str]) -> None:
    if problems:
        field, message = next(iter(problems.items()))
        raise ProgrammeRuleError(message, field=field)


def _now() -> datetime:
    return datetime.now(UTC)


# Papers due ------------------------------------------------------------------------------


def papers_deadline(meeting: Meeting) -> deadlines.Deadline:
    """When the Chief Constable's papers for `meeting` are due, with the explanation."""
    return deadlines.working_days_before(meeting.held_on, setting(PAPERS_DUE_WORKING_DAYS))


def papers_days_overdue(meeting: Meeting, today: date) -> int:
    """Days the force's papers are late (0 once received, held or cancelled)."""
    return meeting.papers_days_overdue(papers_deadline(meeting).due, today)


# Meeting kinds and series ----------------------------------------------------------------


def _require_kinds_admin(by: Any) -> None:
    if not policy.can_manage_meeting_kinds(by):
        raise PermissionDeniedError("Only administrators can change the meeting kinds")


def _name_taken(model: type, name: str, ignore_id: int | None = None) -> str | None:
    """The stored name that equals `name` ignoring case, if another record has it."""
    for record_id, existing in db.session.execute(select(model.id, model.name)).all():
        if record_id != ignore_id and existing.casefold() == name.casefold():
            return existing
    return None


def seed_meeting_kinds() -> int:
    """Add the default meeting kinds that are missing; returns how many were added."""
    added = 0
    for name in DEFAULT_MEETING_KINDS:
        if _name_taken(MeetingKind, name) is None:
            db.session.add(MeetingKind(name=name, active=True))
            added += 1
    db.session.flush()
    return added


def meeting_kind_named(name: str) -> MeetingKind | None:
    """The kind called `name` (ignoring case), or named by an old value ("performance")."""
    name = LEGACY_MEETING_KINDS.get(name.strip().casefold(), name.strip())
    return db.session.scalar(
        select(MeetingKind).where(func.lower(MeetingKind.name) == name.casefold())
    )


def _name_and_state(entry: MeetingKind | MeetingSeries) -> dict[str, Any]:
    """What the trail records when a meeting kind or series is added."""
    return {"name": entry.name, "active": entry.active}


def add_meeting_kind(name: str, *, by: Any) -> MeetingKind:
    """Add a kind to the list."""
    _require_kinds_admin(by)
    name = name.strip()
    if existing := _name_taken(MeetingKind, name):
        raise ProgrammeRuleError(f"“{existing}” is already a meeting kind", field="name")
    return add_created(
        MeetingKind(name=name, active=True),
        _name_and_state,
        actor=by,
        entity_type=AuditEntity.MEETING_KIND,
        summary=name,
    )


def rename_meeting_kind(kind: MeetingKind, name: str, *, by: Any) -> bool:
    """Rename a kind (its meetings follow); False when the name is unchanged."""
    _require_kinds_admin(by)
    name = name.strip()
    if name == kind.name:
        return False
    if existing := _name_taken(MeetingKind, name, ignore_id=kind.id):
        raise ProgrammeRuleError(f"“{existing}” is already a meeting kind", field="name")
    old = kind.name
    kind.name = name
    db.session.flush()
    record(
        actor=by,
        entity_type=AuditEntity.MEETING_KIND,
        entity_id=kind.id,
        action="renamed",
        summary=name,
        changes=diff({"name": old}, {"name": name}),
    )
    return True


def set_meeting_kind_active(kind: MeetingKind, active: bool, *, by: Any) -> bool:
    """Retire (no longer offered for new meetings) or restore a kind."""
    _require_kinds_admin(by)
    if kind.active == active:
        return False
    kind.active = active
    record(
        actor=by,
        entity_type=AuditEntity.MEETING_KIND,
        entity_id=kind.id,
        action="restored" if active else "retired",
        summary=kind.name,
        changes=diff({"active": not active}, {"active": active}),
    )
    return True


def meeting_kind_usage(kind: MeetingKind) -> int:
    """How many meetings have this kind."""
    return db.session.scalar(select(func.count(Meeting.id)).where(Meeting.kind_id == kind.id)) or 0


def delete_meeting_kind(kind: MeetingKind, *, by: Any) -> None:
    """Delete a kind no meeting uses; a kind in use can only be retired."""
    _require_kinds_admin(by)
    used = meeting_kind_usage(kind)
    if used:
        raise ProgrammeRuleError(
            f"“{kind.name}” is used by {used} meeting{'' if used == 1 else 's'}: retire it instead"
        )
    record(
        actor=by,
        entity_type=AuditEntity.MEETING_KIND,
        entity_id=kind.id,
        action="deleted",
        summary=kind.name,
        changes=diff({"name": kind.name}, {}),
    )
    db.session.delete(kind)
    db.session.flush()


def series_named(name: str, *, by: Any) -> MeetingSeries:
    """The series called `name` (ignoring case), started when there is none yet."""
    if not policy.can_manage_programme(by):
        raise PermissionDeniedError("Only OPCC staff can start a meeting series")
    name = name.strip()
    existing = db.session.scalar(
        select(MeetingSeries).where(func.lower(MeetingSeries.name) == name.casefold())
    )
    if existing is not None:
        return existing
    return add_created(
        MeetingSeries(name=name, active=True),
        _name_and_state,
        actor=by,
        entity_type=AuditEntity.MEETING_SERIES,
        summary=name,
    )


# A meeting's state and papers ------------------------------------------------------------


def _change_meeting(
    meeting: Meeting, changes: dict[str, Any], *, by: Any, expected_version: int, verb: str
) -> None:
    if not policy.can_manage_programme(by):
        raise PermissionDeniedError("Only OPCC staff can change a meeting's state")
    ensure_current(meeting, expected_version, entity_type=AuditEntity.MEETING)
    before = {name: getattr(meeting, name) for name in changes}
    for name, value in changes.items():
        setattr(meeting, name, value)
    db.session.flush()
    record(
        actor=by,
        entity_type=AuditEntity.MEETING,
        entity_id=meeting.id,
        action=verb,
        changes=diff(before, changes),
        version=meeting.version,
    )


def record_held(meeting: Meeting, *, by: Any, today: date, expected_version: int) -> None:
    """Record that a planned meeting took place (not before its date)."""
    if meeting.state != MeetingState.PLANNED:
        raise ProgrammeRuleError(f"The meeting is already {meeting.state.in_sentence}")
    _raise_first(check_meeting_state(MeetingState.HELD, meeting.held_on, "", today))
    _change_meeting(
        meeting,
        {"state": MeetingState.HELD},
        by=by,
        expected_version=expected_version,
        verb="held",
    )


def cancel_meeting(meeting: Meeting, reason: str, *, by: Any, expected_version: int) -> None:
    """Cancel a planned meeting, saying why."""
    if meeting.state != MeetingState.PLANNED:
        raise ProgrammeRuleError(f"The meeting is already {meeting.state.in_sentence}")
    reason = (reason or "").strip()
    _raise_first(check_meeting_state(MeetingState.CANCELLED, meeting.held_on, reason, date.min))
    _change_meeting(
        meeting,
        {"state": MeetingState.CANCELLED, "cancel_reason": reason},
        by=by,
        expected_version=expected_version,
        verb="cancelled",
    )


def record_papers_received(
    meeting: Meeting, received_on: date | None, *, by: Any, expected_version: int
) -> None:
    """Record (or clear, with None) the date the Chief Constable's papers arrived."""
    _change_meeting(
        meeting,
        {"papers_received_on": received_on},
        by=by,
        expected_version=expected_version,
        verb="papers received" if received_on else "papers not received",
    )


# Lines of enquiry --------------------------------------------------------------------


def _line_snapshot(line: LineOfEnquiry) -> dict[str, Any]:
    return {
        "meeting_id": line.meeting_id,
        "position": line.position,
        "question": line.question,
        "answer": line.answer,
        "conclusion": line.conclusion,
        "opcc_only": line.opcc_only,
    }


def _audit_line(line: LineOfEnquiry, before: dict[str, Any], *, by: Any, verb: str) -> None:
    db.session.flush()
    record(
        actor=by,
        entity_type=AuditEntity.LINE_OF_ENQUIRY,
        entity_id=line.id,
        action=verb,
        changes=diff(before, _line_snapshot(line)),
        version=line.version,
    )


def add_line_of_enquiry(
    meeting: Meeting, question: str, *, opcc_only: bool = False, by: Any
) -> LineOfEnquiry:
    """Add a question the PCC will ask at `meeting`."""
    if not policy.can_manage_programme(by):
        raise PermissionDeniedError("Only OPCC staff can write lines of enquiry")
    if meeting.is_cancelled:
        raise ProgrammeRuleError("The meeting was cancelled", field="question")
    last = db.session.scalar(
        select(func.max(LineOfEnquiry.position)).where(LineOfEnquiry.meeting_id == meeting.id)
    )
    line = LineOfEnquiry(
        meeting=meeting, position=(last or 0) + 1, question=question.strip(), opcc_only=opcc_only
    )
    db.session.add(line)
    _audit_line(line, {}, by=by, verb="created")
    return line


def edit_line_question(
    line: LineOfEnquiry, question: str, *, opcc_only: bool, by: Any, expected_version: int
) -> None:
    """Change the question (and whether the force may see it)."""
    if not policy.can_manage_programme(by):
        raise PermissionDeniedError("Only OPCC staff can change lines of enquiry")
    ensure_current(line, expected_version, entity_type=AuditEntity.LINE_OF_ENQUIRY)
    before = _line_snapshot(line)
    line.question = question.strip()
    line.opcc_only = opcc_only
    _audit_line(line, before, by=by, verb="updated")


def answer_line(line: LineOfEnquiry, answer: str, *, by: Any, expected_version: int) -> None:
    """Write or change the force's answer; refused once the OPCC has concluded."""
    if line.is_concluded:
        raise ProgrammeRuleError(
            "The OPCC has concluded on this line: the answer can no longer change", field="answer"
        )
    if not policy.can_answer_line_of_enquiry(by, line):
        raise PermissionDeniedError("You cannot answer this line of enquiry")
    ensure_current(line, expected_version, entity_type=AuditEntity.LINE_OF_ENQUIRY)
    before = _line_snapshot(line)
    line.answer = answer.strip()
    line.answered_by_id = by.id
    line.answered_at = _now()
    _audit_line(line, before, by=by, verb="answered")


def conclude_line(line: LineOfEnquiry, conclusion: str, *, by: Any, expected_version: int) -> None:
    """Record (or correct) the OPCC's conclusion; an empty one reopens the answer."""
    if not policy.can_conclude_line_of_enquiry(by, line):
        raise PermissionDeniedError("Only OPCC staff can conclude a line of enquiry")
    ensure_current(line, expected_version, entity_type=AuditEntity.LINE_OF_ENQUIRY)
    before = _line_snapshot(line)
    line.conclusion = conclusion.strip()
    line.concluded_by_id = by.id if line.conclusion else None
    line.concluded_at = _now() if line.conclusion else None
    _audit_line(line, before, by=by, verb="concluded")


# Public questions ------------------------------------------------------------------------

PUBLIC_QUESTION_FIELDS = ("question", "asked_by", "answer", "published")


def _question_snapshot(question: PublicQuestion) -> dict[str, Any]:
    return {"meeting_id": question.meeting_id} | {
        name: getattr(question, name) for name in PUBLIC_QUESTION_FIELDS
    }


def save_public_question(
    meeting: Meeting,
    fields: dict[str, Any],
    *,
    by: Any,
    question: PublicQuestion | None = None,
    expected_version: int | None = None,
) -> PublicQuestion:
    """Record a question from the public at `meeting`, or change one (`question`)."""
    if not policy.can_manage_programme(by):
        raise PermissionDeniedError("Only OPCC staff can record public questions")
    if question is None:
        question = PublicQuestion(meeting=meeting)
        db.session.add(question)
        before: dict[str, Any] = {}
        verb = "created"
    else:
        ensure_current(question, expected_version or 0, entity_type=AuditEntity.PUBLIC_QUESTION)
        before = _question_snapshot(question)
        verb = "updated"
    for name in PUBLIC_QUESTION_FIELDS:
        setattr(question, name, fields[name])
    db.session.flush()
    record(
        actor=by,
        entity_type=AuditEntity.PUBLIC_QUESTION,
        entity_id=question.id,
        action=verb,
        changes=diff(before, _question_snapshot(question)),
        version=question.version,
    )
    return question


# Actions brought to a meeting ------------------------------------------------------------


def bring_action(meeting: Meeting, action: Action, *, by: User) -> BroughtAction:
    """Bring an action (say, from an HMICFRS report) to `meeting`'s matters arising."""
    if not policy.can_manage_programme(by) or not policy.can_view_action(by, action):
        raise PermissionDeniedError("Only OPCC staff can bring actions to a meeting")
    if action.meeting_id == meeting.id:
        raise ProgrammeRuleError("The action arose at this meeting", field="reference")
    existing = db.session.get(BroughtAction, (meeting.id, action.id))
    if existing is not None:
        raise ProgrammeRuleError(
            f"{action.reference} is already brought to this meeting", field="reference"
        )
    brought = BroughtAction(meeting=meeting, action=action, brought_by_id=by.id)
    db.session.add(brought)
    db.session.flush()
    record(
        actor=by,
        entity_type=AuditEntity.MEETING,
        entity_id=meeting.id,
        action="action brought",
        summary=f"{action.reference} brought to matters arising",
    )
    return brought


def remove_brought_action(brought: BroughtAction, *, by: User) -> None:
    """Take an action brought on purpose off a meeting's matters arising."""
    if not policy.can_manage_programme(by):
        raise PermissionDeniedError("Only OPCC staff can change a meeting's matters arising")
    record(
        actor=by,
        entity_type=AuditEntity.MEETING,
        entity_id=brought.meeting_id,
        action="action removed",
        summary=f"{brought.action.reference} taken off matters arising",
    )
    db.session.delete(brought)
    db.session.flush()
