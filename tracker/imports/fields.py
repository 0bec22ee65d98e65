"""What each import target reads: its fields, their labels and the headings that name them.

Headings are matched case-, space- and punctuation-insensitively, so "Due Date",
"due_date" and "DUE-DATE" all name the due date. The export column names
(tracker/exports.py) come first in each list so an export imports back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    aliases: tuple[str, ...]
    required: bool = False
    hint: str = ""


ACTION_FIELDS: tuple[Field, ...] = (
    Field(
        "reference",
        "Reference",
        ("reference", "ref", "reportref", "actionref", "actionreference", "refno", "actionno"),
        hint="Blank: numbered automatically. An existing reference updates or skips that action.",
    ),
    Field("title", "Title", ("title", "action", "summary", "actiontitle"), required=True),
    Field("description", "Description", ("description", "details", "detail", "actiondetails")),
    Field("source_type", "Source type", ("sourcetype",)),
    Field(
        "source",
        "Source",
        ("source", "meeting", "raisedat", "sourcereference"),
        hint="A meeting title or date, request subject, Panel item text or finding reference.",
    ),
    Field(
        "owner",
        "Owner (email or name)",
        ("owneremail", "owner", "assignedto", "actionowner", "email"),
        required=True,
    ),
    Field("owner_name", "Owner name (used when no email)", ("ownername",)),
    Field("owning_organisation", "Owning organisation", ("owningorganisation", "organisation")),
    Field("lead_role", "Lead role", ("leadrole",)),
    Field("raised_on", "Date raised", ("raisedon", "dateraised", "committeedate", "meetingdate")),
    Field("due_on", "Due date", ("dueon", "targetdate", "duedate", "due", "deadline"), True),
    Field("original_due_on", "Original due date", ("originaldueon", "originalduedate")),
    Field("status", "Status", ("status", "closurestatus", "actionstatus")),
    Field("marking", "Protective marking", ("marking", "protectivemarking")),
    Field("opcc_only", "OPCC only", ("opcconly", "restricted")),
    Field("tags", "Tags", ("tags",)),
    Field("closed_on", "Date closed", ("closedon", "dateclosed", "closeddate")),
    Field(
        "latest_update",
        "Update",
        ("latestupdate", "update", "conclusion", "progress", "progressupdate"),
        hint="Added as the first update of a new action.",
    ),
    Field("opcc_note", "Internal OPCC note", ("opccnote",)),
)

PANEL_ITEM_FIELDS: tuple[Field, ...] = (
    Field("id", "Id (updates that Panel item)", ("id",)),
    Field(
        "panel_meeting_on",
        "Date of the Panel meeting",
        ("panelmeetingon", "panelmeetingdate", "meetingdate", "committeedate", "date"),
        required=True,
    ),
    Field("agenda_item", "Agenda item", ("agendaitem", "item")),
    Field("kind", "Type", ("kind", "type")),
    Field(
        "text",
        "What the Panel asked",
        ("text", "recommendation", "request", "details", "summary"),
        required=True,
    ),
    Field("response_due_on", "Response due date", ("responsedueon", "duedate", "targetdate")),
    Field("pcc_response", "The PCC's response", ("pccresponse", "response", "conclusion")),
    Field("pcc_response_on", "Date of the response", ("pccresponseon", "responsedate")),
    Field("published", "Published", ("published",)),
)

FINDING_FIELDS: tuple[Field, ...] = (
    Field("reference", "Reference", ("reference", "ref", "reportref"), required=True),
    Field("kind", "Kind (inferred from the reference when blank)", ("kind", "type")),
    Field("text", "Text", ("text", "finding", "details", "description", "summary"), True),
    Field("cause_of_concern", "Cause of concern", ("causeofconcern", "parent")),
    Field("inspectorate_status", "Inspectorate status", ("inspectoratestatus", "status")),
    Field("report_code", "Report code (other reports' rows are left out)", ("reportcode",)),
)

TARGET_FIELDS: dict[str, tuple[Field, ...]] = {
    "actions": ACTION_FIELDS,
    "panel_items": PANEL_ITEM_FIELDS,
    "findings": FINDING_FIELDS,
}

TARGET_LABELS = {
    "actions": "Actions",
    "panel_items": "Police and Crime Panel items",
    "findings": "HMICFRS findings",
}


def normalise(heading: object) -> str:
    """A heading reduced to lower-case letters and digits ("Due Date" -> "duedate")."""
    return re.sub(r"[^a-z0-9]", "", str(heading or "").casefold())


def detect_mapping(target: str, headings: list[str]) -> dict[str, str]:
    """{field name: heading} for every field a heading names (first matching alias wins)."""
    by_key: dict[str, str] = {}
    for heading in headings:
        by_key.setdefault(normalise(heading), heading)
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for field in TARGET_FIELDS[target]:
        for alias in field.aliases:
            heading = by_key.get(alias)
            if heading is not None and heading not in used:
                mapping[field.name] = heading
                used.add(heading)
                break
    return mapping


def clean_mapping(target: str, mapping: dict[str, str], headings: list[str]) -> dict[str, str]:
    """Only known fields mapped to headings the file has (a stale or crafted mapping is cut)."""
    names = {field.name for field in TARGET_FIELDS[target]}
    return {
        name: heading
        for name, heading in (mapping or {}).items()
        if name in names and isinstance(heading, str) and heading in headings
    }
