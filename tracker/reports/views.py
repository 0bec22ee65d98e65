"""Report pages: choose a report, preview it as a page, download it as a PDF."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template, request
from flask_login import current_user

from tracker.clock import today
from tracker.policy import can_view_lists
from tracker.reports.queries import panel_follow_up
from tracker.reports.render import pdf_response, render_pdf
from tracker.security import permission_required

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
    return render_template("reports/index.html")


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
