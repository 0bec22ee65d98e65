"""A&A meetings: list, record, change, and the actions arising."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request
from flask_login import current_user
from sqlalchemy import select

from tracker.actions.models import Action
from tracker.actions.queries import ActionFilters
from tracker.auth.models import Organisation, User
from tracker.clock import today
from tracker.db import db
from tracker.policy import can_view_action, can_view_lists
from tracker.programme import queries as programme
from tracker.programme.services import series_named
from tracker.security import permission_required
from tracker.sources.listing import action_counts, actions_for
from tracker.sources.meetings.forms import MeetingForm
from tracker.sources.models import Meeting
from tracker.sources.pages import SourcePages
from tracker.sources.queries import visible_sources
from tracker.sources.rules import meeting_state_for

bp = Blueprint("meetings", __name__, url_prefix="/meetings")


@bp.route("/")
@permission_required(can_view_lists)
def index():
    kind = request.args.get("kind", "")
    query = visible_sources(current_user, Meeting).order_by(
        Meeting.held_on.desc(), Meeting.id.desc()
    )
    kinds = programme.active_kinds()
    if kind.isdigit() and len(kind) < 10:
        query = query.where(Meeting.kind_id == int(kind))
    meetings = db.session.scalars(query).all()
    counts = action_counts(current_user, Action.meeting_id, [m.id for m in meetings], today=today())
    return render_template(
        "sources/meetings/index.html",
        meetings=meetings,
        counts=counts,
        kind=kind,
        kinds=kinds,
    )


class MeetingPages(SourcePages):
    model = Meeting
    form_class = MeetingForm
    folder = "meetings"
    name = "meeting"
    id_arg = "meeting_id"
    saved_message = "Meeting saved"

    def created_message(self, source: Meeting) -> str:
        return f"Meeting “{source.title}” recorded"

    def make_form(self, source: Meeting | None) -> MeetingForm:
        form = super().make_form(source)
        leads = db.session.scalars(
            select(User)
            .where(User.organisation == Organisation.OPCC, User.active.is_(True))
            .order_by(User.name)
        ).all()
        form.offer(
            programme.active_kinds(source.kind if source else None),
            programme.active_series(source.series if source else None),
            list(leads),
        )
        if source is not None and request.method == "GET":
            form.kind.data = str(source.kind_id)
            form.series.data = str(source.series_id or "")
            form.opcc_lead.data = str(source.opcc_lead_id or "")
        return form

    def fields(self, form: MeetingForm) -> dict[str, Any]:
        fields = form.fields_for_model()
        if form.new_series.data:
            fields["series_id"] = series_named(form.new_series.data, by=current_user).id
        return fields

    def new_fields(self, form: MeetingForm) -> dict[str, Any]:
        fields = self.fields(form)
        fields["state"] = meeting_state_for(fields["held_on"], today())
        return fields

    def show_context(self, source: Meeting) -> dict[str, Any]:
        filters = ActionFilters(meeting_id=source.id)
        lines = programme.lines_of_enquiry(current_user, source)
        brought = [
            b for b in programme.brought_actions(source) if can_view_action(current_user, b.action)
        ]
        return {
            "actions": actions_for(current_user, filters, today=today()),
            "papers": programme.papers_due([source], today())[0],
            "lines": lines,
            "outcome": programme.outcome_summary(lines),
            "public_questions": programme.public_questions(current_user, source),
            "brought": brought,
        }


MeetingPages().register(bp)
