"""RAG, days overdue and the marking order: the Python rules, and the SQL twins agreeing
with them on generated data."""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from tests.factories import make_action, make_meeting
from tracker.actions import rag
from tracker.actions.models import Action, ActionStatus, Marking, Rag
from tracker.db import db

TODAY = date(2023, 6, 14)


@pytest.mark.parametrize(
    ("due_on", "today", "expected"),
    [
        (date(2023, 6, 5), date(2023, 6, 8), 3),
        (date(2023, 6, 5), date(2023, 6, 5), 0),
        (date(2023, 6, 8), date(2023, 6, 5), 0),
    ],
)
def test_days_overdue(due_on: date, today: date, expected: int) -> None:
    assert rag.days_overdue(ActionStatus.OPEN, due_on, today) == expected


@pytest.mark.parametrize("status", [ActionStatus.CLOSED, ActionStatus.WITHDRAWN])
def test_complete_action_is_never_overdue(status: ActionStatus) -> None:
    assert rag.days_overdue(status, date(2023, 1, 1), TODAY) == 0


@pytest.mark.parametrize(
    ("due_on", "expected"),
    [
        (date(2023, 6, 13), "red"),  # due yesterday
        (date(2023, 6, 14), "amber"),  # due today
        (date(2023, 6, 19), "amber"),  # exactly amber_days ahead
        (date(2023, 6, 20), "green"),  # amber_days + 1 ahead
    ],
)
def test_rag_for_incomplete_actions(due_on: date, expected: str) -> None:
    assert rag.rag(ActionStatus.IN_PROGRESS, due_on, TODAY, 5) == expected


@pytest.mark.parametrize("due_on", [date(2023, 6, 1), date(2023, 6, 14), date(2023, 7, 1)])
def test_rag_is_complete_whenever_the_action_is_complete(due_on: date) -> None:
    assert rag.rag(ActionStatus.SUPERSEDED, due_on, TODAY, 5) == "complete"


@pytest.mark.parametrize(
    ("markings", "expected"),
    [
        ([], Marking.OFFICIAL),
        ([Marking.OFFICIAL], Marking.OFFICIAL),
        ([Marking.OFFICIAL, Marking.OFFICIAL_SENSITIVE], Marking.OFFICIAL_SENSITIVE),
        ([Marking.OFFICIAL_SENSITIVE, Marking.OFFICIAL], Marking.OFFICIAL_SENSITIVE),
    ],
)
def test_highest_marking(markings: list[Marking], expected: Marking) -> None:
    assert rag.highest_marking(markings) == expected


def test_marking_order_covers_every_marking() -> None:
    assert set(rag.MARKING_ORDER) == set(Marking)


# Every status, with due dates from well past to well beyond the amber window.
OFFSETS = [-400, -31, -2, -1, 0, 1, 2, 6, 7, 8, 30, 400]
AMBER_DAYS = [0, 1, 7]


@pytest.fixture
def actions_around_today(app, officer) -> list[int]:
    meeting = make_meeting(app)
    return [
        make_action(app, meeting, officer, status=status, due_on=TODAY + timedelta(days=offset)).id
        for status, offset in itertools.product(ActionStatus, OFFSETS)
    ]


@pytest.mark.parametrize("amber_days", AMBER_DAYS)
@pytest.mark.parametrize("today", [TODAY, TODAY - timedelta(days=1), date(2024, 2, 29)])
def test_sql_and_python_rag_and_days_overdue_agree(app, actions_around_today, today, amber_days):
    with app.app_context():
        rows = db.session.execute(
            select(
                Action,
                rag.rag_of(today, amber_days),
                rag.days_overdue_of(today),
                rag.is_overdue(today),
            ).where(Action.id.in_(actions_around_today))
        ).all()
        assert len(rows) == len(actions_around_today)
        for action, sql_rag, sql_days, sql_overdue in rows:
            assert sql_rag == action.rag_on(today, amber_days), action
            assert sql_days == action.days_overdue(today), action
            assert bool(sql_overdue) is (action.days_overdue(today) > 0), action


@pytest.mark.parametrize("amber_days", AMBER_DAYS)
@pytest.mark.parametrize("today", [TODAY, TODAY - timedelta(days=1)])
def test_the_rag_filter_selects_the_rows_whose_rag_is_chosen(
    app, actions_around_today, today, amber_days
):
    """The list's RAG filter (ranges an index can use) picks exactly the rows `rag_of`
    puts in the chosen colours, for every choice of colours."""
    every = list(Rag)
    choices = [set(c) for n in range(len(every) + 1) for c in itertools.combinations(every, n)]
    with app.app_context():
        colour = dict(
            db.session.execute(
                select(Action.id, rag.rag_of(today, amber_days)).where(
                    Action.id.in_(actions_around_today)
                )
            ).all()
        )
        assert set(colour.values()) == {r.value for r in Rag}  # every colour is present
        for chosen in choices:
            picked = set(
                db.session.scalars(
                    select(Action.id).where(
                        Action.id.in_(actions_around_today), rag.rag_is(chosen, today, amber_days)
                    )
                )
            )
            expected = {i for i, c in colour.items() if c in {r.value for r in chosen}}
            assert picked == expected, sorted(r.value for r in chosen)


@pytest.mark.parametrize("amber_days", AMBER_DAYS)
@pytest.mark.parametrize("today", [TODAY, TODAY - timedelta(days=1), date(2024, 2, 29)])
def test_rag_tallied_by_status_agrees_with_rag_row_by_row(
    app, actions_around_today, today, amber_days
):
    with app.app_context():
        tallied = Counter()
        for status, total, past_due, due_by_amber in db.session.execute(
            select(Action.status, func.count(), *rag.rag_tally_of(today, amber_days))
            .where(Action.id.in_(actions_around_today))
            .group_by(Action.status)
        ):
            tallied.update(
                rag.rag_tally(status, total=total, past_due=past_due, due_by_amber=due_by_amber)
            )
        actions = db.session.scalars(select(Action).where(Action.id.in_(actions_around_today)))
        row_by_row = Counter(action.rag_on(today, amber_days) for action in actions)
    assert +tallied == row_by_row
