"""CSV and XLSX exports of action lists, with stable column names and safe cells.

The column names are a contract: the spreadsheet import reads the same ones. Dates
are ISO 8601. Any text cell starting with =, +, -, @, a tab or a carriage return is
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

from tracker.actions.models import Action

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


def action_records(rows: Iterable[Any], latest: dict[int, Any], *, with_opcc_notes: bool):
    """One dict per action row (rows carry .Action, .rag and .days_overdue)."""
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
