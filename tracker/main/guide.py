"""The help page's content, drawn from the code's own definitions so it cannot drift.

RAG meanings and examples come from tracker/actions/rag.py, deadlines and their
explanations from tracker/deadlines.py, and who does what from the policy functions
(their docstrings are the words shown) and the status machine's TRANSITIONS.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from tracker import policy
from tracker.actions.models import ActionStatus, Rag
from tracker.actions.rag import rag, rag_meanings
from tracker.actions.status import TRANSITIONS, Side
from tracker.auth.models import ROLE_ORGANISATION, Role, User
from tracker.deadlines import (
    S55_EXTRA_DAYS,
    Deadline,
    PeriodUnit,
    bank_holidays,
    response_due,
    s55_comments_due,
)
from tracker.wording import in_sentence

# What each role may do, in the words of the policy function that decides it. A
# docstring that names a thing rather than an act gets a verb in front.
CAPABILITIES: tuple[tuple[str, Callable[[Any], bool]], ...] = (
    ("", policy.can_view_lists),
    ("", policy.can_create_actions),
    ("See", policy.can_see_opcc_notes),
    ("", policy.can_import),
    ("", policy.can_view_audit),
    ("", policy.can_verify_audit),
    ("", policy.can_manage_users),
    ("", policy.can_manage_settings),
    ("Read", policy.can_view_outbox),
)
# What anyone who may act on an action can do (both sides; the force on its own actions).
ACTION_CAPABILITIES: tuple[Callable[..., bool], ...] = (
    policy.can_add_update,
    policy.can_request_extension,
)


@dataclass(frozen=True)
class RagExample:
    """An open action's due date and the rating `rag` gives it today."""

    due_on: date
    rag: str


@dataclass(frozen=True)
class RoleDuties:
    """A role, its organisation, and what it may do."""

    role: Role
    organisation: str
    duties: list[str]
    action_duties: list[str]
    moves: list[str]


@dataclass(frozen=True)
class Guide:
    """Everything the help page shows."""

    today: date
    amber_days: int
    rag_meanings: dict[Rag, str]
    rag_examples: list[RagExample]
    adhoc_period: int
    adhoc_unit: PeriodUnit
    adhoc_example: Deadline
    s55_days: int
    s55_example: Deadline
    bank_holidays: list[tuple[date, str]]
    roles: list[RoleDuties]
    action_visibility: str


def rag_examples(today: date, amber_days: int) -> list[RagExample]:
    """Due dates either side of each boundary, rated by `rag` itself."""
    days = (-1, 0, amber_days, amber_days + 1)
    return [
        RagExample(due_on, rag(ActionStatus.OPEN, due_on, today, amber_days))
        for due_on in sorted({today + timedelta(days=n) for n in days})
    ]


def _first_line(function: Callable[..., Any], verb: str = "") -> str:
    """The first line of `function`'s docstring, after `verb` when one is given."""
    line = (function.__doc__ or "").strip().splitlines()[0]
    return f"{verb} {in_sentence(line)}" if verb else line


def _sample_user(role: Role) -> User:
    """An unsaved, active user holding `role`, to ask the policy functions about."""
    return User(
        name=role.label, email="", role=role, organisation=ROLE_ORGANISATION[role], active=True
    )


def _sides(user: User) -> set[Side]:
    """The side a role acts for on actions (none for the Panel)."""
    if policy.is_opcc(user):
        return {Side.OPCC}
    return {Side.FORCE} if policy.is_force(user) else set()


def _moves_for(user: User) -> list[str]:
    """The status moves this role may make, from the status machine's declarations."""
    sides = _sides(user)
    moves: list[str] = []
    for transition in TRANSITIONS.values():
        if transition.sides & sides and transition.button not in moves:
            moves.append(transition.button)
    return moves


def role_duties() -> list[RoleDuties]:
    """Each role with what the policy lets it do."""
    rows = []
    for role in Role:
        user = _sample_user(role)
        rows.append(
            RoleDuties(
                role=role,
                organisation=role.organisation.label,
                duties=[_first_line(check, verb) for verb, check in CAPABILITIES if check(user)],
                action_duties=[_first_line(check) for check in ACTION_CAPABILITIES]
                if _sides(user)
                else [],
                moves=_moves_for(user),
            )
        )
    return rows


def build_guide(
    *, today: date, amber_days: int, adhoc_period: int, adhoc_unit: str | PeriodUnit
) -> Guide:
    """The help page's content for `today` and the current settings."""
    upcoming = {**bank_holidays(today.year), **bank_holidays(today.year + 1)}
    return Guide(
        today=today,
        amber_days=amber_days,
        rag_meanings=rag_meanings(amber_days),
        rag_examples=rag_examples(today, amber_days),
        adhoc_period=adhoc_period,
        adhoc_unit=PeriodUnit(adhoc_unit),
        adhoc_example=response_due(today, adhoc_period, adhoc_unit),
        s55_days=S55_EXTRA_DAYS + 1,
        s55_example=s55_comments_due(today),
        bank_holidays=[
            (day, name)
            for day, name in sorted(upcoming.items())
            if today <= day < today + timedelta(days=366)
        ],
        roles=role_duties(),
        action_visibility=(policy.can_view_action.__doc__ or "").strip(),
    )
