"""CSV and XLSX exports of action lists, with stable column names and safe cells.

Two shapes. The machine format (`csv_chunks`, `to_xlsx`) is a contract: the
spreadsheet import reads the same column names and codes, and dates are ISO 8601
text. The readable workbook (`to_readable_xlsx`) is for people: headings and values
in the words the pages use, real Excel dates, column widths, a frozen header row,
a filter on every column and the protective marking in the printed header and footer.
In both, any text cell starting with =, +, -, @, a tab or a carriage return is
prefixed with an apostrophe so spreadsheet programs never run it as a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date
from itertools import islice
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from tracker.actions.models import (
    Action,
    ActionStatus,
    Marking,
    Rag,
    SourceType,
    assurance_line,
)
from tracker.audit.vocabulary import AuditEntity, audited_fields
from tracker.auth.models import Organisation
from tracker.db import LabelledEnum

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

ACTION_COLUMNS = [
    "reference",
    "title",
    "description",
    "source_type",
    "source",
    "owner_email",
    "owner_name",
    "owning_organisation",
    "lead_role",
    "raised_on",
    "due_on",
    "original_due_on",
    "status",
    "rag",
    "days_overdue",
    "marking",
    "opcc_only",
    "tags",
    "closed_on",
    "assurance",
    "latest_update",
]
OPCC_ONLY_COLUMNS = ["opcc_note"]
# Rows fetched from the database, and CSV lines written, per piece of a streamed export.
STREAM_BATCH = 1000
# How tracker.actions.queries.export_rows joins an action's tag ids.
TAG_ID_SEPARATOR = ","


def safe_cell(value: Any) -> Any:
    """A value as it should be written to a spreadsheet cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def source_label(heading: str | None, text: str | None) -> str:
    """How an action's source is named in an export: its title, subject or reference,
    else the first 100 characters of its text."""
    return heading or (text or "")[:100]


def _source_label(action: Action) -> str:
    source = action.source
    if source is None:
        return ""
    heading = next(
        (
            getattr(source, attribute)
            for attribute in ("title", "subject", "reference")
            if getattr(source, attribute, None)
        ),
        None,
    )
    return source_label(heading, getattr(source, "text", ""))


def action_records(
    rows: Iterable[Any],
    latest: dict[int, Any],
    *,
    with_opcc_notes: bool,
    assurance: dict[int, str] | None = None,
):
    """One dict per action row (rows carry .Action, .rag and .days_overdue); `assurance`
    holds the closed actions' conclusions (`tracker.actions.conclusions.assurance_lines`)."""
    for row in rows:
        action = row.Action
        record = {
            "reference": action.reference,
            "title": action.title,
            "description": action.description,
            "source_type": action.source_type.value,
            "source": _source_label(action),
            "owner_email": action.owner.email,
            "owner_name": action.owner.name,
            "owning_organisation": action.owning_organisation.value,
            "lead_role": action.lead_role,
            "raised_on": action.raised_on,
            "due_on": action.due_on,
            "original_due_on": action.original_due_on,
            "status": action.status.value,
            "rag": row.rag,
            "days_overdue": row.days_overdue,
            "marking": action.marking.label,
            "opcc_only": action.opcc_only,
            "tags": "; ".join(t.name for t in action.tags),
            "closed_on": action.closed_on,
            "assurance": (assurance or {}).get(action.id, ""),
            "latest_update": latest[action.id].text if action.id in latest else "",
        }
        if with_opcc_notes:
            record["opcc_note"] = action.opcc_note
        yield record


def action_row_records(
    rows: Iterable[Any], tags: dict[int, str], *, with_opcc_notes: bool
) -> Iterator[dict[str, Any]]:
    """One dict per plain-column row of `tracker.actions.queries.export_rows`, equal to
    what `action_records` gives for the same action. `tags` maps every tag id to its
    name, in listing order (`tracker.actions.queries.tag_names`)."""
    rank = {tag_id: position for position, tag_id in enumerate(tags)}
    for row in rows:
        tag_ids = sorted(
            (int(tag_id) for tag_id in row.tag_ids.split(TAG_ID_SEPARATOR)) if row.tag_ids else (),
            key=rank.__getitem__,
        )
        record = {
            "reference": row.reference,
            "title": row.title,
            "description": row.description,
            "source_type": row.source_type.value,
            "source": source_label(row.source_heading, row.source_text),
            "owner_email": row.owner_email,
            "owner_name": row.owner_name,
            "owning_organisation": row.owning_organisation.value,
            "lead_role": row.lead_role,
            "raised_on": row.raised_on,
            "due_on": row.due_on,
            "original_due_on": row.original_due_on,
            "status": row.status.value,
            "rag": row.rag,
            "days_overdue": row.days_overdue,
            "marking": row.marking.label,
            "opcc_only": row.opcc_only,
            "tags": "; ".join(tags[tag_id] for tag_id in tag_ids),
            "closed_on": row.closed_on,
            "assurance": (
                assurance_line(row.assurance_method, row.assurance_verdict, row.assurance_note)
                if row.status == ActionStatus.CLOSED
                else ""
            ),
            "latest_update": row.latest_update or "",
        }
        if with_opcc_notes:
            record["opcc_note"] = row.opcc_note
        yield record


def csv_chunks(columns: list[str], records: Iterable[dict[str, Any]]) -> Iterator[bytes]:
    """UTF-8 CSV in pieces: the byte-order mark (so Excel reads accents correctly) and
    header first, then STREAM_BATCH lines at a time, so a response can send each piece
    as it is written."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    yield ("\ufeff" + buffer.getvalue()).encode("utf-8")
    records = iter(records)
    while batch := list(islice(records, STREAM_BATCH)):
        buffer.seek(0)
        buffer.truncate()
        for record in batch:
            writer.writerow([safe_cell(record.get(column)) for column in columns])
        yield buffer.getvalue().encode("utf-8")


def to_csv(columns: list[str], records: Iterable[dict[str, Any]]) -> bytes:
    """The whole CSV file of `csv_chunks` in memory."""
    return b"".join(csv_chunks(columns, records))


def to_xlsx(columns: list[str], records: Iterable[dict[str, Any]], *, sheet: str) -> bytes:
    """An XLSX workbook with one sheet, a header row and text cells kept as text."""
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(title=sheet[:31])
    worksheet.append(columns)
    for record in records:
        worksheet.append([safe_cell(record.get(column)) for column in columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# The readable workbook ------------------------------------------------------------------

# Headings for export columns that are not an audited field of an action (those take
# the label the history pages use: "Due date", "Owning organisation").
_HEADINGS = {
    "source_type": "Source type",
    "source": "Source",
    "owner_email": "Owner's email",
    "owner_name": "Owner",
    "rag": "RAG",
    "days_overdue": "Days overdue",
    "latest_update": "Latest update",
    "assurance": "Assurance conclusion",
}
# Columns holding a code, said with its label ("in_progress" -> "In progress").
_CHOICES: dict[str, type[LabelledEnum]] = {
    "source_type": SourceType,
    "owning_organisation": Organisation,
    "status": ActionStatus,
    "rag": Rag,
}
# Column widths in characters; any other column is DEFAULT_WIDTH wide.
_WIDTHS = {
    "reference": 16,
    "title": 45,
    "description": 60,
    "source": 40,
    "owner_email": 32,
    "owner_name": 22,
    "owning_organisation": 20,
    "lead_role": 24,
    "status": 14,
    "rag": 10,
    "days_overdue": 14,
    "opcc_only": 11,
    "tags": 28,
    "latest_update": 60,
    "assurance": 45,
    "opcc_note": 45,
}
DEFAULT_WIDTH = 18
DATE_FORMAT = "d mmm yyyy"  # shows as "5 Jun 2023", sorts and filters as a date
_WRAPPED = {"title", "description", "assurance", "latest_update", "opcc_note"}


def readable_heading(column: str) -> str:
    """A column's heading for people: "due_on" -> "Due date"."""
    if column in _HEADINGS:
        return _HEADINGS[column]
    audited = audited_fields(AuditEntity.ACTION).get(column)
    return audited.label if audited else column.replace("_", " ").capitalize()


def readable_value(column: str, value: Any) -> Any:
    """A value for people: labels for codes, "Yes"/"No", dates kept as dates."""
    if value is None or value == "":
        return None
    if column in _CHOICES:
        try:
            return _CHOICES[column](str(value)).label
        except ValueError:
            return safe_cell(value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, date):
        return value
    return safe_cell(value)


def to_readable_xlsx(columns: list[str], records: Iterable[dict[str, Any]], *, sheet: str) -> bytes:
    """An XLSX workbook for people (same arguments as `to_xlsx`), written row by row in
    openpyxl's write-only mode so memory stays flat however many records there are.

    The printed header and footer carry the highest protective marking of the rows
    (OFFICIAL when none says otherwise)."""
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(title=sheet[:31])
    # Widths and the frozen row come before the first row in a write-only sheet.
    for number, column in enumerate(columns, start=1):
        worksheet.column_dimensions[get_column_letter(number)].width = _WIDTHS.get(
            column, DEFAULT_WIDTH
        )
    worksheet.freeze_panes = "A2"
    bold, wrapped = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    header = []
    for column in columns:
        cell = WriteOnlyCell(worksheet, readable_heading(column))
        cell.font = bold
        header.append(cell)
    worksheet.append(header)
    rows = 0
    sensitive = False
    for record in records:
        rows += 1
        sensitive = sensitive or record.get("marking") in (
            Marking.OFFICIAL_SENSITIVE,
            Marking.OFFICIAL_SENSITIVE.label,
        )
        cells = []
        for column in columns:
            cell = WriteOnlyCell(worksheet, readable_value(column, record.get(column)))
            if isinstance(cell.value, date):
                cell.number_format = DATE_FORMAT
            cell.alignment = wrapped if column in _WRAPPED else top
            cells.append(cell)
        worksheet.append(cells)
    if columns:
        worksheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{rows + 1}"
    marking = (Marking.OFFICIAL_SENSITIVE if sensitive else Marking.OFFICIAL).label
    for part in (worksheet.oddHeader.center, worksheet.oddFooter.center):
        part.text = marking
    workbook.properties.title = f"{sheet} ({marking})"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# Sources --------------------------------------------------------------------------------

SOURCE_COLUMNS: dict[str, list[str]] = {
    "meetings": [
        "id",
        "kind",
        "held_on",
        "title",
        "themes",
        "chair",
        "attendees",
        "minutes_url",
        "published",
    ],
    "adhoc_requests": [
        "id",
        "subject",
        "detail",
        "sent_on",
        "recipient",
        "response_due_on",
        "due_override_reason",
        "response_received_on",
        "response",
        "status",
    ],
    "panel_items": [
        "id",
        "panel_meeting_on",
        "agenda_item",
        "kind",
        "text",
        "response_due_on",
        "pcc_response",
        "pcc_response_on",
        "published",
    ],
    "findings": [
        "id",
        "report_code",
        "report_title",
        "kind",
        "reference",
        "text",
        "cause_of_concern",
        "inspectorate_status",
    ],
}


def source_records(kind: str, sources: Iterable[Any]) -> Iterable[dict[str, Any]]:
    """One dict per source record, under the stable column names for `kind`."""
    for source in sources:
        record = {}
        for column in SOURCE_COLUMNS[kind]:
            if column == "report_code":
                value = source.report.code
            elif column == "report_title":
                value = source.report.title
            elif column == "cause_of_concern":
                value = source.parent.reference if source.parent else ""
            else:
                value = getattr(source, column)
            record[column] = value.value if hasattr(value, "value") else value
        yield record
