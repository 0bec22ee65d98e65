"""What each report contains, built on the same visibility filters as the lists."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from tracker import policy
from tracker.actions.models import COMPLETE_STATUSES, Action, ActionUpdate, Marking
from tracker.actions.queries import latest_updates, rag_of
from tracker.db import db
from tracker.settings.services import get_setting
from tracker.sources.models import Finding, HmicfrsReport, Meeting, PanelItem
from tracker.sources.queries import visible_sources

MARKING_ORDER = [Marking.OFFICIAL, Marking.OFFICIAL_SENSITIVE]


@dataclass
class PanelRow:
    """One Panel item with its actions, as the follow-up report shows it."""

    item: PanelItem
    actions: list[tuple[Action, str]] = field(default_factory=list)  # (action, rag)


@dataclass
class PanelReport:
    rows: list[PanelRow]
    latest: dict[int, Any]
    counts: Counter
    marking: Marking
    meeting_dates: list[date]


def highest_marking(markings: list[Marking]) -> Marking:
    """The most sensitive marking among the items (OFFICIAL when there are none)."""
    return max(markings, key=MARKING_ORDER.index, default=Marking.OFFICIAL)


def panel_follow_up(
    user: Any,
    *,
    meeting_on: date | None,
    date_from: date | None,
    date_to: date | None,
    status: str,
    today: date,
) -> PanelReport:
    """Panel items (for one Panel meeting or a date range) with their visible actions."""
    items_query = visible_sources(user, PanelItem).order_by(
        PanelItem.panel_meeting_on, PanelItem.id
    )
    if meeting_on:
        items_query = items_query.where(PanelItem.panel_meeting_on == meeting_on)
    if date_from:
        items_query = items_query.where(PanelItem.panel_meeting_on >= date_from)
    if date_to:
        items_query = items_query.where(PanelItem.panel_meeting_on <= date_to)
    if status == "outstanding":
        items_query = items_query.where(PanelItem.pcc_response_on.is_(None))
    elif status == "answered":
        items_query = items_query.where(PanelItem.pcc_response_on.is_not(None))
    items = db.session.scalars(items_query).all()
    rows = {item.id: PanelRow(item) for item in items}
    rag = rag_of(today, int(get_setting("amber_days")))
    action_rows = (
        db.session.execute(
            select(Action, rag.label("rag"))
            .where(Action.panel_item_id.in_(rows), policy.action_visibility(user))
            .options(selectinload(Action.owner))
            .order_by(Action.reference)
        ).all()
        if rows
        else []
    )
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
        latest=latest_updates(user, [a.id for a, _ in action_rows]),
        counts=counts,
        marking=highest_marking([a.marking for a, _ in action_rows]),
        meeting_dates=meeting_dates,
    )


@dataclass
class MattersArising:
    """Actions from earlier meetings of the same kind, for a meeting's pack."""

    meeting: Meeting
    previous: Meeting | None
    rows: list[tuple[Action, str, list[ActionUpdate]]]  # (action, rag, updates since)
    marking: Marking


def matters_arising(user: Any, meeting: Meeting, *, today: date) -> MattersArising:
    """Actions from earlier meetings of the same kind still open, or closed since the
    previous meeting, each with the updates posted since the previous meeting."""
    previous = db.session.scalar(
        visible_sources(user, Meeting)
        .where(Meeting.kind == meeting.kind, Meeting.held_on < meeting.held_on)
        .order_by(Meeting.held_on.desc(), Meeting.id.desc())
        .limit(1)
    )
    since = previous.held_on if previous else date.min
    rag = rag_of(today, int(get_setting("amber_days")))
    found = db.session.execute(
        select(Action, rag.label("rag"))
        .join(Meeting, Action.meeting_id == Meeting.id)
        .where(
            policy.action_visibility(user),
            Meeting.kind == meeting.kind,
            Meeting.held_on < meeting.held_on,
            or_(~Action.status.in_(COMPLETE_STATUSES), Action.closed_on >= since),
        )
        .options(selectinload(Action.owner), selectinload(Action.meeting))
        .order_by(Meeting.held_on, Action.meeting_item_no, Action.id)
    ).all()
    ids = [action.id for action, _ in found]
    updates: dict[int, list[ActionUpdate]] = {i: [] for i in ids}
    if ids:
        start = datetime.combine(since, time.min, tzinfo=UTC) if previous else None
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
    return MattersArising(
        meeting=meeting,
        previous=previous,
        rows=[(action, rag_value, updates[action.id]) for action, rag_value in found],
        marking=highest_marking([action.marking for action, _ in found]),
    )


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


def hmicfrs_progress(user: Any, *, report_id: int | None, today: date) -> HmicfrsProgress:
    """Per report: causes of concern with their recommendations, AFIs, actions and status."""
    reports_query = visible_sources(user, HmicfrsReport).order_by(HmicfrsReport.published_on.desc())
    if report_id:
        reports_query = reports_query.where(HmicfrsReport.id == report_id)
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
    rag = rag_of(today, int(get_setting("amber_days")))
    action_rows = (
        db.session.execute(
            select(Action, rag.label("rag"))
            .where(Action.finding_id.in_([f.id for f in findings]), policy.action_visibility(user))
            .options(selectinload(Action.owner))
            .order_by(Action.reference)
        ).all()
        if findings
        else []
    )
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
    )
