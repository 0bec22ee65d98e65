"""Import screens: upload, map columns, preview, commit, undo."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.exceptions import RequestEntityTooLarge

from tracker.db import db, reads_before_writing, take_write_lock
from tracker.editing import save_form
from tracker.exports import (
    ACTION_COLUMNS,
    OPCC_ONLY_COLUMNS,
    SOURCE_COLUMNS,
    to_csv,
    to_xlsx,
)
from tracker.imports import jobs as import_jobs
from tracker.imports import services
from tracker.imports.fields import TARGET_FIELDS, TARGET_LABELS
from tracker.imports.forms import BatchForm, PasteFindingsForm, UploadForm, mapping_form
from tracker.imports.forms import mapping_from as _mapping_from
from tracker.imports.models import ImportBatch, ImportStatus
from tracker.imports.parsing import FileProblemError
from tracker.imports.services import BatchStateError, ImportRefusedError
from tracker.imports.undo import UndoRefusedError, undo_batch
from tracker.policy import can_import
from tracker.reports.jobs import TooManyJobsError
from tracker.security import permission_required
from tracker.sources.models import HmicfrsReport

bp = Blueprint("imports", __name__, url_prefix="/imports")

ERRORS_SHOWN = 500
ROWS_SHOWN = 50
TEMPLATE_COLUMNS = {
    "actions": ACTION_COLUMNS + OPCC_ONLY_COLUMNS,
    "panel_items": SOURCE_COLUMNS["panel_items"],
    "findings": SOURCE_COLUMNS["findings"],
}


def max_upload_size() -> str:
    """The upload limit (MAX_UPLOAD_MB) in words: "10 MB"."""
    limit = int(current_app.config["MAX_CONTENT_LENGTH"])
    if limit < 1024 * 1024:
        return f"{limit // 1024} KB"
    return f"{limit // (1024 * 1024)} MB"


def get_batch_or_404(batch_id: int) -> ImportBatch:
    """Load a batch (every OPCC importer may see every batch)."""
    batch = db.session.get(ImportBatch, batch_id)
    if batch is None:
        abort(404)
    return batch


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error: RequestEntityTooLarge):
    form = UploadForm(formdata=None)
    message = f"The file must be smaller than {max_upload_size()}"
    form.upload.errors = [message]
    return render_template(
        "imports/new.html", form=form, max_size=max_upload_size(), limits=services.import_limits()
    ), 413


@bp.route("/")
@permission_required(can_import)
def index():
    batches = db.session.scalars(
        select(ImportBatch)
        .options(selectinload(ImportBatch.created_by))
        .order_by(ImportBatch.id.desc())
        .limit(200)
    ).all()
    return render_template("imports/index.html", batches=batches, labels=TARGET_LABELS)


@bp.route("/new", methods=["GET", "POST"])
@permission_required(can_import)
def new():
    form = UploadForm()

    def upload():
        return services.create_batch(
            by=current_user,
            target=form.target.data,
            filename=form.upload.data.filename or "upload",
            content=form.upload.data.read(),
            options=form.options(),
        )

    return save_form(
        form,
        upload,
        render=lambda **extra: render_template(
            "imports/new.html",
            form=form,
            max_size=max_upload_size(),
            limits=services.import_limits(),
            **extra,
        ),
        saved=None,
        redirect_to=lambda batch: url_for("imports.mapping", batch_id=batch.id),
        rule_status=422,
        errors_on={FileProblemError: "upload"},
    )


@bp.route("/findings/paste", methods=["GET", "POST"])
@permission_required(can_import)
def paste_findings():
    form = PasteFindingsForm()

    def paste():
        report = db.session.get(HmicfrsReport, int(form.report_id.data))
        return services.create_batch(
            by=current_user,
            target="findings",
            filename=f"Findings pasted into {report.code}",
            content=form.text.data.encode("utf-8"),
            options={"pasted": True, "report_id": report.id, "existing": form.existing.data},
        )

    return save_form(
        form,
        paste,
        render=lambda **extra: render_template("imports/paste.html", form=form, **extra),
        saved=None,
        redirect_to=lambda batch: url_for("imports.show", batch_id=batch.id),
        rule_status=422,
        errors_on={FileProblemError: "text"},
    )


@bp.route("/<int:batch_id>/mapping", methods=["GET", "POST"])
@permission_required(can_import)
def mapping(batch_id: int):
    batch = get_batch_or_404(batch_id)
    if batch.status != ImportStatus.PENDING:
        return redirect(url_for("imports.show", batch_id=batch.id))
    try:
        sheet = services.sheet_for(batch.content or b"", batch.options, first_row_only=True)
    except FileProblemError as problem:
        flash(str(problem), "error")
        return redirect(url_for("imports.show", batch_id=batch.id))
    form = mapping_form(batch, sheet.headings, sheet.sheet_names)
    if form.validate_on_submit():
        options = {"existing": form.existing.data}
        if hasattr(form, "sheet"):
            options["sheet"] = form.sheet.data
        if hasattr(form, "default_source"):
            source_id = form.default_source.data or ""
            options["default_source_id"] = int(source_id) if source_id.isdigit() else None
        try:
            services.save_mapping(
                batch,
                _mapping_from(form, batch.target),
                options,
                by=current_user,
                expected_version=form.version_number(),
            )
        except (BatchStateError, FileProblemError) as problem:
            flash(str(problem), "error")
            return redirect(url_for("imports.show", batch_id=batch.id))
        db.session.commit()
        return redirect(url_for("imports.show", batch_id=batch.id))
    form.version.data = str(batch.version)
    fields = [(f, getattr(form, f"field_{f.name}")) for f in TARGET_FIELDS[batch.target]]
    return render_template(
        "imports/mapping.html", batch=batch, form=form, fields=fields, sheet=sheet
    )


@bp.route("/<int:batch_id>")
@permission_required(can_import)
def show(batch_id: int):
    batch = get_batch_or_404(batch_id)
    pending = batch.status == ImportStatus.PENDING
    commit_job = import_jobs.commit_job_for(batch) if pending else None
    plan = services.check_batch(batch) if pending and commit_job is None else None
    return render_template(
        "imports/show.html",
        batch=batch,
        plan=plan,
        commit_job=commit_job,
        labels=TARGET_LABELS,
        errors_shown=ERRORS_SHOWN,
        rows_shown=ROWS_SHOWN,
        missing=services.missing_fields(batch),
    )


def _batch_post(batch_id: int, action, done: str):
    """Run commit, discard or undo for a batch from its button form."""
    batch = get_batch_or_404(batch_id)
    form = BatchForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        result = action(batch, by=current_user, expected_version=form.version_number())
    except (BatchStateError, ImportRefusedError) as problem:
        flash(str(problem), "error")
        return redirect(url_for("imports.show", batch_id=batch_id))
    except UndoRefusedError as refused:
        flash(f"{refused}: {', '.join(refused.records[:50])}", "error")
        return redirect(url_for("imports.show", batch_id=batch_id))
    db.session.commit()
    flash(done.format(batch=batch, result=result), "success")
    return redirect(url_for("imports.show", batch_id=batch_id))


@bp.route("/<int:batch_id>/commit", methods=["POST"])
@permission_required(can_import)
@reads_before_writing
def commit(batch_id: int):
    """Write the batch now, or, over IMPORT_BACKGROUND_THRESHOLD rows, queue the job
    that writes it and show the job's progress. The file is counted before the write
    lock is taken."""
    batch = get_batch_or_404(batch_id)
    rows = import_jobs.row_count(batch)
    take_write_lock()
    if rows <= import_jobs.background_threshold():
        return _batch_post(batch_id, services.commit_batch, "Imported: {batch.summary}")
    form = BatchForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        job = import_jobs.queue_commit(
            batch, rows=rows, by=current_user, expected_version=form.version_number()
        )
    except (BatchStateError, TooManyJobsError) as problem:
        db.session.rollback()
        flash(str(problem), "error")
        return redirect(url_for("imports.show", batch_id=batch_id))
    if job.requested_by_id != current_user.id:  # a colleague's job is writing it already
        return redirect(url_for("imports.show", batch_id=batch_id))
    return redirect(url_for("reports.job", job_id=job.id), 303)


@bp.route("/<int:batch_id>/discard", methods=["POST"])
@permission_required(can_import)
def discard(batch_id: int):
    return _batch_post(batch_id, services.discard_batch, "Upload discarded")


@bp.route("/<int:batch_id>/undo", methods=["POST"])
@permission_required(can_import)
def undo(batch_id: int):
    return _batch_post(batch_id, undo_batch, "Import undone: {result} records reverted")


@bp.route("/template/<any(actions, panel_items, findings):target>.<any(csv, xlsx):file_format>")
@permission_required(can_import)
def template(target: str, file_format: str):
    """An empty spreadsheet whose headings are the export's column names."""
    columns = TEMPLATE_COLUMNS[target]
    if file_format == "csv":
        body, mimetype = to_csv(columns, []), "text/csv"
    else:
        body = to_xlsx(columns, [], sheet=target)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{target.replace("_", "-")}-import-template.{file_format}"'
    )
    return response
