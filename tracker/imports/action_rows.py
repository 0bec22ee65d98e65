"""Checking rows of actions: owners, sources, dates, statuses, references.

Everything the rows refer to (users, sources, tags, existing actions) is loaded once
into dictionaries, so a file of ten thousand rows costs a handful of queries.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker.actions import rules
from tracker.actions.models import TITLE_MAX, Action, ActionStatus, Marking, SourceType
from tracker.actions.services import EDITABLE_FIELDS
from tracker.auth.models import Organisation, User
from tracker.db import db
from tracker.imports.fields import ACTION_FIELDS
from tracker.imports.parsing import Sheet, date_value, text_value
from tracker.imports.plan import (
    CREATE,
    SKIP,
    UNCHANGED,
    UPDATE,
    Plan,
    RowPlan,
    RowReader,
    check_unique,
    chunks,
)
from tracker.settings.models import Tag
from tracker.sources.models import TEXT_MAX, AdhocRequest, Finding, Meeting, PanelItem

# The same rule as the action form's reference field.
REFERENCE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-/.]*$")
STATUS_SYNONYMS = {
    "new": ActionStatus.OPEN,
    "notstarted": ActionStatus.OPEN,
    "ongoing": ActionStatus.IN_PROGRESS,
    "underway": ActionStatus.IN_PROGRESS,
    "started": ActionStatus.IN_PROGRESS,
    "progressing": ActionStatus.IN_PROGRESS,
    "submitted": ActionStatus.IMPLEMENTED,
    "complete": ActionStatus.CLOSED,
    "completed": ActionStatus.CLOSED,
    "done": ActionStatus.CLOSED,
    "discharged": ActionStatus.CLOSED,
    "achieved": ActionStatus.CLOSED,
}
SOURCE_TYPE_SYNONYMS = {
    "meeting": SourceType.MEETING,
    "aameeting": SourceType.MEETING,
    "adhoc": SourceType.ADHOC,
    "adhocrequest": SourceType.ADHOC,
    "request": SourceType.ADHOC,
    "panel": SourceType.PANEL,
    "panelitem": SourceType.PANEL,
    "hmicfrs": SourceType.HMICFRS,
    "finding": SourceType.HMICFRS,
}
SOURCE_MODELS = {
    SourceType.MEETING: Meeting,
    SourceType.ADHOC: AdhocRequest,
    SourceType.PANEL: PanelItem,
    SourceType.HMICFRS: Finding,
}
# Fields an update compares and sets (the status moves only through the state machine).
UPDATABLE = (*EDITABLE_FIELDS, "tags")


def source_label(source: Any) -> str:
    """How a source is named in a spreadsheet (the same label the export writes)."""
    for attribute in ("title", "subject", "reference"):
        if getattr(source, attribute, None):
            return getattr(source, attribute)
    return str(getattr(source, "text", ""))[:100]


def source_date(source: Any) -> date | None:
    """The day a source's actions were raised, when a row gives none."""
    for attribute in ("held_on", "sent_on", "panel_meeting_on"):
        if getattr(source, attribute, None):
            return getattr(source, attribute)
    report = getattr(source, "report", None)
    return report.published_on if report else None


class SourceIndex:
    """Sources of one type by their label (and meetings by date)."""

    def __init__(self, source_type: SourceType) -> None:
        model = SOURCE_MODELS[source_type]
        query = select(model)
        if model is Finding:
            query = query.options(selectinload(Finding.report))
        self.by_id: dict[int, Any] = {}
        self.by_label: dict[str, list[Any]] = defaultdict(list)
        self.by_date: dict[date, list[Any]] = defaultdict(list)
        for source in db.session.scalars(query):
            self.by_id[source.id] = source
            self.by_label[source_label(source).casefold()].append(source)
            if model is PanelItem and source.agenda_item:
                self.by_label[source.agenda_item.casefold()].append(source)
            if model is Finding:
                self.by_label[f"{source.report.code}-{source.reference}".casefold()].append(source)
            if model is Meeting:
                self.by_date[source.held_on].append(source)

    def find(self, text: str) -> tuple[Any | None, str]:
        """The one source `text` names, or None and why not."""
        matches = self.by_label.get(text.casefold()) or self.by_label.get(text[:100].casefold())
        if not matches:
            try:
                day = date_value(text)
            except ValueError:
                day = None
            matches = self.by_date.get(day, []) if day else []
        if not matches:
            return None, f"No source called {text!r}"
        unique = {source.id: source for source in matches}
        if len(unique) > 1:
            return None, f"{text!r} matches {len(unique)} sources: name it more exactly"
        return next(iter(unique.values())), ""


class ActionRowChecker:
    """Checks every row of an actions file into a Plan."""

    def __init__(self, sheet: Sheet, mapping: dict[str, str], options: dict[str, Any]) -> None:
        self.sheet = sheet
        self.mapping = mapping
        self.options = options
        self.default_type = SourceType(options.get("source_type") or SourceType.MEETING.value)
        self.update_existing = options.get("existing", "skip") == "update"
        self.plan = Plan(target="actions", row_count=len(sheet.rows))
        self.reader = RowReader(self.plan, ACTION_FIELDS, mapping, sheet.headings)
        self.sources: dict[SourceType, SourceIndex] = {}
        users = list(db.session.scalars(select(User)))
        self.by_email = {user.email.casefold(): user for user in users}
        self.by_name: dict[str, list[User]] = defaultdict(list)
        for user in users:
            if user.active:
                self.by_name[user.name.casefold()].append(user)
        self.tags = {tag.name.casefold(): tag for tag in db.session.scalars(select(Tag))}
        self.existing = self._existing_actions()

    def _existing_actions(self) -> dict[str, Action]:
        if not self.reader.has("reference"):
            return {}
        index = self.reader.columns["reference"]
        references = sorted(
            {
                text_value(values[index]).upper()
                for _n, values in self.sheet.rows
                if index < len(values)
            }
            - {""}
        )
        found: dict[str, Action] = {}
        for part in chunks(references):
            query = (
                select(Action).where(Action.reference.in_(part)).options(selectinload(Action.tags))
            )
            for action in db.session.scalars(query):
                found[action.reference] = action
        return found

    def index_for(self, source_type: SourceType) -> SourceIndex:
        if source_type not in self.sources:
            self.sources[source_type] = SourceIndex(source_type)
        return self.sources[source_type]

    def check(self) -> Plan:
        seen: dict[str, int] = {}
        for number, values in self.sheet.rows:
            self.reader.start(number, values)
            row = self._row(seen)
            if row is not None and not self.reader.failed:
                self.plan.rows.append(row)
        return self.plan

    def _owner(self) -> User | None:
        r = self.reader
        name_field = "owner" if r.text("owner") else "owner_name"
        text = r.text(name_field)
        if not text:
            r.error("owner", "Enter the owner's email address or name")
            return None
        if "@" in text:
            user = self.by_email.get(text.casefold())
            if user is None:
                r.error(name_field, f"No user has the email address {text}")
                return None
        else:
            matches = self.by_name.get(text.casefold(), [])
            if not matches:
                r.error(name_field, f"No active user is called {text}")
                return None
            if len(matches) > 1:
                r.error(name_field, f"{len(matches)} users are called {text}: use their email")
                return None
            user = matches[0]
        for message in rules.check_owner(user).values():
            r.error(name_field, message)
        return user

    def _source(self) -> tuple[SourceType, Any | None]:
        r = self.reader
        source_type = r.choice("source_type", SourceType, SOURCE_TYPE_SYNONYMS) or self.default_type
        text = r.text("source")
        index = self.index_for(source_type)
        if not text:
            default = self.options.get("default_source_id")
            if source_type == self.default_type and default in index.by_id:
                return source_type, index.by_id[default]
            r.error("source", f"Name the {source_type.in_sentence} or choose a default source")
            return source_type, None
        source, why = index.find(text)
        if source is None:
            r.error("source", f"{why} ({source_type.in_sentence})")
        return source_type, source

    def _tags(self) -> list[Tag]:
        names = [n.strip() for n in self.reader.text("tags").replace(",", ";").split(";")]
        tags = []
        for name in filter(None, names):
            tag = self.tags.get(name.casefold())
            if tag is None:
                self.reader.warn("tags", f"No tag called {name}: it will be left out")
            else:
                tags.append(tag)
        return tags

    def _row(self, seen: dict[str, int]) -> RowPlan | None:
        r = self.reader
        reference = r.text("reference", max_length=40).upper()
        if reference and not REFERENCE_RE.match(reference):
            r.error("reference", "Use only letters, numbers, hyphens, dots and slashes")
        check_unique(r, seen, reference, "reference")
        existing = self.existing.get(reference) if reference else None
        if existing is not None and not self.update_existing:
            return RowPlan(r.number, SKIP, f"{reference} exists: skipped", {}, existing.id)
        title = r.text("title", max_length=TITLE_MAX, required="Enter the action's title")
        owner = self._owner()
        values: dict[str, Any] = {
            "title": title,
            "description": r.text("description", max_length=TEXT_MAX),
            "lead_role": r.text("lead_role", max_length=120),
            "opcc_note": r.text("opcc_note", max_length=TEXT_MAX),
            "marking": r.choice("marking", Marking) or Marking.OFFICIAL,
            "opcc_only": r.yes_no("opcc_only", False),
            "tags": self._tags(),
            "raised_on": r.date("raised_on"),
            "due_on": r.date("due_on", required="Enter the due date"),
        }
        organisation = r.choice("owning_organisation", Organisation)
        if owner is not None:
            values["owner_id"] = owner.id
            values["owning_organisation"] = organisation or owner.organisation
        if existing is not None:
            return self._update(existing, values)
        return self._create(reference, values)

    def _check_rules(self, values: dict[str, Any]) -> None:
        """The action rules (`tracker.actions.rules`) on the row's values as they would be
        saved, each message against the column of its field (the owner is checked as it is
        looked up, against whichever owner column named them)."""
        problems = {
            **rules.check_dates(
                values.get("raised_on"), values.get("due_on"), values.get("original_due_on")
            ),
            **rules.check_restriction(values.get("owning_organisation"), values.get("opcc_only")),
        }
        for name, message in problems.items():
            self.reader.error(name, message)

    def _create(self, reference: str, values: dict[str, Any]) -> RowPlan | None:
        r = self.reader
        source_type, source = self._source()
        status = r.choice("status", ActionStatus, STATUS_SYNONYMS) or ActionStatus.OPEN
        closed_on = r.date("closed_on")
        if values["raised_on"] is None and source is not None:
            values["raised_on"] = source_date(source)
            if values["raised_on"] and values["due_on"] and values["due_on"] < values["raised_on"]:
                values["raised_on"] = values["due_on"]
        if values["raised_on"] is None:
            r.error("raised_on", "Enter the date raised")
        values["original_due_on"] = r.date("original_due_on") or values["due_on"]
        if status == ActionStatus.CLOSED and closed_on is None:
            closed_on = values["due_on"]
            r.warn("closed_on", "Closed with no date closed: the due date is used")
        values.update(
            status=status,
            closed_on=closed_on if status == ActionStatus.CLOSED else None,
            source_type=source_type,
            source=source,
            reference=reference or None,
            latest_update=r.text("latest_update", max_length=TEXT_MAX),
        )
        self._check_rules(values)
        label = reference or f"new {source_type.in_sentence} action"
        return RowPlan(r.number, CREATE, label, values)

    def _update(self, action: Action, values: dict[str, Any]) -> RowPlan | None:
        r = self.reader
        mapped = {name for name in UPDATABLE if r.has(name)}
        if r.has("owner") or r.has("owner_name"):
            mapped |= {"owner_id", "owning_organisation"}
        changes = {n: values[n] for n in mapped if n in values and values[n] is not None}
        merged = {name: getattr(action, name) for name in UPDATABLE if name != "tags"}
        merged.update({k: v for k, v in changes.items() if k != "tags"})
        merged["original_due_on"] = action.original_due_on
        self._check_rules(merged)
        status = r.choice("status", ActionStatus, STATUS_SYNONYMS)
        if status is not None and status != action.status:
            r.warn(
                "status",
                f"{action.reference} is {action.status.in_sentence} in the tracker: "
                "the import does not change statuses (use the action's page)",
            )
        differs = [name for name, value in changes.items() if _differs(action, name, value)]
        operation = UPDATE if differs else UNCHANGED
        return RowPlan(r.number, operation, action.reference, changes, action.id)


def _differs(action: Action, name: str, value: Any) -> bool:
    if name == "tags":
        return sorted(t.id for t in value) != sorted(t.id for t in action.tags)
    return getattr(action, name) != value


def check_actions(sheet: Sheet, mapping: dict[str, str], options: dict[str, Any]) -> Plan:
    """Check every row of an actions file."""
    return ActionRowChecker(sheet, mapping, options).check()
