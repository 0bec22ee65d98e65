"""Loading actions for a request: 404 when missing or invisible, 403 when not allowed."""

from __future__ import annotations

from typing import Any

from flask import abort
from flask_login import current_user

from tracker import policy
from tracker.actions.models import Action, ActionUpdate, ExtensionRequest, SourceType
from tracker.db import db
from tracker.loaders import get_source_or_404
from tracker.sources.models import AdhocRequest, Finding, Meeting, PanelItem

SOURCE_MODELS: dict[SourceType, type] = {
    SourceType.MEETING: Meeting,
    SourceType.ADHOC: AdhocRequest,
    SourceType.PANEL: PanelItem,
    SourceType.HMICFRS: Finding,
}


def get_action_or_404(action_id: int, *, need: str = "view") -> Action:
    """The action, if the current user may see it (and edit it, when need='edit')."""
    action = db.session.get(Action, action_id)
    if action is None or not policy.can_view_action(current_user, action):
        abort(404)
    if need == "edit" and not policy.can_edit_action(current_user, action):
        abort(403)
    if need == "update" and not policy.can_add_update(current_user, action):
        abort(403)
    return action


def get_update_or_404(update_id: int) -> ActionUpdate:
    """An update the current user may see and correct."""
    update = db.session.get(ActionUpdate, update_id)
    if update is None or not policy.can_see_update(current_user, update):
        abort(404)
    if not policy.can_edit_update(current_user, update):
        abort(403)
    return update


def get_extension_or_404(extension_id: int) -> ExtensionRequest:
    """An extension request the current user may decide."""
    extension = db.session.get(ExtensionRequest, extension_id)
    if extension is None or not policy.can_view_action(current_user, extension.action):
        abort(404)
    if not policy.can_decide_extension(current_user, extension.action):
        abort(403)
    return extension


def get_action_source_or_404(source_type: str, source_id: int) -> Any:
    """The source a new action will arise from (OPCC staff only)."""
    try:
        model = SOURCE_MODELS[SourceType(source_type)]
    except ValueError:
        abort(404)
    return get_source_or_404(model, source_id, need="edit")
