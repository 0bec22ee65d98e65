"""Checking rows of Panel items and HMICFRS findings (from a file or pasted text)."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select

from tracker.db import db
from tracker.exports import SOURCE_COLUMNS
from tracker.imports.fields import FINDING_FIELDS, PANEL_ITEM_FIELDS, normalise
from tracker.imports.parsing import Issue, Sheet, text_value
from tracker.imports.plan import CREATE, SKIP, UNCHANGED, UPDATE, Plan, RowPlan, RowReader
from tracker.imports.plan import check_unique as _check_unique
from tracker.sources import rules
from tracker.sources.models import (
    TEXT_MAX,
    TITLE_MAX,
    Finding,
    FindingKind,
    HmicfrsReport,
    InspectorateStatus,
    PanelItem,
    PanelItemKind,
)

PANEL_KIND_SYNONYMS = {
    "rfi": PanelItemKind.INFORMATION,
    "information": PanelItemKind.INFORMATION,
    "informationrequest": PanelItemKind.INFORMATION,
    "annualreport": PanelItemKind.ANNUAL_REPORT,
    "rec": PanelItemKind.RECOMMENDATION,
}
FINDING_KIND_SYNONYMS = {
    "coc": FindingKind.CAUSE_OF_CONCERN,
    "acoc": FindingKind.ACCELERATED_CAUSE_OF_CONCERN,
    "rec": FindingKind.RECOMMENDATION,
    "afi": FindingKind.AREA_FOR_IMPROVEMENT,
}
STATUS_SYNONYMS = {
    "open": InspectorateStatus.AWAITING_REVIEW,
    "inprogress": InspectorateStatus.BEING_PROGRESSED,
    "discharged": InspectorateStatus.COMPLETE,
    "closed": InspectorateStatus.COMPLETE,
    "completed": InspectorateStatus.COMPLETE,
}
_REFERENCE_RE = re.compile(r"^(acoc|coc|afi|rec|r)\s*(\d+[a-z]?)$", re.IGNORECASE)
_PREFIX_KIND = {
    "acoc": FindingKind.ACCELERATED_CAUSE_OF_CONCERN,
    "coc": FindingKind.CAUSE_OF_CONCERN,
    "afi": FindingKind.AREA_FOR_IMPROVEMENT,
    "rec": FindingKind.RECOMMENDATION,
    "r": FindingKind.RECOMMENDATION,
}
REFERENCE_MAX = 20
# The finding form's field names (which the rules use) that a findings file names otherwise.
FINDING_COLUMNS = {"parent_id": "cause_of_concern"}
# An existing Panel item is compared on every exported column but its id.
PANEL_COMPARED = tuple(name for name in SOURCE_COLUMNS["panel_items"] if name != "id")


def kind_from_reference(reference: str) -> FindingKind | None:
    """AFI3 -> area for improvement, R1/Rec1 -> recommendation, CoC1 -> cause of concern."""
    match = _REFERENCE_RE.match(reference.strip())
    return _PREFIX_KIND[match[1].casefold()] if match else None


def tidy_reference(text: str) -> str:
    """A finding reference without spaces or punctuation ("AFI 3" -> "AFI3")."""
    return re.sub(r"[^A-Za-z0-9]", "", text)


# Panel items ------------------------------------------------------------------------------


def check_panel_items(sheet: Sheet, mapping: dict[str, str], options: dict[str, Any]) -> Plan:
    """Check every row of a Panel items file; an `id` that exists updates or skips that item."""
    plan = Plan(target="panel_items", row_count=len(sheet.rows))
    reader = RowReader(plan, PANEL_ITEM_FIELDS, mapping, sheet.headings)
    update_existing = options.get("existing", "skip") == "update"
    existing = {item.id: item for item in db.session.scalars(select(PanelItem))}
    seen: dict[str, int] = {}
    for number, row_values in sheet.rows:
        reader.start(number, row_values)
        item_id_text = reader.text("id")
        _check_unique(reader, seen, item_id_text, "id")
        item = existing.get(int(item_id_text)) if item_id_text.isdigit() else None
        if item_id_text and item is None:
            reader.warn("id", f"No Panel item has id {item_id_text}: a new one will be recorded")
        if item is not None and not update_existing:
            plan.rows.append(RowPlan(number, SKIP, f"Panel item {item.id} exists", {}, item.id))
            continue
        values = {
            "panel_meeting_on": reader.date("panel_meeting_on", required="Enter the Panel date"),
            "agenda_item": reader.text("agenda_item", max_length=TITLE_MAX),
            "kind": reader.choice("kind", PanelItemKind, PANEL_KIND_SYNONYMS)
            or PanelItemKind.RECOMMENDATION,
            "text": reader.text("text", max_length=TEXT_MAX, required="Enter the Panel's text"),
            "response_due_on": reader.date("response_due_on"),
            "pcc_response": reader.text("pcc_response", max_length=TEXT_MAX),
            "pcc_response_on": reader.date("pcc_response_on"),
            "published": reader.yes_no("published", True),
        }
        # The rules judge the item as it would be saved: the file's values over the current.
        saved = {
            name: values[name] if item is None or reader.has(name) else getattr(item, name)
            for name in (
                "panel_meeting_on",
                "response_due_on",
                "pcc_response",
                "pcc_response_on",
                "kind",
            )
        }
        for name, message in rules.check_panel_item(**saved).items():
            reader.error(name, message)
        if reader.failed:
            continue
        label = values["text"][:80]
        if item is None:
            plan.rows.append(RowPlan(number, CREATE, label, values))
            continue
        changes = {name: values[name] for name in PANEL_COMPARED if reader.has(name)}
        operation = UPDATE if any(getattr(item, n) != v for n, v in changes.items()) else UNCHANGED
        plan.rows.append(RowPlan(number, operation, label, changes, item.id))
    return plan


# HMICFRS findings -------------------------------------------------------------------------


def check_findings(sheet: Sheet, mapping: dict[str, str], options: dict[str, Any]) -> Plan:
    """Check every row of a findings file for the chosen report."""
    plan = Plan(target="findings", row_count=len(sheet.rows))
    report = db.session.get(HmicfrsReport, options.get("report_id") or 0)
    if report is None:
        plan.errors.append(_issue(None, "", "Choose the HMICFRS report the findings belong to"))
        return plan
    reader = RowReader(plan, FINDING_FIELDS, mapping, sheet.headings)
    update_existing = options.get("existing", "skip") == "update"
    existing = {f.reference.casefold(): f for f in report.findings}
    in_file: dict[str, FindingKind] = {}
    seen: dict[str, int] = {}
    for number, row_values in sheet.rows:
        reader.start(number, row_values)
        code = reader.text("report_code")
        if code and code.casefold() != report.code.casefold():
            plan.warnings.append(_issue(number, reader.column("report_code"), _other(code)))
            continue
        missing = (
            "The line must start with a reference such as AFI 3, R1 or CoC1"
            if sheet.kind == "text"
            else "Enter the reference"
        )
        reference = tidy_reference(reader.text("reference", required=missing))
        if len(reference) > REFERENCE_MAX:
            reader.error("reference", f"Must be {REFERENCE_MAX} characters or fewer")
        _check_unique(reader, seen, reference, "reference")
        finding = existing.get(reference.casefold())
        if finding is not None and not update_existing:
            plan.rows.append(RowPlan(number, SKIP, f"{reference} exists", {}, finding.id))
            continue
        kind = reader.choice("kind", FindingKind, FINDING_KIND_SYNONYMS)
        kind = kind or kind_from_reference(reference)
        if kind is None and reference:
            reader.error("kind", f"Cannot tell the kind of {reference}: enter the kind")
        values = {
            "reference": reference,
            "kind": kind,
            "text": reader.text("text", max_length=TEXT_MAX, required="Enter the finding's text"),
            "inspectorate_status": reader.choice(
                "inspectorate_status", InspectorateStatus, STATUS_SYNONYMS
            )
            or InspectorateStatus.AWAITING_REVIEW,
            "parent": tidy_reference(reader.text("cause_of_concern")),
        }
        if reference and kind:
            in_file[reference.casefold()] = kind
        _plan_finding(plan, reader, values, finding, existing, in_file)
    return plan


def _other(code: str) -> str:
    return f"Belongs to report {code}, not the one chosen: left out"


def _issue(row: int | None, column: str, message: str) -> Issue:
    return Issue(row, column, message)


def _plan_finding(
    plan: Plan,
    reader: RowReader,
    values: dict[str, Any],
    finding: Finding | None,
    existing: dict[str, Finding],
    in_file: dict[str, FindingKind],
) -> None:
    parent = values["parent"]
    choice = None
    if parent:
        key = parent.casefold()
        choice = rules.ParentChoice(
            reference=parent,
            kind=in_file.get(key) or (existing[key].kind if key in existing else None),
            is_self=key == values["reference"].casefold(),
        )
    problems = rules.check_finding_parent(values["kind"], choice)
    if finding is not None:
        has_children = bool(finding.children)
        problems.update(
            rules.check_finding_kind(finding.reference, values["kind"], has_children=has_children)
        )
    for name, message in problems.items():
        reader.error(FINDING_COLUMNS.get(name, name), message)
    if reader.failed:
        return
    if finding is None:
        plan.rows.append(RowPlan(reader.number, CREATE, values["reference"], values))
        return
    current_parent = finding.parent.reference if finding.parent else ""
    changes = {
        name: values[name]
        for name in ("kind", "text", "inspectorate_status")
        if reader.has(name) or name == "kind"
    }
    if reader.has("cause_of_concern"):
        changes["parent"] = parent
    differs = any(getattr(finding, n) != v for n, v in changes.items() if n != "parent") or (
        "parent" in changes and normalise(current_parent) != normalise(parent)
    )
    plan.rows.append(
        RowPlan(
            reader.number, UPDATE if differs else UNCHANGED, finding.reference, changes, finding.id
        )
    )


# Pasted findings --------------------------------------------------------------------------

_PASTED_LINE = re.compile(
    r"^\s*(?P<ref>(?:accelerated\s+cause\s+of\s+concern|cause\s+of\s+concern|area\s+for\s+"
    r"improvement|recommendation|acoc|coc|afi|rec|r)\s*\d+[a-z]?)\s*[:.\-\u2013)]?\s+(?P<text>.+)$",
    re.IGNORECASE,
)
_LONG_NAMES = {
    "acceleratedcauseofconcern": "ACoC",
    "causeofconcern": "CoC",
    "areaforimprovement": "AFI",
    "recommendation": "R",
}


def pasted_findings_sheet(text: str) -> Sheet:
    """Pasted lines ("AFI 3 The force should...") as a sheet: reference, text, parent.

    A recommendation that follows a cause of concern belongs to it; an unreadable line is
    kept with no reference so the check reports it by line number.
    """
    sheet = Sheet(headings=["reference", "text", "cause_of_concern"], rows=[], kind="text")
    cause = ""
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = _PASTED_LINE.match(line)
        if match is None:
            sheet.rows.append((number, ["", line.strip(), ""]))
            continue
        reference = tidy_reference(match["ref"])
        for long_name, short in _LONG_NAMES.items():
            if reference.casefold().startswith(long_name):
                reference = short + reference[len(long_name) :]
        kind = kind_from_reference(reference)
        parent = ""
        if kind is not None and kind.is_cause_of_concern:
            cause = reference
        elif kind == FindingKind.RECOMMENDATION:
            parent = cause
        else:
            cause = ""
        sheet.rows.append((number, [reference, text_value(match["text"]), parent]))
    return sheet
