"""An s.55 response as an accessible PDF and as a Word document.

Both are built from the same `S55Document`, so they say the same thing. The PDF goes
through reports.render (tagged PDF/UA-1, files from static/ only, the report stylesheet
and the marking in every page's header and footer, as pdf_base.html sets them); the Word
document uses Word's own heading styles and carries the marking in its header and footer
(reports.word's helpers), because offices publish through their own CMS and templates.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from docx import Document
from docx.shared import Pt
from flask import current_app, render_template

from tracker.actions.models import Marking
from tracker.clock import today
from tracker.deadlines import Deadline, s55_comments_due
from tracker.filters import format_date
from tracker.reports.render import render_pdf
from tracker.reports.word import _labelled, _marking_on_every_page
from tracker.s55.models import S55Entry, S55Response
from tracker.s55.services import NO_ACTION


@dataclass(frozen=True)
class S55Document:
    """What an s.55 response says, in reading order."""

    response: S55Response
    title: str
    deadline: Deadline
    marking: Marking
    details: list[tuple[str, str]]
    entries: list[S55Entry]


def document_for(response: S55Response) -> S55Document:
    """The document of one version: its title, the report's details and its entries."""
    report = response.report
    deadline = s55_comments_due(report.published_on)
    details = [
        ("HMICFRS report", f"{report.title} ({report.code})"),
        ("Type", report.report_type.label),
        ("Published by HMICFRS", format_date(report.published_on)),
        ("Comments due (s.55)", format_date(deadline.due)),
        ("Version", f"{response.number}: {response.state.label}"),
    ]
    if response.approved_on:
        details.append(("Approved", format_date(response.approved_on)))
    if response.published_on:
        details.append(("Published", format_date(response.published_on)))
    return S55Document(
        response=response,
        title=f"Police and Crime Commissioner's response to {report.title}",
        deadline=deadline,
        marking=response.marking,
        details=details,
        entries=list(response.entries),
    )


def file_name(response: S55Response, suffix: str) -> str:
    """ "s55-response-peel22-v2-2026-11-30.pdf": the report's code, version and date."""
    code = re.sub(r"[^a-z0-9]+", "-", response.report.code.lower()).strip("-") or "report"
    return f"s55-response-{code}-v{response.number}-{today().isoformat()}.{suffix}"


def s55_pdf(response: S55Response) -> bytes:
    """The response as a tagged PDF/UA-1 document."""
    document = document_for(response)
    html = render_template(
        "s55/pdf.html",
        document=document,
        title=document.title,
        marking=document.marking,
        produced_on=today(),
        as_at=None,
        no_action=NO_ACTION,
    )
    return render_pdf(html)


def _paragraphs(word, text: str) -> None:
    for block in (text or "").split("\n\n"):
        word.add_paragraph(block.strip())


def s55_docx(response: S55Response) -> bytes:
    """The response as a Word document with headings and the marking on every page."""
    document = document_for(response)
    word = Document()
    word.core_properties.title = document.title
    word.core_properties.author = current_app.config["OPCC_NAME"]
    word.styles["Normal"].font.size = Pt(11)
    _marking_on_every_page(word.sections[0], document.marking.label)
    word.add_heading(document.title, level=0)
    _labelled(word, "Organisation", current_app.config["OPCC_NAME"])
    for label, value in document.details:
        _labelled(word, label, value)
    _labelled(word, "Marking", document.marking.label)
    word.add_heading("The Chief Constable's comments", level=1)
    _paragraphs(word, response.cc_comments or "None received.")
    word.add_heading("The Police and Crime Commissioner's comments", level=1)
    _paragraphs(word, response.pcc_comments)
    word.add_heading("Recommendations and the action taken", level=1)
    for entry in document.entries:
        finding = entry.finding
        word.add_heading(f"{finding.kind.label} {finding.reference}", level=2)
        _paragraphs(word, finding.text)
        word.add_heading("Action taken or proposed", level=3)
        _paragraphs(word, entry.action_text or NO_ACTION)
        if entry.no_action_reason:
            word.add_heading("Reason no action is taken", level=3)
            _paragraphs(word, entry.no_action_reason)
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()
