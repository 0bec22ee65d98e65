"""Ad-hoc A&A requests emailed to the Chief Constable and answered in writing."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request, url_for
from flask_login import current_user

from tracker.actions.models import Action
from tracker.actions.queries import ActionFilters
from tracker.clock import today
from tracker.db import db
from tracker.editing import save_form
from tracker.loaders import get_source_or_404
from tracker.policy import can_edit_source, can_view_lists
from tracker.responses.services import shown_states
from tracker.security import permission_required
from tracker.sources import services
from tracker.sources.adhoc.forms import AdhocRequestForm, ResponseForm
from tracker.sources.listing import action_counts, actions_for
from tracker.sources.models import AdhocRequest, RequestStatus
from tracker.sources.pages import SourcePages
from tracker.sources.queries import visible_sources

bp = Blueprint("adhoc_requests", __name__, url_prefix="/requests")


def _due_explanation(adhoc: AdhocRequest) -> str:
    """How the response due date was set, shown next to it."""
    if adhoc.due_override_reason:
        return f"Set by hand: {adhoc.due_override_reason}"
    deadline = services.adhoc_response_deadline(adhoc.sent_on)
    if deadline.due != adhoc.response_due_on:  # the response period has changed since
        return "Worked out from the response period in use when the request was recorded"
    return deadline.explanation


@bp.route("/")
@permission_required(can_view_lists)
def index():
    status = request.args.get("status", "")
    query = visible_sources(current_user, AdhocRequest).order_by(
        AdhocRequest.sent_on.desc(), AdhocRequest.id.desc()
    )
    if status in {s.value for s in RequestStatus}:
        query = query.where(AdhocRequest.status == RequestStatus(status))
    requests = db.session.scalars(query).all()
    ids = [r.id for r in requests]
    day = today()
    counts = action_counts(current_user, Action.adhoc_request_id, ids, today=day)
    return render_template(
        "sources/adhoc/index.html",
        requests=requests,
        counts=counts,
        written=shown_states(current_user, AdhocRequest, requests),
        today=day,
        status=status,
        statuses=list(RequestStatus),
    )


class AdhocRequestPages(SourcePages):
    model = AdhocRequest
    form_class = AdhocRequestForm
    folder = "adhoc"
    name = "adhoc"
    id_arg = "request_id"
    saved_message = "Request saved"
    rule_field = "response_due_override"

    def created_message(self, source: AdhocRequest) -> str:
        return f"Request “{source.subject}” recorded"

    def make_form(self, source: AdhocRequest | None) -> AdhocRequestForm:
        form = super().make_form(source)
        if source is not None and request.method == "GET" and source.due_override_reason:
            form.response_due_override.data = source.response_due_on
            form.override_reason.data = source.due_override_reason
        return form

    def fields(self, form: AdhocRequestForm) -> dict[str, Any]:
        """The form's fields plus the response due date (computed, or typed with a reason)."""
        due = services.adhoc_due_fields(
            form.sent_on.data, form.response_due_override.data, form.override_reason.data or ""
        )
        return {**form.fields_for_model(), **due}

    def new_fields(self, form: AdhocRequestForm) -> dict[str, Any]:
        return {**self.fields(form), "author_id": current_user.id}

    def show_context(self, source: AdhocRequest) -> dict[str, Any]:
        filters = ActionFilters(adhoc_request_id=source.id)
        day = today()
        return {
            "due_explanation": _due_explanation(source),
            "actions": actions_for(current_user, filters, today=day),
            "today": day,
        }


AdhocRequestPages().register(bp)


@bp.route("/<int:request_id>/response", methods=["GET", "POST"])
@permission_required(can_edit_source)
def record_response(request_id: int):
    adhoc = get_source_or_404(AdhocRequest, request_id, need="edit")
    form = ResponseForm(obj=adhoc, sent_on=adhoc.sent_on)
    if request.method == "GET":
        form.version.data = str(adhoc.version)
        awaiting = adhoc.status == RequestStatus.AWAITING
        form.status.data = (RequestStatus.RECEIVED if awaiting else adhoc.status).value
    return save_form(
        form,
        lambda: services.edit_source(
            adhoc,
            form.fields_for_model(),
            by=current_user,
            expected_version=form.version_number(),
        ),
        render=lambda **extra: render_template(
            "sources/adhoc/response.html", form=form, adhoc=adhoc, **extra
        ),
        saved="Response saved",
        redirect_to=lambda _: url_for(".show", request_id=adhoc.id),
        record=adhoc,
    )
