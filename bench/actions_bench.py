"""Time the action pages against a database filled by ``bench.generate``.

    python -m bench.actions_bench --database-url sqlite:////tmp/bench.sqlite3 [--repeat 30]

Builds the app against the existing database, signs in as the bench administrator
through the real /login form with Flask's test client, then for each scenario:

* server time: ``time.perf_counter()`` around ``client.get(url)`` (routing, queries,
  ORM loading, template rendering), over --repeat runs after 3 warm-up runs;
* direct SQL: the statements one request executes are captured with a
  ``before_cursor_execute`` listener, then replayed exactly (same SQL, same
  parameters) on a raw DBAPI connection with ``fetchall()``, over the same runs.

The ratio server/SQL shows how much of a request is spent outside the database.

Then the list pages are compared (``--no-compare`` skips this): for each repetition,
each list scenario is fetched from the app, from a hand-written floor and from a
Flask-Admin ModelView over the same rows, and an empty page in the same layout is
fetched once, all interleaved so load on the machine hits them alike
(`bench.list_rivals`). Medians, ratios and the target "at most 3x the floor plus the
bare layout" are printed. Flask-Admin comes with the ``bench`` optional dependencies;
without it that column is skipped with a message.

Output is plain text, meant to be pasted into a note.
"""

from __future__ import annotations

import argparse
import math
import re
import statistics
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, func, select

from bench import list_rivals
from bench.generate import BENCH_ADMIN_EMAIL, BENCH_PASSWORD

WARM_UP = 3
CSRF_RE = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)
READ_ONLY = ("SELECT", "WITH", "PRAGMA")


@dataclass
class Statement:
    sql: str
    parameters: Any
    times_ms: list[float] = field(default_factory=list)


@dataclass
class Result:
    name: str
    url: str
    statements: list[Statement]
    server_ms: list[float]
    sql_ms: list[float]
    response_kb: float
    skipped_writes: int = 0


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(math.ceil(pct / 100 * len(ordered)) - 1, 0)]


def csrf_token_from(html: str) -> str:
    match = CSRF_RE.search(html)
    if not match:
        raise RuntimeError("no CSRF token on the sign-in page")
    return match.group(1) or match.group(2)


def sign_in(client: FlaskClient) -> None:
    page = client.get("/login")
    response = client.post(
        "/login",
        data={
            "email": BENCH_ADMIN_EMAIL,
            "password": BENCH_PASSWORD,
            "csrf_token": csrf_token_from(page.text),
        },
    )
    if response.status_code != 302:
        raise RuntimeError(f"sign-in failed with HTTP {response.status_code}")


class StatementRecorder:
    """Collects (statement, parameters) from the engine while `recording` is set."""

    def __init__(self) -> None:
        self.recording = False
        self.captured: list[Statement] = []

    def __call__(
        self,
        conn: Any,
        cursor: Any,
        statement: str,
        parameters: Any,
        context: Any,
        executemany: bool,
    ) -> None:
        if self.recording:
            self.captured.append(Statement(statement, parameters))

    def capture(self, action: Callable[[], Any]) -> list[Statement]:
        self.captured = []
        self.recording = True
        try:
            action()
        finally:
            self.recording = False
        return self.captured


def get_ok(client: FlaskClient, url: str) -> Any:
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} returned HTTP {response.status_code}, expected 200")
    return response


def time_server(client: FlaskClient, url: str, repeat: int) -> tuple[list[float], float]:
    size = 0
    for _ in range(WARM_UP):
        size = len(get_ok(client, url).data)
    timings = []
    for _ in range(repeat):
        began = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - began) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} returned HTTP {response.status_code}, expected 200")
    return timings, size / 1024


def replay(raw: Any, statements: list[Statement], *, record: bool) -> float:
    """Run the statements on a raw DBAPI connection; returns total milliseconds."""
    total = 0.0
    cursor = raw.cursor()
    try:
        for statement in statements:
            began = time.perf_counter()
            cursor.execute(statement.sql, statement.parameters)
            if cursor.description is not None:
                cursor.fetchall()
            elapsed = (time.perf_counter() - began) * 1000
            total += elapsed
            if record:
                statement.times_ms.append(elapsed)
    finally:
        cursor.close()
        raw.rollback()
    return total


def time_sql(app: Flask, statements: list[Statement], repeat: int) -> list[float]:
    from tracker.db import db

    with app.app_context():
        raw = db.engine.raw_connection()
        try:
            for _ in range(WARM_UP):
                replay(raw, statements, record=False)
            return [replay(raw, statements, record=True) for _ in range(repeat)]
        finally:
            raw.close()


def run_scenario(
    app: Flask,
    client: FlaskClient,
    recorder: StatementRecorder,
    name: str,
    url: str,
    repeat: int,
) -> Result:
    server_ms, size_kb = time_server(client, url, repeat)
    captured = recorder.capture(lambda: get_ok(client, url))
    readable = [s for s in captured if s.sql.lstrip().upper().startswith(READ_ONLY)]
    sql_ms = time_sql(app, readable, repeat)
    return Result(
        name=name,
        url=url,
        statements=readable,
        server_ms=server_ms,
        sql_ms=sql_ms,
        response_kb=size_kb,
        skipped_writes=len(captured) - len(readable),
    )


def row_counts() -> dict[str, int]:
    from tracker.db import db

    counts = {}
    for table in db.metadata.sorted_tables:
        counts[table.name] = db.session.scalar(select(func.count()).select_from(table)) or 0
    return counts


def busiest_action_id() -> tuple[int, int]:
    """The action with the most updates, and how many it has."""
    from tracker.actions.models import ActionUpdate
    from tracker.db import db

    row = db.session.execute(
        select(ActionUpdate.action_id, func.count().label("n"))
        .group_by(ActionUpdate.action_id)
        .order_by(func.count().desc(), ActionUpdate.action_id)
        .limit(1)
    ).first()
    if row is None:
        raise RuntimeError("the database has no action updates: run bench.generate first")
    return int(row[0]), int(row[1])


def format_table(results: list[Result]) -> str:
    headers = (
        "scenario",
        "stmts",
        "server med",
        "server p95",
        "SQL med",
        "SQL p95",
        "server/SQL",
        "KB",
    )
    rows = []
    for r in results:
        server_median = statistics.median(r.server_ms)
        sql_median = statistics.median(r.sql_ms)
        ratio = server_median / sql_median if sql_median else float("inf")
        rows.append(
            (
                r.name,
                str(len(r.statements)),
                f"{server_median:.1f}",
                f"{percentile(r.server_ms, 95):.1f}",
                f"{sql_median:.1f}",
                f"{percentile(r.sql_ms, 95):.1f}",
                f"{ratio:.1f}x",
                f"{r.response_kb:.0f}",
            )
        )
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(headers)]

    def line(cells: tuple[str, ...]) -> str:
        first = cells[0].ljust(widths[0])
        rest = "  ".join(c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True))
        return f"{first}  {rest}"

    out = [line(headers), "  ".join("-" * w for w in widths)]
    out += [line(row) for row in rows]
    return "\n".join(out)


def collapse_select_lists(sql: str) -> str:
    """Replace every SELECT's column list with '...' (paren-aware), keeping FROM onwards."""
    out: list[str] = []
    i = 0
    upper = sql.upper()
    while i < len(sql):
        if upper.startswith("SELECT ", i):
            depth = 0
            j = i + len("SELECT ")
            while j < len(sql):
                if sql[j] == "(":
                    depth += 1
                elif sql[j] == ")":
                    depth -= 1
                elif depth == 0 and upper.startswith(" FROM ", j):
                    break
                j += 1
            if j < len(sql) and j - i > len("SELECT ") + 40:
                out.append("SELECT ...")
                i = j
                continue
        out.append(sql[i])
        i += 1
    return "".join(out)


def one_line(sql: str, width: int) -> str:
    flat = collapse_select_lists(" ".join(sql.split()))
    return flat if len(flat) <= width else flat[: width - 3] + "..."


def format_repeats(results: list[Result], threshold: int, width: int) -> str:
    """Statements run `threshold` or more times in one request (N+1 candidates)."""
    out = []
    for r in results:
        shapes = Counter(one_line(s.sql, width) for s in r.statements)
        for shape, n in shapes.most_common():
            if n >= threshold:
                out.append(f"{r.name}: {n}x  {shape}")
    return "\n".join(out) or f"(none run {threshold} or more times in one request)"


def format_slowest(results: list[Result], top: int, width: int) -> str:
    out = []
    for r in results:
        ranked = sorted(r.statements, key=lambda s: statistics.median(s.times_ms), reverse=True)
        out.append(f"{r.name}:")
        for s in ranked[:top]:
            out.append(f"  {statistics.median(s.times_ms):8.2f} ms  {one_line(s.sql, width)}")
    return "\n".join(out)


def explain_slowest(app: Flask, results: list[Result]) -> str:
    """The query plan of each scenario's slowest statement."""
    from tracker.db import db

    out = []
    with app.app_context():
        postgres = db.engine.dialect.name == "postgresql"
        prefix = "EXPLAIN (ANALYZE, BUFFERS) " if postgres else "EXPLAIN QUERY PLAN "
        raw = db.engine.raw_connection()
        try:
            for r in results:
                if not r.statements:
                    continue
                slowest = max(r.statements, key=lambda s: statistics.median(s.times_ms))
                cursor = raw.cursor()
                cursor.execute(prefix + slowest.sql, slowest.parameters)
                rows = cursor.fetchall()
                cursor.close()
                raw.rollback()
                out.append(f"{r.name}: {one_line(slowest.sql, 100)}")
                for row in rows:
                    out.append("    " + (str(row[0]) if postgres else f"{row[1]:>3} {row[-1]}"))
        finally:
            raw.close()
    return "\n".join(out)


@dataclass
class Comparison:
    """One list scenario's request times (ms) from the app and its rivals, each as
    (wall clock, CPU time of this process)."""

    scenario: list_rivals.ListScenario
    app_ms: list[tuple[float, float]] = field(default_factory=list)
    floor_ms: list[tuple[float, float]] = field(default_factory=list)
    admin_ms: list[tuple[float, float]] = field(default_factory=list)
    app_statements: int = 0
    admin_statements: int = 0


def timed_get(client: FlaskClient, url: str) -> tuple[float, float]:
    """Wall-clock and CPU milliseconds of one request (CPU time counts this process
    only, so it moves less than the wall clock on a busy machine; on SQLite it
    includes the database's work, on PostgreSQL it does not)."""
    began, began_cpu = time.perf_counter(), time.process_time()
    response = client.get(url)
    elapsed = (time.perf_counter() - began) * 1000
    cpu = (time.process_time() - began_cpu) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} returned HTTP {response.status_code}, expected 200")
    return elapsed, cpu


def compare_lists(
    client: FlaskClient, recorder: StatementRecorder, repeat: int, *, with_admin: bool
) -> tuple[list[Comparison], list[tuple[float, float]]]:
    """Time each list scenario in the app, the floor and Flask-Admin, and the bare layout,
    interleaved: every repetition fetches each of them once, in the same order."""
    comparisons = [Comparison(s) for s in list_rivals.LIST_SCENARIOS]
    urls = [list_rivals.LAYOUT_URL]
    for c in comparisons:
        urls += [c.scenario.app_url, c.scenario.floor_url]
        urls += [c.scenario.admin_url] if with_admin else []
    for _ in range(WARM_UP):
        for url in urls:
            get_ok(client, url)
    for c in comparisons:
        c.app_statements = len(recorder.capture(lambda c=c: get_ok(client, c.scenario.app_url)))
        if with_admin:
            c.admin_statements = len(
                recorder.capture(lambda c=c: get_ok(client, c.scenario.admin_url))
            )
    layout_ms: list[tuple[float, float]] = []
    for _ in range(repeat):
        layout_ms.append(timed_get(client, list_rivals.LAYOUT_URL))
        for c in comparisons:
            c.app_ms.append(timed_get(client, c.scenario.app_url))
            c.floor_ms.append(timed_get(client, c.scenario.floor_url))
            if with_admin:
                c.admin_ms.append(timed_get(client, c.scenario.admin_url))
    return comparisons, layout_ms


def format_comparison(
    comparisons: list[Comparison], layout_ms: list[tuple[float, float]], *, cpu: bool
) -> str:
    """Medians, ratios and whether each list is within 3x the floor plus the layout, in
    wall-clock or (`cpu`) CPU milliseconds."""
    which = 1 if cpu else 0

    def median(timings: list[tuple[float, float]]) -> float:
        return statistics.median(t[which] for t in timings)

    layout = median(layout_ms)
    out = [
        ("CPU time of this process" if cpu else "Wall clock")
        + f", median ms. Bare layout (an empty page): {layout:.1f}"
    ]
    header = (
        f"{'scenario':<22}{'app':>8}{'floor':>8}{'admin':>8}{'app/floor':>11}"
        f"{'app/admin':>11}{'target':>8}  met  stmts app/admin"
    )
    out += [header, "-" * len(header)]
    for c in comparisons:
        app_ms = median(c.app_ms)
        floor = median(c.floor_ms)
        target = 3 * floor + layout
        admin = f"{median(c.admin_ms):8.1f}" if c.admin_ms else f"{'-':>8}"
        versus_admin = f"{app_ms / median(c.admin_ms):10.2f}x" if c.admin_ms else f"{'-':>11}"
        statements = f"{c.app_statements}/{c.admin_statements if c.admin_ms else '-'}"
        out.append(
            f"{c.scenario.name:<22}{app_ms:8.1f}{floor:8.1f}{admin}{app_ms / floor:10.2f}x"
            f"{versus_admin}{target:8.1f}  {'yes' if app_ms <= target else 'NO ':<3}  {statements}"
        )
    return "\n".join(out)


def describe_comparison(comparisons: list[Comparison]) -> str:
    out = ["target = 3 x floor + bare layout; admin = Flask-Admin ModelView, same rows"]
    for c in comparisons:
        s = c.scenario
        out.append(f"{s.name}: app {s.app_url}  floor {s.floor_url}  admin {s.admin_url}")
    return "\n".join(out)


def run(
    database_url: str,
    repeat: int,
    *,
    top: int = 3,
    sql_width: int = 160,
    explain: bool = False,
    compare: bool = True,
) -> list[Result]:
    from tracker import create_app
    from tracker.db import db

    app = create_app("development", SQLALCHEMY_DATABASE_URI=database_url, LOG_LEVEL="WARNING")
    rival_notes = list_rivals.install(app) if compare else []
    recorder = StatementRecorder()
    with app.app_context():
        engine = db.engine
        dialect = engine.dialect.name
        counts = row_counts()
        server_version = ".".join(str(p) for p in engine.dialect.server_version_info or ())
        action_id, update_count = busiest_action_id()
        db.session.remove()
    event.listen(engine, "before_cursor_execute", recorder)

    scenarios = [
        ("a) list, default", "/actions/"),
        (
            "b) list, filtered+sorted",
            "/actions/?status=open&status=in_progress&rag=red&sort=overdue&q=review",
        ),
        ("c) list, page 20", "/actions/?page=20"),
        (f"d) detail ({update_count} updates)", f"/actions/{action_id}"),
    ]
    notes = []
    client = app.test_client()
    sign_in(client)
    dashboard = client.get("/actions/dashboard")
    if dashboard.status_code == 200:
        scenarios.append(("e) dashboard", "/actions/dashboard"))
    else:
        notes.append(
            f"e) dashboard skipped: GET /actions/dashboard returned HTTP {dashboard.status_code}"
        )

    results = [run_scenario(app, client, recorder, name, url, repeat) for name, url in scenarios]
    if compare:
        comparisons, layout_ms = compare_lists(
            client, recorder, repeat, with_admin=list_rivals.flask_admin_installed()
        )
    event.remove(engine, "before_cursor_execute", recorder)

    print(
        f"Database: {dialect} {server_version} ({engine.url.render_as_string(hide_password=True)})"
    )
    print("Rows: " + ", ".join(f"{name} {n:,}" for name, n in counts.items() if n))
    print(f"Runs: {repeat} timed after {WARM_UP} warm-up; times in ms per request")
    print()
    print(format_table(results))
    print()
    for name, url in scenarios:
        print(f"{name.split(')')[0]}) GET {url}")
    for note in notes:
        print(note)
    for r in results:
        if r.skipped_writes:
            print(f"{r.name}: {r.skipped_writes} non-SELECT statement(s) not replayed")
    print()
    print(f"Slowest statements per request (median ms, top {top}):")
    print(format_slowest(results, top, sql_width))
    print()
    print("Statements repeated within one request (5 or more times):")
    print(format_repeats(results, 5, sql_width))
    if explain:
        print()
        print("Query plan of each scenario's slowest statement:")
        print(explain_slowest(app, results))
    if compare:
        print()
        print(f"List pages against their rivals, interleaved ({repeat} runs each, median ms):")
        for note in rival_notes:
            print(note)
        print(format_comparison(comparisons, layout_ms, cpu=False))
        print()
        print(format_comparison(comparisons, layout_ms, cpu=True))
        print()
        print(describe_comparison(comparisons))
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="a database filled by bench.generate")
    parser.add_argument("--repeat", type=int, default=30, help="timed runs per scenario")
    parser.add_argument("--top", type=int, default=3, help="slowest statements shown per scenario")
    parser.add_argument("--sql-width", type=int, default=160, help="characters of SQL shown")
    parser.add_argument(
        "--explain", action="store_true", help="print the plan of each slowest statement"
    )
    parser.add_argument(
        "--no-compare",
        action="store_true",
        help="skip the list comparison with the floor, the bare layout and Flask-Admin",
    )
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    run(
        args.database_url,
        args.repeat,
        top=args.top,
        sql_width=args.sql_width,
        explain=args.explain,
        compare=not args.no_compare,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
