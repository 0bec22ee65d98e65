"""The action list page: one page of rows in one statement, its filter choices, the
selected-filter tags and the sortable column headers.

Filters, sorts and visibility are `tracker.actions.queries`' own (`filtered_actions`,
`sorted_actions`), so the page lists the same actions as exports and reports; only the
columns differ: the page reads what it shows as plain rows, without loading objects.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from flask import g
from sqlalchemy import Label, Row, Select, func, literal, select, union_all
from sqlalchemy.orm import aliased

from tracker import policy
from tracker.actions.models import Action, ActionStatus, ActionUpdate, Rag, SourceType
from tracker.actions.queries import (
    SORTS,
    ActionFilters,
    active_tags,
    filtered_actions,
    navigation_count_columns,
    owner_choices,
    remember_navigation_counts,
    says_something,
    sorted_actions,
)
from tracker.actions.rag import days_overdue_of, rag_of
from tracker.auth.models import Organisation, User
from tracker.pagination import Page, page_of
from tracker.settings.models import Tag


@dataclass
class ListPage:
    """One page of the action list: plain rows of what the page shows, and the page."""

    rows: list[Row]
    page: Page

    @property
    def total(self) -> int:
        return self.page.total


def list_page(
    user: Any,
    filters: ActionFilters,
    *,
    today: date,
    amber_days: int,
    page_size: int,
    navigation: dict[str, ActionFilters] | None = None,
) -> ListPage:
    """The page of `filters.page` of the actions `user` may see matching `filters`, in
    their sort: only the columns the page shows, with the total and each row's newest
    update `user` may see, in one statement (two when the page asked for is past the
    last one, which is shown instead).

    Each row has id, reference, title, source_type, owner_name, lead_role, due_on,
    status, rag, days_overdue, latest_on and latest_text (None without an update with
    text, see `says_something`) and total (every matching action).

    `navigation`: the navigation's lists (`navigation_lists`), counted in the same
    statement and remembered for the navigation (`remember_navigation_counts`)."""
    from tracker.db import built_statement, clause_key, db

    navigation = navigation or {}

    def query() -> Select:
        return filtered_actions(user, filters, today=today, amber_days=amber_days)

    # Built once for each reader's visibility, filters, page and day (tracker.db).
    shape = (
        "actions.list_page",
        clause_key(policy.action_visibility(user)),
        clause_key(policy.update_visibility(user)),
        repr(replace(filters, page=1)),
        repr(navigation),
        page_size,
        today,
        amber_days,
    )

    def rows_of(number: int) -> list[Row]:
        statement = built_statement(
            (*shape, number),
            lambda: _page_statement(
                user,
                query(),
                filters.sort,
                number,
                page_size,
                today=today,
                amber_days=amber_days,
                counted=navigation_count_columns(
                    user, navigation, today=today, amber_days=amber_days
                ),
            ),
        )
        # Plain rows on the session's connection: the ORM's execution layer has nothing
        # to add to a select of columns, and costs about a sixth of the statement's time.
        found = list(db.session.connection().execute(statement))
        if found and navigation:
            counts = {name: found[0]._mapping[_counted(name)] for name in navigation}
            remember_navigation_counts(user, navigation, counts)
        return found

    rows = rows_of(filters.page)
    if rows or filters.page == 1:
        total = rows[0].total if rows else 0
        return ListPage(rows=rows, page=Page(number=filters.page, size=page_size, total=total))
    page = page_of(query(), filters.page, page_size)
    return ListPage(rows=rows_of(page.number) if page.total else [], page=page)


# Built once: labelling ORM attributes and aliasing a class cost more than the rest of
# the statement, on every request.
_NEWEST_UPDATE = aliased(ActionUpdate, name="newest_update")
_PLAIN_COLUMNS = (
    Action.id,
    Action.reference,
    Action.title,
    Action.source_type,
    User.name.label("owner_name"),
    Action.lead_role,
    Action.due_on,
    Action.status,
)
_LATEST_COLUMNS = (
    _NEWEST_UPDATE.created_at.label("latest_on"),
    _NEWEST_UPDATE.text.label("latest_text"),
)


def _counted(name: str) -> str:
    return f"navigation_{name}"


def _page_statement(
    user: Any,
    query: Select,
    sort: str,
    number: int,
    size: int,
    *,
    today: date,
    amber_days: int,
    counted: list[Label[int]],
) -> Select:
    """Page `number` of `query` in `sort`: an inner query picks the page's ids, and only
    those rows are joined to their owner and newest visible update (so a sort over many
    rows carries ids, not every column); `counted` are selected beside each row, each
    under `_counted(its name)`."""
    listed = (
        Page(number=number, size=size, total=0)
        .apply(sorted_actions(query, sort, today=today))
        .with_only_columns(Action.id)
        .subquery("listed")
    )
    newest_id = (
        select(func.max(ActionUpdate.id))
        .where(
            ActionUpdate.action_id == Action.id,
            policy.update_visibility(user),
            says_something(),
        )
        .scalar_subquery()
    )
    newest = _NEWEST_UPDATE
    total = (
        query.with_only_columns(func.count(), maintain_column_froms=True)
        .order_by(None)
        .correlate(None)  # counts every matching action, not the row it sits beside
        .scalar_subquery()
    )
    rows = (
        select(
            *_PLAIN_COLUMNS,
            rag_of(today, amber_days).label("rag"),
            days_overdue_of(today).label("days_overdue"),
            *_LATEST_COLUMNS,
            total.label("total"),
            *(count.element.label(_counted(count.name)) for count in counted),
        )
        .join(listed, listed.c.id == Action.id)
        .join(User, User.id == Action.owner_id)
        .outerjoin(newest, newest.id == newest_id)
    )
    return sorted_actions(rows, sort, today=today)


# Filters -----------------------------------------------------------------------------


@dataclass(frozen=True)
class FilterChoices:
    """What the filter panel offers: owners only to the OPCC, tags to everyone."""

    owners: list[tuple[int, str]]
    tags: list[tuple[int, str]]
    source_types: tuple[SourceType, ...] = tuple(SourceType)
    statuses: tuple[ActionStatus, ...] = tuple(ActionStatus)
    rags: tuple[Rag, ...] = tuple(Rag)
    organisations: tuple[Organisation, ...] = (Organisation.FORCE, Organisation.OPCC)


def filter_choices(user: Any) -> FilterChoices:
    """Owner and tag choices as (id, name) in one statement, read once per request
    (owners: OPCC only, in `owner_choices`' order; tags in `active_tags`' order)."""
    from tracker.db import built_statement, db

    cached = g.get("_action_filter_choices")
    if cached is not None and cached[0] == user.id:
        return cached[1]
    with_owners = policy.is_opcc(user)
    statement = built_statement(
        ("actions.filter_choices", with_owners), lambda: _choices_statement(with_owners)
    )
    found: dict[int, list[tuple[int, str]]] = {0: [], 1: []}
    for kind, choice_id, name, *_ in db.session.connection().execute(statement):
        found[kind].append((choice_id, name))
    choices = FilterChoices(owners=found[0], tags=found[1])
    g._action_filter_choices = (user.id, choices)
    return choices


def _choices_statement(with_owners: bool) -> Select:
    """Tags (kind 1) and, `with_owners`, owners (kind 0) as (kind, id, name, ...): one
    UNION whose sides carry what each is ordered by, so each keeps its own order."""
    tags = active_tags().with_only_columns(
        literal(1).label("kind"),
        Tag.id,
        Tag.name,
        Tag.tag_list.label("first_key"),
        Tag.name.label("second_key"),
    )
    parts = [tags.order_by(None)]
    if with_owners:
        owners = owner_choices().with_only_columns(
            literal(0).label("kind"),
            User.id,
            User.name,
            User.name.label("first_key"),
            literal("").label("second_key"),
        )
        parts.insert(0, owners.order_by(None))
    both = union_all(*parts)
    keys = both.selected_columns
    return both.order_by(keys.kind, keys.first_key, keys.second_key)


@dataclass(frozen=True)
class SelectedFilter:
    """One filter in force, shown as a tag whose link (`args`) removes just that filter."""

    label: str
    args: dict[str, Any]


def selected_filters(
    filters: ActionFilters, choices: FilterChoices
) -> list[tuple[str, list[SelectedFilter]]]:
    """The filters in force, grouped under a heading, each with the URL arguments of the
    list without it (and back on the first page, in the same sort)."""
    from tracker.db import db

    args = filters.to_args(page=None)

    def without(name: str, value: Any = None) -> dict[str, Any]:
        rest = dict(args)
        if value is None:
            rest.pop(name)
        else:
            rest[name] = [v for v in rest[name] if v != value]
        return rest

    def name_of(options: list[tuple[int, str]], wanted: int, model: Any) -> str:
        found = dict(options).get(wanted)
        return found or db.session.scalar(select(model.name).where(model.id == wanted)) or "?"

    f = filters
    groups: list[tuple[str, list[SelectedFilter]]] = [
        ("Search", [SelectedFilter(f"“{f.q}”", without("q"))] if f.q else []),
        ("RAG", [SelectedFilter(r.label, without("rag", r.value)) for r in f.rag]),
        ("Status", [SelectedFilter(s.label, without("status", s.value)) for s in f.status]),
        (
            "Source",
            [SelectedFilter(s.label, without("source_type", s.value)) for s in f.source_type],
        ),
        ("Overdue", [SelectedFilter("Overdue only", without("overdue"))] if f.overdue_only else []),
    ]
    if f.owner_id is not None:
        owner = name_of(choices.owners, f.owner_id, User)
        groups.append(("Owner", [SelectedFilter(owner, without("owner"))]))
    if f.organisation is not None:
        groups.append(
            ("Owning organisation", [SelectedFilter(f.organisation.label, without("organisation"))])
        )
    if f.tag_id is not None:
        tag = name_of(choices.tags, f.tag_id, Tag)
        groups.append(("Tag", [SelectedFilter(tag, without("tag"))]))
    if f.due_from is not None:
        groups.append(("Due from", [SelectedFilter(_day(f.due_from), without("due_from"))]))
    if f.due_to is not None:
        groups.append(("Due by", [SelectedFilter(_day(f.due_to), without("due_to"))]))
    return [(heading, tags) for heading, tags in groups if tags]


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


# Sorting -----------------------------------------------------------------------------

# Columns whose header sorts the list: (ascending sort, descending sort or None).
SORTABLE_COLUMNS: dict[str, tuple[str, str | None]] = {
    "reference": ("reference", None),
    "due": ("due", "due_desc"),
    "status": ("status", None),
}


@dataclass(frozen=True)
class SortHeader:
    """A sortable column header: its aria-sort value and the URL arguments of its link."""

    aria_sort: str
    args: dict[str, Any]


def sort_headers(filters: ActionFilters) -> dict[str, SortHeader]:
    """Each sortable column's header: sorted columns say which way in `aria-sort`, and
    the link sorts ascending, or descending when already ascending and it can."""
    headers = {}
    for column, (ascending, descending) in SORTABLE_COLUMNS.items():
        if filters.sort == ascending:
            aria_sort, target = "ascending", descending or ascending
        elif filters.sort == descending:
            aria_sort, target = "descending", ascending
        else:
            aria_sort, target = "none", ascending
        headers[column] = SortHeader(aria_sort, _sorted_by(filters, target))
    return headers


def other_sorts(filters: ActionFilters) -> list[tuple[str, str, dict[str, Any]]]:
    """The sorts no column header offers, as (key, label, URL arguments)."""
    by_header = {key for pair in SORTABLE_COLUMNS.values() for key in pair if key}
    return [
        (key, label, _sorted_by(filters, key))
        for key, (label, _) in SORTS.items()
        if key not in by_header
    ]


def _sorted_by(filters: ActionFilters, sort: str) -> dict[str, Any]:
    """The URL arguments of the list in `sort`, from its first page (the default sort
    is left out, as ActionFilters.to_args does)."""
    return filters.to_args(sort=None if sort == "due" else sort, page=None)
