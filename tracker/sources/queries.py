"""Which sources each user may see, as query filters (the same rule as policy)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, false, select, true

from tracker import policy
from tracker.actions.models import Action
from tracker.sources.models import AdhocRequest, Finding, HmicfrsReport, Meeting, PanelItem

_FOREIGN_KEY = {
    Meeting: Action.meeting_id,
    AdhocRequest: Action.adhoc_request_id,
    PanelItem: Action.panel_item_id,
    Finding: Action.finding_id,
}


def source_visibility(user: Any, model: type) -> ColumnElement[bool]:
    """WHERE clause: OPCC all; force those with a visible action; Panel published ones."""
    if policy.is_opcc(user):
        return true()
    if policy.is_force(user):
        if model is HmicfrsReport:
            findings = select(Action.finding_id).where(policy.action_visibility(user))
            return HmicfrsReport.id.in_(select(Finding.report_id).where(Finding.id.in_(findings)))
        column = _FOREIGN_KEY[model]
        return model.id.in_(
            select(column).where(policy.action_visibility(user), column.is_not(None))
        )
    if policy.is_panel(user):
        if model in (Meeting, PanelItem):
            return model.published.is_(True)
        return true() if model in (HmicfrsReport, Finding) else false()
    return false()


def visible_sources(user: Any, model: type) -> Select:
    """Every record of `model` that `user` may see."""
    return select(model).where(source_visibility(user, model))


def is_source_visible(user: Any, source: Any) -> bool:
    """One loaded source, checked with the same SQL as the lists use."""
    from tracker.db import db

    model = type(source)
    return (
        db.session.scalar(
            select(model.id).where(model.id == source.id, source_visibility(user, model))
        )
        is not None
    )
