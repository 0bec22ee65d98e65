"""The OPCC's assurance conclusions on actions, as pages, reports and exports show them.

A conclusion is kept on the status change that assured an implemented action (see
`ActionUpdate.assurance_verdict`): closing it, or sending it back as not assured. An
action closed, reopened and closed again has one conclusion per close; what it "holds"
is the conclusion of its latest close. Closures imported (or made) before conclusions
were recorded have none, and say so.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select

from tracker.actions.models import NO_CONCLUSION, ActionStatus, ActionUpdate, assurance_line
from tracker.db import db

__all__ = ["NO_CONCLUSION", "assurance_lines", "assurance_text", "current_conclusion"]
_CHUNK = 500


def current_conclusion(updates: Iterable[ActionUpdate]) -> ActionUpdate | None:
    """The conclusion behind an action's present status: its latest status change, when
    that change was an assurance (a close, or a "not assured" send-back)."""
    changes = [u for u in updates if u.is_status_change]
    latest = max(changes, key=lambda u: u.id, default=None)
    return latest if latest is not None and latest.assurance_verdict is not None else None


def closing_updates(
    action_ids: Sequence[int], *, before: datetime | None = None
) -> dict[int, ActionUpdate]:
    """Each action's latest close (made before `before`, when given), whether or not it
    carries a conclusion, in one query per 500 actions."""
    found: dict[int, ActionUpdate] = {}
    ids = list(action_ids)
    for start in range(0, len(ids), _CHUNK):
        query = (
            select(ActionUpdate)
            .where(
                ActionUpdate.action_id.in_(ids[start : start + _CHUNK]),
                ActionUpdate.to_status == ActionStatus.CLOSED,
            )
            .order_by(ActionUpdate.id)
        )
        if before is not None:
            query = query.where(ActionUpdate.created_at < before)
        for update in db.session.scalars(query):
            if before is None or update.created_at < before:
                found[update.action_id] = update
    return found


def assurance_text(closing: ActionUpdate | None, *, with_note: bool = True) -> str:
    """A close's conclusion in one line: "Partly assured (dip sample): note", or
    NO_CONCLUSION when it recorded none."""
    if closing is None:
        return NO_CONCLUSION
    return assurance_line(
        closing.assurance_method, closing.assurance_verdict, closing.text, with_note=with_note
    )


def assurance_lines(actions: Iterable[Any], *, before: datetime | None = None) -> dict[int, str]:
    """{action id: assurance line} for those of `actions` that are closed (as each
    stands: a stored action, or one rebuilt as at a past day with `before` its cutoff)."""
    closed = [a.id for a in actions if a.status == ActionStatus.CLOSED]
    closing = closing_updates(closed, before=before) if closed else {}
    return {action_id: assurance_text(closing.get(action_id)) for action_id in closed}
