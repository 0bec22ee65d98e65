"""What every source page shows about its actions: counts and the action rows."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from sqlalchemy import func, select

from tracker.actions.models import Action
from tracker.actions.queries import (
    ActionFilters,
    filtered_actions,
    latest_updates,
    rag_of,
    sorted_actions,
    with_list_columns,
)
from tracker.db import db
from tracker.policy import action_visibility
from tracker.settings.services import get_setting


def action_counts(user: Any, column: Any, ids: list[int], *, today: date) -> dict[int, Counter]:
    """For each source id: visible actions counted by RAG, plus 'total' (one query)."""
    if not ids:
        return {}
    rag = rag_of(today, int(get_setting("amber_days")))
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
    """The rows of a source's action table: actions, RAG, days overdue, latest update."""
    amber_days = int(get_setting("amber_days"))
    query = sorted_actions(
        filtered_actions(user, filters, today=today, amber_days=amber_days),
        "reference",
        today=today,
    )
    if filters.meeting_id:
        query = query.order_by(None).order_by(Action.meeting_item_no, Action.id)
    rows = db.session.execute(with_list_columns(query, today=today, amber_days=amber_days)).all()
    latest = latest_updates(user, [row.Action.id for row in rows])
    counts = Counter(row.rag for row in rows)
    return {"rows": rows, "latest": latest, "counts": counts, "total": len(rows)}
