"""The Panel follow-up report as a Word document, for committee systems built on Word.

It is built from the same context as the preview and the PDF (`kinds.panel_context`), so
it carries the same cover, summary and items table: the marking in every page's header
and footer, Word's own heading styles (so the navigation pane and agenda tools find
them) and the table's header row repeated on every page. A long report is prepared by
the worker like the PDF: its job kind is PANEL_DOCX.
"""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from flask import Response, current_app
from werkzeug.datastructures import MultiDict

from tracker.auth.models import User
from tracker.clock import today
from tracker.filters import format_date
from tracker.reports.jobs import RUNNERS, JobFailedError, JobOutput, Progress, args_of
from tracker.reports.kinds import KINDS, file_name, refusal
from tracker.reports.models import ReportJob
from tracker.reports.queries import RESPONSE_STATES, PanelReport

PANEL_DOCX = "panel_docx"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
RAGS = ("red", "amber", "green", "complete")
TABLE_COLUMNS = (
    "Raised",
    "Panel item",
    "PCC response",
    "Action",
    "Owner",
    "Due (revised)",
    "Status",
    "RAG",
    "Latest update",
)


def _marking_on_every_page(section: Any, marking: str) -> None:
    for part in (section.header, section.footer):
        paragraph = part.paragraphs[0]
        paragraph.text = marking
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.runs[0].bold = True


def _repeat_as_header(row: Any) -> None:
    """Mark a table row as a header row Word repeats at the top of every page."""
    properties = row._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    properties.append(flag)


def _table(document: Any, headings: tuple[str, ...], rows: list[tuple[str, ...]]) -> Any:
    table = document.add_table(rows=1, cols=len(headings))
    table.style = "Table Grid"
    for cell, heading in zip(table.rows[0].cells, headings, strict=True):
        cell.text = heading
        cell.paragraphs[0].runs[0].bold = True
    _repeat_as_header(table.rows[0])
    for values in rows:
        for cell, value in zip(table.add_row().cells, values, strict=True):
            cell.text = value
    return table


def _labelled(document: Any, label: str, value: str) -> None:
    paragraph = document.add_paragraph()
    paragraph.add_run(f"{label}: ").bold = True
    paragraph.add_run(value)


def _cover(document: Any, context: dict[str, Any]) -> None:
    cover = context["cover"]
    document.add_paragraph(cover.meeting)
    document.add_heading(cover.title, level=0)
    if cover.number:
        _labelled(document, "Report number", cover.number)
    _labelled(document, "Organisation", current_app.config["OPCC_NAME"])
    _labelled(document, "Produced", format_date(context["produced_on"]))
    _labelled(document, "As at", format_date(context["as_at"] or context["produced_on"]))
    _labelled(document, "Marking", context["marking"].label)
    for heading, text in (
        ("Purpose", cover.purpose),
        ("Recommendation", cover.recommendation),
    ):
        document.add_heading(heading, level=1)
        document.add_paragraph(text)
    document.add_heading("Contact officer", level=1)
    contact = cover.contact
    if contact:
        for label, value in (
            ("Name", contact.name),
            ("Role", contact.role),
            ("Email", contact.email),
            ("Telephone", contact.telephone),
        ):
            if value:
                _labelled(document, label, value)
    else:
        document.add_paragraph("Not set")
    document.add_heading("Background", level=1)
    document.add_paragraph(cover.background)


def _summary(document: Any, report: PanelReport) -> None:
    document.add_heading("Summary", level=1)
    responses = report.response_counts
    rows = [(RESPONSE_STATES[state], str(n)) for state, n in responses.items()]
    rows.append(("Total Panel items", str(sum(responses.values()))))
    _table(document, ("PCC response", "Panel items"), rows)
    document.add_paragraph(action_summary(report))
    rags = [(rag.capitalize(), str(report.counts.get(rag, 0))) for rag in RAGS]
    _table(document, ("RAG", "Actions"), rags)


def action_summary(report: PanelReport) -> str:
    """ "N actions across M items", as the summary words it."""
    actions, items = report.action_count, report.items_with_actions
    return (
        f"{actions} action{'' if actions == 1 else 's'} across "
        f"{items} item{'' if items == 1 else 's'}"
    )


def _item_rows(report: PanelReport) -> list[tuple[str, ...]]:
    rows = []
    for row in report.rows:
        item = row.item
        response = row.response_line
        if row.answered and item.pcc_response:
            response += f": {item.pcc_response}"
        shared = (format_date(item.panel_meeting_on), f"{item.kind.label}: {item.text}", response)
        if not row.actions:
            due = format_date(item.response_due_on)
            rows.append((*shared, "No action recorded", "", due, "", "", ""))
        for action, rag in row.actions:
            latest = report.latest.get(action.id)
            due = format_date(action.original_due_on)
            if action.due_on != action.original_due_on:
                due += f" ({format_date(action.due_on)})"
            status = action.status.label
            if action.closed_on:
                status += f", closed {format_date(action.closed_on)}"
            if action.id in report.assurance:  # as the PDF's status cell (status_text)
                status += f"\nAssurance: {report.assurance[action.id]}"
            rows.append(
                (
                    *shared,
                    f"{action.reference}: {action.title}",
                    action.owner.name,
                    due,
                    status,
                    (rag or "").capitalize(),
                    f"{format_date(latest.created_at)}: {latest.text}" if latest else "",
                )
            )
    return rows


def panel_docx(context: dict[str, Any]) -> bytes:
    """The Panel follow-up report (the context `kinds.panel_context` builds) as .docx."""
    report: PanelReport = context["report"]
    document = Document()
    document.core_properties.title = context["cover"].title
    document.core_properties.author = current_app.config["OPCC_NAME"]
    document.styles["Normal"].font.size = Pt(10)
    _marking_on_every_page(document.sections[0], context["marking"].label)
    _cover(document, context)
    _summary(document, report)
    # The items table is wide: it gets a landscape section of its own (the header and
    # footer, and so the marking, carry over from the section before).
    landscape = document.add_section()
    landscape.orientation = WD_ORIENT.LANDSCAPE
    landscape.page_width, landscape.page_height = landscape.page_height, landscape.page_width
    document.add_heading("Panel items and follow-up actions", level=1)
    rows = _item_rows(report)
    if rows:
        _table(document, TABLE_COLUMNS, rows)
    else:
        document.add_paragraph("No Panel items match.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def docx_download(body: bytes, *, filename: str) -> Response:
    """A Word download under `filename`, never cached (it may be OFFICIAL-SENSITIVE)."""
    response = Response(body, mimetype=DOCX_TYPE)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def write_panel_docx(job: ReportJob, user: User, progress: Progress) -> JobOutput:
    """The job's Word document: the same context as the page, for the user who asked."""
    kind = KINDS["panel"]
    progress.stage("Reading the actions", total=job.item_count)
    context = kind.build(user, MultiDict(args_of(job)), today())
    if refusal(context):
        raise JobFailedError(refusal(context))
    progress.stage(f"Writing the Word document of {context['item_count']} actions")
    body = panel_docx(context)
    name = file_name(kind, context, suffix="docx")
    return JobOutput(body, name, DOCX_TYPE, context["item_count"])


RUNNERS[PANEL_DOCX] = write_panel_docx
