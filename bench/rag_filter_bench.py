"""Time the action list's RAG filter written two ways, in turns within one run.

    python -m bench.rag_filter_bench --database-url postgresql+psycopg://.../bench [--repeat 7]

Run against a database filled by ``bench.generate``. For the list an officer opens as
"red, open or in progress, text 'review', most overdue first", times what the list page
asks the database (the matching count and the first page of ids), with the RAG filter
as the app writes it (`rag.rag_is`: ranges of status and due date) and as it was written
before (`rag.rag_of(...).in_(...)`, a test of the RAG CASE expression, which the planner
cannot estimate). Checks both give the same rows and prints medians and their ratio.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

SCENARIO = [
    ("status", "open"),
    ("status", "in_progress"),
    ("rag", "red"),
    ("sort", "overdue"),
    ("q", "review"),
]
AMBER_DAYS = 14
PAGE = 25


def _case_test(rags: Any, today: Any, amber_days: int) -> Any:
    from tracker.actions import rag

    return rag.rag_of(today, amber_days).in_([rag.Rag(r).value for r in rags])


def _answer(user: Any, predicate: Callable[..., Any]) -> tuple[float, int, list[int]]:
    """(ms, count, first page of ids) of the scenario with `predicate` as the RAG filter."""
    from tracker.actions import queries
    from tracker.actions.models import Action
    from tracker.clock import today
    from tracker.db import db

    original = queries.rag_is
    queries.rag_is = predicate
    try:
        filters = queries.ActionFilters.from_args(MultiDict(SCENARIO))
        day = today()
        rows = queries.filtered_actions(user, filters, today=day, amber_days=AMBER_DAYS)
        rows = queries.sorted_actions(rows, "overdue", today=day)
        start = time.perf_counter()
        total = db.session.scalar(select(func.count()).select_from(rows.order_by(None).subquery()))
        ids = list(db.session.scalars(rows.with_only_columns(Action.id).limit(PAGE)))
        elapsed = (time.perf_counter() - start) * 1000
    finally:
        queries.rag_is = original
        db.session.rollback()
    return elapsed, total or 0, ids


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="a database filled by bench.generate")
    parser.add_argument("--repeat", type=int, default=7, help="timed runs of each way")
    args = parser.parse_args(argv)

    from tracker import create_app
    from tracker.actions import rag
    from tracker.auth.models import Role, User
    from tracker.db import db

    app = create_app("development", SQLALCHEMY_DATABASE_URI=args.database_url, LOG_LEVEL="WARNING")
    with app.app_context():
        user = db.session.scalars(select(User).where(User.role == Role.OPCC_OFFICER)).first()
        if user is None:
            parser.error("no OPCC officer in that database: fill it with bench.generate")
        ways = {"ranges (rag_is)": rag.rag_is, "CASE test (before)": _case_test}
        times: dict[str, list[float]] = {name: [] for name in ways}
        answers: dict[str, tuple[int, list[int]]] = {}
        for name, predicate in ways.items():  # warm-up, and the answers to compare
            _, total, ids = _answer(user, predicate)
            answers[name] = (total, ids)
        for _ in range(args.repeat):
            for name, predicate in ways.items():
                times[name].append(_answer(user, predicate)[0])
    same = len({repr(answer) for answer in answers.values()}) == 1
    print(f"Database: {args.database_url.split('@')[-1]}")
    print(f"Matching actions: {answers['ranges (rag_is)'][0]:,}; same rows both ways: {same}")
    medians = {name: statistics.median(values) for name, values in times.items()}
    for name, value in medians.items():
        print(f"{name:<20} median {value:8.1f} ms  runs {[round(t) for t in times[name]]}")
    ratio = medians["CASE test (before)"] / medians["ranges (rag_is)"]
    print(f"before / now: {ratio:.2f}x")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
