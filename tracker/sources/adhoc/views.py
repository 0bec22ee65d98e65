"""Ad-hoc A&A requests emailed to the Chief Constable and answered in writing."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from tracker.actions.models import Action
from tracker.actions.queries import ActionFilters
from tracker.clock import today
from tracker.db import db
from tracker.errors import ConflictError
from tracker.policy import can_edit_source, can_view_lists
from tracker.security import permission_required
from tracker.sources import services
from tracker.sources.adhoc.forms import AdhocRequestForm, ResponseForm
from tracker.sources.editing import save_edit
from tracker.sources.listing import action_counts, actions_for
from tracker.sources.models import AdhocRequest, RequestStatus
from tracker.sources.queries import get_source_or_404, visible_sources

bp = Blueprint("adhoc_requests", __name__, url_prefix="/requests")


def _request_fields(form: AdhocRequestForm) -> dict[str, Any] | None:
    """The form's fields plus the response due date; None (with a field error) if refused."""
    try:
        due = services.adhoc_due_fields(
            form.sent_on.data, form.response_due_override.data, form.override_reason.data or ""
        )
    except services.SourceRuleError as error:
        form._fields.get(error.field or "", form.response_due_override).errors.append(error.message)
        return None
    return {**form.fields_for_model(), **due}


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
    counts = action_counts(current_user, Action.adhoc_request_id, ids, today=today())
    return render_template(
        "sources/adhoc/index.html",
        requests=requests,
        counts=counts,
        status=status,
        statuses=list(RequestStatus),
    )


@bp.route("/new", methods=["GET", "POST"])
@permission_required(can_edit_source)
def new():
    form = AdhocRequestForm()
    if form.validate_on_submit() and (fields := _request_fields(form)) is not None:
        fields["author_id"] = current_user.id
        adhoc = services.create_source(AdhocRequest, fields, by=current_user)
        db.session.commit()
        flash(f"Request “{adhoc.subject}” recorded", "success")
        return redirect(url_for("adhoc_requests.show", request_id=adhoc.id))
    return render_template("sources/adhoc/form.html", form=form, adhoc=None)


@bp.route("/<int:request_id>")
@permission_required(can_view_lists)
def show(request_id: int):
    adhoc = get_source_or_404(AdhocRequest, request_id)
    actions = actions_for(current_user, ActionFilters(adhoc_request_id=adhoc.id), today=today())
    return render_template(
        "sources/adhoc/show.html",
        adhoc=adhoc,
        due_explanation=_due_explanation(adhoc),
        actions=actions,
    )


@bp.route("/<int:request_id>/edit", methods=["GET", "POST"])
@permission_required(can_edit_source)
def edit(request_id: int):
    adhoc = get_source_or_404(AdhocRequest, request_id, need="edit")
    form = AdhocRequestForm(obj=adhoc)
    if request.method == "GET":
        form.version.data = str(adhoc.version)
        if adhoc.due_override_reason:
            form.response_due_override.data = adhoc.response_due_on
            form.override_reason.data = adhoc.due_override_reason
    if form.validate_on_submit() and (fields := _request_fields(form)) is not None:
        try:
            services.edit_source(
                adhoc, fields, by=current_user, expected_version=form.version_number()
            )
        except ConflictError as conflict:
            db.session.rollback()
            form.version.data = str(adhoc.version)  # saving again is now a deliberate choice
            return render_template(
                "sources/adhoc/form.html", form=form, adhoc=adhoc, conflict=str(conflict)
            ), 409
        else:
            db.session.commit()
            flash("Request saved", "success")
            return redirect(url_for("adhoc_requests.show", request_id=adhoc.id))
    return render_template("sources/adhoc/form.html", form=form, adhoc=adhoc)


@bp.route("/<int:request_id>/response", methods=["GET", "POST"])
@permission_required(can_edit_source)
def record_response(request_id: int):
    adhoc = get_source_or_404(AdhocRequest, request_id, need="edit")
    form = ResponseForm(obj=adhoc, sent_on=adhoc.sent_on)
    if request.method == "GET":
        form.version.data = str(adhoc.version)
        awaiting = adhoc.status == RequestStatus.AWAITING
        form.status.data = (RequestStatus.RECEIVED if awaiting else adhoc.status).value
    return save_edit(
        adhoc,
        form,
        template="sources/adhoc/response.html",
        context={"adhoc": adhoc},
        saved="Response saved",
        next_url=lambda: url_for(".show", request_id=adhoc.id),
    )
