"""The rules an action's details must keep, each written once.

Each function returns {field name: message}, empty when the values are fine. The field
names are the action form's, so the form puts each message beside its input; the
services raise the first as `ActionRuleError(message, field=...)`; the import checker
reports each against the spreadsheet row and the column mapped to that field. The
database backs the rules that can be stated on a row with CHECK constraints on
`actions` (due_after_raised, original_due_after_raised, owned_by_opcc_or_force,
force_owned_not_opcc_only).
"""

from __future__ import annotations

from datetime import date
from typing import Protocol

from tracker import assurance
from tracker.auth.models import Organisation

# Who may own an action, and which organisations an action may belong to.
OWNER_ORGANISATIONS = (Organisation.OPCC, Organisation.FORCE)

DUE_BEFORE_RAISED = "Due date must be the same as or after the date raised"
ORIGINAL_DUE_BEFORE_RAISED = "Original due date must be the same as or after the date raised"
NOT_OWNING_ORGANISATION = "Actions are owned by the OPCC or the force"
FORCE_OWNED_OPCC_ONLY = "An action owned by the force cannot be restricted to the OPCC"
# SQL for the same rule, used by the CHECK constraint (booleans are 0/1 on SQLite and
# true/false on PostgreSQL; a bare column in AND works on both).
FORCE_OWNED_OPCC_ONLY_SQL = "NOT (owning_organisation = 'force' AND opcc_only)"


class OwnerLike(Protocol):
    """What the owner rule reads of a user."""

    name: str
    active: bool
    organisation: Organisation


def check_dates(
    raised_on: date | None, due_on: date | None, original_due_on: date | None = None
) -> dict[str, str]:
    """The due date (and the original due date) are on or after the date raised."""
    problems: dict[str, str] = {}
    if raised_on is None:
        return problems
    if due_on is not None and due_on < raised_on:
        problems["due_on"] = DUE_BEFORE_RAISED
    if original_due_on is not None and original_due_on < raised_on:
        problems["original_due_on"] = ORIGINAL_DUE_BEFORE_RAISED
    return problems


def check_owner(owner: OwnerLike | None) -> dict[str, str]:
    """The owner is an active user who works for the OPCC or the force."""
    if owner is None:
        return {}
    if not owner.active:
        return {"owner": f"{owner.name} is deactivated: choose an active owner"}
    if owner.organisation not in OWNER_ORGANISATIONS:
        return {"owner": f"{owner.name} does not work for the OPCC or the force"}
    return {}


def check_restriction(
    owning_organisation: Organisation | None, opcc_only: bool | None
) -> dict[str, str]:
    """Owned by the OPCC or the force; a force-owned action cannot be OPCC-only."""
    if owning_organisation is None:
        return {}
    if owning_organisation not in OWNER_ORGANISATIONS:
        return {"owning_organisation": NOT_OWNING_ORGANISATION}
    if owning_organisation == Organisation.FORCE and opcc_only:
        return {"opcc_only": FORCE_OWNED_OPCC_ONLY}
    return {}


def check_action(
    *,
    raised_on: date | None,
    due_on: date | None,
    owner: OwnerLike | None,
    owning_organisation: Organisation | None,
    opcc_only: bool | None,
    original_due_on: date | None = None,
) -> dict[str, str]:
    """Every rule on an action's details; a value that is None (missing or unreadable,
    reported elsewhere) is not checked."""
    return {
        **check_dates(raised_on, due_on, original_due_on),
        **check_owner(owner),
        **check_restriction(owning_organisation, opcc_only),
    }


# The OPCC's assurance conclusion is one rule for actions and written responses alike.
CHOOSE_METHOD = assurance.CHOOSE_METHOD
CHOOSE_VERDICT = assurance.CHOOSE_VERDICT
NOTE_NEEDED = assurance.NOTE_NEEDED
NOTE_TOO_LONG = assurance.NOTE_TOO_LONG
check_conclusion = assurance.check_conclusion
