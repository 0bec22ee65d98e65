"""Queries over actions, reused by lists, the dashboard, exports, reports and reminders.

RAG, the overdue flag and days overdue come from `tracker.actions.rag` as SQL
expressions, so lists can filter and sort on them without loading rows. `today` is
always passed in.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from flask import g
from sqlalchemy import (
    Label,
    Row,
    Select,
    String,
    True_,
    and_,
    cast,
    func,
    literal,
    null,
    select,
    union_all,
)
from sqlalchemy.orm import aliased, selectinload
from sqlalchemy.sql.expression import ColumnElement

from tracker import policy
from tracker.actions import rules
from tracker.actions.models import (
    Action,
    ActionStatus,
    ActionUpdate,
    Rag,
    SourceType,
    action_tags,
)
from tracker.actions.rag import (
    UNFINISHED_STATUSES,
    days_overdue_of,
    is_complete,
    is_overdue,
    is_unfinished,
    rag_is,
    rag_of,
    rag_tally,
    rag_tally_of,
)
from tracker.auth.models import Organisation, User
from tracker.exports import TAG_ID_SEPARATOR
from tracker.forms import whole_number
from tracker.pagination import Page, count_of, page_of
from tracker.search.queries import found_by
from tracker.search.words import matches
from tracker.settings.models import Tag
from tracker.sources.models import AdhocRequest, Finding, Meeting, PanelItem


def visible_actions(user: Any) -> Select[tuple[Action]]:
    """Every action `user` may see (lists, exports, reports and reminders start here)."""
    visibility = policy.action_visibility(user)
    if isinstance(visibility, True_):
        # No WHERE at all for those who see everything: SQLite counts a whole table from
        # its b-tree in microseconds, but walks every row under "WHERE 1 = 1".
        return select(Action)
    return select(Action).where(visibility)


SORTS: dict[str, tuple[str, Any]] = {
    "due": ("Due date (soonest first)", Action.due_on.asc()),
    "due_desc": ("Due date (latest first)", Action.due_on.desc()),
    "overdue": ("Most overdue first", None),  # needs today: built in action_list
    "reference": ("Reference", Action.reference.asc()),
    "raised": ("Date raised (newest first)", Action.raised_on.desc()),
    "updated": ("Last changed", Action.updated_at.desc()),
    "status": ("Status", Action.status.asc()),
}


@dataclass
class ActionFilters:
    """The action list's filters, as they appear in a shareable URL."""

    source_type: list[SourceType] = field(default_factory=list)
    status: list[ActionStatus] = field(default_factory=list)
    rag: list[Rag] = field(default_factory=list)
    owner_id: int | None = None
    organisation: Organisation | None = None
    tag_id: int | None = None
    due_from: date | None = None
    due_to: date | None = None
    overdue_only: bool = False
    q: str = ""
    sort: str = "due"
    page: int = 1
    meeting_id: int | None = None
    adhoc_request_id: int | None = None
    panel_item_id: int | None = None
    # None: any source; a list (even empty): only actions on those findings / Panel items.
    finding_ids: list[int] | None = None
    panel_item_ids: list[int] | None = None

    @classmethod
    def from_args(cls, args: Any) -> ActionFilters:
        """Parse request arguments, ignoring values that are not valid (never an error)."""

        def enums(name: str, enum_cls: Any) -> list[Any]:
            valid = {m.value: m for m in enum_cls}
            return [valid[v] for v in args.getlist(name) if v in valid]

        def whole(name: str) -> int | None:
            return whole_number(args.get(name))

        def day(name: str) -> date | None:
            try:
                return date.fromisoformat((args.get(name) or "").strip())
            except ValueError:
                return None

        organisation = args.get("organisation")
        sort = args.get("sort", "due")
        return cls(
            source_type=enums("source_type", SourceType),
            status=enums("status", ActionStatus),
            rag=enums("rag", Rag),
            owner_id=whole("owner"),
            organisation=Organisation(organisation)
            if organisation in (Organisation.OPCC.value, Organisation.FORCE.value)
            else None,
            tag_id=whole("tag"),
            due_from=day("due_from"),
            due_to=day("due_to"),
            overdue_only=args.get("overdue") in ("1", "on", "true", "yes"),
            q=(args.get("q") or "").strip()[:200],
            sort=sort if sort in SORTS else "due",
            page=max(whole("page") or 1, 1),
        )

    def to_args(self, **overrides: Any) -> dict[str, Any]:
        """URL arguments for these filters (for links to other pages or sorts)."""
        args: dict[str, Any] = {
            "source_type": [s.value for s in self.source_type],
            "status": [s.value for s in self.status],
            "rag": [r.value for r in self.rag],
            "owner": self.owner_id,
            "organisation": self.organisation.value if self.organisation else None,
            "tag": self.tag_id,
            "due_from": self.due_from.isoformat() if self.due_from else None,
            "due_to": self.due_to.isoformat() if self.due_to else None,
            "overdue": "1" if self.overdue_only else None,
            "q": self.q or None,
            "sort": self.sort if self.sort != "due" else None,
            "page": self.page if self.page > 1 else None,
        }
        args.update(overrides)
        return {k: v for k, v in args.items() if v not in (None, [], "")}

    @property
    def active(self) -> bool:
        return bool(self.to_args(sort=None, page=None))


def filtered_actions(
    user: Any, filters: ActionFilters, *, today: date, amber_days: int
) -> Select[tuple[Action]]:
    """Visible actions matching `filters`, unsorted and unpaginated."""
    return visible_actions(user).where(*_conditions(filters, today=today, amber_days=amber_days))


def _conditions(filters: ActionFilters, *, today: date, amber_days: int) -> list[Any]:
    """One SQL condition per filter that is set."""
    f = filters
    wanted: list[tuple[Any, Callable[[], Any]]] = [
        (f.source_type, lambda: Action.source_type.in_(f.source_type)),
        (f.status, lambda: Action.status.in_(f.status)),
        (f.rag, lambda: rag_is(f.rag, today, amber_days)),
        (f.owner_id, lambda: Action.owner_id == f.owner_id),
        (f.organisation, lambda: Action.owning_organisation == f.organisation),
        (f.tag_id, lambda: Action.id.in_(_tagged(f.tag_id))),
        (f.due_from, lambda: Action.due_on >= f.due_from),
        (f.due_to, lambda: Action.due_on <= f.due_to),
        (f.overdue_only, lambda: is_overdue(today)),
        (f.meeting_id, lambda: Action.meeting_id == f.meeting_id),
        (f.adhoc_request_id, lambda: Action.adhoc_request_id == f.adhoc_request_id),
        (f.panel_item_id, lambda: Action.panel_item_id == f.panel_item_id),
        (f.finding_ids is not None, lambda: Action.finding_id.in_(f.finding_ids)),
        (f.panel_item_ids is not None, lambda: Action.panel_item_id.in_(f.panel_item_ids)),
        (f.q, lambda: _text_search(f.q)),
    ]
    return [condition() for is_set, condition in wanted if is_set]


def _tagged(tag_id: int) -> Select:
    return select(action_tags.c.action_id).where(action_tags.c.tag_id == tag_id)


def _text_search(q: str) -> ColumnElement[bool]:
    """The search index finds `q` in the action's reference, title or description (see
    tracker.search.words for what a match is; text_matches is the same rule in Python)."""
    return found_by(Action, q)


def text_matches(q: str, *texts: str | None) -> bool:
    """The text search `filtered_actions` runs through the index, in Python (for "as at"
    reports, on actions rebuilt from history): `texts` are the action's reference, title
    and description, in that order."""
    return matches(q, *texts)


def escape_like(text: str) -> str:
    """Make %, _ and \\ match themselves in a LIKE pattern."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def sorted_actions(query: Select, sort: str, *, today: date) -> Select:
    """Apply a named sort with a stable tie-break on id."""
    if sort == "overdue":
        return query.order_by(days_overdue_of(today).desc(), Action.due_on.asc(), Action.id)
    return query.order_by(SORTS.get(sort, SORTS["due"])[1], Action.id)


def _with_list_columns(query: Select, *, today: date, amber_days: int) -> Select:
    """Add RAG and days overdue as columns, and load what a list row shows (the owner)."""
    return query.add_columns(
        rag_of(today, amber_days).label("rag"), days_overdue_of(today).label("days_overdue")
    ).options(selectinload(Action.owner))


# What an export or report row shows beyond the list's: the record each action arose from.
WITH_SOURCES = (
    selectinload(Action.meeting),
    selectinload(Action.adhoc_request),
    selectinload(Action.panel_item),
    selectinload(Action.finding),
)


@dataclass
class ActionList:
    """A filtered, sorted action list: rows (.Action, .rag, .days_overdue), the newest
    update each row's reader may see, and the page shown (every row when unpaginated)."""

    rows: list[Row]
    latest: dict[int, ActionUpdate]
    page: Page

    @property
    def total(self) -> int:
        return self.page.total


def action_list(
    user: Any,
    filters: ActionFilters,
    *,
    today: date,
    amber_days: int,
    page_size: int | None = None,
    order_by: Sequence[Any] = (),
    load: Sequence[Any] = (),
) -> ActionList:
    """The one action list query: visible actions matching `filters`, in the filters' sort
    (or `order_by`, then id), one page of `page_size` (or all), with RAG, days overdue,
    the owner (and `load`) loaded and each row's latest visible update."""
    from tracker.db import db

    query = filtered_actions(user, filters, today=today, amber_days=amber_days)
    ordered = (
        query.order_by(*order_by, Action.id)
        if order_by
        else sorted_actions(query, filters.sort, today=today)
    )
    page = None
    if page_size:
        page = page_of(query, filters.page, page_size)
        ordered = page.apply(ordered)
    listed = _with_list_columns(ordered, today=today, amber_days=amber_days).options(*load)
    rows = list(db.session.execute(listed).all())
    if page is None:
        page = Page(number=1, size=max(len(rows), 1), total=len(rows))
    return ActionList(
        rows=rows, latest=latest_updates(user, [row.Action.id for row in rows]), page=page
    )


def says_something() -> ColumnElement[bool]:
    """An update with text (a bare status change has none): what "latest update" means
    in lists, exports and reports."""
    return func.trim(ActionUpdate.text) != ""


# Ids sent in one IN list: PostgreSQL takes at most 65,535 parameters in a statement,
# so an unpaged list of more actions (a report, the XLSX export) is read in chunks.
IDS_PER_QUERY = 10_000


def latest_updates(user: Any, action_ids: list[int]) -> dict[int, ActionUpdate]:
    """The newest update with text each action has that `user` may see: one query per
    IDS_PER_QUERY actions (one for any page of a list).

    A status change without a note is an update with no text: it never hides the last
    thing someone wrote, so "Latest update" in lists and reports skips it.
    """
    from tracker.db import db

    found: dict[int, ActionUpdate] = {}
    for start in range(0, len(action_ids), IDS_PER_QUERY):
        chunk = action_ids[start : start + IDS_PER_QUERY]
        newest = (
            select(func.max(ActionUpdate.id))
            .where(
                ActionUpdate.action_id.in_(chunk),
                policy.update_visibility(user),
                says_something(),
            )
            .group_by(ActionUpdate.action_id)
        )
        rows = db.session.scalars(select(ActionUpdate).where(ActionUpdate.id.in_(newest)))
        found.update({u.action_id: u for u in rows})
    return found


# Streamed exports ---------------------------------------------------------------------


def export_rows(user: Any, filters: ActionFilters, *, today: date, amber_days: int) -> Select:
    """The action list's rows (the same filters and sort as `action_list`, every page) as
    plain columns in one statement, for an export that streams them in batches.

    Each row carries the action's own columns under their export names, plus
    `source_heading` (meeting title, request subject or finding reference) and
    `source_text` (Panel item or finding text), `owner_email`, `owner_name`, `rag`,
    `days_overdue`, `latest_update` (the newest update `user` may see), `tag_ids`
    (ids joined by TAG_ID_SEPARATOR, in no order: `tag_names` gives the names and their
    order) and, for a closed action, its latest close's conclusion (`assurance_method`,
    `assurance_verdict`, `assurance_note`). `opcc_note` is selected only for readers
    allowed to see it.
    """
    owner = aliased(User, name="action_owner")
    meeting = aliased(Meeting, name="source_meeting")
    adhoc_request = aliased(AdhocRequest, name="source_adhoc_request")
    panel_item = aliased(PanelItem, name="source_panel_item")
    finding = aliased(Finding, name="source_finding")
    latest_update = (
        select(ActionUpdate.text)
        .where(
            ActionUpdate.action_id == Action.id,
            policy.update_visibility(user),
            says_something(),
        )
        .order_by(ActionUpdate.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    # The latest close of a closed action, for its assurance conclusion.
    closing = aliased(ActionUpdate, name="closing_update")
    latest_close = (
        select(ActionUpdate.id)
        .where(ActionUpdate.action_id == Action.id, ActionUpdate.to_status == ActionStatus.CLOSED)
        .order_by(ActionUpdate.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    tag_ids = (
        select(func.aggregate_strings(cast(action_tags.c.tag_id, String), TAG_ID_SEPARATOR))
        .where(action_tags.c.action_id == Action.id)
        .scalar_subquery()
    )
    columns = [
        Action.reference,
        Action.title,
        Action.description,
        Action.source_type,
        func.coalesce(meeting.title, adhoc_request.subject, finding.reference).label(
            "source_heading"
        ),
        func.coalesce(panel_item.text, finding.text).label("source_text"),
        owner.email.label("owner_email"),
        owner.name.label("owner_name"),
        Action.owning_organisation,
        Action.lead_role,
        Action.raised_on,
        Action.due_on,
        Action.original_due_on,
        Action.status,
        rag_of(today, amber_days).label("rag"),
        days_overdue_of(today).label("days_overdue"),
        Action.marking,
        Action.opcc_only,
        tag_ids.label("tag_ids"),
        Action.closed_on,
        closing.assurance_method.label("assurance_method"),
        closing.assurance_verdict.label("assurance_verdict"),
        closing.text.label("assurance_note"),
        latest_update.label("latest_update"),
    ]
    if policy.can_see_opcc_notes(user):
        columns.append(Action.opcc_note)
    query = filtered_actions(user, filters, today=today, amber_days=amber_days)
    return (
        sorted_actions(query, filters.sort, today=today)
        .with_only_columns(*columns)
        .join_from(Action, owner, owner.id == Action.owner_id)
        .outerjoin_from(Action, meeting, meeting.id == Action.meeting_id)
        .outerjoin_from(Action, adhoc_request, adhoc_request.id == Action.adhoc_request_id)
        .outerjoin_from(Action, panel_item, panel_item.id == Action.panel_item_id)
        .outerjoin_from(Action, finding, finding.id == Action.finding_id)
        .outerjoin_from(
            Action,
            closing,
            and_(Action.status == ActionStatus.CLOSED, closing.id == latest_close),
        )
    )


def tag_names() -> Select[tuple[int, str]]:
    """Every tag's id and name, in the order an action's tags are listed (by name)."""
    return select(Tag.id, Tag.name).order_by(Tag.name, Tag.id)


def owner_choices() -> Select[tuple[User]]:
    """Active users who can own actions (`tracker.actions.rules.check_owner`), by name."""
    return (
        select(User)
        .where(User.active.is_(True), User.organisation.in_(rules.OWNER_ORGANISATIONS))
        .order_by(User.name)
    )


def active_tags() -> Select[tuple[Tag]]:
    return select(Tag).where(Tag.active.is_(True)).order_by(Tag.tag_list, Tag.name)


# Home page and dashboard ---------------------------------------------------------------

HOME_LIMIT = 10


def overdue_force_filters() -> ActionFilters:
    """The action list of the force's overdue actions, most overdue first (OPCC home).

    Among overdue actions the earliest due is the most overdue: sorting by due date
    gives the order of the "overdue" sort, and an index on the due date serves it.
    """
    return ActionFilters(organisation=Organisation.FORCE, overdue_only=True, sort="due")


def home_sections(user: Any, *, today: date, amber_days: int) -> dict[str, dict[str, Any]]:
    """The home page's lists for `user`: overdue, due soon, awaiting assurance, extensions
    and, for the OPCC, the force's overdue actions (most overdue first).

    Each section is {"rows": first HOME_LIMIT rows, "total": count} (the force's overdue
    actions also carry "args", the URL arguments of their full list); the number of
    statements does not depend on the number of actions.
    """
    from tracker.actions.models import ExtensionRequest, ExtensionStatus
    from tracker.db import db

    visible = visible_actions(user)
    mine = visible.where(Action.owner_id == user.id) if policy.is_opcc(user) else visible
    soon = today + timedelta(days=amber_days)
    wanted: dict[str, Select] = {
        "overdue": mine.where(is_overdue(today)),
        "due_soon": mine.where(is_unfinished(), Action.due_on >= today, Action.due_on <= soon),
    }
    if policy.is_opcc(user):
        wanted["overdue_force"] = filtered_actions(
            user, overdue_force_filters(), today=today, amber_days=amber_days
        )
        wanted["awaiting_assurance"] = visible.where(Action.status == ActionStatus.IMPLEMENTED)
        wanted["extensions"] = visible.where(
            Action.id.in_(
                select(ExtensionRequest.action_id).where(
                    ExtensionRequest.status == ExtensionStatus.PENDING
                )
            )
        )
    elif policy.is_force(user):
        wanted["awaiting_assurance"] = visible.where(Action.status == ActionStatus.IMPLEMENTED)
    sections = {}
    for name, query in wanted.items():
        total = count_of(query)
        page = sorted_actions(query, "due", today=today).limit(HOME_LIMIT)
        rows = db.session.execute(
            _with_list_columns(page, today=today, amber_days=amber_days)
        ).all()
        sections[name] = {"rows": rows, "total": total}
    if "overdue_force" in sections:
        sections["overdue_force"]["args"] = overdue_force_filters().to_args()
    return sections


# Navigation counts ---------------------------------------------------------------------


def my_actions_filters(user: Any) -> ActionFilters:
    """The action list "My actions" links to: `user`'s own actions still needing work."""
    return ActionFilters(owner_id=user.id, status=list(UNFINISHED_STATUSES))


def awaiting_assurance_filters() -> ActionFilters:
    """The action list "Awaiting assurance" links to: implemented, not yet assured."""
    return ActionFilters(status=[ActionStatus.IMPLEMENTED])


def navigation_lists(user: Any) -> dict[str, ActionFilters]:
    """The action lists the navigation shows with their sizes, for `user`, by name:
    "mine" for people who own actions (OPCC and force), "awaiting_assurance" for the
    OPCC, who assure them."""
    lists = {}
    if policy.is_opcc(user) or policy.is_force(user):
        lists["mine"] = my_actions_filters(user)
    if policy.is_opcc(user):
        lists["awaiting_assurance"] = awaiting_assurance_filters()
    return lists


def navigation_count_columns(
    user: Any, lists: dict[str, ActionFilters], *, today: date, amber_days: int
) -> list[Label[int]]:
    """How many actions each of `lists` holds for `user`, as one scalar subquery per list
    labelled with its name: selected alone by `navigation_counts`, or beside the rows of
    the action list page (tracker.actions.listing.list_page), which then hands them on
    with `remember_navigation_counts`."""
    return [
        select(func.count())
        .select_from(
            filtered_actions(user, filters, today=today, amber_days=amber_days)
            .with_only_columns(Action.id)
            .subquery()
        )
        .scalar_subquery()
        .label(name)
        for name, filters in lists.items()
    ]


def navigation_counts(
    user: Any, lists: dict[str, ActionFilters], *, today: date, amber_days: int
) -> dict[str, int]:
    """How many actions each of `lists` holds for `user`, in one statement (a count per
    list, each answered from an index: owner and status, or status), built once per
    reader and day (tracker.db.built_statement); none when the page already read them
    (`remember_navigation_counts`)."""
    from tracker.db import built_statement, clause_key, db

    if not lists:
        return {}
    remembered = g.get("_navigation_counts")
    if remembered is not None and remembered[0] == (user.id, repr(lists)):
        return dict(remembered[1])
    key = (
        "actions.navigation_counts",
        clause_key(policy.action_visibility(user)),
        repr(lists),
        today,
        amber_days,
    )
    statement = built_statement(
        key,
        lambda: select(*navigation_count_columns(user, lists, today=today, amber_days=amber_days)),
    )
    return dict(db.session.execute(statement).one()._mapping)


def remember_navigation_counts(
    user: Any, lists: dict[str, ActionFilters], counts: dict[str, int]
) -> None:
    """Keep counts of `lists` read with a page's own statement for the rest of the request,
    so the navigation shows them without reading them again."""
    g._navigation_counts = ((user.id, repr(lists)), dict(counts))


OVERDUE_OWNERS_SHOWN = 15


def dashboard_counts(user: Any, *, today: date, amber_days: int) -> dict[str, Any]:
    """Counts by status, by RAG, by source and RAG, and overdue actions by owner.

    One statement over the visible actions, in two passes along ix_actions_dashboard
    (so nothing is sorted and no table row is read): finished actions are only counted
    by status and source, unfinished ones also by owner with their past-due and
    due-soon counts. Then the names of the owners shown: two statements whatever the
    number of actions.
    """
    from tracker.db import db

    by_status = dict.fromkeys(ActionStatus, 0)
    by_rag = dict.fromkeys((r.value for r in Rag), 0)
    by_source_rag: dict[SourceType, dict[str, int]] = {s: {} for s in SourceType}
    overdue: Counter[int] = Counter()
    visible = policy.action_visibility(user)
    # Finished actions are "complete" whatever their dates and count for no owner, so
    # their pass reads fewer columns and evaluates nothing per row.
    finished = (
        select(
            Action.status,
            Action.source_type,
            null().label("owner_id"),
            func.count().label("total"),
            literal(0).label("past_due"),
            literal(0).label("due_by_amber"),
        )
        .where(visible, is_complete())
        .group_by(Action.status, Action.source_type)
    )
    unfinished = (
        select(
            Action.status,
            Action.source_type,
            Action.owner_id,
            func.count().label("total"),
            *rag_tally_of(today, amber_days),
        )
        .where(visible, is_unfinished())
        .group_by(Action.status, Action.source_type, Action.owner_id)
    )
    counted = db.session.execute(union_all(unfinished, finished))
    for status, source_type, owner_id, total, past_due, due_by_amber in counted:
        by_status[status] += total
        tally = rag_tally(status, total=total, past_due=past_due, due_by_amber=due_by_amber)
        for rag_value, number in tally.items():
            if number:
                by_rag[rag_value] += number
                row = by_source_rag[source_type]
                row[rag_value] = row.get(rag_value, 0) + number
        if owner_id is not None:
            overdue[owner_id] += tally.get(Rag.RED.value, 0)  # red: overdue (rag.rag)
    return {
        "by_status": by_status,
        "by_rag": by_rag,
        "by_source_rag": by_source_rag,
        "overdue_by_owner": _most_overdue_owners(+overdue),
        "total": sum(by_status.values()),
    }


def _most_overdue_owners(overdue: Counter[int]) -> list[tuple[User, int]]:
    """(owner, overdue actions) for the OVERDUE_OWNERS_SHOWN owners with the most, most
    first and then by name: one statement, loading only owners who could be shown."""
    from tracker.db import db

    if not overdue:
        return []
    counts = sorted(overdue.values(), reverse=True)
    least_shown = counts[min(OVERDUE_OWNERS_SHOWN, len(counts)) - 1]
    candidates = [owner_id for owner_id, number in overdue.items() if number >= least_shown]
    owners = db.session.scalars(select(User).where(User.id.in_(candidates)))
    ranked = sorted(owners, key=lambda owner: (-overdue[owner.id], owner.name, owner.id))
    return [(owner, overdue[owner.id]) for owner in ranked[:OVERDUE_OWNERS_SHOWN]]
