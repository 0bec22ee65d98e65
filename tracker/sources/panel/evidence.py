"""Documents sent with the PCC's response to a Panel item.

Registers the "panel_response" owner kind with tracker.attachments: a file is visible
exactly when its Panel item is (policy.can_view_source, so the clerk sees the response
documents of every item it may see) and may be added by whoever may record the PCC's
response (policy.can_record_pcc_response: OPCC staff, until the matter is concluded).
"""

from __future__ import annotations

from typing import Any

from flask import url_for

from tracker import policy
from tracker.attachments.definitions import OwnerKind, register_owner_kind
from tracker.audit.vocabulary import AuditEntity
from tracker.db import db
from tracker.sources.models import PanelItem


def _can_view(user: Any, item_id: int) -> bool:
    item = db.session.get(PanelItem, item_id)
    return item is not None and policy.can_view_source(user, item)


def _can_attach(user: Any, item_id: int) -> bool:
    item = db.session.get(PanelItem, item_id)
    return item is not None and policy.can_record_pcc_response(user, item)


def _link(item_id: int) -> str:
    return url_for("panel_items.show", item_id=item_id, _anchor="pcc-response")


def _audit_target(item_id: int) -> tuple[str, int]:
    return AuditEntity.PANEL_ITEM, item_id


PANEL_RESPONSE = register_owner_kind(
    OwnerKind(
        name="panel_response",
        label="PCC's response to the Panel",
        can_view=_can_view,
        can_attach=_can_attach,
        link=_link,
        audit_target=_audit_target,
    )
)
