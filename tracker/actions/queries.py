"""Queries over actions, reused by lists, the dashboard, exports, reports and reminders.

RAG, the overdue flag and days overdue are SQL expressions so lists can filter and
sort on them without loading rows. `today` is always passed in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Date, Integer, Select, case, func, literal, not_, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import selectinload
from sqlalchemy.sql.expression import ColumnElement, FunctionElement

from tracker import policy
from tracker.actions import rules
from tracker.actions.models import (
    COMPLETE_STATUSES,
    Action,
    ActionStatus,
    ActionUpdate,
    Rag,
    SourceType,
    Tag,
    action_tags,
)
from tracker.auth.models import Organisation, User
from tracker.forms import whole_number


class days_between(FunctionElement):  # noqa: N801 - reads like the SQL function it is
    """Whole days from `start` to `end` (end - start), on SQLite and PostgreSQL."""

    type = Integer()
    inherit_cache = True


@compiles(days_between, "sqlite")
def _days_between_sqlite(element, compiler, **kw):
    start, end = list(element.clauses)
    return (
        f"CAST(julianday({compiler.process(end, **kw)}) - "
        f"julianday({compiler.process(start, **kw)}) AS INTEGER)"
    )


@compiles(days_between, "postgresql")
def _days_between_postgresql(element, compiler, **kw):
    start, end = list(element.clauses)
    return f"({compiler.process(end, **kw)} - {compiler.process(start, **kw)})"


def is_complete() -> ColumnElement[bool]:
    return Action.status.in_(COMPLETE_STATUSES)


def is_overdue(today: date) -> ColumnElement[bool]:
    """Not complete and past its due date."""
    return (Action.due_on < today) & not_(is_complete())


def rag_of(today: date, amber_days: int) -> ColumnElement[str]:
    """'complete', 'red' (overdue), 'amber' (due within amber_days) or 'green'."""
    return case(
        (is_complete(), literal(Rag.COMPLETE.value)),
        (Action.due_on < today, literal(Rag.RED.value)),
        (Action.due_on <= today + timedelta(days=amber_days), literal(Rag.AMBER.value)),
        else_=literal(Rag.GREEN.value),
    )


def days_overdue_of(today: date) -> ColumnElement[int]:
    """Days past due for overdue actions, 0 otherwise."""
    return case((is_overdue(today), days_between(Action.due_on, literal(today, Date()))), else_=0)


def visible_actions(user: Any) -> Select[tuple[Action]]:
    """Every action `user` may see (lists, exports, reports and reminders start here)."""
    return select(Action).where(policy.action_visibility(user))


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
    # None: any source; a list (even empty): only actions on those findings.
    finding_ids: list[int] | None = None

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
    query = visible_actions(user)
    if filters.source_type:
        query = query.where(Action.source_type.in_(filters.source_type))
    if filters.status:
        query = query.where(Action.status.in_(filters.status))
    if filters.rag:
        query = query.where(rag_of(today, amber_days).in_([r.value for r in filters.rag]))
    if filters.owner_id:
        query = query.where(Action.owner_id == filters.owner_id)
    if filters.organisation:
        query = query.where(Action.owning_organisation == filters.organisation)
    if filters.tag_id:
        query = query.where(
            Action.id.in_(
                select(action_tags.c.action_id).where(action_tags.c.tag_id == filters.tag_id)
            )
        )
    if filters.due_from:
        query = query.where(Action.due_on >= filters.due_from)
    if filters.due_to:
        query = query.where(Action.due_on <= filters.due_to)
    if filters.overdue_only:
        query = query.where(is_overdue(today))
    if filters.meeting_id:
        query = query.where(Action.meeting_id == filters.meeting_id)
    if filters.adhoc_request_id:
        query = query.where(Action.adhoc_request_id == filters.adhoc_request_id)
    if filters.panel_item_id:
        query = query.where(Action.panel_item_id == filters.panel_item_id)
    if filters.finding_ids is not None:
        query = query.where(Action.finding_id.in_(filters.finding_ids))
    if filters.q:
        pattern = f"%{escape_like(filters.q.lower())}%"
        query = query.where(
            or_(
                func.lower(Action.reference).like(pattern, escape="\\"),
                func.lower(Action.title).like(pattern, escape="\\"),
                func.lower(Action.description).like(pattern, escape="\\"),
            )
        )
    return query


def escape_like(text: str) -> str:
    """Make %, _ and \\ match themselves in a LIKE pattern."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def sorted_actions(query: Select, sort: str, *, today: date) -> Select:
    """Apply a named sort with a stable tie-break on id."""
    if sort == "overdue":
        return query.order_by(days_overdue_of(today).desc(), Action.due_on.asc(), Action.id)
    return query.order_by(SORTS.get(sort, SORTS["due"])[1], Action.id)


def with_list_columns(query: Select, *, today: date, amber_days: int) -> Select:
    """Add RAG and days overdue as columns, and load what a list row shows (the owner)."""
    return query.add_columns(
        rag_of(today, amber_days).label("rag"), days_overdue_of(today).label("days_overdue")
    ).options(selectinload(Action.owner))


def latest_updates(user: Any, action_ids: list[int]) -> dict[int, ActionUpdate]:
    """The newest update each action has that `user` may see, in one query."""
    if not action_ids:
        return {}
    from tracker.db import db

    newest = (
        select(func.max(ActionUpdate.id))
        .where(ActionUpdate.action_id.in_(action_ids), policy.update_visibility(user))
        .group_by(ActionUpdate.action_id)
    )
    rows = db.session.scalars(select(ActionUpdate).where(ActionUpdate.id.in_(newest)))
    return {u.action_id: u for u in rows}


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


def home_sections(user: Any, *, today: date, amber_days: int) -> dict[str, dict[str, Any]]:
    """The home page's lists for `user`: overdue, due soon, awaiting assurance, extensions.

    Each section is {"rows": first HOME_LIMIT rows, "total": count}; the number of
    statements does not depend on the number of actions.
    """
    from tracker.actions.models import ExtensionRequest, ExtensionStatus
    from tracker.db import db

    visible = visible_actions(user)
    mine = visible.where(Action.owner_id == user.id) if policy.is_opcc(user) else visible
    soon = today + timedelta(days=amber_days)
    wanted: dict[str, Select] = {
        "overdue": mine.where(is_overdue(today)),
        "due_soon": mine.where(~is_complete(), Action.due_on >= today, Action.due_on <= soon),
    }
    if policy.is_opcc(user):
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
        total = db.session.scalar(select(func.count()).select_from(query.subquery()))
        page = sorted_actions(query, "due", today=today).limit(HOME_LIMIT)
        rows = db.session.execute(with_list_columns(page, today=today, amber_days=amber_days)).all()
        sections[name] = {"rows": rows, "total": total}
    return sections


def dashboard_counts(user: Any, *, today: date, amber_days: int) -> dict[str, Any]:
    """Counts by status, by RAG, by source and RAG, and overdue actions by owner."""
    from tracker.db import db

    visible = policy.action_visibility(user)
    rag = rag_of(today, amber_days)
    by_status = dict(
        db.session.execute(
            select(Action.status, func.count()).where(visible).group_by(Action.status)
        ).all()
    )
    by_source_rag: dict[SourceType, dict[str, int]] = {s: {} for s in SourceType}
    for source_type, rag_value, number in db.session.execute(
        select(Action.source_type, rag, func.count())
        .where(visible)
        .group_by(Action.source_type, rag)
    ):
        by_source_rag[source_type][rag_value] = number
    by_rag: dict[str, int] = {}
    for counts in by_source_rag.values():
        for rag_value, number in counts.items():
            by_rag[rag_value] = by_rag.get(rag_value, 0) + number
    overdue_by_owner = db.session.execute(
        select(User, func.count(Action.id).label("overdue"))
        .join(Action, Action.owner_id == User.id)
        .where(visible, is_overdue(today))
        .group_by(User.id)
        .order_by(func.count(Action.id).desc(), User.name)
        .limit(15)
    ).all()
    return {
        "by_status": {s: by_status.get(s, 0) for s in ActionStatus},
        "by_rag": {r.value: by_rag.get(r.value, 0) for r in Rag},
        "by_source_rag": by_source_rag,
        "overdue_by_owner": overdue_by_owner,
        "total": sum(by_status.values()),
    }
