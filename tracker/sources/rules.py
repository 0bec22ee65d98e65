"""The rules sources of actions must keep, each written once.

Each function returns {field name: message}, empty when the values are fine. Field names
are the source forms' (the finding form's `parent_id`, the Panel item form's fields), so
a form puts each message beside its input, the services raise the first as
`SourceRuleError(message, field=...)` and the import checker reports each against the
row and the column mapped to that field. A value that is None (missing or unreadable,
reported elsewhere) is not judged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tracker.sources.models import FindingKind, MeetingState, PanelItemKind, PanelMatterState


@dataclass(frozen=True)
class ParentChoice:
    """The cause of concern a finding is put under, as the rule needs to see it."""

    reference: str
    kind: FindingKind | None  # None: there is no finding with this reference
    same_report: bool = True
    is_self: bool = False


def check_finding_parent(kind: FindingKind | None, parent: ParentChoice | None) -> dict[str, str]:
    """A finding may belong to a cause of concern in the same report; a cause of concern
    belongs to nothing, and nothing belongs to itself."""
    if parent is None:
        return {}
    if parent.kind is None:
        return {"parent_id": f"There is no cause of concern {parent.reference} in the report"}
    if kind is not None and kind.is_cause_of_concern:
        return {"parent_id": "A cause of concern cannot belong to another cause of concern"}
    if not parent.same_report:
        return {"parent_id": "The cause of concern must be in the same report"}
    if not parent.kind.is_cause_of_concern:
        return {"parent_id": f"{parent.reference} is not a cause of concern"}
    if parent.is_self:
        return {"parent_id": "A finding cannot belong to itself"}
    return {}


def check_finding_kind(
    reference: str, kind: FindingKind | None, *, has_children: bool
) -> dict[str, str]:
    """A finding that others belong to stays a cause of concern."""
    if kind is None or not has_children or kind.is_cause_of_concern:
        return {}
    return {
        "kind": f"{reference} has findings that belong to it, so it must stay a cause of concern"
    }


def check_panel_item(
    *,
    panel_meeting_on: date | None,
    response_due_on: date | None,
    pcc_response: str,
    pcc_response_on: date | None,
    kind: PanelItemKind | None = None,
) -> dict[str, str]:
    """The PCC's response comes with its date (and the date with a response); neither
    the response due date nor the response is before the Panel meeting; a recommendation
    has the date the Panel set for the PCC's written response (PRSRA 2011 s.29(3))."""
    problems: dict[str, str] = {}
    if kind is not None and kind.needs_due_date and response_due_on is None:
        problems["response_due_on"] = (
            "Enter the date the Panel set for the PCC's response: the PCC must respond "
            "to a recommendation in writing"
        )
    elif _before(response_due_on, panel_meeting_on):
        problems["response_due_on"] = (
            "Response due date must be the same as or after the date of the Panel meeting"
        )
    if pcc_response_on is not None and not pcc_response:
        problems["pcc_response"] = "Enter the PCC's response, or remove the date of the response"
    if pcc_response and pcc_response_on is None:
        problems["pcc_response_on"] = "Enter the date of the PCC's response"
    elif _before(pcc_response_on, panel_meeting_on):
        problems["pcc_response_on"] = (
            "Date of the PCC's response must be the same as or after the date of the Panel meeting"
        )
    return problems


def check_panel_conclusion(
    state: PanelMatterState | None,
    *,
    has_response: bool,
    meeting_on: date,
    carried_forward_to_on: date | None,
    note: str,
) -> dict[str, str]:
    """A matter is concluded once the PCC's response is recorded; a matter carried
    forward goes to a later Panel meeting, with a note saying why."""
    if state == PanelMatterState.CONCLUDED and not has_response:
        return {"matter_state": "Record the PCC's response before the matter is concluded"}
    if state != PanelMatterState.CARRIED_FORWARD:
        return {}
    if carried_forward_to_on is None:
        return {"carried_forward_to_id": "Choose the Panel meeting the matter is carried to"}
    if carried_forward_to_on <= meeting_on:
        return {
            "carried_forward_to_id": "The matter can only be carried forward to a later meeting"
        }
    if not note.strip():
        return {"matter_note": "Enter why the matter is carried forward"}
    return {}


def check_work_programme_item(
    *, report_requested: bool, report_due_on: date | None, last_reported_on: date | None
) -> dict[str, str]:
    """A report due date belongs to a report requested from the PCC."""
    if report_due_on is not None and not report_requested:
        return {"report_due_on": "Remove the report due date, or say a report was requested"}
    if _before(report_due_on, last_reported_on):
        return {
            "report_due_on": "Report due date must be the same as or after the date last reported"
        }
    return {}


def _before(day: date | None, other: date | None) -> bool:
    return day is not None and other is not None and day < other


def check_adhoc_due(sent_on: date, override_on: date | None, reason: str) -> dict[str, str]:
    """A response due date typed in by hand is on or after the date sent, with a reason."""
    if override_on is None:
        return {}
    if override_on < sent_on:
        return {"response_due_override": "Response due date must be on or after the date sent"}
    if not reason.strip():
        return {"override_reason": "Enter why the response due date differs from the usual period"}
    return {}


def meeting_state_for(held_on: date, today: date) -> MeetingState:
    """The state of a newly recorded meeting: planned when it is still to come, held when
    its date has passed."""
    return MeetingState.PLANNED if held_on >= today else MeetingState.HELD


def check_meeting_state(
    state: MeetingState | None, held_on: date | None, cancel_reason: str, today: date
) -> dict[str, str]:
    """A meeting in the future cannot have been held; cancelling needs a reason."""
    if state == MeetingState.HELD and held_on is not None and held_on > today:
        return {"held_on": "A meeting in the future cannot be recorded as held"}
    if state == MeetingState.CANCELLED and not cancel_reason.strip():
        return {"cancel_reason": "Enter why the meeting was cancelled"}
    return {}
