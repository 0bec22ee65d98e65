"""How the list, the text search, the dashboard, the home page and the navigation counts
scale: medians per database, growth between them, and the plans of anything slow.

    python -m bench.scale_bench \\
        --database-url sqlite:////tmp/bench-10k.sqlite3 \\
        --database-url sqlite:////tmp/bench-100k.sqlite3 [--repeat 15]

Each --database-url is a database filled by ``bench.generate`` (smallest first). For
each, the pages are timed as the bench administrator (an OPCC user, who sees every
action) and as a force liaison (who sees the force's actions), signed in through the
real /login form, in the way bench.actions_bench times them: server time around
``client.get(url)``, and the statements the request ran replayed on a raw connection.
"nav counts" is the navigation's one statement (read from a page that reads no
actions itself). With two or more databases, each page is then timed again on every
database turn by turn (one app per database, in one process, so load on the machine
hits them alike) and the growth of its median from the first database to the last is
printed, in wall-clock and in CPU time of the bench process; the navigation counts'
growth is that of their SQL medians above. Every scenario whose server median is over
--slow-ms gets the plan of each of its statements: EXPLAIN (ANALYZE, BUFFERS) on
PostgreSQL, EXPLAIN QUERY PLAN on SQLite (which has no ANALYZE form).

SQLite's planner statistics are refreshed first, as the scheduler does at start
(tracker.db.optimize_sqlite); --no-optimize leaves the database as generated.
"""

from __future__ import annotations

import argparse
import re
import statistics
from dataclasses import dataclass
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, func, select

from bench.actions_bench import (
    READ_ONLY,
    WARM_UP,
    Statement,
    StatementRecorder,
    csrf_token_from,
    get_ok,
    one_line,
    time_sql,
    timed_get,
)
from bench.generate import BENCH_ADMIN_EMAIL, BENCH_PASSWORD, USERS

FORCE_EMAIL = next(email for _, _, email, role, _ in USERS if role == "force_liaison")
READERS = {"opcc": BENCH_ADMIN_EMAIL, "force": FORCE_EMAIL}
PAGES = (
    ("list", "/actions/"),
    ("search", "/actions/?q=review"),
    ("dashboard", "/actions/dashboard"),
    ("home", "/"),
)
NAV_COUNTS = "nav counts"
READS_ACTIONS = re.compile(r"\bFROM actions\b")


@dataclass
class Timing:
    reader: str
    name: str
    url: str
    server_ms: list[float]
    statements: list[Statement]
    sql_ms: list[float]

    @property
    def key(self) -> str:
        return f"{self.reader} {self.name}"

    @property
    def server_median(self) -> float:
        return statistics.median(self.server_ms) if self.server_ms else float("nan")

    @property
    def sql_median(self) -> float:
        return statistics.median(self.sql_ms)


def sign_in_as(client: FlaskClient, email: str) -> None:
    page = client.get("/login")
    response = client.post(
        "/login",
        data={"email": email, "password": BENCH_PASSWORD, "csrf_token": csrf_token_from(page.text)},
    )
    if response.status_code != 302:
        raise RuntimeError(f"sign-in as {email} failed with HTTP {response.status_code}")


def time_page(client: FlaskClient, url: str, repeat: int) -> list[float]:
    import time

    for _ in range(WARM_UP):
        get_ok(client, url)
    timings = []
    for _ in range(repeat):
        began = time.perf_counter()
        get_ok(client, url)
        timings.append((time.perf_counter() - began) * 1000)
    return timings


def measure(
    app: Flask,
    client: FlaskClient,
    recorder: StatementRecorder,
    reader: str,
    name: str,
    url: str,
    repeat: int,
) -> Timing:
    """Time one page (or, for the navigation counts, only their statement)."""
    captured = recorder.capture(lambda: get_ok(client, url))
    statements = [s for s in captured if s.sql.lstrip().upper().startswith(READ_ONLY)]
    server_ms: list[float] = []
    if name == NAV_COUNTS:
        statements = [s for s in statements if READS_ACTIONS.search(s.sql)]
    else:
        server_ms = time_page(client, url, repeat)
    return Timing(reader, name, url, server_ms, statements, time_sql(app, statements, repeat))


def explain(app: Flask, timing: Timing) -> list[str]:
    """The plan of each statement of `timing`, slowest first."""
    from tracker.db import db

    out = []
    with app.app_context():
        postgres = db.engine.dialect.name == "postgresql"
        prefix = "EXPLAIN (ANALYZE, BUFFERS) " if postgres else "EXPLAIN QUERY PLAN "
        raw = db.engine.raw_connection()
        try:
            ranked = sorted(
                timing.statements, key=lambda s: statistics.median(s.times_ms), reverse=True
            )
            for statement in ranked:
                cursor = raw.cursor()
                cursor.execute(prefix + statement.sql, statement.parameters)
                rows = cursor.fetchall()
                cursor.close()
                raw.rollback()
                median = statistics.median(statement.times_ms)
                out.append(f"  {median:8.2f} ms  {one_line(statement.sql, 150)}")
                for row in rows:
                    out.append("      " + (str(row[0]) if postgres else f"{row[1]:>3} {row[-1]}"))
        finally:
            raw.close()
    return out


def run(database_url: str, repeat: int, *, slow_ms: float, optimize: bool) -> list[Timing]:
    """Time every scenario against one database; prints its table and slow plans."""
    from tracker import create_app
    from tracker.actions.models import Action
    from tracker.db import db, optimize_sqlite

    app = create_app("development", SQLALCHEMY_DATABASE_URI=database_url, LOG_LEVEL="WARNING")
    with app.app_context():
        engine = db.engine
        if optimize:
            optimize_sqlite()
        actions = db.session.scalar(select(func.count()).select_from(Action)) or 0
        with app.test_request_context():
            from flask import url_for

            quiet_page = url_for("auth.change_password")
        db.session.remove()
    recorder = StatementRecorder()
    event.listen(engine, "before_cursor_execute", recorder)
    timings = []
    try:
        for reader, email in READERS.items():
            client = app.test_client()
            sign_in_as(client, email)
            for name, url in (*PAGES, (NAV_COUNTS, quiet_page)):
                timings.append(measure(app, client, recorder, reader, name, url, repeat))
    finally:
        event.remove(engine, "before_cursor_execute", recorder)

    server = engine.dialect.server_version_info or ()
    print(
        f"Database: {engine.dialect.name} {'.'.join(str(p) for p in server)}, {actions:,} actions"
    )
    print(f"  ({engine.url.render_as_string(hide_password=True)}; {repeat} runs per median)")
    print(f"  {'scenario':<18} {'stmts':>5} {'server med':>10} {'SQL med':>9}  URL")
    for t in timings:
        shown = "" if not t.server_ms else f"{t.server_median:10.1f}"
        print(f"  {t.key:<18} {len(t.statements):>5} {shown:>10} {t.sql_median:9.1f}  {t.url}")
    slow = [
        t for t in timings if max(t.server_median if t.server_ms else 0, t.sql_median) > slow_ms
    ]
    for t in slow:
        print(f"\nPlans for {t.key} (over {slow_ms:.0f} ms):")
        print("\n".join(explain(app, t)))
    print()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return timings


def nav_count_growth(runs: list[list[Timing]]) -> list[str]:
    """The navigation counts' SQL median on the last database over the first."""
    first, last = {t.key: t for t in runs[0]}, {t.key: t for t in runs[-1]}
    lines = []
    for key, before in first.items():
        if before.server_ms:
            continue
        old, new = before.sql_median, last[key].sql_median
        ratio = new / old if old else float("inf")
        lines.append(f"  {key:<18} {old:8.1f} -> {new:8.1f} ms  x{ratio:.1f}  (SQL)")
    return lines


def _signed_in_clients(
    database_urls: list[str],
) -> tuple[list[Flask], list[dict[str, FlaskClient]]]:
    """One app per database, with a client signed in for each reader."""
    from tracker import create_app

    apps, clients = [], []
    for url in database_urls:
        app = create_app("development", SQLALCHEMY_DATABASE_URI=url, LOG_LEVEL="WARNING")
        signed_in = {}
        for reader, email in READERS.items():
            signed_in[reader] = app.test_client()
            sign_in_as(signed_in[reader], email)
        apps.append(app)
        clients.append(signed_in)
    return apps, clients


def _in_turns(clients: list[FlaskClient], url: str, repeat: int) -> list[list[tuple[float, float]]]:
    """(wall, CPU) ms of `url` from each client, every repetition visiting each in turn."""
    for client in clients:
        for _ in range(WARM_UP):
            get_ok(client, url)
    timings: list[list[tuple[float, float]]] = [[] for _ in clients]
    for _ in range(repeat):
        for turn, client in enumerate(clients):
            timings[turn].append(timed_get(client, url))
    return timings


def interleaved_growth(database_urls: list[str], repeat: int) -> list[str]:
    """Each page's median on the last database over the first, every page fetched from
    each database in turn within each repetition: (wall clock, CPU) lines."""
    from tracker.db import db

    apps, clients = _signed_in_clients(database_urls)
    lines = []
    for reader in READERS:
        for name, url in PAGES:
            timings = _in_turns([signed_in[reader] for signed_in in clients], url, repeat)
            cells = []
            for which in (0, 1):
                old = statistics.median(t[which] for t in timings[0])
                new = statistics.median(t[which] for t in timings[-1])
                cells.append(f"{old:8.1f} -> {new:8.1f} ms  x{new / old:.1f}")
            lines.append(f"  {f'{reader} {name}':<18} {cells[0]}    {cells[1]}")
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url",
        action="append",
        required=True,
        help="a database filled by bench.generate (repeat, smallest first, for growth)",
    )
    parser.add_argument("--repeat", type=int, default=15, help="timed runs per median")
    parser.add_argument("--slow-ms", type=float, default=100.0, help="explain scenarios over this")
    parser.add_argument("--no-optimize", action="store_true", help="skip optimize_sqlite()")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    runs: list[list[Any]] = [
        run(url, args.repeat, slow_ms=args.slow_ms, optimize=not args.no_optimize)
        for url in args.database_url
    ]
    if len(runs) > 1:
        print(f"Growth, first database to last, interleaved ({args.repeat} turns each, medians):")
        print(f"  {'scenario':<18} {'wall clock':<27}    CPU time of this process")
        print("\n".join(interleaved_growth(args.database_url, args.repeat)))
        print("\n".join(nav_count_growth(runs)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
