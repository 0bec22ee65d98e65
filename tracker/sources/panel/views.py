"""Police and Crime Panel business: its meetings and the items it resolved, the PCC's
response, the Panel's conclusion, the actions arising, and the work programme."""

from __future__ import annotations

from datetime import date
from itertools import groupby
from operator import attrgetter
from typing import Any

from flask import Blueprint, abort, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from tracker import policy
from tracker.actions.models import Action
from tracker.actions.queries import ActionFilters
from tracker.attachments.forms import upload_limit
from tracker.attachments.queries import attachments_by_owner
from tracker.clock import today
from tracker.db import db
from tracker.editing import save_form
from tracker.loaders import get_source_or_404
from tracker.policy import can_record_panel_business, can_view_lists, can_view_panel_business
from tracker.security import permission_required
from tracker.sources import services as source_services
from tracker.sources.listing import action_counts, actions_for
from tracker.sources.models import (
    PanelItem,
    PanelItemKind,
    PanelMatterState,
    PanelMeeting,
    PccResponseOutcome,
    WorkProgrammeItem,
)
from tracker.sources.pages import SourcePages
from tracker.sources.panel import services
from tracker.sources.panel.evidence import PANEL_RESPONSE
from tracker.sources.panel.forms import (
    PanelConclusionForm,
    PanelItemForm,
    PanelMeetingForm,
    PccResponseForm,
    WorkProgrammeForm,
    meeting_choices,
)
from tracker.sources.queries import visible_sources, work_programme

bp = Blueprint("panel_items", __name__, url_prefix="/panel")


def _iso_date(value: str) -> date | None:
    """A YYYY-MM-DD date from the query string, or None when it is not one."""
    try:
        return date.fromisoformat(value) if len(value) == 10 else None
    except ValueError:
        return None


def _meetings() -> list[PanelMeeting]:
    """Every Panel meeting, latest first (the choices of the clerk's forms)."""
    return list(db.session.scalars(select(PanelMeeting).order_by(PanelMeeting.held_on.desc())))


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

    def make_form(self, source: PanelItem | None) -> PanelItemForm:
        """The item form; a new item from a meeting's page starts on that meeting's date.
        Whether an item is published is the OPCC's to say, so only OPCC staff see it."""
        form = super().make_form(source)
        if not policy.is_opcc(current_user):
            del form.published
        meeting_id = request.args.get("meeting", type=int)
        if source is None and request.method == "GET" and meeting_id:
            meeting = db.session.get(PanelMeeting, meeting_id)
            if meeting is not None:
                form.panel_meeting_on.data = meeting.held_on
        return form

    def created_message(self, source: PanelItem) -> str:
        return f"Panel {source.kind.in_sentence} recorded"

    def show_context(self, source: PanelItem) -> dict[str, Any]:
        filters = ActionFilters(panel_item_id=source.id)
        day = today()
        return {
            "actions": actions_for(current_user, filters, today=day),
            "today": day,
            "files": attachments_by_owner(PANEL_RESPONSE.name, [source.id]).get(source.id, []),
            "may_change": self.may_change(current_user),
        }


PanelItemPages().register(bp)


@bp.route("/<int:item_id>/response", methods=["GET", "POST"])
@permission_required(policy.is_opcc)
def response(item_id: int):
    """The OPCC records the PCC's response to a Panel item, with its documents."""
    item = get_source_or_404(PanelItem, item_id)
    if not policy.can_record_pcc_response(current_user, item):
        abort(403)
    form = PccResponseForm(obj=item)
    if request.method == "GET":
        form.version.data = str(item.version)
        form.response_outcome.data = item.response_outcome.value if item.response_outcome else None
    return save_form(
        form,
        lambda: services.record_pcc_response(
            item,
            outcome=PccResponseOutcome(form.response_outcome.data),
            text=form.pcc_response.data,
            responded_on=form.pcc_response_on.data,
            by=current_user,
            expected_version=form.version_number(),
            files=form.files.prepared,
        ),
        render=lambda **extra: render_template(
            "sources/panel/response.html",
            item=item,
            form=form,
            upload_limit=upload_limit(),
            **extra,
        ),
        saved="The PCC's response saved",
        redirect_to=lambda _: url_for(".show", item_id=item.id, _anchor="pcc-response"),
        record=item,
    )


@bp.route("/<int:item_id>/conclusion", methods=["GET", "POST"])
@permission_required(policy.is_panel)
def conclusion(item_id: int):
    """The clerk records what the Panel made of the response: concluded or carried forward."""
    item = get_source_or_404(PanelItem, item_id)
    if not policy.can_conclude_panel_item(current_user, item):
        abort(403)
    form = PanelConclusionForm(obj=item)
    later = [m for m in _meetings() if m.held_on > item.panel_meeting_on]
    form.carried_forward_to_id.choices = meeting_choices(later, blank="Choose a later meeting")
    if request.method == "GET":
        form.version.data = str(item.version)
        state = item.matter_state
        form.matter_state.data = None if state == PanelMatterState.OPEN else state.value
        form.carried_forward_to_id.data = str(item.carried_forward_to_id or "")
    forward_id = form.carried_forward_to_id.data
    return save_form(
        form,
        lambda: services.conclude_panel_item(
            item,
            state=PanelMatterState(form.matter_state.data),
            carried_forward_to=db.session.get(PanelMeeting, int(forward_id))
            if forward_id
            else None,
            note=form.matter_note.data or "",
            by=current_user,
            expected_version=form.version_number(),
        ),
        render=lambda **extra: render_template(
            "sources/panel/conclusion.html", item=item, form=form, **extra
        ),
        saved="The Panel's decision recorded",
        redirect_to=lambda _: url_for(".show", item_id=item.id),
        record=item,
    )


# Panel meetings ------------------------------------------------------------------------


@bp.route("/meetings/")
@permission_required(can_view_panel_business)
def meetings():
    counts = dict(
        db.session.execute(
            select(PanelItem.panel_meeting_id, db.func.count(PanelItem.id))
            .where(policy.source_visibility(current_user, PanelItem))
            .group_by(PanelItem.panel_meeting_id)
        ).all()
    )
    return render_template("sources/panel/meetings.html", meetings=_meetings(), counts=counts)


@bp.route("/meetings/new", methods=["GET", "POST"])
@permission_required(can_record_panel_business)
def new_meeting():
    form = PanelMeetingForm()
    return save_form(
        form,
        lambda: source_services.create_source(
            PanelMeeting, form.fields_for_model(), by=current_user
        ),
        render=lambda **extra: render_template(
            "sources/panel/meeting_form.html", form=form, meeting=None, **extra
        ),
        saved="Panel meeting recorded",
        redirect_to=lambda meeting: url_for(".meeting", panel_meeting_id=meeting.id),
    )


@bp.route("/meetings/<int:panel_meeting_id>")
@permission_required(can_view_panel_business)
def meeting(panel_meeting_id: int):
    panel_meeting = get_source_or_404(PanelMeeting, panel_meeting_id)
    items = db.session.scalars(
        visible_sources(current_user, PanelItem)
        .where(PanelItem.panel_meeting_id == panel_meeting.id)
        .order_by(PanelItem.minute_number, PanelItem.id)
    ).all()
    carried_in = db.session.scalars(
        visible_sources(current_user, PanelItem)
        .where(PanelItem.carried_forward_to_id == panel_meeting.id)
        .order_by(PanelItem.panel_meeting_on, PanelItem.id)
    ).all()
    day = today()
    return render_template(
        "sources/panel/meeting.html",
        meeting=panel_meeting,
        groups=[
            (agenda, list(group)) for agenda, group in groupby(items, attrgetter("agenda_item"))
        ],
        carried_in=carried_in,
        today=day,
    )


@bp.route("/meetings/<int:panel_meeting_id>/edit", methods=["GET", "POST"])
@permission_required(can_record_panel_business)
def edit_meeting(panel_meeting_id: int):
    panel_meeting = get_source_or_404(PanelMeeting, panel_meeting_id, need="edit")
    form = PanelMeetingForm(obj=panel_meeting)
    if request.method == "GET":
        form.version.data = str(panel_meeting.version)
    return save_form(
        form,
        lambda: source_services.edit_source(
            panel_meeting,
            form.fields_for_model(),
            by=current_user,
            expected_version=form.version_number(),
        ),
        render=lambda **extra: render_template(
            "sources/panel/meeting_form.html", form=form, meeting=panel_meeting, **extra
        ),
        saved="Panel meeting saved",
        redirect_to=lambda _: url_for(".meeting", panel_meeting_id=panel_meeting.id),
        record=panel_meeting,
    )


# The work programme --------------------------------------------------------------------


@bp.route("/programme/")
@permission_required(can_view_panel_business)
def programme():
    return render_template(
        "sources/panel/programme.html", topics=db.session.scalars(work_programme()).all()
    )


def _programme_form(topic: WorkProgrammeItem | None) -> WorkProgrammeForm:
    form = WorkProgrammeForm(obj=topic)
    form.panel_meeting_id.choices = meeting_choices(_meetings(), blank="Not yet scheduled")
    if topic is not None and request.method == "GET":
        form.version.data = str(topic.version)
        form.panel_meeting_id.data = str(topic.panel_meeting_id or "")
    return form


@bp.route("/programme/new", methods=["GET", "POST"])
@permission_required(can_record_panel_business)
def new_topic():
    form = _programme_form(None)
    return save_form(
        form,
        lambda: services.add_programme_item(form.fields_for_model(), by=current_user),
        render=lambda **extra: render_template(
            "sources/panel/programme_form.html", form=form, topic=None, **extra
        ),
        saved="Topic added to the work programme",
        redirect_to=lambda _: url_for(".programme"),
    )


@bp.route("/programme/<int:topic_id>/edit", methods=["GET", "POST"])
@permission_required(can_record_panel_business)
def edit_topic(topic_id: int):
    topic = db.session.get(WorkProgrammeItem, topic_id) or abort(404)
    form = _programme_form(topic)
    return save_form(
        form,
        lambda: services.change_programme_item(
            topic, form.fields_for_model(), by=current_user, expected_version=form.version_number()
        ),
        render=lambda **extra: render_template(
            "sources/panel/programme_form.html", form=form, topic=topic, **extra
        ),
        saved="Work programme topic saved",
        redirect_to=lambda _: url_for(".programme"),
        record=topic,
    )
