"""What each report contains, built on the same visibility filters as the lists."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import selectinload

from tracker import policy
from tracker.actions.conclusions import assurance_lines
from tracker.actions.models import COMPLETE_STATUSES, Action, ActionUpdate, Marking
from tracker.actions.queries import (
    SORTS,
    WITH_SOURCES,
    ActionFilters,
    action_list,
    filtered_actions,
    text_matches,
)
from tracker.actions.rag import highest_marking, rag_of
from tracker.db import db
from tracker.deadlines import days_late
from tracker.filters import format_date
from tracker.pagination import count_of
from tracker.programme import queries as programme_queries
from tracker.programme.models import BroughtAction, LineOfEnquiry
from tracker.programme.queries import PapersDue, earlier_in_series
from tracker.reports.as_at import (
    AsAt,
    actions_as_at,
    assurance_as_at,
    latest_as_at,
    updates_as_at,
    visible_as_at,
)
from tracker.settings.definitions import AMBER_DAYS
from tracker.settings.services import setting
from tracker.sources.models import Finding, HmicfrsReport, Meeting, MeetingState, PanelItem
from tracker.sources.queries import visible_sources

# The PCC's response to a Panel item, as the follow-up report counts and shows it.
RESPONSE_STATES = {
    "responded": "Responded",
    "awaiting": "Awaiting response",
    "overdue": "Overdue",
    "no_date": "No response date set",
}


def _assurance(actions: list[Any], as_at: AsAt | None) -> dict[int, str]:
    """The closed actions' assurance lines, now or as at a past day."""
    return assurance_as_at(actions, as_at) if as_at else assurance_lines(actions)


@dataclass
class PanelRow:
    """One Panel item with its actions, as the follow-up report shows it."""

    item: PanelItem
    actions: list[tuple[Action, str]] = field(default_factory=list)  # (action, rag)
    # False when the PCC's response came after the "as at" date.
    answered: bool = True
    # Days the response is late on the report's day (the rule actions use: days_late).
    days_overdue: int = 0
    # Days until the response is due (None once answered or when no date is set).
    days_left: int | None = None

    @property
    def response_state(self) -> str:
        """responded, overdue, awaiting (a date is set) or no_date: one of RESPONSE_STATES."""
        if self.answered:
            return "responded"
        if self.days_overdue:
            return "overdue"
        return "awaiting" if self.item.response_due_on else "no_date"

    @property
    def response_label(self) -> str:
        return RESPONSE_STATES[self.response_state]

    @property
    def response_line(self) -> str:
        """The response's state in one line, the same in the preview, PDF and Word."""
        state = self.response_state
        due = self.item.response_due_on
        if state == "responded":
            line = f"Responded {format_date(self.item.pcc_response_on)}"
            if self.item.response_outcome is not None:
                line += f": {self.item.response_outcome.in_sentence}"
            return line
        if state == "overdue":
            late = self.days_overdue
            return f"OVERDUE: due {format_date(due)}, {late} day{'' if late == 1 else 's'} late"
        if state == "awaiting":
            left = self.days_left or 0
            when = "due today" if left == 0 else f"{left} day{'' if left == 1 else 's'} left"
            return f"Awaiting: due {format_date(due)} ({when})"
        return "Awaiting: no response date set"


@dataclass
class PanelReport:
    rows: list[PanelRow]
    latest: dict[int, Any]
    counts: Counter
    marking: Marking
    meeting_dates: list[date]
    # {action id: assurance line} for the closed actions (see actions.conclusions).
    assurance: dict[int, str] = field(default_factory=dict)
    # Items the user may see that the filters (meeting, dates, status) leave out.
    hidden_by_filters: int = 0

    @property
    def item_count(self) -> int:
        return sum(len(row.actions) for row in self.rows)

    @property
    def action_count(self) -> int:
        return sum(self.counts.values())

    @property
    def items_with_actions(self) -> int:
        return sum(1 for row in self.rows if row.actions)

    @property
    def response_counts(self) -> dict[str, int]:
        """Items in the table by the PCC's response (every state, in RESPONSE_STATES order)."""
        counted = Counter(row.response_state for row in self.rows)
        return {state: counted.get(state, 0) for state in RESPONSE_STATES}

    @property
    def unpublished_count(self) -> int:
        """Items in the table a Panel clerk will not see (not yet published to the Panel)."""
        return sum(1 for row in self.rows if not row.item.published)


def panel_follow_up(
    user: Any,
    *,
    meeting_on: date | None,
    date_from: date | None,
    date_to: date | None,
    status: str,
    today: date,
    as_at: AsAt | None = None,
) -> PanelReport:
    """Panel items (for one Panel meeting or a date range) with their visible actions,
    as they are now or, with `as_at`, as they stood at the end of that day."""
    items_query = visible_sources(user, PanelItem).order_by(
        PanelItem.panel_meeting_on, PanelItem.id
    )
    day = as_at.day if as_at else None
    if day:
        items_query = items_query.where(PanelItem.panel_meeting_on <= day)
    unfiltered = count_of(items_query)
    items_query = _meeting_dates_within(items_query, meeting_on, date_from, date_to)
    answered = PanelItem.pcc_response_on.is_not(None)
    if day:
        answered = answered & (PanelItem.pcc_response_on <= day)
    if status == "outstanding":
        items_query = items_query.where(~answered)
    elif status == "answered":
        items_query = items_query.where(answered)
    items = db.session.scalars(items_query).all()
    rows = {item.id: _panel_row(item, today=day or today, as_at=day) for item in items}
    amber_days = setting(AMBER_DAYS)
    on_items = ActionFilters(panel_item_ids=list(rows))
    action_rows: list[tuple[Action, str]] = []
    latest: dict[int, Any] = {}
    if as_at and rows:
        stored = db.session.scalars(
            filtered_actions(user, on_items, today=as_at.day, amber_days=amber_days).order_by(
                Action.reference, Action.id
            )
        ).all()
        action_rows = [
            (a, a.rag_on(as_at.day, amber_days))
            for a in visible_as_at(user, actions_as_at(stored, as_at))
        ]
        latest = latest_as_at(user, [a.id for a, _ in action_rows], as_at)
    elif rows:
        listing = action_list(
            user, on_items, today=today, amber_days=amber_days, order_by=(Action.reference,)
        )
        action_rows = [(row.Action, row.rag) for row in listing.rows]
        latest = listing.latest
    for action, rag_value in action_rows:
        rows[action.panel_item_id].actions.append((action, rag_value))
    counts = Counter(rag_value for _, rag_value in action_rows)
    meeting_dates = sorted(
        set(
            db.session.scalars(
                visible_sources(user, PanelItem)
                .with_only_columns(PanelItem.panel_meeting_on)
                .distinct()
            )
        ),
        reverse=True,
    )
    return PanelReport(
        rows=list(rows.values()),
        latest=latest,
        counts=counts,
        marking=highest_marking([a.marking for a, _ in action_rows]),
        meeting_dates=meeting_dates,
        assurance=_assurance([a for a, _ in action_rows], as_at),
        hidden_by_filters=unfiltered - len(rows),
    )


def _meeting_dates_within(
    items_query: Select, meeting_on: date | None, date_from: date | None, date_to: date | None
) -> Select:
    """Panel items of one meeting, or of meetings between two dates (either may be open)."""
    if meeting_on:
        items_query = items_query.where(PanelItem.panel_meeting_on == meeting_on)
    if date_from:
        items_query = items_query.where(PanelItem.panel_meeting_on >= date_from)
    if date_to:
        items_query = items_query.where(PanelItem.panel_meeting_on <= date_to)
    return items_query


def _panel_row(item: PanelItem, *, today: date, as_at: date | None) -> PanelRow:
    """An item's row on the report's day; "as at" a past day, a response dated after it
    had not been given yet."""
    responded_on = item.pcc_response_on
    answered = responded_on is not None and (as_at is None or responded_on <= as_at)
    due = item.response_due_on
    return PanelRow(
        item,
        answered=answered,
        days_overdue=days_late(due, today, done=answered),
        days_left=(due - today).days if due and not answered and due >= today else None,
    )


@dataclass
class MattersArising:
    """Actions from earlier meetings of the same series (and actions brought to the
    meeting on purpose), with the meeting's papers and lines of enquiry, for its pack."""

    meeting: Meeting
    previous: Meeting | None
    rows: list[tuple[Action, str, list[ActionUpdate]]]  # (action, rag, updates since)
    marking: Marking
    assurance: dict[int, str] = field(default_factory=dict)  # closed actions' conclusions
    papers: PapersDue | None = None
    lines: list[LineOfEnquiry] = field(default_factory=list)
    outcome: list[str] = field(default_factory=list)
    brought_ids: set[int] = field(default_factory=set)

    @property
    def item_count(self) -> int:
        return len(self.rows)


def matters_arising(
    user: Any, meeting: Meeting, *, today: date, as_at: AsAt | None = None
) -> MattersArising:
    """Actions from earlier meetings of the same series still open, or closed since the
    previous meeting, and actions brought to this meeting on purpose, each with the
    updates posted since the previous meeting (as they are now or, with `as_at`, as they
    stood at the end of that day)."""
    previous = db.session.scalar(
        visible_sources(user, Meeting)
        .where(earlier_in_series(meeting), Meeting.state != MeetingState.CANCELLED)
        .order_by(Meeting.held_on.desc(), Meeting.id.desc())
        .limit(1)
    )
    since = previous.held_on if previous else date.min
    start = datetime.combine(since, time.min, tzinfo=UTC) if previous else None
    amber_days = setting(AMBER_DAYS)
    brought_ids = set(
        db.session.scalars(
            select(BroughtAction.action_id).where(BroughtAction.meeting_id == meeting.id)
        )
    )
    from_series = select(Meeting.id).where(earlier_in_series(meeting))
    query = (
        select(Action)
        .outerjoin(Meeting, Action.meeting_id == Meeting.id)
        .where(
            policy.action_visibility(user),
            or_(Action.meeting_id.in_(from_series), Action.id.in_(brought_ids)),
        )
        .options(selectinload(Action.owner), selectinload(Action.meeting))
        .order_by(Meeting.held_on.is_(None), Meeting.held_on, Action.meeting_item_no, Action.id)
    )
    if as_at:
        found = [
            (action, action.rag_on(as_at.day, amber_days))
            for action in visible_as_at(user, actions_as_at(db.session.scalars(query).all(), as_at))
            if not action.status.is_complete or (action.closed_on and action.closed_on >= since)
        ]
        updates = updates_as_at(user, [a.id for a, _ in found], as_at, since=start)
    else:
        found = db.session.execute(
            query.add_columns(rag_of(today, amber_days).label("rag")).where(
                or_(~Action.status.in_(COMPLETE_STATUSES), Action.closed_on >= since)
            )
        ).all()
        updates = _updates_since(user, [action.id for action, _ in found], start)
    lines = programme_queries.lines_of_enquiry(user, meeting)
    return MattersArising(
        meeting=meeting,
        previous=previous,
        rows=[(action, rag_value, updates[action.id]) for action, rag_value in found],
        marking=highest_marking([action.marking for action, _ in found]),
        assurance=_assurance([action for action, _ in found], as_at),
        papers=programme_queries.papers_due([meeting], today)[0],
        lines=lines,
        outcome=programme_queries.outcome_summary(lines),
        brought_ids=brought_ids,
    )


def _updates_since(
    user: Any, ids: list[int], start: datetime | None
) -> dict[int, list[ActionUpdate]]:
    updates: dict[int, list[ActionUpdate]] = {i: [] for i in ids}
    if ids:
        query = (
            select(ActionUpdate)
            .where(ActionUpdate.action_id.in_(ids), policy.update_visibility(user))
            .options(selectinload(ActionUpdate.author))
            .order_by(ActionUpdate.id)
        )
        if start is not None:
            query = query.where(ActionUpdate.created_at >= start)
        for update in db.session.scalars(query):
            updates[update.action_id].append(update)
    return updates


@dataclass
class FindingProgress:
    finding: Finding
    actions: list[tuple[Action, str]]
    children: list[FindingProgress] = field(default_factory=list)


@dataclass
class ReportProgress:
    report: HmicfrsReport
    findings: list[FindingProgress]  # causes of concern (with their recommendations), then the rest


@dataclass
class HmicfrsProgress:
    reports: list[ReportProgress]
    marking: Marking
    item_count: int = 0
    assurance: dict[int, str] = field(default_factory=dict)  # closed actions' conclusions


def hmicfrs_progress(
    user: Any, *, report_id: int | None, today: date, as_at: AsAt | None = None
) -> HmicfrsProgress:
    """Per report: causes of concern with their recommendations, AFIs, actions and status
    (as they are now or, with `as_at`, as they stood at the end of that day)."""
    reports_query = visible_sources(user, HmicfrsReport).order_by(HmicfrsReport.published_on.desc())
    if report_id:
        reports_query = reports_query.where(HmicfrsReport.id == report_id)
    if as_at:
        reports_query = reports_query.where(HmicfrsReport.published_on <= as_at.day)
    reports = db.session.scalars(reports_query).all()
    findings = (
        db.session.scalars(
            visible_sources(user, Finding)
            .where(Finding.report_id.in_([r.id for r in reports]))
            .order_by(Finding.id)
        ).all()
        if reports
        else []
    )
    amber_days = setting(AMBER_DAYS)
    query = (
        select(Action)
        .where(Action.finding_id.in_([f.id for f in findings]), policy.action_visibility(user))
        .options(selectinload(Action.owner))
        .order_by(Action.reference)
    )
    if not findings:
        action_rows = []
    elif as_at:
        action_rows = [
            (a, a.rag_on(as_at.day, amber_days))
            for a in visible_as_at(user, actions_as_at(db.session.scalars(query).all(), as_at))
        ]
    else:
        action_rows = db.session.execute(
            query.add_columns(rag_of(today, amber_days).label("rag"))
        ).all()
    by_finding: dict[int, list[tuple[Action, str]]] = {f.id: [] for f in findings}
    for action, rag_value in action_rows:
        by_finding[action.finding_id].append((action, rag_value))
    progress = {f.id: FindingProgress(f, by_finding[f.id]) for f in findings}
    roots: dict[int, list[FindingProgress]] = {r.id: [] for r in reports}
    for finding in findings:
        node = progress[finding.id]
        if finding.parent_id in progress:
            progress[finding.parent_id].children.append(node)
        else:
            roots[finding.report_id].append(node)
    for nodes in roots.values():
        nodes.sort(key=lambda n: (not n.finding.kind.is_cause_of_concern, n.finding.id))
    return HmicfrsProgress(
        reports=[ReportProgress(r, roots[r.id]) for r in reports],
        marking=highest_marking([a.marking for a, _ in action_rows]),
        item_count=len(action_rows),
        assurance=_assurance([a for a, _ in action_rows], as_at),
    )


# Action log ------------------------------------------------------------------------------


@dataclass
class ActionLog:
    """A filtered action list, every page of it, as the action log report shows it."""

    rows: list[tuple[Action, str, int]]  # (action, rag, days overdue)
    latest: dict[int, Any]
    marking: Marking
    assurance: dict[int, str] = field(default_factory=dict)  # closed actions' conclusions

    @property
    def item_count(self) -> int:
        return len(self.rows)


# Filters whose answer depends on the day: applied to the reconstructed actions instead.
_TIME_VARYING = {
    "status": [],
    "rag": [],
    "owner_id": None,
    "organisation": None,
    "due_from": None,
    "due_to": None,
    "overdue_only": False,
    "q": "",
}


def action_log(
    user: Any, filters: ActionFilters, *, today: date, as_at: AsAt | None = None
) -> ActionLog:
    """Every visible action matching the list's filters, in the list's order (as they
    are now or, with `as_at`, as they stood at the end of that day)."""
    amber_days = setting(AMBER_DAYS)
    if as_at is not None:
        return _action_log_as_at(user, filters, as_at, amber_days)
    listing = action_list(user, filters, today=today, amber_days=amber_days, load=WITH_SOURCES)
    rows = [(row.Action, row.rag, row.days_overdue) for row in listing.rows]
    return ActionLog(
        rows=rows,
        latest=listing.latest,
        marking=highest_marking(a.marking for a, _, _ in rows),
        assurance=_assurance([a for a, _, _ in rows], None),
    )


def _action_log_as_at(user: Any, filters: ActionFilters, as_at: AsAt, amber_days: int) -> ActionLog:
    """The action log rebuilt as at a past day: the filters that cannot change over time
    in SQL, the rest on each action as it stood then."""
    stable = ActionFilters(**{**filters.__dict__, **_TIME_VARYING})
    stored = db.session.scalars(
        filtered_actions(user, stable, today=as_at.day, amber_days=amber_days).options(
            selectinload(Action.owner), *WITH_SOURCES
        )
    ).all()
    day = as_at.day
    rows = [
        (action, action.rag_on(day, amber_days), action.days_overdue(day))
        for action in visible_as_at(user, actions_as_at(stored, as_at))
    ]
    rows = _sorted_rows([row for row in rows if _matches(row, filters, day)], filters.sort, as_at)
    return ActionLog(
        rows=rows,
        latest=latest_as_at(user, [a.id for a, _, _ in rows], as_at),
        marking=highest_marking(a.marking for a, _, _ in rows),
        assurance=_assurance([a for a, _, _ in rows], as_at),
    )


def _matches(row: tuple[Any, str, int], filters: ActionFilters, day: date) -> bool:
    """The time-varying filters, on an action as it stood on `day` (as filtered_actions
    applies them in SQL)."""
    action, rag_value, overdue = row
    checks = [
        not filters.status or action.status in filters.status,
        not filters.rag or rag_value in {r.value for r in filters.rag},
        not filters.owner_id or action.owner_id == filters.owner_id,
        not filters.organisation or action.owning_organisation == filters.organisation,
        not filters.due_from or action.due_on >= filters.due_from,
        not filters.due_to or action.due_on <= filters.due_to,
        not filters.overdue_only or overdue > 0,
        not filters.q
        or text_matches(filters.q, action.reference, action.title, action.description),
    ]
    return all(checks)


def _sorted_rows(rows: list[Any], sort: str, as_at: AsAt) -> list[Any]:
    """The list's sorts (queries.SORTS), applied in Python with the same tie-break on id."""
    keys = {
        "due": lambda r: (r[0].due_on, r[0].id),
        "overdue": lambda r: (-r[2], r[0].due_on, r[0].id),
        "reference": lambda r: (r[0].reference, r[0].id),
        "status": lambda r: (r[0].status.value, r[0].id),
    }
    if sort in keys:
        return sorted(rows, key=keys[sort])
    if sort == "due_desc":
        rows = sorted(rows, key=lambda r: r[0].id)
        return sorted(rows, key=lambda r: r[0].due_on, reverse=True)
    if sort == "raised":
        rows = sorted(rows, key=lambda r: r[0].id)
        return sorted(rows, key=lambda r: r[0].raised_on, reverse=True)
    if sort == "updated":
        rows = sorted(rows, key=lambda r: r[0].id)
        return sorted(rows, key=lambda r: _changed(r[0], as_at), reverse=True)
    return rows if sort in SORTS else sorted(rows, key=keys["due"])


def _changed(action: Any, as_at: AsAt) -> datetime:
    """When the action last changed by the end of the day (its creation if later edits)."""
    if action.updated_at < as_at.cutoff:
        return action.updated_at
    return action.created_at
