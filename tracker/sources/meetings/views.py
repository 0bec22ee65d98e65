"""A&A meetings: list, record, change, and the actions arising."""

from __future__ import annotations

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
from tracker.sources.meetings.forms import MeetingForm
from tracker.sources.models import Meeting, MeetingKind
from tracker.sources.queries import get_source_or_404, visible_sources

bp = Blueprint("meetings", __name__, url_prefix="/meetings")


@bp.route("/")
@permission_required(can_view_lists)
def index():
    kind = request.args.get("kind", "")
    query = visible_sources(current_user, Meeting).order_by(
        Meeting.held_on.desc(), Meeting.id.desc()
    )
    if kind in {k.value for k in MeetingKind}:
        query = query.where(Meeting.kind == MeetingKind(kind))
    meetings = db.session.scalars(query).all()
    counts = action_counts(current_user, Action.meeting_id, [m.id for m in meetings], today=today())
    return render_template(
        "sources/meetings/index.html",
        meetings=meetings,
        counts=counts,
        kind=kind,
        kinds=list(MeetingKind),
    )


@bp.route("/new", methods=["GET", "POST"])
@permission_required(can_edit_source)
def new():
    form = MeetingForm()
    if form.validate_on_submit():
        meeting = services.create_source(Meeting, form.fields_for_model(), by=current_user)
        db.session.commit()
        flash(f"Meeting “{meeting.title}” recorded", "success")
        return redirect(url_for("meetings.show", meeting_id=meeting.id))
    return render_template("sources/meetings/form.html", form=form, meeting=None)


@bp.route("/<int:meeting_id>")
@permission_required(can_view_lists)
def show(meeting_id: int):
    meeting = get_source_or_404(Meeting, meeting_id)
    actions = actions_for(current_user, ActionFilters(meeting_id=meeting.id), today=today())
    return render_template("sources/meetings/show.html", meeting=meeting, actions=actions)


@bp.route("/<int:meeting_id>/edit", methods=["GET", "POST"])
@permission_required(can_edit_source)
def edit(meeting_id: int):
    meeting = get_source_or_404(Meeting, meeting_id, need="edit")
    form = MeetingForm(obj=meeting)
    if request.method == "GET":
        form.kind.data = meeting.kind.value
        form.version.data = str(meeting.version)
    return save_edit(
        meeting,
        form,
        template="sources/meetings/form.html",
        context={"meeting": meeting},
        saved="Meeting saved",
        next_url=lambda: url_for("meetings.show", meeting_id=meeting.id),
    )
