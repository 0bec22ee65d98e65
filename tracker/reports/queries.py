"""What each report contains, built on the same visibility filters as the lists."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker import policy
from tracker.actions.models import Action, Marking
from tracker.actions.queries import latest_updates, rag_of
from tracker.db import db
from tracker.settings.services import get_setting
from tracker.sources.models import PanelItem
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
