"""Time the action list's text search against a hand-written full-text floor.

    python -m bench.search_bench --database-url sqlite:////tmp/bench.sqlite3 [--repeat 15]

Run against a database filled by ``bench.generate`` (which also fills the search index).
For each query and reader, three ways to get what the action list needs for a search
(the number of matching visible actions and the first page of their ids, soonest due
first) are timed in turns within one run, so load on the machine hits them alike:

* app: the SQL the action list runs (`filtered_actions` with `ActionFilters(q=...)`,
  counted by `count_of`, sorted by `sorted_actions`), built and executed as the app does;
* floor: the same two answers from SQL written by hand straight against this database's
  text index (FTS5 MATCH on SQLite, a GIN tsvector @@ on PostgreSQL);
* like: the search before the index (lower(...) LIKE '%q%' over three columns).

"app" includes building the statements with SQLAlchemy (a few milliseconds of Python,
whatever the data), which dominates when a search finds little. The LIKE search is
timed in rounds of its own after the others (a third as many). So the statements each
way executes are also captured once and replayed on the raw DBAPI connection ("sql"
columns): app sql / floor sql compares what the databases do.

Prints medians in milliseconds and the ratios app/floor (target: under 3) and like/app.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import event, func, or_, select, text

PAGE = 25
QUERIES = ("B-012345", "B-0123", "custody", "vetting backlog", "reviewed peers", "zzzz")
READERS = {"officer": 2, "liaison": 4}  # bench.generate's user ids

FLOOR_SQLITE = {
    "count": "SELECT count(*) FROM search_entries e {join}"
    " WHERE e.id IN (SELECT rowid FROM search_index WHERE search_index MATCH :match)"
    " AND e.kind = 'action' {where}",
    "page": "SELECT a.id FROM search_entries e JOIN actions a ON a.id = e.record_id"
    " WHERE e.id IN (SELECT rowid FROM search_index WHERE search_index MATCH :match)"
    " AND e.kind = 'action' {where} ORDER BY a.due_on, a.id LIMIT 25",
}
FLOOR_POSTGRESQL = {
    "count": "SELECT count(*) FROM search_entries e {join}"
    " WHERE to_tsvector('simple', e.words) @@ to_tsquery('simple', :match)"
    " AND e.kind = 'action' {where}",
    "page": "SELECT a.id FROM search_entries e JOIN actions a ON a.id = e.record_id"
    " WHERE to_tsvector('simple', e.words) @@ to_tsquery('simple', :match)"
    " AND e.kind = 'action' {where} ORDER BY a.due_on, a.id LIMIT 25",
}
FORCE_JOIN = "JOIN actions a ON a.id = e.record_id"
FORCE_WHERE = "AND NOT a.opcc_only AND a.owning_organisation = 'force'"


def median_ms(values: list[float]) -> float:
    return statistics.median(values) * 1000


def app_search(user: Any, q: str, today: date) -> tuple[int, list[int]]:
    from tracker.actions.models import Action
    from tracker.actions.queries import ActionFilters, filtered_actions, sorted_actions
    from tracker.db import db
    from tracker.pagination import count_of

    query = filtered_actions(user, ActionFilters(q=q), today=today, amber_days=14)
    total = count_of(query)
    page = sorted_actions(query.with_only_columns(Action.id), "due", today=today).limit(PAGE)
    return total, list(db.session.scalars(page))


def like_search(user: Any, q: str, today: date) -> tuple[int, list[int]]:
    from tracker import policy
    from tracker.actions.models import Action
    from tracker.actions.queries import escape_like
    from tracker.db import db
    from tracker.pagination import count_of

    pattern = f"%{escape_like(q.lower())}%"
    matches = or_(
        *(
            func.lower(column).like(pattern, escape="\\")
            for column in (Action.reference, Action.title, Action.description)
        )
    )
    query = select(Action.id).where(policy.action_visibility(user), matches)
    total = count_of(query)
    page = query.order_by(Action.due_on, Action.id).limit(PAGE)
    return total, list(db.session.scalars(page))


def floor_search(user: Any, q: str, today: date) -> tuple[int, list[int]]:
    from tracker import policy
    from tracker.db import db
    from tracker.search.words import fts5_query, parse_query, tsquery

    phrases = parse_query(q)
    if not phrases:
        return 0, []
    sqlite = db.session.get_bind().dialect.name == "sqlite"
    sql = FLOOR_SQLITE if sqlite else FLOOR_POSTGRESQL
    force = policy.is_force(user)
    where = FORCE_WHERE if force else ""
    if sqlite:
        where = where.replace("NOT a.opcc_only", "a.opcc_only = 0")
    match = fts5_query(phrases) if sqlite else tsquery(phrases)
    total = db.session.scalar(
        text(sql["count"].format(join=FORCE_JOIN if force else "", where=where)),
        {"match": match},
    )
    ids = db.session.scalars(text(sql["page"].format(where=where)), {"match": match}).all()
    return total or 0, list(ids)


def captured(run: Callable[[], Any]) -> list[tuple[str, Any]]:
    """The statements `run` executes, with their parameters."""
    from tracker.db import db

    statements: list[tuple[str, Any]] = []

    def listen(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        run()
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)
    return statements


def replay(statements: list[tuple[str, Any]]) -> None:
    """Run captured statements on the raw DBAPI connection, fetching every row."""
    from tracker.db import db

    cursor = db.session.connection().connection.cursor()
    for statement, parameters in statements:
        cursor.execute(statement, parameters)
        cursor.fetchall()
    cursor.close()


WAYS: dict[str, Callable[[Any, str, date], tuple[int, list[int]]]] = {
    "app": app_search,
    "floor": floor_search,
    "like": like_search,
}
COLUMNS = ("app", "floor", "app sql", "floor sql", "like")
Key = tuple[str, str, str]  # (reader, query, way)


def prepare(readers: dict[str, Any], today: date) -> tuple[dict, dict[Key, list]]:
    """Warm up, check that app and floor agree, and capture what each executes."""
    hits: dict[tuple[str, str], int] = {}
    replays: dict[Key, list[tuple[str, Any]]] = {}
    for reader, user in readers.items():
        for q in QUERIES:
            answers = {way: run(user, q, today) for way, run in WAYS.items()}
            if answers["app"] != answers["floor"]:
                raise SystemExit(f"app and floor disagree on {q!r} for {reader}")
            hits[(reader, q)] = answers["app"][0]
            for way in ("app", "floor"):
                replays[(reader, q, way)] = captured(
                    lambda run=WAYS[way], user=user, q=q: run(user, q, today)
                )
    return hits, replays


def time_in_turns(
    readers: dict[str, Any], replays: dict[Key, list], today: date, repeat: int
) -> dict[Key, list[float]]:
    """Each way for each reader and query in turn, `repeat` rounds."""
    from tracker.db import db

    times: dict[Key, list[float]] = {}

    def timed(key: Key, run: Callable[[], Any]) -> None:
        began = time.perf_counter()
        run()
        times.setdefault(key, []).append(time.perf_counter() - began)
        db.session.rollback()

    # app, floor and their replays take turns in a shuffled order each round (so none always
    # runs on a cache another has just warmed); the LIKE scans, which read the whole actions
    # table and push the rest out of SQLite's page cache, run in rounds of their own.
    shuffle = random.Random(1).shuffle
    for _ in range(repeat):
        for reader, user in readers.items():
            for q in QUERIES:
                turns: list[tuple[Key, Callable[[], Any]]] = [
                    ((reader, q, way), lambda run=WAYS[way], user=user, q=q: run(user, q, today))
                    for way in ("app", "floor")
                ] + [
                    ((reader, q, f"{way} sql"), lambda k=(reader, q, way): replay(replays[k]))
                    for way in ("app", "floor")
                ]
                shuffle(turns)
                for key, run in turns:
                    timed(key, run)
    for _ in range(max(repeat // 3, 1)):
        for reader, user in readers.items():
            for q in QUERIES:
                timed((reader, q, "like"), lambda user=user, q=q: like_search(user, q, today))
    return times


def print_table(readers: dict[str, Any], hits: dict, times: dict[Key, list[float]]) -> None:
    print(
        f"{'reader':<8} {'query':<16} {'hits':>6}"
        + "".join(f" {name + ' ms':>12}" for name in COLUMNS)
        + f" {'app/floor':>9} {'sql ratio':>9} {'like/app':>8}"
    )
    worst = worst_sql = 0.0
    for reader in readers:
        for q in QUERIES:
            ms = {name: median_ms(times[(reader, q, name)]) for name in COLUMNS}
            ratio = ms["app"] / ms["floor"]
            sql_ratio = ms["app sql"] / ms["floor sql"]
            worst, worst_sql = max(worst, ratio), max(worst_sql, sql_ratio)
            print(
                f"{reader:<8} {q:<16} {hits[(reader, q)]:>6}"
                + "".join(f" {ms[name]:>12.2f}" for name in COLUMNS)
                + f" {ratio:>9.2f} {sql_ratio:>9.2f} {ms['like'] / ms['app']:>8.1f}"
            )
    print(f"Worst sql ratio (app sql / floor sql): {worst_sql:.2f} (target under 3)")
    print(f"Worst end-to-end ratio (app / floor): {worst:.2f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args(argv)

    from tracker import create_app
    from tracker.auth.models import User
    from tracker.db import db

    app = create_app("development", SQLALCHEMY_DATABASE_URI=args.database_url, LOG_LEVEL="WARNING")
    with app.app_context():
        print(f"Database: {db.engine.dialect.name}, {args.repeat} runs each, interleaved")
        today = date.today()  # noqa: DTZ011 - a timing run, any day will do
        readers = {name: db.session.get(User, id_) for name, id_ in READERS.items()}
        hits, replays = prepare(readers, today)
        print_table(readers, hits, time_in_turns(readers, replays, today, args.repeat))
        db.engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
