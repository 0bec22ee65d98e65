"""A&A meetings: list, record, change, and the actions arising."""

from __future__ import annotations

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
from tracker.sources.meetings.forms import MeetingForm
from tracker.sources.models import Meeting, MeetingKind
from tracker.sources.pages import SourcePages
from tracker.sources.queries import visible_sources

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


class MeetingPages(SourcePages):
    model = Meeting
    form_class = MeetingForm
    folder = "meetings"
    name = "meeting"
    id_arg = "meeting_id"
    enum_field = "kind"
    saved_message = "Meeting saved"

    def created_message(self, source: Meeting) -> str:
        return f"Meeting “{source.title}” recorded"

    def show_context(self, source: Meeting) -> dict[str, Any]:
        filters = ActionFilters(meeting_id=source.id)
        return {"actions": actions_for(current_user, filters, today=today())}


MeetingPages().register(bp)
