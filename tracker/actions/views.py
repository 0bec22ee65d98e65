"""Actions: the list, the detail page with its timeline, and every change to an action."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlencode

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from tracker import exports, policy
from tracker.actions import services
from tracker.actions.charts import rag_chart
from tracker.actions.conclusions import NO_CONCLUSION, assurance_lines, current_conclusion
from tracker.actions.evidence import ACTION_UPDATE
from tracker.actions.forms import (
    ActionForm,
    CorrectUpdateForm,
    ExtensionDecisionForm,
    ExtensionForm,
    PublishToPanelForm,
    TransitionForm,
    UpdateForm,
)
from tracker.actions.listing import (
    filter_choices,
    list_page,
    other_sorts,
    selected_filters,
    sort_headers,
)
from tracker.actions.loaders import (
    get_action_or_404,
    get_action_source_or_404,
    get_extension_or_404,
    get_update_or_404,
)
from tracker.actions.models import Action, ActionStatus, Marking, Rag, SourceType
from tracker.actions.queries import (
    WITH_SOURCES,
    ActionFilters,
    action_list,
    active_tags,
    dashboard_counts,
    export_rows,
    navigation_lists,
    owner_choices,
    tag_names,
)
from tracker.actions.status import TRANSITIONS, targets_from
from tracker.attachments.forms import upload_limit
from tracker.attachments.queries import attachments_by_owner
from tracker.audit.queries import history_for
from tracker.audit.vocabulary import AuditEntity
from tracker.auth.models import Organisation, User
from tracker.clock import today
from tracker.db import db
from tracker.editing import save_form
from tracker.errors import PermissionDeniedError, RuleError
from tracker.exports import (
    ACTION_COLUMNS,
    OPCC_ONLY_COLUMNS,
    action_records,
    action_row_records,
    csv_chunks,
    to_readable_xlsx,
    to_xlsx,
)
from tracker.forms import EmptyForm, whole_number
from tracker.pagination import count_of
from tracker.policy import can_create_actions, can_view_lists
from tracker.security import permission_required
from tracker.settings.definitions import AMBER_DAYS
from tracker.settings.models import Tag, TagList
from tracker.settings.services import setting

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
    """The filtered, sorted list (every page) as CSV or XLSX.

    The XLSX is a workbook for people (headings and values in words, real dates);
    `?format=import` gives it in the import format instead (the stable column names
    and codes the spreadsheet import reads back), as the CSV always is.
    The CSV streams: rows are read and written in batches while the response is sent.
    The XLSX is built in the request from ORM objects up to EXPORT_BACKGROUND_THRESHOLD
    actions; above it the page offers to prepare it in the worker process instead
    (`tracker.reports.spreadsheets`, which streams the rows), as a report PDF is.
    """
    filters = ActionFilters.from_args(request.args)
    with_notes = policy.can_see_opcc_notes(current_user)
    columns = ACTION_COLUMNS + (OPCC_ONLY_COLUMNS if with_notes else [])
    for_import = file_format == "xlsx" and request.args.get("format") == "import"
    if file_format == "csv":
        rows = export_rows(current_user, filters, today=today(), amber_days=setting(AMBER_DAYS))
        chunks = _streamed_csv(current_app._get_current_object(), rows, columns, with_notes)
        response = Response(chunks, mimetype="text/csv")
    elif (count := _export_size(filters)) > current_app.config["EXPORT_BACKGROUND_THRESHOLD"]:
        # Too long to build in a request: offer a job that the worker process runs.
        return render_template(
            "actions/export_job.html",
            count=count,
            query=urlencode(list(request.args.items(multi=True))),
            job_form=EmptyForm(),
        )
    else:
        listing = action_list(
            current_user,
            filters,
            today=today(),
            amber_days=setting(AMBER_DAYS),
            load=(*WITH_SOURCES, selectinload(Action.tags)),
        )
        records = action_records(
            listing.rows,
            listing.latest,
            with_opcc_notes=with_notes,
            assurance=assurance_lines(row.Action for row in listing.rows),
        )
        write = to_xlsx if for_import else to_readable_xlsx
        response = Response(
            write(columns, records, sheet="Actions"),
            mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    name = "actions-for-import" if for_import else "actions"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{name}-{today().isoformat()}.{file_format}"'
    )
    return response


def _export_size(filters: ActionFilters) -> int:
    """How many actions the export of `filters` holds for the current user."""
    rows = export_rows(current_user, filters, today=today(), amber_days=setting(AMBER_DAYS))
    return count_of(rows)


def _streamed_csv(
    app: Flask, rows: Select, columns: list[str], with_notes: bool
) -> Iterator[bytes]:
    """The CSV of `rows` (from `export_rows`): the header at once, then the rows fetched
    and written STREAM_BATCH at a time, in two statements whatever the number of rows."""
    yield from csv_chunks(columns, _streamed_records(app, rows, with_notes))


def _streamed_records(app: Flask, rows: Select, with_notes: bool) -> Iterator[dict]:
    """The export records of `rows`, read in an app context of their own that starts
    when the first row is wanted and ends with the last, so a response whose body is
    never read past the header holds no context, session or transaction open (unlike
    flask.stream_with_context, which keeps the request context pushed until then)."""
    with app.app_context():
        tags = {tag_id: name for tag_id, name in db.session.execute(tag_names())}
        result = db.session.execute(
            rows.execution_options(stream_results=True, yield_per=exports.STREAM_BATCH)
        )
        try:
            yield from action_row_records(result, tags, with_opcc_notes=with_notes)
        finally:
            result.close()


@bp.route("/")
@permission_required(can_view_lists)
def index():
    filters = ActionFilters.from_args(request.args)
    listing = list_page(
        current_user,
        filters,
        today=today(),
        amber_days=setting(AMBER_DAYS),
        page_size=PAGE_SIZE,
        navigation=navigation_lists(current_user),  # counted with the rows
    )
    filters.page = listing.page.number
    choices = filter_choices(current_user)
    return render_template(
        "actions/index.html",
        listing=listing,
        filters=filters,
        choices=choices,
        selected=selected_filters(filters, choices),
        headers=sort_headers(filters),
        other_sorts=other_sorts(filters),
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


def _checked_details(form: ActionForm) -> services.ActionDetails:
    """The action's details from the form; the owner must be one of the listed people."""
    number = whole_number(form.owner.data)
    if number is None or db.session.get(User, number) is None:
        raise RuleError("Choose an owner from the list", field="owner")
    return _details(form)


@bp.route("/new/<source_type>/<int:source_id>", methods=["GET", "POST"])
@permission_required(can_create_actions)
def new(source_type: str, source_id: int):
    source = get_action_source_or_404(source_type, source_id)
    form = _action_form()
    if request.method == "GET":
        form.raised_on.data = getattr(source, "held_on", None) or today()
        form.owning_organisation.data = Organisation.FORCE.value
    return save_form(
        form,
        lambda: services.create_action(
            source, _checked_details(form), by=current_user, reference=form.reference.data
        ),
        render=lambda **extra: render_template(
            "actions/form.html",
            form=form,
            action=None,
            source=source,
            source_type=SourceType(source_type),
            **extra,
        ),
        saved=lambda action: (
            f"Action {action.reference} added"
            + (". Add the next one below." if form.add_another.data else "")
        ),
        redirect_to=lambda action: (
            url_for("actions.new", source_type=source_type, source_id=source_id)
            if form.add_another.data
            else url_for("actions.show", action_id=action.id)
        ),
        errors_on={services.DuplicateReferenceError: "reference"},
    )


@bp.route("/<int:action_id>/edit", methods=["GET", "POST"])
@permission_required(can_create_actions)
def edit(action_id: int):
    action = get_action_or_404(action_id, need="edit")
    form = _action_form(action)
    del form.reference
    del form.add_another
    return save_form(
        form,
        lambda: services.edit_action(
            action,
            _checked_details(form),
            by=current_user,
            expected_version=form.version_number(),
        ),
        render=lambda **extra: render_template(
            "actions/form.html",
            form=form,
            action=action,
            source=action.source,
            source_type=action.source_type,
            **extra,
        ),
        saved="Action saved",
        redirect_to=lambda _: url_for("actions.show", action_id=action.id),
        record=action,
    )


def _render_show(action: Action, **forms) -> str:
    """The action page; `forms` carries a submitted form to show again with its errors."""
    updates = [u for u in action.updates if policy.can_see_update(current_user, u)]
    transitions = [
        (target, TRANSITIONS[(action.status, target)])
        for target in targets_from(action.status)
        if policy.can_transition(current_user, action, target)
    ]
    context = {
        "action": action,
        "updates": list(reversed(updates)),
        "transitions": transitions,
        "conclusion": current_conclusion(updates),
        "no_conclusion": NO_CONCLUSION,
        "history": history_for(AuditEntity.ACTION, action.id),
        "today": today(),
        "amber_days": setting(AMBER_DAYS),
        "update_form": forms.get("update_form") or UpdateForm(),
        "transition_form": forms.get("transition_form")
        or TransitionForm(version=str(action.version)),
        "extension_form": forms.get("extension_form") or ExtensionForm(),
        "decision_form": forms.get("decision_form") or ExtensionDecisionForm(),
        "panel_form": PublishToPanelForm(version=str(action.version)),
        "can_publish_to_panel": policy.can_publish_to_panel(current_user, action),
        "editable_update_ids": {
            u.id
            for u in updates
            if policy.can_edit_update(current_user, u) and services.update_is_editable(u)
        },
        "attachments": attachments_by_owner(ACTION_UPDATE.name, [u.id for u in updates]),
        "upload_limit": upload_limit(),
        "conflict": forms.get("conflict"),
        "failed_target": request.form.get("target") if "transition_form" in forms else None,
    }
    failed = [f for key, f in forms.items() if key.endswith("_form") and f.errors]
    if failed:
        context["form"] = failed[0]
    return render_template("actions/show.html", **context)


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
    if form.target.data not in targets:
        form.validate()
        return _render_show(action, transition_form=form), 400
    if form.closing and not policy.can_transition(current_user, action, ActionStatus.CLOSED):
        # Refused before the conclusion is checked: it is not theirs to give.
        raise PermissionDeniedError("You cannot make this action closed")

    def render(conflict: str | None = None) -> str:
        if conflict:  # the page as it is now, with a fresh form at the current version
            return _render_show(action, conflict=conflict)
        return _render_show(action, transition_form=form)

    def save():
        if form.closing:  # assured closes it; not assured sends it back
            return services.assure(
                action,
                by=current_user,
                method=form.chosen_method(),
                verdict=form.chosen_verdict(),
                note=form.note.data or "",
                today=today(),
                expected_version=form.version_number(),
            )
        return services.transition(
            action,
            targets[form.target.data],
            by=current_user,
            note=form.note.data or "",
            today=today(),
            expected_version=form.version_number(),
            files=form.evidence.prepared,
        )

    return save_form(
        form,
        save,
        render=render,
        saved=lambda _: f"{action.reference} is now {action.status.in_sentence}",
        redirect_to=lambda _: url_for("actions.show", action_id=action.id),
        invalid_status=400,
        errors_on={services.ActionRuleError: "note"},
    )


@bp.route("/<int:action_id>/panel", methods=["POST"])
@permission_required(can_view_lists)
def publish_to_panel(action_id: int):
    action = get_action_or_404(action_id)
    if not policy.can_publish_to_panel(current_user, action):
        abort(403)
    form = PublishToPanelForm()
    publish = form.publish.data == "yes"

    def render(conflict: str | None = None) -> str:
        return _render_show(action, conflict=conflict)

    return save_form(
        form,
        lambda: services.publish_to_panel(
            action, by=current_user, publish=publish, expected_version=form.version_number()
        ),
        render=render,
        saved=lambda _: (
            f"{action.reference} is published to the Police and Crime Panel"
            if publish
            else f"{action.reference} is no longer published to the Police and Crime Panel"
        ),
        redirect_to=lambda _: url_for("actions.show", action_id=action.id),
        invalid_status=400,
    )


@bp.route("/<int:action_id>/updates", methods=["POST"])
@permission_required(can_view_lists)
def add_update(action_id: int):
    action = get_action_or_404(action_id, need="update")
    form = UpdateForm()

    def post() -> None:
        rag = Rag(form.rag.data) if form.rag.data in {r.value for r in Rag} else None
        services.add_update(
            action,
            by=current_user,
            text=form.text.data,
            rag=rag,
            opcc_only=bool(form.opcc_only.data),
            files=form.files.prepared,
        )

    return save_form(
        form,
        post,
        render=lambda **extra: _render_show(action, update_form=form, **extra),
        saved="Update posted",
        redirect_to=lambda _: url_for("actions.show", action_id=action.id),
        invalid_status=400,
    )


@bp.route("/updates/<int:update_id>/edit", methods=["GET", "POST"])
@permission_required(can_view_lists)
def correct_update(update_id: int):
    update = get_update_or_404(update_id)
    form = CorrectUpdateForm(obj=update)
    return save_form(
        form,
        lambda: services.edit_update(update, by=current_user, text=form.text.data),
        render=lambda **extra: render_template(
            "actions/correct_update.html", form=form, update=update, **extra
        ),
        saved="Update corrected",
        redirect_to=lambda _: url_for("actions.show", action_id=update.action_id),
        errors_on={services.ActionRuleError: "text"},
    )


@bp.route("/<int:action_id>/extensions", methods=["POST"])
@permission_required(can_view_lists)
def request_extension(action_id: int):
    action = get_action_or_404(action_id, need="update")
    form = ExtensionForm()
    return save_form(
        form,
        lambda: services.request_extension(
            action,
            by=current_user,
            proposed_due_on=form.proposed_due_on.data,
            reason=form.reason.data,
        ),
        render=lambda **extra: _render_show(action, extension_form=form, **extra),
        saved="Extension requested. The OPCC will approve or decline it.",
        redirect_to=lambda _: url_for("actions.show", action_id=action.id),
        invalid_status=400,
        errors_on={services.ActionRuleError: "proposed_due_on"},
    )


@bp.route("/extensions/<int:extension_id>/decision", methods=["POST"])
@permission_required(can_view_lists)
def decide_extension(extension_id: int):
    extension = get_extension_or_404(extension_id)
    form = ExtensionDecisionForm()
    return save_form(
        form,
        lambda: services.decide_extension(
            extension,
            by=current_user,
            approve=form.decision.data == "approve",
            note=form.note.data or "",
        ),
        render=lambda **extra: _render_show(extension.action, decision_form=form, **extra),
        saved=lambda _: f"Extension {extension.status.in_sentence}",
        redirect_to=lambda _: url_for("actions.show", action_id=extension.action_id),
        invalid_status=400,
        errors_on={services.ActionRuleError: "note"},
    )


__all__ = ["TagList", "bp"]
