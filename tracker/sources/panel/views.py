"""Police and Crime Panel items: list, record, change, and the actions arising."""

from __future__ import annotations

from datetime import date
from itertools import groupby
from operator import attrgetter
from typing import Any

from flask import Blueprint, render_template, request
from flask_login import current_user

from tracker.actions.models import Action
from tracker.actions.queries import ActionFilters
from tracker.clock import today
from tracker.db import db
from tracker.policy import can_view_lists
from tracker.security import permission_required
from tracker.sources.listing import action_counts, actions_for
from tracker.sources.models import PanelItem, PanelItemKind
from tracker.sources.pages import SourcePages
from tracker.sources.panel.forms import PanelItemForm
from tracker.sources.queries import visible_sources

bp = Blueprint("panel_items", __name__, url_prefix="/panel")


def _iso_date(value: str) -> date | None:
    """A YYYY-MM-DD date from the query string, or None when it is not one."""
    try:
        return date.fromisoformat(value) if len(value) == 10 else None
    except ValueError:
        return None


@bp.route("/")
@permission_required(can_view_lists)
def index():
    kind = request.args.get("kind", "")
    meeting_on = _iso_date(request.args.get("meeting", ""))
    visible = visible_sources(current_user, PanelItem)
    meeting_dates = db.session.scalars(
        visible.with_only_columns(PanelItem.panel_meeting_on)
        .distinct()
        .order_by(PanelItem.panel_meeting_on.desc())
    ).all()
    query = visible.order_by(PanelItem.panel_meeting_on.desc(), PanelItem.id)
    if kind in {k.value for k in PanelItemKind}:
        query = query.where(PanelItem.kind == PanelItemKind(kind))
    if meeting_on:
        query = query.where(PanelItem.panel_meeting_on == meeting_on)
    items = db.session.scalars(query).all()
    day = today()
    counts = action_counts(current_user, Action.panel_item_id, [i.id for i in items], today=day)
    return render_template(
        "sources/panel/index.html",
        groups=[
            (day, list(group)) for day, group in groupby(items, attrgetter("panel_meeting_on"))
        ],
        total=len(items),
        counts=counts,
        today=day,
        kind=kind,
        kinds=list(PanelItemKind),
        meeting=meeting_on.isoformat() if meeting_on else "",
        meeting_dates=meeting_dates,
    )


class PanelItemPages(SourcePages):
    model = PanelItem
    form_class = PanelItemForm
    folder = "panel"
    name = "item"
    id_arg = "item_id"
    enum_field = "kind"
    saved_message = "Panel item saved"

    def created_message(self, source: PanelItem) -> str:
        return f"Panel {source.kind.label.lower()} recorded"

    def show_context(self, source: PanelItem) -> dict[str, Any]:
        filters = ActionFilters(panel_item_id=source.id)
        day = today()
        return {"actions": actions_for(current_user, filters, today=day), "today": day}


PanelItemPages().register(bp)
