"""The one state machine for action status: which moves exist, who may make them,
and whether a reason is required. Only `services.transition` changes a status."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from tracker.actions.models import ActionStatus as S


class Side(StrEnum):
    """Who is acting: OPCC staff, or the force (liaison officers on force-owned actions)."""

    OPCC = "opcc"
    FORCE = "force"


@dataclass(frozen=True)
class Transition:
    sides: frozenset[Side]
    reason_required: bool
    button: str
    reason_label: str = "Reason"


_BOTH = frozenset({Side.OPCC, Side.FORCE})
_OPCC = frozenset({Side.OPCC})

_START = Transition(_BOTH, False, "Mark as in progress")
_SUBMIT = Transition(_BOTH, True, "Submit as implemented", "Evidence of implementation")
_WITHDRAW = Transition(_OPCC, True, "Withdraw", "Reason for withdrawing")
_SUPERSEDE = Transition(_OPCC, True, "Mark as superseded", "What supersedes it")

TRANSITIONS: dict[tuple[S, S], Transition] = {
    (S.OPEN, S.IN_PROGRESS): _START,
    (S.REOPENED, S.IN_PROGRESS): _START,
    (S.OPEN, S.IMPLEMENTED): _SUBMIT,
    (S.IN_PROGRESS, S.IMPLEMENTED): _SUBMIT,
    (S.REOPENED, S.IMPLEMENTED): _SUBMIT,
    (S.IMPLEMENTED, S.CLOSED): Transition(_OPCC, False, "Assure and close", "Assurance note"),
    (S.IMPLEMENTED, S.IN_PROGRESS): Transition(
        _OPCC, True, "Send back to the owner", "Why it is not yet assured"
    ),
    (S.CLOSED, S.REOPENED): Transition(_OPCC, True, "Reopen", "Reason for reopening"),
    **{(s, S.WITHDRAWN): _WITHDRAW for s in (S.OPEN, S.IN_PROGRESS, S.IMPLEMENTED, S.REOPENED)},
    **{(s, S.SUPERSEDED): _SUPERSEDE for s in (S.OPEN, S.IN_PROGRESS, S.IMPLEMENTED, S.REOPENED)},
}


def transition_for(current: S, target: S) -> Transition | None:
    """The declared transition from `current` to `target`, if there is one."""
    return TRANSITIONS.get((current, target))


def targets_from(current: S) -> list[S]:
    """Statuses reachable from `current`, in declaration order."""
    return [target for (source, target) in TRANSITIONS if source == current]
