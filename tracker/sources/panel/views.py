"""Police and Crime Panel items: list, record, change, and the actions arising."""

from __future__ import annotations

from datetime import date
from itertools import groupby
from operator import attrgetter

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from tracker.actions.models import Action
from tracker.actions.queries import ActionFilters
from tracker.clock import today
from tracker.db import db
from tracker.policy import can_edit_source, can_view_lists
from tracker.security import permission_required
from tracker.sources import services
from tracker.sources.editing import save_edit
from tracker.sources.listing import action_counts, actions_for
from tracker.sources.models import PanelItem, PanelItemKind
from tracker.sources.panel.forms import PanelItemForm
from tracker.sources.queries import get_source_or_404, visible_sources

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
    counts = action_counts(current_user, Action.panel_item_id, [i.id for i in items], today=today())
    return render_template(
        "sources/panel/index.html",
        groups=[
            (day, list(group)) for day, group in groupby(items, attrgetter("panel_meeting_on"))
        ],
        total=len(items),
        counts=counts,
        kind=kind,
        kinds=list(PanelItemKind),
        meeting=meeting_on.isoformat() if meeting_on else "",
        meeting_dates=meeting_dates,
    )


@bp.route("/new", methods=["GET", "POST"])
@permission_required(can_edit_source)
def new():
    form = PanelItemForm()
    if form.validate_on_submit():
        item = services.create_source(PanelItem, form.fields_for_model(), by=current_user)
        db.session.commit()
        flash(f"Panel {item.kind.label.lower()} recorded", "success")
        return redirect(url_for("panel_items.show", item_id=item.id))
    return render_template("sources/panel/form.html", form=form, item=None)


@bp.route("/<int:item_id>")
@permission_required(can_view_lists)
def show(item_id: int):
    item = get_source_or_404(PanelItem, item_id)
    actions = actions_for(current_user, ActionFilters(panel_item_id=item.id), today=today())
    return render_template("sources/panel/show.html", item=item, actions=actions)


@bp.route("/<int:item_id>/edit", methods=["GET", "POST"])
@permission_required(can_edit_source)
def edit(item_id: int):
    item = get_source_or_404(PanelItem, item_id, need="edit")
    form = PanelItemForm(obj=item)
    if request.method == "GET":
        form.kind.data = item.kind.value
        form.version.data = str(item.version)
    return save_edit(
        item,
        form,
        template="sources/panel/form.html",
        context={"item": item},
        saved="Panel item saved",
        next_url=lambda: url_for("panel_items.show", item_id=item.id),
    )
