"""Report pages: choose a report, preview it as a page, download it as a PDF."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, render_template, request
from flask_login import current_user
from sqlalchemy.orm import selectinload

from tracker.clock import today
from tracker.db import db
from tracker.policy import can_view_lists
from tracker.reports.exports import SOURCE_COLUMNS, source_records, to_csv, to_xlsx
from tracker.reports.queries import hmicfrs_progress, matters_arising, panel_follow_up
from tracker.reports.render import pdf_response, render_pdf
from tracker.security import permission_required
from tracker.sources.models import AdhocRequest, Finding, HmicfrsReport, Meeting, PanelItem
from tracker.sources.queries import get_source_or_404, visible_sources

bp = Blueprint("reports", __name__, url_prefix="/reports")

PANEL_STATUSES = {
    "all": "All items",
    "outstanding": "Awaiting the PCC's response",
    "answered": "Answered",
}


def _day(name: str) -> date | None:
    try:
        return date.fromisoformat((request.args.get(name) or "").strip())
    except ValueError:
        return None


def _panel_context() -> dict:
    status = request.args.get("status", "all")
    status = status if status in PANEL_STATUSES else "all"
    args = {"meeting": _day("meeting"), "from": _day("from"), "to": _day("to"), "status": status}
    report = panel_follow_up(
        current_user,
        meeting_on=args["meeting"],
        date_from=args["from"],
        date_to=args["to"],
        status=status,
        today=today(),
    )
    query = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in args.items() if v}
    return {
        "report": report,
        "args": args,
        "query": query,
        "statuses": PANEL_STATUSES,
        "produced_on": today(),
        "title": "Police and Crime Panel follow-up report",
    }


@bp.route("/")
@permission_required(can_view_lists)
def index():
    meetings = db.session.scalars(
        visible_sources(current_user, Meeting).order_by(Meeting.held_on.desc())
    ).all()
    return render_template("reports/index.html", meetings=meetings)


def _matters_context(meeting_id: int) -> dict:
    meeting = get_source_or_404(Meeting, meeting_id)
    report = matters_arising(current_user, meeting, today=today())
    return {
        "report": report,
        "marking": report.marking,
        "produced_on": today(),
        "title": f"Matters arising: {meeting.title}",
    }


def _hmicfrs_context() -> dict:
    report_id = request.args.get("report", type=int)
    progress = hmicfrs_progress(current_user, report_id=report_id, today=today())
    reports = db.session.scalars(
        visible_sources(current_user, HmicfrsReport).order_by(HmicfrsReport.published_on.desc())
    ).all()
    return {
        "progress": progress,
        "marking": progress.marking,
        "produced_on": today(),
        "title": "HMICFRS progress report",
        "all_reports": reports,
        "report_id": report_id,
        "query": {"report": report_id} if report_id else {},
    }


@bp.route("/hmicfrs")
@permission_required(can_view_lists)
def hmicfrs():
    return render_template("reports/hmicfrs.html", **_hmicfrs_context())


@bp.route("/hmicfrs.pdf")
@permission_required(can_view_lists)
def hmicfrs_pdf():
    context = _hmicfrs_context()
    html = render_template("reports/hmicfrs_pdf.html", **context)
    return pdf_response(
        render_pdf(html), name="hmicfrs-progress", produced_on=context["produced_on"]
    )


SOURCE_EXPORTS = {
    "meetings": (Meeting, Meeting.held_on),
    "adhoc_requests": (AdhocRequest, AdhocRequest.sent_on),
    "panel_items": (PanelItem, PanelItem.panel_meeting_on),
    "findings": (Finding, Finding.report_id),
}
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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


@bp.route("/meetings/<int:meeting_id>")
@permission_required(can_view_lists)
def matters(meeting_id: int):
    return render_template("reports/matters.html", **_matters_context(meeting_id))


@bp.route("/meetings/<int:meeting_id>.pdf")
@permission_required(can_view_lists)
def matters_pdf(meeting_id: int):
    context = _matters_context(meeting_id)
    html = render_template("reports/matters_pdf.html", **context)
    return pdf_response(
        render_pdf(html), name=f"matters-arising-{meeting_id}", produced_on=context["produced_on"]
    )


@bp.route("/panel")
@permission_required(can_view_lists)
def panel():
    return render_template("reports/panel.html", **_panel_context())


@bp.route("/panel.pdf")
@permission_required(can_view_lists)
def panel_pdf():
    context = _panel_context()
    html = render_template("reports/panel_pdf.html", **context)
    return pdf_response(
        render_pdf(html), name="panel-follow-up", produced_on=context["produced_on"]
    )
