"""The result of checking a file: what each row will do, and every error and warning."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tracker.db import LabelledEnum
from tracker.imports.fields import Field, normalise
from tracker.imports.parsing import Issue, date_value, text_value, yes_no_value

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

CREATE = "create"
UPDATE = "update"
SKIP = "skip"
UNCHANGED = "unchanged"


@dataclass
class RowPlan:
    """One row that passed its checks: what it becomes."""

    row: int
    operation: str
    label: str
    values: dict[str, Any]
    existing_id: int | None = None


@dataclass
class Plan:
    """Every row checked, with errors and warnings naming rows and columns."""

    target: str
    rows: list[RowPlan] = field(default_factory=list)
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    row_count: int = 0
    sheet_name: str = ""
    sheet_names: list[str] = field(default_factory=list)
    ignored_headings: list[str] = field(default_factory=list)

    @property
    def counts(self) -> Counter:
        return Counter(row.operation for row in self.rows)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)

    @property
    def error_rows(self) -> int:
        return len({issue.row for issue in self.errors if issue.row is not None})


class RowReader:
    """Typed values of one row, collecting errors and warnings against its row number."""

    def __init__(
        self,
        plan: Plan,
        fields: tuple[Field, ...],
        mapping: dict[str, str],
        headings: list[str],
    ) -> None:
        self.plan = plan
        self.labels = {f.name: f.label for f in fields}
        self.mapping = mapping
        index = {heading: i for i, heading in reversed(list(enumerate(headings)))}
        self.columns = {name: index[heading] for name, heading in mapping.items()}
        self.number = 0
        self.values: list[Any] = []
        self.failed = False

    def start(self, number: int, values: list[Any]) -> None:
        self.number, self.values, self.failed = number, values, False

    def has(self, name: str) -> bool:
        return name in self.columns

    def column(self, name: str) -> str:
        return self.mapping.get(name, self.labels.get(name, name))

    def error(self, name: str, message: str) -> None:
        self.failed = True
        self.plan.errors.append(Issue(self.number, self.column(name), message))

    def warn(self, name: str, message: str) -> None:
        self.plan.warnings.append(Issue(self.number, self.column(name), message))

    def raw(self, name: str) -> Any:
        index = self.columns.get(name)
        if index is None or index >= len(self.values):
            return None
        return self.values[index]

    def text(self, name: str, *, max_length: int | None = None, required: str = "") -> str:
        value = text_value(self.raw(name))
        if _CONTROL.search(value):
            self.error(name, "Contains invisible control characters")
            return ""
        if required and not value:
            self.error(name, required)
        if max_length is not None and len(value) > max_length:
            self.error(name, f"Must be {max_length:,} characters or fewer (it has {len(value):,})")
        return value

    def date(self, name: str, *, required: str = "") -> date | None:
        try:
            value = date_value(self.raw(name))
        except ValueError as exc:
            self.error(name, str(exc))
            return None
        if value is None and required:
            self.error(name, required)
        return value

    def yes_no(self, name: str, default: bool) -> bool:
        if not text_value(self.raw(name)):
            return default
        try:
            return yes_no_value(self.raw(name))
        except ValueError as exc:
            self.error(name, str(exc))
            return default

    def choice(
        self, name: str, enum_cls: type[LabelledEnum], synonyms: dict[str, Any] | None = None
    ) -> Any:
        """An enum member from its value, its label or a synonym; None when blank."""
        text = text_value(self.raw(name))
        if not text:
            return None
        key = normalise(text)
        for member in enum_cls:
            if key in (normalise(member.value), normalise(member.label)):
                return member
        if synonyms and key in synonyms:
            return synonyms[key]
        known = ", ".join(member.label for member in enum_cls)
        self.error(name, f"{text} is not recognised: use one of {known}")
        return None


def check_unique(reader: RowReader, seen: dict[str, int], key: str, name: str) -> None:
    """A reference may appear once in a file; the second use names the first row."""
    if not key:
        return
    folded = key.casefold()
    if folded in seen:
        reader.error(name, f"{key} is also on row {seen[folded]}: each reference once per file")
    else:
        seen[folded] = reader.number


def chunks(items: list[Any], size: int = 500) -> list[list[Any]]:
    """Slices for IN (...) queries that stay under database parameter limits."""
    return [items[i : i + size] for i in range(0, len(items), size)]
