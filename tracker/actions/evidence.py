"""Files attached to action updates: progress updates and status changes (the evidence
sent with "Submit as implemented" is the status change's update).

Registers the "action_update" owner kind with tracker.attachments: a file is visible
exactly when its update is (so never to the force on an OPCC-only update or action),
and may be added by whoever may post updates on the action.
"""

from __future__ import annotations

from typing import Any

from flask import url_for

from tracker import policy
from tracker.actions.models import ActionUpdate
from tracker.attachments.definitions import OwnerKind, register_owner_kind
from tracker.audit.vocabulary import AuditEntity
from tracker.db import db


def _update(update_id: int) -> ActionUpdate | None:
    return db.session.get(ActionUpdate, update_id)


def _can_view(user: Any, update_id: int) -> bool:
    update = _update(update_id)
    return update is not None and policy.can_see_update(user, update)


def _can_attach(user: Any, update_id: int) -> bool:
    update = _update(update_id)
    return (
        update is not None
        and policy.can_see_update(user, update)
        and policy.can_add_update(user, update.action)
    )


def _link(update_id: int) -> str:
    update = _update(update_id)
    if update is None:
        return url_for("actions.index")
    return url_for("actions.show", action_id=update.action_id, _anchor=f"update-{update.id}")


def _audit_target(update_id: int) -> tuple[str, int]:
    update = _update(update_id)
    if update is None:
        raise LookupError(f"No action update {update_id}")
    return AuditEntity.ACTION, update.action_id


ACTION_UPDATE = register_owner_kind(
    OwnerKind(
        name="action_update",
        label="Action update",
        can_view=_can_view,
        can_attach=_can_attach,
        link=_link,
        audit_target=_audit_target,
    )
)
