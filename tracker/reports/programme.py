"""The Panel's work programme as a paper: a PDF (through `render.render_pdf`) and a
Word document (with the helpers of `word`), built from one context so both say the same.

The programme is short (a few dozen topics), so both are made in the request.
"""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from docx.shared import Pt
from flask import current_app, render_template

from tracker.actions.models import Marking
from tracker.clock import today
from tracker.db import db
from tracker.filters import format_date
from tracker.reports.word import _labelled, _marking_on_every_page, _table
from tracker.sources.models import WorkProgrammeItem
from tracker.sources.queries import work_programme

TITLE = "Police and Crime Panel work programme"
COLUMNS = (
    "Panel meeting",
    "Topic or area of scrutiny",
    "Last reported",
    "Report requested from the PCC",
    "Notes and follow-up",
)


def _row(topic: WorkProgrammeItem) -> tuple[str, ...]:
    """One topic in words, as both the PDF and the Word table show it."""
    requested = "No"
    if topic.report_requested:
        requested = "Yes"
        if topic.report_due_on:
            requested += f", due {format_date(topic.report_due_on)}"
    return (
        format_date(topic.panel_meeting.held_on) if topic.panel_meeting else "Not yet scheduled",
        topic.topic,
        format_date(topic.last_reported_on) if topic.last_reported_on else "Not yet",
        requested,
        topic.notes,
    )


def programme_context() -> dict[str, Any]:
    """What the paper shows: its title, date, marking and the programme's rows."""
    topics = db.session.scalars(work_programme()).all()
    return {
        "title": TITLE,
        "panel_name": current_app.config["PANEL_NAME"],
        "produced_on": today(),
        "as_at": None,
        "marking": Marking.OFFICIAL,
        "columns": COLUMNS,
        "rows": [_row(topic) for topic in topics],
    }


def programme_html(context: dict[str, Any]) -> str:
    """The paper as HTML for WeasyPrint."""
    return render_template("reports/programme_pdf.html", **context)


def programme_docx(context: dict[str, Any]) -> bytes:
    """The paper as a Word document, the marking in every page's header and footer."""
    document = Document()
    document.core_properties.title = context["title"]
    document.core_properties.author = context["panel_name"]
    document.styles["Normal"].font.size = Pt(10)
    _marking_on_every_page(document.sections[0], context["marking"].label)
    document.add_paragraph(context["panel_name"])
    document.add_heading(context["title"], level=0)
    _labelled(document, "Produced", format_date(context["produced_on"]))
    _labelled(document, "Marking", context["marking"].label)
    document.add_heading("Topics by Panel meeting", level=1)
    if context["rows"]:
        _table(document, context["columns"], context["rows"])
    else:
        document.add_paragraph("No topics on the work programme.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def file_stem(context: dict[str, Any]) -> str:
    """The dated file name without its suffix."""
    return f"panel-work-programme-{context['produced_on'].isoformat()}"
