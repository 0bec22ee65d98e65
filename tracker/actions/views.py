"""Actions: the list, the detail page with its timeline, and every change to an action."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker import policy
from tracker.actions import services
from tracker.actions.charts import rag_chart
from tracker.actions.forms import (
    ActionForm,
    CorrectUpdateForm,
    ExtensionDecisionForm,
    ExtensionForm,
    TransitionForm,
    UpdateForm,
)
from tracker.actions.loaders import (
    get_action_or_404,
    get_action_source_or_404,
    get_extension_or_404,
    get_update_or_404,
)
from tracker.actions.models import Action, ActionStatus, Marking, Rag, SourceType, Tag, TagList
from tracker.actions.queries import (
    SORTS,
    WITH_SOURCES,
    ActionFilters,
    action_list,
    active_tags,
    dashboard_counts,
    owner_choices,
)
from tracker.actions.status import TRANSITIONS, targets_from
from tracker.audit.queries import events_for
from tracker.audit.vocabulary import AuditEntity
from tracker.auth.models import Organisation, User
from tracker.clock import today
from tracker.db import db
from tracker.errors import ConflictError, PermissionDeniedError
from tracker.forms import whole_number
from tracker.policy import can_create_actions, can_view_lists
from tracker.reminders.queries import reminders_about
from tracker.reports.exports import (
    ACTION_COLUMNS,
    OPCC_ONLY_COLUMNS,
    action_records,
    to_csv,
    to_xlsx,
)
from tracker.security import permission_required
from tracker.settings.services import AMBER_DAYS, setting

bp = Blueprint("actions", __name__, url_prefix="/actions")

PAGE_SIZE = 25


@bp.route("/dashboard")
@permission_required(can_view_lists)
def dashboard():
    counts = dashboard_counts(current_user, today=today(), amber_days=setting(AMBER_DAYS))
    return render_template(
        "actions/dashboard.html", counts=counts, chart=rag_chart(counts["by_source_rag"])
    )


@bp.route("/export.<any(csv, xlsx):file_format>")
@permission_required(can_view_lists)
def export(file_format: str):
    """The filtered, sorted list (every page) as CSV or XLSX."""
    filters = ActionFilters.from_args(request.args)
    listing = action_list(
        current_user,
        filters,
        today=today(),
        amber_days=setting(AMBER_DAYS),
        load=(*WITH_SOURCES, selectinload(Action.tags)),
    )
    with_notes = policy.can_see_opcc_notes(current_user)
    columns = ACTION_COLUMNS + (OPCC_ONLY_COLUMNS if with_notes else [])
    records = action_records(listing.rows, listing.latest, with_opcc_notes=with_notes)
    if file_format == "csv":
        body, mimetype = to_csv(columns, records), "text/csv"
    else:
        body = to_xlsx(columns, records, sheet="Actions")
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = (
        f'attachment; filename="actions-{today().isoformat()}.{file_format}"'
    )
    return response


@bp.route("/")
@permission_required(can_view_lists)
def index():
    filters = ActionFilters.from_args(request.args)
    listing = action_list(
        current_user,
        filters,
        today=today(),
        amber_days=setting(AMBER_DAYS),
        page_size=PAGE_SIZE,
    )
    filters.page = listing.page.number
    owners = db.session.scalars(owner_choices()).all() if policy.is_opcc(current_user) else []
    return render_template(
        "actions/index.html",
        listing=listing,
        rows=listing.rows,
        latest=listing.latest,
        filters=filters,
        total=listing.total,
        sorts=SORTS,
        owners=owners,
        tags=db.session.scalars(active_tags()).all(),
        source_types=list(SourceType),
        statuses=list(ActionStatus),
        rags=list(Rag),
        organisations=[Organisation.FORCE, Organisation.OPCC],
    )


def _action_form(action: Action | None = None) -> ActionForm:
    form = ActionForm(obj=action)
    form.set_choices(
        db.session.scalars(owner_choices()).all(), db.session.scalars(active_tags()).all()
    )
    if request.method == "GET" and action is not None:
        form.owner.data = str(action.owner_id)
        form.owning_organisation.data = action.owning_organisation.value
        form.marking.data = action.marking.value
        form.tags.data = [t.id for t in action.tags]
        form.version.data = str(action.version)
    return form


def _details(form: ActionForm) -> services.ActionDetails:
    owner = db.session.get(User, int(form.owner.data))
    tag_ids = form.tags.data or []
    tags = db.session.scalars(select(Tag).where(Tag.id.in_(tag_ids))).all() if tag_ids else []
    return services.ActionDetails(
        title=form.title.data,
        description=form.description.data or "",
        owner=owner,
        owning_organisation=Organisation(form.owning_organisation.data),
        lead_role=form.lead_role.data or "",
        raised_on=form.raised_on.data,
        due_on=form.due_on.data,
        marking=Marking(form.marking.data),
        opcc_only=bool(form.opcc_only.data),
        opcc_note=form.opcc_note.data or "",
        tags=list(tags),
    )


def _owner_is_valid(form: ActionForm) -> bool:
    number = whole_number(form.owner.data)
    owner = db.session.get(User, number) if number is not None else None
    if owner is None:
        form.owner.errors.append("Choose an owner from the list")
        return False
    return True


@bp.route("/new/<source_type>/<int:source_id>", methods=["GET", "POST"])
@permission_required(can_create_actions)
def new(source_type: str, source_id: int):
    source = get_action_source_or_404(source_type, source_id)
    form = _action_form()
    if request.method == "GET":
        form.raised_on.data = getattr(source, "held_on", None) or today()
        form.owning_organisation.data = Organisation.FORCE.value
    if form.validate_on_submit() and _owner_is_valid(form):
        try:
            action = services.create_action(
                source, _details(form), by=current_user, reference=form.reference.data
            )
        except services.DuplicateReferenceError as error:
            db.session.rollback()
            form.reference.errors.append(str(error))
        except services.ActionRuleError as error:
            db.session.rollback()
            form._fields.get(error.field or "", form.title).errors.append(error.message)
        else:
            db.session.commit()
            flash(f"Action {action.reference} added", "success")
            return redirect(url_for("actions.show", action_id=action.id))
    return render_template(
        "actions/form.html",
        form=form,
        action=None,
        source=source,
        source_type=SourceType(source_type),
    )


@bp.route("/<int:action_id>/edit", methods=["GET", "POST"])
@permission_required(can_create_actions)
def edit(action_id: int):
    action = get_action_or_404(action_id, need="edit")
    form = _action_form(action)
    del form.reference
    if form.validate_on_submit() and _owner_is_valid(form):
        try:
            services.edit_action(
                action, _details(form), by=current_user, expected_version=form.version_number()
            )
        except ConflictError as conflict:
            db.session.rollback()
            form.version.data = str(action.version)
            return render_template(
                "actions/form.html",
                form=form,
                action=action,
                source=action.source,
                source_type=action.source_type,
                conflict=str(conflict),
            ), 409
        except services.ActionRuleError as error:
            db.session.rollback()
            form._fields.get(error.field or "", form.title).errors.append(error.message)
        else:
            db.session.commit()
            flash("Action saved", "success")
            return redirect(url_for("actions.show", action_id=action.id))
    return render_template(
        "actions/form.html",
        form=form,
        action=action,
        source=action.source,
        source_type=action.source_type,
    )


def _render_show(action: Action, *, status: int = 200, **forms):
    updates = [
        u for u in action.updates if not u.opcc_only or policy.can_see_opcc_notes(current_user)
    ]
    transitions = [
        (target, TRANSITIONS[(action.status, target)])
        for target in targets_from(action.status)
        if policy.can_transition(current_user, action, target)
    ]
    history = (
        db.session.scalars(events_for(AuditEntity.ACTION, action.id)).all()
        if policy.is_opcc(current_user)
        else []
    )
    context = {
        "action": action,
        "updates": list(reversed(updates)),
        "transitions": transitions,
        "history": history,
        "today": today(),
        "amber_days": setting(AMBER_DAYS),
        "update_form": forms.get("update_form") or UpdateForm(),
        "transition_form": forms.get("transition_form")
        or TransitionForm(version=str(action.version)),
        "extension_form": forms.get("extension_form") or ExtensionForm(),
        "decision_form": forms.get("decision_form") or ExtensionDecisionForm(),
        "editable_update_ids": {
            u.id
            for u in updates
            if policy.can_edit_update(current_user, u) and services.update_is_editable(u)
        },
        "conflict": forms.get("conflict"),
        "reminders": db.session.execute(reminders_about("action", action.id)).all(),
        "failed_target": request.form.get("target") if "transition_form" in forms else None,
    }
    failed = [f for key, f in forms.items() if key.endswith("_form") and f.errors]
    if failed:
        context["form"] = failed[0]
    return render_template("actions/show.html", **context), status


@bp.route("/<int:action_id>")
@permission_required(can_view_lists)
def show(action_id: int):
    return _render_show(get_action_or_404(action_id))


@bp.route("/<int:action_id>/status", methods=["POST"])
@permission_required(can_view_lists)
def change_status(action_id: int):
    action = get_action_or_404(action_id, need="update")
    form = TransitionForm()
    targets = {s.value: s for s in ActionStatus}
    if not form.validate_on_submit() or form.target.data not in targets:
        return _render_show(action, status=400, transition_form=form)
    try:
        services.transition(
            action,
            targets[form.target.data],
            by=current_user,
            note=form.note.data or "",
            today=today(),
            expected_version=form.version_number(),
        )
    except ConflictError as conflict:
        db.session.rollback()
        return _render_show(action, status=409, conflict=str(conflict))
    except services.ActionRuleError as error:
        db.session.rollback()
        form.note.errors.append(str(error))
        return _render_show(action, status=400, transition_form=form)
    except PermissionDeniedError:
        db.session.rollback()
        abort(403)
    db.session.commit()
    flash(f"{action.reference} is now {action.status.label.lower()}", "success")
    return redirect(url_for("actions.show", action_id=action.id))


@bp.route("/<int:action_id>/updates", methods=["POST"])
@permission_required(can_view_lists)
def add_update(action_id: int):
    action = get_action_or_404(action_id, need="update")
    form = UpdateForm()
    if not form.validate_on_submit():
        return _render_show(action, status=400, update_form=form)
    rag = Rag(form.rag.data) if form.rag.data in {r.value for r in Rag} else None
    try:
        services.add_update(
            action,
            by=current_user,
            text=form.text.data,
            rag=rag,
            opcc_only=bool(form.opcc_only.data),
        )
    except PermissionDeniedError:
        db.session.rollback()
        abort(403)
    db.session.commit()
    flash("Update posted", "success")
    return redirect(url_for("actions.show", action_id=action.id, _anchor="updates"))


@bp.route("/updates/<int:update_id>/edit", methods=["GET", "POST"])
@permission_required(can_view_lists)
def correct_update(update_id: int):
    update = get_update_or_404(update_id)
    form = CorrectUpdateForm(obj=update)
    if form.validate_on_submit():
        try:
            services.edit_update(update, by=current_user, text=form.text.data)
        except services.ActionRuleError as error:
            db.session.rollback()
            form.text.errors.append(str(error))
        else:
            db.session.commit()
            flash("Update corrected", "success")
            return redirect(url_for("actions.show", action_id=update.action_id, _anchor="updates"))
    return render_template("actions/correct_update.html", form=form, update=update)


@bp.route("/<int:action_id>/extensions", methods=["POST"])
@permission_required(can_view_lists)
def request_extension(action_id: int):
    action = get_action_or_404(action_id, need="update")
    form = ExtensionForm()
    if not form.validate_on_submit():
        return _render_show(action, status=400, extension_form=form)
    try:
        services.request_extension(
            action,
            by=current_user,
            proposed_due_on=form.proposed_due_on.data,
            reason=form.reason.data,
        )
    except services.ActionRuleError as error:
        db.session.rollback()
        form.proposed_due_on.errors.append(str(error))
        return _render_show(action, status=400, extension_form=form)
    except PermissionDeniedError:
        db.session.rollback()
        abort(403)
    db.session.commit()
    flash("Extension requested. The OPCC will approve or decline it.", "success")
    return redirect(url_for("actions.show", action_id=action.id))


@bp.route("/extensions/<int:extension_id>/decision", methods=["POST"])
@permission_required(can_view_lists)
def decide_extension(extension_id: int):
    extension = get_extension_or_404(extension_id)
    form = ExtensionDecisionForm()
    if not form.validate_on_submit():
        return _render_show(extension.action, status=400, decision_form=form)
    try:
        services.decide_extension(
            extension,
            by=current_user,
            approve=form.decision.data == "approve",
            note=form.note.data or "",
        )
    except services.ActionRuleError as error:
        db.session.rollback()
        form.note.errors.append(str(error))
        return _render_show(extension.action, status=400, decision_form=form)
    db.session.commit()
    flash(f"Extension {extension.status.label.lower()}", "success")
    return redirect(url_for("actions.show", action_id=extension.action_id))


__all__ = ["TagList", "bp"]
