"""RAG, days overdue and the marking order: each written once in Python and once in SQL.

The Python functions judge an action in memory (the detail page, "as at" reports that
rebuild past states, reminders); the SQL expressions let lists filter, sort and count
without loading rows. tests/actions/test_rag.py checks the two agree on generated data.
`today` is always passed in.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from sqlalchemy import Date, Integer, case, false, func, literal, or_
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FunctionElement

from tracker.actions.models import COMPLETE_STATUSES, Action, ActionStatus, Marking, Rag
from tracker.deadlines import days_late

# Statuses in which work is still expected: every status not in COMPLETE_STATUSES.
UNFINISHED_STATUSES: tuple[ActionStatus, ...] = tuple(
    s for s in ActionStatus if s not in COMPLETE_STATUSES
)

# Lowest first: a report or email carries the highest marking among its actions.
MARKING_ORDER: tuple[Marking, ...] = (Marking.OFFICIAL, Marking.OFFICIAL_SENSITIVE)


def highest_marking(markings: Iterable[Marking]) -> Marking:
    """The most sensitive marking among `markings` (OFFICIAL when there are none)."""
    return max(markings, key=MARKING_ORDER.index, default=Marking.OFFICIAL)


# Python ---------------------------------------------------------------------------------


def days_overdue(status: ActionStatus, due_on: date, today: date) -> int:
    """Whole days past the due date (0 when not yet due or complete)."""
    return days_late(due_on, today, done=status in COMPLETE_STATUSES)


def rag(status: ActionStatus, due_on: date, today: date, amber_days: int) -> str:
    """'complete', 'red' (overdue), 'amber' (due within amber_days) or 'green'."""
    if status in COMPLETE_STATUSES:
        return Rag.COMPLETE.value
    if due_on < today:
        return Rag.RED.value
    if due_on <= today + timedelta(days=amber_days):
        return Rag.AMBER.value
    return Rag.GREEN.value


def rag_meanings(amber_days: int) -> dict[Rag, str]:
    """What each rating means, in words (the help page shows them; keep them with `rag`)."""
    complete = _join_or([status.in_sentence for status in ActionStatus if status.is_complete])
    days = f"{amber_days} day{'' if amber_days == 1 else 's'}"
    return {
        Rag.RED: "Overdue: not complete and the due date has passed.",
        Rag.AMBER: f"Due soon: not complete and due today or within the next {days}.",
        Rag.GREEN: f"On track: not complete and due more than {days} from today.",
        Rag.COMPLETE: f"No further work is expected: the action is {complete}.",
    }


def _join_or(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


# SQL ------------------------------------------------------------------------------------


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
    """SQL: no further work is expected (see COMPLETE_STATUSES)."""
    return Action.status.in_(COMPLETE_STATUSES)


def is_unfinished() -> ColumnElement[bool]:
    """SQL: work is still expected (the same rows as NOT is_complete(), written as a list
    of statuses so an index on status can be searched rather than scanned)."""
    return Action.status.in_(UNFINISHED_STATUSES)


def is_overdue(today: date) -> ColumnElement[bool]:
    """SQL: not complete and past its due date (days_overdue > 0)."""
    return is_unfinished() & (Action.due_on < today)


def _past_due(today: date) -> ColumnElement[bool]:
    return Action.due_on < today


def _due_within_amber(today: date, amber_days: int) -> ColumnElement[bool]:
    return Action.due_on <= today + timedelta(days=amber_days)


def rag_of(today: date, amber_days: int) -> ColumnElement[str]:
    """SQL twin of `rag`."""
    return case(
        (is_complete(), literal(Rag.COMPLETE.value)),
        (_past_due(today), literal(Rag.RED.value)),
        (_due_within_amber(today, amber_days), literal(Rag.AMBER.value)),
        else_=literal(Rag.GREEN.value),
    )


def rag_is(rags: Iterable[Rag], today: date, amber_days: int) -> ColumnElement[bool]:
    """SQL: the action's RAG is one of `rags` (the same rows as `rag_of(...).in_(...)`).

    Written as ranges of status and due date rather than a test of the CASE expression,
    so the planner can estimate it from column statistics and use the indexes on status
    and due date: at 1,000,000 actions PostgreSQL took the CASE for 963 rows where
    200,000 matched and chose a nested loop that ran for seconds.
    """
    amber_end = today + timedelta(days=amber_days)
    ranges = {
        Rag.COMPLETE: is_complete(),
        Rag.RED: is_unfinished() & (Action.due_on < today),
        Rag.AMBER: is_unfinished() & (Action.due_on >= today) & (Action.due_on <= amber_end),
        Rag.GREEN: is_unfinished() & (Action.due_on > amber_end),
    }
    return or_(false(), *(ranges[Rag(r)] for r in dict.fromkeys(rags)))


# Counting by RAG in one pass ---------------------------------------------------------
# Evaluating `rag_of` on every row and grouping by it makes the database sort every row
# (on SQLite, a temporary B-tree). Grouped by status instead, in an index's order, each
# group needs only two due-date counts: `rag_tally` turns them into RAG counts.


def rag_tally_of(today: date, amber_days: int) -> tuple[ColumnElement[int], ColumnElement[int]]:
    """SQL aggregates for a query grouped by status: rows past due, and rows due by the
    end of the amber window (past due included). Give them to `rag_tally`."""
    return (
        func.count().filter(_past_due(today)).label("past_due"),
        func.count().filter(_due_within_amber(today, amber_days)).label("due_by_amber"),
    )


def rag_tally(
    status: ActionStatus, *, total: int, past_due: int, due_by_amber: int
) -> dict[str, int]:
    """RAG counts ({rag value: n}) of `total` actions with one `status`, from the counts
    `rag_tally_of` selects: the same answer as `rag` (and `rag_of`) row by row."""
    if status in COMPLETE_STATUSES:
        return {Rag.COMPLETE.value: total}
    return {
        Rag.RED.value: past_due,
        Rag.AMBER.value: due_by_amber - past_due,
        Rag.GREEN.value: total - due_by_amber,
    }


def days_overdue_of(today: date) -> ColumnElement[int]:
    """SQL twin of `days_overdue`."""
    return case((is_overdue(today), days_between(Action.due_on, literal(today, Date()))), else_=0)
