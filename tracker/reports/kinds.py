"""The reports, each built from a user and request arguments into a template context.

The same builders serve the page preview, the direct PDF download and the background
job, so a job renders exactly what the preview showed, for the user who asked, with
that user's permissions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from werkzeug.datastructures import MultiDict

from tracker import policy
from tracker.actions.models import ActionStatus, Rag, SourceType
from tracker.actions.queries import SORTS, ActionFilters
from tracker.auth.models import Organisation
from tracker.db import db
from tracker.reports.as_at import AsAtError, moment_for, parse_as_at
from tracker.reports.paper import PAPER_FIELDS, meeting_words, paper_cover
from tracker.reports.queries import (
    RESPONSE_STATES,
    PanelReport,
    action_log,
    hmicfrs_progress,
    matters_arising,
    panel_follow_up,
)
from tracker.sources.models import HmicfrsReport, Meeting
from tracker.sources.queries import is_source_visible, visible_sources


class ReportNotFoundError(LookupError):
    """The report's subject does not exist or the user may not see it."""


PANEL_STATUSES = {
    "all": "All items",
    "outstanding": "Awaiting the PCC's response",
    "answered": "Answered",
}


def _day(args: MultiDict, name: str) -> date | None:
    try:
        return date.fromisoformat((args.get(name) or "").strip())
    except ValueError:
        return None


def _as_at(user: Any, args: MultiDict, today: date) -> tuple[date | None, str | None]:
    """(as at day or None for now, error message or None)."""
    try:
        return parse_as_at(args.get("as_at"), user=user, today=today), None
    except AsAtError as exc:
        return None, str(exc)


def _common(user: Any, args: MultiDict, today: date) -> dict[str, Any]:
    day, error = _as_at(user, args, today)
    return {
        "as_at": day,
        "as_at_error": error,
        "as_at_value": (args.get("as_at") or "").strip()[:20],
        "moment": moment_for(day) if day else None,
        "produced_on": today,
        "report_day": day or today,
    }


def _query(base: dict[str, Any], common: dict[str, Any]) -> dict[str, Any]:
    """URL arguments that reproduce the report (for the PDF link and the job)."""
    query = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in base.items() if v}
    if common["as_at"]:
        query["as_at"] = common["as_at"].isoformat()
    return query


def panel_context(user: Any, args: MultiDict, today: date) -> dict[str, Any]:
    common = _common(user, args, today)
    status = args.get("status", "all")
    status = status if status in PANEL_STATUSES else "all"
    chosen = {"meeting": _day(args, "meeting"), "from": _day(args, "from"), "to": _day(args, "to")}
    chosen["status"] = status
    report = panel_follow_up(
        user,
        meeting_on=chosen["meeting"],
        date_from=chosen["from"],
        date_to=chosen["to"],
        status=status,
        today=today,
        as_at=common["moment"],
    )
    cover, paper_form, paper_errors = paper_cover(
        args, meeting=meeting_words(chosen["meeting"], chosen["from"], chosen["to"])
    )
    wording = {name: paper_form[name].data for name in PAPER_FIELDS}
    return {
        **common,
        "report": report,
        "marking": report.marking,
        "args": chosen,
        "query": {**_query(chosen, common), **_query(wording, {"as_at": None})},
        "statuses": PANEL_STATUSES,
        "title": "Police and Crime Panel follow-up report",
        "item_count": report.item_count,
        "cover": cover,
        "paper_form": paper_form,
        "form_errors": paper_errors,
        "missing": panel_missing_notes(user, report),
        "response_states": RESPONSE_STATES,
    }


def panel_missing_notes(user: Any, report: PanelReport) -> list[str]:
    """Why the report shows fewer Panel items than there are, in words for `user`: the
    filters, and publication (a clerk is told plainly that unpublished items are left
    out, never how many; the OPCC is told how many of those shown a clerk will not see)."""
    notes = []
    hidden = report.hidden_by_filters
    if hidden:
        notes.append(
            f"The choices above hide {hidden} Panel item{'' if hidden == 1 else 's'}: "
            "clear the meeting and dates and choose 'All items' to see every item."
        )
    if policy.is_panel(user):
        notes.append(
            "Items the Office of the Police and Crime Commissioner has not yet published "
            "to the Panel are not shown."
        )
    elif policy.is_opcc(user) and report.unpublished_count:
        count = report.unpublished_count
        notes.append(
            f"{count} item{' is' if count == 1 else 's are'} not published to the Panel "
            "and a clerk will not see "
            f"{'it' if count == 1 else 'them'}."
        )
    elif policy.is_force(user):
        notes.append("Only Panel items with an action you can see are shown.")
    return notes


def matters_context(user: Any, args: MultiDict, today: date) -> dict[str, Any]:
    raw = (args.get("meeting_id") or "").strip()
    meeting = db.session.get(Meeting, int(raw)) if raw.isdigit() and len(raw) < 10 else None
    if meeting is None or not is_source_visible(user, meeting):
        raise ReportNotFoundError("The meeting no longer exists or you can no longer see it")
    common = _common(user, args, today)
    report = matters_arising(user, meeting, today=today, as_at=common["moment"])
    return {
        **common,
        "report": report,
        "marking": report.marking,
        "query": _query({}, common),
        "route_args": {"meeting_id": meeting.id},
        "title": f"Matters arising: {meeting.title}",
        "item_count": report.item_count,
    }


def hmicfrs_context(user: Any, args: MultiDict, today: date) -> dict[str, Any]:
    common = _common(user, args, today)
    raw = (args.get("report") or "").strip()
    report_id = int(raw) if raw.isdigit() and len(raw) < 10 else None
    progress = hmicfrs_progress(user, report_id=report_id, today=today, as_at=common["moment"])
    reports = db.session.scalars(
        visible_sources(user, HmicfrsReport).order_by(HmicfrsReport.published_on.desc())
    ).all()
    return {
        **common,
        "progress": progress,
        "marking": progress.marking,
        "title": "HMICFRS progress report",
        "all_reports": reports,
        "report_id": report_id,
        "query": _query({"report": report_id}, common),
        "item_count": progress.item_count,
    }


def _describe(filters: ActionFilters, user: Any) -> list[tuple[str, str]]:
    """The filters in words, for the cover block."""
    from tracker.auth.models import User
    from tracker.settings.models import Tag

    described = []
    if filters.q:
        described.append(("Search", filters.q))
    pairs = [
        ("Status", filters.status, ActionStatus),
        ("RAG", filters.rag, Rag),
        ("Source", filters.source_type, SourceType),
    ]
    for label, chosen, _ in pairs:
        if chosen:
            described.append((label, ", ".join(c.label for c in chosen)))
    if filters.owner_id:
        owner = db.session.get(User, filters.owner_id)
        described.append(("Owner", owner.name if owner else "Unknown"))
    if filters.organisation:
        described.append(("Owning organisation", Organisation(filters.organisation).label))
    if filters.tag_id:
        tag = db.session.get(Tag, filters.tag_id)
        described.append(("Tag", tag.name if tag else "Unknown"))
    if filters.due_from or filters.due_to:
        start = f"{filters.due_from.day} {filters.due_from:%B %Y}" if filters.due_from else "any"
        end = f"{filters.due_to.day} {filters.due_to:%B %Y}" if filters.due_to else "any"
        described.append(("Due", f"from {start} to {end}"))
    if filters.overdue_only:
        described.append(("Overdue only", "Yes"))
    described.append(("Sorted by", SORTS[filters.sort][0]))
    return described


def actions_context(user: Any, args: MultiDict, today: date) -> dict[str, Any]:
    common = _common(user, args, today)
    filters = ActionFilters.from_args(args)
    log = action_log(user, filters, today=today, as_at=common["moment"])
    return {
        **common,
        "log": log,
        "marking": log.marking,
        "filters": filters,
        "described": _describe(filters, user),
        "query": {**filters.to_args(page=None), **_query({}, common)},
        "title": "Action log",
        "item_count": log.item_count,
    }


@dataclass(frozen=True)
class ReportKind:
    name: str
    build: Callable[[Any, MultiDict, date], dict[str, Any]]
    page_template: str
    pdf_template: str
    page_endpoint: str
    pdf_endpoint: str
    file_stem: Callable[[dict[str, Any]], str]


KINDS: dict[str, ReportKind] = {
    kind.name: kind
    for kind in (
        ReportKind(
            "panel",
            panel_context,
            "reports/panel.html",
            "reports/panel_pdf.html",
            "reports.panel",
            "reports.panel_pdf",
            lambda c: "panel-follow-up",
        ),
        ReportKind(
            "matters",
            matters_context,
            "reports/matters.html",
            "reports/matters_pdf.html",
            "reports.matters",
            "reports.matters_pdf",
            lambda c: f"matters-arising-{c['report'].meeting.id}",
        ),
        ReportKind(
            "hmicfrs",
            hmicfrs_context,
            "reports/hmicfrs.html",
            "reports/hmicfrs_pdf.html",
            "reports.hmicfrs",
            "reports.hmicfrs_pdf",
            lambda c: "hmicfrs-progress",
        ),
        ReportKind(
            "actions",
            actions_context,
            "reports/actions.html",
            "reports/actions_pdf.html",
            "reports.actions",
            "reports.actions_pdf",
            lambda c: "action-log",
        ),
    )
}


def file_name(kind: ReportKind, context: dict[str, Any], *, suffix: str = "pdf") -> str:
    """A dated file name; "as at" reports carry that date too."""
    stem = kind.file_stem(context)
    if context.get("as_at"):
        stem += f"-as-at-{context['as_at'].isoformat()}"
    return f"{stem}-{context['produced_on'].isoformat()}.{suffix}"


def refusal(context: dict[str, Any]) -> str | None:
    """Why the report cannot be produced as asked (a bad "as at" date or cover wording),
    or None."""
    errors = context.get("form_errors") or {}
    return context["as_at_error"] or next(iter(errors.values()), None)
