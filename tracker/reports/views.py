"""Report pages: choose a report, preview it as a page, download it as a PDF."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import MultiDict

from tracker.clock import today
from tracker.db import db, reads_before_writing, take_write_lock, utcnow
from tracker.exports import SOURCE_COLUMNS, source_records, to_csv, to_xlsx
from tracker.forms import EmptyForm
from tracker.policy import can_view_lists, can_view_panel_business, can_view_report_job
from tracker.reports import jobs, programme, spreadsheets, word
from tracker.reports.kinds import KINDS, ReportKind, ReportNotFoundError, file_name, refusal
from tracker.reports.models import PDF_TYPE, XLSX_TYPE, ReportJob, ReportJobStatus
from tracker.reports.render import pdf_download, render_pdf
from tracker.security import permission_required
from tracker.sources.models import AdhocRequest, Finding, Meeting, PanelItem
from tracker.sources.queries import visible_sources

bp = Blueprint("reports", __name__, url_prefix="/reports")


@bp.route("/")
@permission_required(can_view_lists)
def index():
    meetings = db.session.scalars(
        visible_sources(current_user, Meeting).order_by(Meeting.held_on.desc())
    ).all()
    return render_template("reports/index.html", meetings=meetings)


def _threshold() -> int:
    return current_app.config["REPORT_BACKGROUND_THRESHOLD"]


def _build(kind: ReportKind, args: MultiDict) -> dict[str, Any]:
    try:
        context = kind.build(current_user, args, today())
    except ReportNotFoundError:
        abort(404)
    context["kind"] = kind.name
    context.setdefault("route_args", {})
    context["pdf_url"] = url_for(kind.pdf_endpoint, **context["route_args"], **context["query"])
    if kind.name == "panel":
        context["docx_url"] = url_for("reports.panel_docx", **context["query"])
    context["background"] = context["item_count"] > _threshold()
    context["job_form"] = EmptyForm()
    context["job_query"] = urlencode(context["query"], doseq=True)
    return context


def _page(kind: ReportKind, args: MultiDict):
    context = _build(kind, args)
    status = 400 if refusal(context) else 200
    return render_template(kind.page_template, **context), status


def _pdf(kind: ReportKind, args: MultiDict):
    """The PDF now, or (for a long report) back to the page to prepare it in the background."""
    context = _build(kind, args)
    if refusal(context):
        return render_template(kind.page_template, **context), 400
    if context["background"]:
        flash(
            f"This report has {context['item_count']} actions, so it is prepared in the "
            "background: select 'Prepare PDF' and download it when it is ready."
        )
        target = url_for(kind.page_endpoint, **context.get("route_args", {}), **context["query"])
        return redirect(target, 303)
    html = render_template(kind.pdf_template, **context)
    return pdf_download(render_pdf(html), filename=file_name(kind, context))


@bp.route("/panel")
@permission_required(can_view_lists)
def panel():
    return _page(KINDS["panel"], request.args)


@bp.route("/panel.pdf")
@permission_required(can_view_lists)
def panel_pdf():
    return _pdf(KINDS["panel"], request.args)


@bp.route("/panel.docx")
@permission_required(can_view_lists)
def panel_docx():
    """The Panel follow-up report as a Word document (for committee systems), now or,
    when long, back to the page to prepare it in the background like the PDF."""
    kind = KINDS["panel"]
    context = _build(kind, request.args)
    if refusal(context):
        return render_template(kind.page_template, **context), 400
    if context["background"]:
        flash(
            f"This report has {context['item_count']} actions, so it is prepared in the "
            "background: select 'Prepare Word document' and download it when it is ready."
        )
        return redirect(url_for(kind.page_endpoint, **context["query"]), 303)
    return word.docx_download(
        word.panel_docx(context), filename=file_name(kind, context, suffix="docx")
    )


@bp.route("/panel-programme.pdf")
@permission_required(can_view_panel_business)
def programme_pdf():
    """The Panel's work programme as a paper (PDF)."""
    context = programme.programme_context()
    html = programme.programme_html(context)
    return pdf_download(render_pdf(html), filename=programme.file_stem(context) + ".pdf")


@bp.route("/panel-programme.docx")
@permission_required(can_view_panel_business)
def programme_docx():
    """The Panel's work programme as a paper (Word)."""
    context = programme.programme_context()
    body = programme.programme_docx(context)
    return word.docx_download(body, filename=programme.file_stem(context) + ".docx")


def _with_meeting(meeting_id: int) -> MultiDict:
    args = MultiDict(request.args)
    args.setlist("meeting_id", [str(meeting_id)])
    return args


@bp.route("/meetings/<int:meeting_id>")
@permission_required(can_view_lists)
def matters(meeting_id: int):
    return _page(KINDS["matters"], _with_meeting(meeting_id))


@bp.route("/meetings/<int:meeting_id>.pdf")
@permission_required(can_view_lists)
def matters_pdf(meeting_id: int):
    return _pdf(KINDS["matters"], _with_meeting(meeting_id))


@bp.route("/hmicfrs")
@permission_required(can_view_lists)
def hmicfrs():
    return _page(KINDS["hmicfrs"], request.args)


@bp.route("/hmicfrs.pdf")
@permission_required(can_view_lists)
def hmicfrs_pdf():
    return _pdf(KINDS["hmicfrs"], request.args)


@bp.route("/actions")
@permission_required(can_view_lists)
def actions():
    """The action list's filtered actions (every page) as a report."""
    return _page(KINDS["actions"], request.args)


@bp.route("/actions.pdf")
@permission_required(can_view_lists)
def actions_pdf():
    return _pdf(KINDS["actions"], request.args)


# Background jobs -------------------------------------------------------------------------


def _queue_job(kind: str, args: MultiDict, context: dict[str, Any], content_type: str):
    """Record the job (the request's only write, under a short lock) and show it, or say
    why not when the person already has as many reports on the way as they may."""
    take_write_lock()
    try:
        job = jobs.create_job(
            user=current_user,
            kind=kind,
            params=jobs.params_of(args),
            context=context,
            content_type=content_type,
        )
    except jobs.TooManyJobsError as refused:
        db.session.rollback()
        flash(refused.message, "error")
        return redirect(url_for("reports.job_list"), 303)
    return redirect(url_for("reports.job", job_id=job.id), 303)


def _queue_report(kind: ReportKind, args: MultiDict, *, as_word: bool = False):
    """Check the report's choices and queue it (or show the page with what is wrong);
    the Panel report may be asked for as a Word document instead of a PDF."""
    context = _build(kind, args)  # the slow reading, outside any write transaction
    if refusal(context):
        return render_template(kind.page_template, **context), 400
    if as_word and kind.name == "panel":
        return _queue_job(word.PANEL_DOCX, args, _as_word(context), word.DOCX_TYPE)
    return _queue_job(kind.name, args, context, PDF_TYPE)


@bp.route("/jobs", methods=["POST"])
@permission_required(can_view_lists)
@reads_before_writing
def create_job():
    """Prepare a long report (or a big spreadsheet) in the background, then show its
    progress."""
    form = EmptyForm()
    name = request.form.get("kind", "")
    kind = KINDS.get(name)
    if not form.validate_on_submit() or (kind is None and name != spreadsheets.ACTIONS_XLSX):
        abort(400)
    args = MultiDict(parse_qsl((request.form.get("query") or "")[:4000], keep_blank_values=True))
    if kind is None:
        context = spreadsheets.export_context(current_user, args)
        return _queue_job(name, args, context, XLSX_TYPE)
    if kind.name == "matters":
        args.setlist("meeting_id", request.form.getlist("meeting_id")[:1])
    return _queue_report(kind, args, as_word=request.form.get("format") == "docx")


def _as_word(context: dict[str, Any]) -> dict[str, Any]:
    """The job's title says it is the Word copy (beside any PDF of the same report)."""
    return {**context, "title": f"{context['title']} (Word)"}


def _own_job_or_404(job_id: int) -> ReportJob:
    """Only the person who asked may see a job: everyone else (admins too) gets 404."""
    job = db.session.get(ReportJob, job_id)
    if job is None or not can_view_report_job(current_user, job):
        abort(404)
    return job


@bp.route("/jobs")
@permission_required(can_view_lists)
def job_list():
    recent = jobs.recent_jobs(current_user)
    rates = {kind: jobs.seconds_per_action(kind) for kind in {j.kind for j in recent}}
    return render_template(
        "reports/jobs.html",
        jobs=recent,
        stale={j.id for j in recent if jobs.is_stale(j, rates[j.kind])},
        title="Your reports",
    )


def _job_progress(job: ReportJob) -> dict:
    """Where a job stands: stopped (stale), still waiting, seconds so far and expected,
    and the worker's own account of its progress."""
    per_action = jobs.seconds_per_action(job.kind)
    now = utcnow()
    stale = jobs.is_stale(job, per_action, now=now)
    started = job.started_at
    finished = job.finished_at
    running_for = ((finished or now) - (started or job.created_at)).total_seconds()
    waiting = job.status in (ReportJobStatus.QUEUED, ReportJobStatus.RUNNING) and not stale
    return {
        "stale": stale,
        "waiting": waiting,
        "running_for": max(int(running_for), 0),
        "estimate": int(jobs.estimate(job, per_action).total_seconds()),
        "progress": _progress_text(job) if waiting else "",
    }


def _progress_text(job: ReportJob) -> str:
    """The worker's stage, with items done of the total when it counts them."""
    text = job.stage or job.status.label
    if job.progress_total:
        text += f": {job.progress_done:,} of {job.progress_total:,} ({job.percent_done}%)"
    return text


@bp.route("/jobs/<int:job_id>")
@permission_required(can_view_lists)
def job(job_id: int):
    job = _own_job_or_404(job_id)
    return render_template(
        "reports/job.html",
        job=job,
        job_form=EmptyForm(),
        title=job.title or "Report",
        import_url=jobs.result_page(job),
        **_job_progress(job),
    )


@bp.route("/jobs/<int:job_id>/status")
@permission_required(can_view_lists)
def job_status(job_id: int):
    """The job page asks this every few seconds (JSON) and shows the download when ready."""
    job = _own_job_or_404(job_id)
    progress = _job_progress(job)
    response = jsonify(
        status=job.status.value,
        label="Stopped before it finished" if progress["stale"] else job.status.label,
        ready=job.status == ReportJobStatus.READY,
        finished=not progress["waiting"],
        running_for=progress["running_for"],
        estimate=progress["estimate"],
        progress=progress["progress"],
        done=job.progress_done,
        total=job.progress_total,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/jobs/<int:job_id>/download")
@permission_required(can_view_lists)
def job_download(job_id: int):
    job = _own_job_or_404(job_id)
    if job.status != ReportJobStatus.READY or not job.output:
        abort(404)
    if job.content_type == PDF_TYPE:
        return pdf_download(job.output, filename=job.filename or f"report-{job.id}.pdf")
    response = Response(job.output, mimetype=job.content_type)
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{job.filename or f"export-{job.id}.xlsx"}"'
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/jobs/<int:job_id>/retry", methods=["POST"])
@permission_required(can_view_lists)
@reads_before_writing
def job_retry(job_id: int):
    """Ask again for a failed or stopped report, with the same choices."""
    old = _own_job_or_404(job_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    args = jobs.args_of(old)
    if old.kind == spreadsheets.ACTIONS_XLSX:
        context = spreadsheets.export_context(current_user, args)
        return _queue_job(old.kind, args, context, XLSX_TYPE)
    if old.kind == word.PANEL_DOCX:
        context = _as_word(_build(KINDS["panel"], args))
        return _queue_job(old.kind, args, context, word.DOCX_TYPE)
    kind = KINDS.get(old.kind)
    if kind is None:
        abort(404)
    context = _build(kind, args)
    if refusal(context):
        flash(refusal(context))
        return redirect(url_for("reports.job", job_id=old.id), 303)
    return _queue_job(kind.name, args, context, PDF_TYPE)


# Spreadsheets ----------------------------------------------------------------------------


SOURCE_EXPORTS = {
    "meetings": (Meeting, Meeting.held_on),
    "adhoc_requests": (AdhocRequest, AdhocRequest.sent_on),
    "panel_items": (PanelItem, PanelItem.panel_meeting_on),
    "findings": (Finding, Finding.report_id),
}
XLSX_MIMETYPE = XLSX_TYPE


EXPORT_URL = (
    "/export/<any(meetings, adhoc_requests, panel_items, findings):kind>"
    ".<any(csv, xlsx):file_format>"
)


@bp.route(EXPORT_URL)
@permission_required(can_view_lists)
def export_sources(kind: str, file_format: str):
    """Every record of one source type the user may see, as CSV or XLSX."""
    model, order = SOURCE_EXPORTS[kind]
    query = visible_sources(current_user, model).order_by(order, model.id)
    if model is Finding:
        query = query.options(selectinload(Finding.report), selectinload(Finding.parent))
    records = source_records(kind, db.session.scalars(query))
    columns = SOURCE_COLUMNS[kind]
    if file_format == "csv":
        body, mimetype = to_csv(columns, records), "text/csv"
    else:
        body, mimetype = to_xlsx(columns, records, sheet=kind), XLSX_MIMETYPE
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{kind.replace("_", "-")}-{today().isoformat()}.{file_format}"'
    )
    return response
