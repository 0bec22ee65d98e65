"""Time the action list CSV export, streamed, against the in-memory export it replaced.

    python -m bench.export_bench --database-url sqlite:////tmp/exportbench.sqlite3 \\
        [--sizes 10000] [--large] [--repeat 3] [--skip-old] [--seed 1]

For each size N the database is wiped and filled by ``bench.generate`` with N actions
and 3N updates (--updates-per-action). Then, signed in as an OPCC officer (who sees
every action and the OPCC note column) through the real /login form with Flask's test
client:

a) streamed: ``client.get("/actions/export.csv", buffered=False)``, timed to the first
   piece of the body (time to first byte: the header, sent once the query has started),
   to the second (the first batch of rows) and to the last (total), over
   --repeat runs after one warm-up; the body is checked to hold N rows;
b) in memory (unless --skip-old): what the view did before it streamed, called
   directly: ``action_list`` with the sources and tags selectin-loaded, every record
   built, then the whole file written by ``to_csv``. Its first byte is its last. The
   bytes are compared with a)'s.

Peak memory is measured in a separate run of each (tracemalloc slows Python down, so
it is never on while timing): the peak of Python allocations during the export, and
the growth of the process's peak RSS (ru_maxrss) during that run: a) runs first, but
after its timed runs, so its figure is 0 unless it needed more than they did; b)'s shows
how far it raised the process's peak above a)'s. The streamed body is counted, not kept.
--large adds 100,000 actions (the in-memory export then takes tens of seconds and most
of a gigabyte).
Never point this at a database you care about.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import resource
import statistics
import time
import tracemalloc
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from flask import Flask
from flask.testing import FlaskClient

from bench.generate import DEFAULT_BATCH, generate
from bench.report_bench import OFFICER_EMAIL, sign_in

URL = "/actions/export.csv"
LARGE = 100_000


@dataclass
class Timing:
    first_byte_s: list[float] = field(default_factory=list)
    first_rows_s: list[float] = field(default_factory=list)
    total_s: list[float] = field(default_factory=list)
    peak_mb: float = 0.0
    rss_growth_mb: float = 0.0

    @property
    def first_byte(self) -> float:
        return statistics.median(self.first_byte_s)

    @property
    def first_rows(self) -> float:
        return statistics.median(self.first_rows_s)

    @property
    def total(self) -> float:
        return statistics.median(self.total_s)


@dataclass
class Result:
    size: int
    rows: int
    body_mb: float
    pieces: int
    streamed: Timing
    old: Timing | None
    same_bytes: bool | None
    old_error: str = ""


def max_rss_mb() -> float:
    """The process's peak resident set size so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@contextlib.contextmanager
def traced() -> Iterator[Callable[[], float]]:
    """Trace Python allocations; yields a function giving the peak in MB so far."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    try:
        yield lambda: tracemalloc.get_traced_memory()[1] / 1024 / 1024
    finally:
        tracemalloc.stop()


def streamed_export(
    client: FlaskClient, *, keep: bool = True
) -> tuple[float, float, float, bytes, int]:
    """Seconds to the first byte (the header), to the first rows and in all, the body
    (empty unless `keep`: a client that writes to disk holds none of it) and the number
    of pieces of one streamed GET."""
    began = time.perf_counter()
    response = client.get(URL, buffered=False)
    if response.status_code != 200:
        raise RuntimeError(f"GET {URL} returned HTTP {response.status_code}, expected 200")
    if not response.is_streamed:
        raise RuntimeError(f"GET {URL} was not streamed")
    arrivals = []
    pieces = []
    for piece in response.response:
        if piece:
            arrivals.append(time.perf_counter() - began)
            if keep:
                pieces.append(piece)
    response.close()
    total = time.perf_counter() - began
    first_rows = arrivals[1] if len(arrivals) > 1 else total
    return arrivals[0], first_rows, total, b"".join(pieces), len(arrivals)


def in_memory_export(app: Flask, email: str) -> bytes:
    """The CSV export as the view built it before streaming (ORM rows, whole file)."""
    from sqlalchemy import select
    from sqlalchemy.orm import selectinload

    from tracker import policy
    from tracker.actions.models import Action
    from tracker.actions.queries import WITH_SOURCES, ActionFilters, action_list
    from tracker.auth.models import User
    from tracker.clock import today
    from tracker.db import db
    from tracker.exports import ACTION_COLUMNS, OPCC_ONLY_COLUMNS, action_records, to_csv
    from tracker.settings.definitions import AMBER_DAYS
    from tracker.settings.services import setting

    with app.test_request_context():
        try:
            user = db.session.scalars(select(User).where(User.email == email)).one()
            listing = action_list(
                user,
                ActionFilters(),
                today=today(),
                amber_days=setting(AMBER_DAYS),
                load=(*WITH_SOURCES, selectinload(Action.tags)),
            )
            with_notes = policy.can_see_opcc_notes(user)
            columns = ACTION_COLUMNS + (OPCC_ONLY_COLUMNS if with_notes else [])
            records = action_records(listing.rows, listing.latest, with_opcc_notes=with_notes)
            body = to_csv(columns, records)
        finally:
            db.session.remove()
    return body


def time_size(app: Flask, size: int, repeat: int, *, old: bool) -> Result:
    client = app.test_client()
    sign_in(client, OFFICER_EMAIL)
    _, _, _, body, pieces = streamed_export(client)  # warm-up
    rows = len(list(csv.DictReader(io.StringIO(body.decode("utf-8-sig")))))
    if rows != size:
        raise RuntimeError(f"the export held {rows} rows, expected {size}")
    streamed = Timing()
    for _ in range(repeat):
        first_byte, first_rows, total, _, _ = streamed_export(client, keep=False)
        streamed.first_byte_s.append(first_byte)
        streamed.first_rows_s.append(first_rows)
        streamed.total_s.append(total)
    rss_before = max_rss_mb()
    with traced() as peak:
        streamed_export(client, keep=False)
        streamed.peak_mb = peak()
    streamed.rss_growth_mb = max_rss_mb() - rss_before

    def result(**outcome) -> Result:
        return Result(
            size=size,
            rows=rows,
            body_mb=len(body) / 1024 / 1024,
            pieces=pieces,
            streamed=streamed,
            **outcome,
        )

    old_timing, same_bytes = None, None
    if old:
        old_timing = Timing()
        began = time.perf_counter()
        try:
            old_body = in_memory_export(app, OFFICER_EMAIL)
        except Exception as error:
            reason = f"{type(error).__name__}: {str(error).splitlines()[0][:160]}"
            return result(
                old=None,
                same_bytes=None,
                old_error=f"failed after {time.perf_counter() - began:.1f} s: {reason}",
            )
        elapsed = time.perf_counter() - began
        old_timing.first_byte_s.append(elapsed)
        old_timing.first_rows_s.append(elapsed)
        old_timing.total_s.append(elapsed)
        same_bytes = old_body == body
        del old_body
        rss_before = max_rss_mb()
        with traced() as peak:
            in_memory_export(app, OFFICER_EMAIL)
            old_timing.peak_mb = peak()
        old_timing.rss_growth_mb = max_rss_mb() - rss_before
    return result(old=old_timing, same_bytes=same_bytes)


def format_table(results: list[Result]) -> str:
    headers = (
        "N",
        "CSV MB",
        "pieces",
        "path",
        "first byte s",
        "first rows s",
        "total s",
        "peak MB",
        "RSS +MB",
    )
    rows = []
    for r in results:
        paths = [("streamed", r.streamed)] + ([("in memory", r.old)] if r.old else [])
        for name, timing in paths:
            rows.append(
                (
                    f"{r.size:,}",
                    f"{r.body_mb:,.1f}",
                    str(r.pieces) if name == "streamed" else "1",
                    name,
                    f"{timing.first_byte:.3f}",
                    f"{timing.first_rows:.3f}",
                    f"{timing.total:.3f}",
                    f"{timing.peak_mb:,.1f}",
                    f"{timing.rss_growth_mb:,.1f}",
                )
            )
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(headers)]
    out = ["  ".join(h.rjust(w) for h, w in zip(headers, widths, strict=True))]
    out.append("  ".join("-" * w for w in widths))
    out += ["  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    return "\n".join(out)


def run(
    database_url: str,
    sizes: list[int],
    repeat: int,
    *,
    old: bool = True,
    updates_per_action: int = 3,
    seed: int = 1,
    batch_size: int = DEFAULT_BATCH,
) -> list[Result]:
    from tracker import create_app
    from tracker.db import db
    from tracker.exports import STREAM_BATCH

    results = []
    for size in sizes:
        began = time.perf_counter()
        generate(
            database_url,
            actions=size,
            updates=size * updates_per_action,
            seed=seed,
            batch_size=batch_size,
        )
        built = time.perf_counter() - began
        app = create_app("development", SQLALCHEMY_DATABASE_URI=database_url, LOG_LEVEL="WARNING")
        began = time.perf_counter()
        try:
            results.append(time_size(app, size, repeat, old=old))
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
        print(
            f"  N={size:<8,} built in {built:6.1f} s, timed in {time.perf_counter() - began:6.1f} s"
        )

    print()
    print(
        f"GET {URL} as {OFFICER_EMAIL}; streamed: median of {repeat} runs after 1 warm-up, "
        f"{STREAM_BATCH} rows per piece; in memory: one run"
    )
    print("peak MB: Python allocations during one export (tracemalloc, separate run)")
    print("RSS +MB: growth of the process's peak resident set during that run")
    print()
    print(format_table(results))
    print()
    for r in results:
        if r.old_error:
            print(f"  N={r.size:,}: the in-memory export {r.old_error}")
        if r.same_bytes is not None:
            verdict = "identical" if r.same_bytes else "DIFFERENT"
            print(f"  N={r.size:,}: streamed and in-memory CSV bytes are {verdict}")
    return results


def parse_sizes(text: str) -> list[int]:
    sizes = sorted({int(part) for part in text.split(",") if part.strip()})
    if not sizes or sizes[0] < 1:
        raise argparse.ArgumentTypeError("sizes must be positive integers, e.g. 1000,10000")
    return sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="SQLAlchemy URL (will be wiped)")
    parser.add_argument("--sizes", type=parse_sizes, default=[10_000], help="actions per run")
    parser.add_argument("--large", action="store_true", help=f"also {LARGE:,} actions")
    parser.add_argument("--repeat", type=int, default=3, help="timed streamed runs per size")
    parser.add_argument("--skip-old", action="store_true", help="do not run the in-memory export")
    parser.add_argument("--updates-per-action", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH)
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    sizes = sorted({*args.sizes, LARGE}) if args.large else args.sizes
    run(
        args.database_url,
        sizes,
        args.repeat,
        old=not args.skip_old,
        updates_per_action=args.updates_per_action,
        seed=args.seed,
        batch_size=args.batch_size,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
