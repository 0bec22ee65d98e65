"""What every source page shows about its actions: counts and the action rows."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from sqlalchemy import func, select

from tracker.actions.models import Action
from tracker.actions.queries import ActionFilters, action_list
from tracker.actions.rag import rag_of
from tracker.db import db
from tracker.policy import action_visibility
from tracker.settings.definitions import AMBER_DAYS
from tracker.settings.services import setting


def action_counts(user: Any, column: Any, ids: list[int], *, today: date) -> dict[int, Counter]:
    """For each source id: visible actions counted by RAG, plus 'total' (one query)."""
    if not ids:
        return {}
    rag = rag_of(today, setting(AMBER_DAYS))
    rows = db.session.execute(
        select(column, rag, func.count(Action.id))
        .where(column.in_(ids), action_visibility(user))
        .group_by(column, rag)
    )
    counts: dict[int, Counter] = {source_id: Counter() for source_id in ids}
    for source_id, rag_value, number in rows:
        counts[source_id][rag_value] += number
        counts[source_id]["total"] += number
    return counts


def actions_for(user: Any, filters: ActionFilters, *, today: date) -> dict[str, Any]:
    """The rows of a source's action table: actions, RAG, days overdue, latest update
    (a meeting's in item order, others by reference)."""
    listing = action_list(
        user,
        filters,
        today=today,
        amber_days=setting(AMBER_DAYS),
        order_by=(Action.meeting_item_no,) if filters.meeting_id else (Action.reference,),
    )
    counts = Counter(row.rag for row in listing.rows)
    return {
        "rows": listing.rows,
        "latest": listing.latest,
        "counts": counts,
        "total": listing.total,
    }
