"""Time the Panel follow-up PDF (/reports/panel.pdf) against WeasyPrint on its own and
against the report's previous template.

    python -m bench.report_bench --database-url sqlite:////tmp/reportbench.sqlite3 \\
        [--sizes 125,250,500,1000] [--repeat 5] [--seed 1] [--profile N] \\
        [--compare weasy,old]

The app is built with REPORT_BACKGROUND_THRESHOLD raised so every size is rendered
in the request rather than redirected to a background job. For each size N the schema is
dropped and recreated with ``db.create_all()`` and filled
with SQLAlchemy Core bulk inserts: the bench users, N Panel items and one action per
item (owned by a force liaison or an OPCC officer, with its organisation to match),
each action with one progress update so the "Latest update" column is filled. Then,
signed in as an OPCC officer through the real /login form with Flask's test client,
after one warm-up run of each, the runs below are timed interleaved (a, b, c, a, b, c,
...) so that all meet the same load on a shared machine; each ratio is the median over
the rounds of one run's time over the other's in the same round:

a) app: ``time.perf_counter()`` around ``client.get("/reports/panel.pdf")`` (routing,
   queries, template, WeasyPrint, response), checked for HTTP 200 and a PDF body;
b) weasy: the exact HTML the view handed to ``render_pdf`` (captured during the
   warm-up by wrapping ``tracker.reports.views.render_pdf`` in this script only) saved
   to a .html file and rendered with ``HTML(filename=..., url_fetcher=StaticOnlyFetcher,
   base_url=...).write_pdf(pdf_variant="pdf/ua-1")``, the same fetcher and base URL as
   the app, so /static/css/report.css loads the same way;
c) old: the report as it was before its layout was reworked for speed, kept under
   bench/report_baseline/ (templates/reports/ and static/css/report.css; never used by
   the app): the same template context as a) (captured with Flask's
   ``template_rendered`` signal) rendered by the old templates, then WeasyPrint with a
   fetcher that serves the old report.css. old/app above 1 means the app is faster.

Times are wall clock, with the process's CPU time (``time.process_time()``) beside
them: on a busy machine the CPU times are the steadier comparison. The wrapper stays in
place while a) is timed (one extra Python call per request) so the table can also show
how much of a) is spent inside ``render_pdf``. Pages are counted with pypdf. With
--profile N, one extra app request at the 500-action size (or the largest size) is run
under cProfile and the top N functions are printed.
Never point this at a database you care about.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import logging
import math
import pstats
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from bench.actions_bench import csrf_token_from
from bench.generate import (
    BENCH_PASSWORD,
    DEFAULT_BATCH,
    FORCE_OWNERS,
    OPCC_AUTHORS,
    SENTENCES,
    SUBJECTS,
    SUFFIXES,
    UPDATE_TEXTS,
    VERBS,
    analyse,
    bulk_insert,
    moment,
    pick,
    reset_postgres_sequences,
    sentence_block,
    stamps,
    user_rows,
)

WARM_UP = 1
URL = "/reports/panel.pdf"
BASE_URL = "http://report.invalid/"  # what tracker.reports.render.render_pdf uses
OFFICER_EMAIL = "olivia.officer@opcc.example.org"
OPCC_OFFICERS = (2, 3)  # ids in bench.generate.USERS
TARGET_RATIO = 1.3  # app / weasy: the app's own work on top of WeasyPrint
TARGET_SPEEDUP = 1.5  # old / app: the reworked layout against the previous one
TARGET_SIZE = 500
COMPARED = ("weasy", "old")
# How each compared run is set against the app: (numerator, denominator).
RATIOS = {"weasy": ("app", "weasy"), "old": ("old", "app")}
OLD_REPORT = Path(__file__).resolve().parent / "report_baseline"
PDF_TEMPLATE = "reports/panel_pdf.html"
LINEAR_TOLERANCE = 1.25  # per-action cost may grow this much from smallest to largest N
STATUSES = {
    "open": 25,
    "in_progress": 30,
    "implemented": 10,
    "closed": 25,
    "withdrawn": 4,
    "superseded": 2,
    "reopened": 4,
}
PANEL_KINDS = (
    "recommendation",
    "request_for_information",
    "annual_report_recommendation",
    "precept",
)


@dataclass
class Runs:
    """The timed runs of one way of producing the PDF, and the last PDF it produced."""

    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    pdf: bytes = b""

    def time(self, produce: Callable[[], bytes]) -> None:
        began, began_cpu = time.perf_counter(), time.process_time()
        self.pdf = produce()
        self.wall.append(time.perf_counter() - began)
        self.cpu.append(time.process_time() - began_cpu)
        if not self.pdf.startswith(b"%PDF-"):
            raise RuntimeError("a run did not produce a PDF")

    @property
    def median(self) -> float:
        return statistics.median(self.wall)

    @property
    def median_cpu(self) -> float:
        return statistics.median(self.cpu)


def paired_ratio(top: list[float], bottom: list[float]) -> float:
    """The median over the interleaved rounds of one run's time over the other's."""
    return statistics.median(t / b for t, b in zip(top, bottom, strict=True))


@dataclass
class Result:
    size: int
    pages: int
    pdf_kb: float
    html_kb: float
    runs: dict[str, Runs]  # "app" and each compared run ("weasy", "old")
    render_s: list[float]  # time inside render_pdf during the app runs

    @property
    def app(self) -> float:
        return self.runs["app"].median

    def ratio(self, top: str, bottom: str, *, cpu: bool = False) -> float:
        """Median of top/bottom over the rounds, wall clock or CPU time."""
        first, second = self.runs[top], self.runs[bottom]
        if cpu:
            return paired_ratio(first.cpu, second.cpu)
        return paired_ratio(first.wall, second.wall)


class MessageCounter(logging.Handler):
    """Counts WeasyPrint's warnings and errors (e.g. a stylesheet that failed to load)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.phase = "setup"
        self.counts: dict[str, int] = {}
        self.samples: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.counts[self.phase] = self.counts.get(self.phase, 0) + 1
        if len(self.samples) < 5:
            self.samples.append(f"{self.phase}: {record.getMessage()[:200]}")


class RenderSpy:
    """Wraps tracker.reports.views.render_pdf: keeps the last HTML and times each call."""

    def __init__(self, original: Callable[[str], bytes]) -> None:
        self.original = original
        self.html: str | None = None
        self.seconds: list[float] = []

    def __call__(self, html: str) -> bytes:
        self.html = html
        began = time.perf_counter()
        try:
            return self.original(html)
        finally:
            self.seconds.append(time.perf_counter() - began)


# Data ----------------------------------------------------------------------------------


def panel_rows(rng: random.Random, size: int, today: date) -> list[dict[str, Any]]:
    rows = []
    for item_id in range(1, size + 1):
        met_on = today - timedelta(days=rng.randint(0, 3 * 365))
        responded = rng.random() < 0.6
        rows.append(
            {
                "id": item_id,
                "panel_meeting_on": met_on,
                "agenda_item": f"Item {rng.randint(1, 12)}",
                "kind": rng.choice(PANEL_KINDS),
                "text": sentence_block(rng, 1, 3),
                "response_due_on": met_on + timedelta(days=28),
                "pcc_response": sentence_block(rng, 1, 2) if responded else "",
                "pcc_response_on": met_on + timedelta(days=rng.randint(5, 40))
                if responded
                else None,
                "published": rng.random() < 0.9,
                **stamps(moment(met_on, rng)),
            }
        )
    return rows


def action_rows(
    rng: random.Random, items: list[dict[str, Any]], now: datetime
) -> Iterator[dict[str, Any]]:
    """One action per Panel item, alternately owned by the force and the OPCC."""
    today = now.date()
    for item in items:
        action_id = item["id"]
        raised_on = min(item["panel_meeting_on"] + timedelta(days=rng.randint(0, 14)), today)
        due_on = raised_on + timedelta(days=rng.randint(14, 270))
        original_due_on = due_on
        if rng.random() < 0.2:  # an extension was granted
            original_due_on = max(raised_on, due_on - timedelta(days=rng.randint(7, 90)))
        status = pick(rng, STATUSES)
        closed_on = None
        if status == "closed":
            latest = min(today, due_on + timedelta(days=60))
            closed_on = raised_on + timedelta(days=rng.randint(0, (latest - raised_on).days))
        force_owned = action_id % 2 == 1
        created = moment(raised_on, rng)
        yield {
            "id": action_id,
            "reference": f"P-{action_id:06d}",
            "title": f"{rng.choice(VERBS)} {rng.choice(SUBJECTS)}{rng.choice(SUFFIXES)}",
            "description": sentence_block(rng, 1, 4),
            "source_type": "panel_item",
            "meeting_id": None,
            "meeting_item_no": None,
            "adhoc_request_id": None,
            "panel_item_id": item["id"],
            "finding_id": None,
            "owner_id": rng.choice(FORCE_OWNERS if force_owned else OPCC_OFFICERS),
            "owning_organisation": "force" if force_owned else "opcc",
            "lead_role": "",
            "raised_on": raised_on,
            "due_on": due_on,
            "original_due_on": original_due_on,
            "marking": "official_sensitive" if rng.random() < 0.12 else "official",
            "opcc_only": not force_owned and rng.random() < 0.25,
            "opcc_note": "",
            "status": status,
            "closed_on": closed_on,
            "created_by_id": rng.choice(OPCC_AUTHORS),
            "created_at": created,
            "updated_at": min(created + timedelta(days=rng.randint(0, 30)), now),
            "version": 1,
        }


def update_rows(
    rng: random.Random, actions: list[dict[str, Any]], now: datetime
) -> Iterator[dict[str, Any]]:
    for action in actions:
        created = min(action["created_at"] + timedelta(days=rng.randint(1, 60)), now)
        yield {
            "id": action["id"],
            "action_id": action["id"],
            "author_id": action["owner_id"],
            "created_at": created,
            "edited_at": None,
            "text": f"{rng.choice(UPDATE_TEXTS)} {rng.choice(SENTENCES)}",
            "from_status": None,
            "to_status": None,
            "rag": None,
            "opcc_only": False,
        }


def build(app: Flask, size: int, *, seed: int, batch_size: int, sqlite_analyze: bool) -> float:
    """Drop, recreate and fill the database with `size` Panel items; returns seconds."""
    from tracker.actions.models import Action, ActionUpdate
    from tracker.auth.models import User
    from tracker.auth.passwords import hash_password
    from tracker.db import db
    from tracker.sources.models import PanelItem

    rng = random.Random(seed)
    started = time.perf_counter()
    with app.app_context():
        dialect = db.engine.dialect.name
        db.drop_all()
        db.create_all()
        now = datetime.now(UTC)
        items = panel_rows(rng, size, now.date())
        actions = list(action_rows(rng, items, now))
        bulk_insert(User.__table__, user_rows(hash_password(BENCH_PASSWORD), now), batch_size)
        bulk_insert(PanelItem.__table__, items, batch_size)
        bulk_insert(Action.__table__, actions, batch_size)
        bulk_insert(ActionUpdate.__table__, update_rows(rng, actions, now), batch_size)
        if dialect == "postgresql":
            reset_postgres_sequences()
        if dialect == "postgresql" or sqlite_analyze:
            analyse(vacuum=True)
        db.session.remove()
    return time.perf_counter() - started


# Timing --------------------------------------------------------------------------------


def sign_in(client: FlaskClient, email: str) -> None:
    page = client.get("/login")
    response = client.post(
        "/login",
        data={
            "email": email,
            "password": BENCH_PASSWORD,
            "csrf_token": csrf_token_from(page.text),
        },
    )
    if response.status_code != 302:
        raise RuntimeError(f"sign-in as {email} failed with HTTP {response.status_code}")


def get_pdf(client: FlaskClient) -> bytes:
    response = client.get(URL)
    if response.status_code != 200:
        raise RuntimeError(f"GET {URL} returned HTTP {response.status_code}, expected 200")
    if response.mimetype != "application/pdf" or not response.data.startswith(b"%PDF-"):
        raise RuntimeError(f"GET {URL} did not return a PDF ({response.mimetype})")
    return response.data


def page_count(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def render_baseline(app: Flask, path: Path) -> bytes:
    """WeasyPrint on the saved HTML file, with the app's fetcher and base URL."""
    from weasyprint import HTML

    from tracker.reports.render import StaticOnlyFetcher

    fetcher = StaticOnlyFetcher(app.static_folder)
    document = HTML(filename=path, url_fetcher=fetcher, base_url=BASE_URL)
    return document.write_pdf(pdf_variant="pdf/ua-1")


class OldReport:
    """The Panel report's previous templates and stylesheet, from bench/report_baseline/."""

    def __init__(self, app: Flask) -> None:
        from jinja2 import ChoiceLoader, FileSystemLoader

        self.app = app
        loader = ChoiceLoader([FileSystemLoader(OLD_REPORT / "templates"), app.jinja_env.loader])
        self.env = app.jinja_env.overlay(loader=loader)

    def render(self, context: dict[str, Any]) -> bytes:
        """The old template filled from the app's context, then WeasyPrint as the app
        calls it, with the old report.css served in place of the app's."""
        from weasyprint import HTML

        from tracker.reports.render import StaticOnlyFetcher

        with self.app.app_context():
            html = self.env.get_template(PDF_TEMPLATE).render(context)
        fetcher = StaticOnlyFetcher(str(OLD_REPORT / "static"))
        document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher)
        return document.write_pdf(pdf_variant="pdf/ua-1")


class ContextSpy:
    """Keeps the context of the last render of the Panel PDF template."""

    def __init__(self) -> None:
        self.context: dict[str, Any] | None = None

    def __call__(self, sender: Flask, template: Any, context: dict[str, Any], **extra) -> None:
        if template.name == PDF_TEMPLATE:
            self.context = dict(context)


def time_size(
    app: Flask,
    size: int,
    repeat: int,
    workdir: Path,
    messages: MessageCounter,
    compare: list[str],
) -> tuple[Result, FlaskClient]:
    """Warm up each run, then time them in turn (app, weasy, old, app, ...) so that all
    see the same machine load."""
    from flask import template_rendered

    import tracker.reports.views as views

    client = app.test_client()
    sign_in(client, OFFICER_EMAIL)
    spy = RenderSpy(views.render_pdf)
    context_spy = ContextSpy()
    views.render_pdf = spy
    template_rendered.connect(context_spy, app)
    try:
        messages.phase = f"{size} app"
        for _ in range(WARM_UP):
            get_pdf(client)
        if spy.html is None or context_spy.context is None:
            raise RuntimeError("the view did not render the PDF template and call render_pdf")
        html = spy.html
        path = workdir / f"panel-{size}.html"
        path.write_text(html, encoding="utf-8")
        old = OldReport(app)
        produce: dict[str, Callable[[], bytes]] = {
            "app": lambda: get_pdf(client),
            "weasy": lambda: render_baseline(app, path),
            "old": lambda: old.render(context_spy.context),
        }
        names = ["app", *compare]
        for name in compare:
            messages.phase = f"{size} {name}"
            for _ in range(WARM_UP):
                produce[name]()
        spy.seconds.clear()
        runs = {name: Runs() for name in names}
        for _ in range(repeat):
            for name in names:
                messages.phase = f"{size} {name}"
                runs[name].time(produce[name])
        render_s = list(spy.seconds)
    finally:
        views.render_pdf = spy.original
        template_rendered.disconnect(context_spy, app)
    pdf = runs["app"].pdf
    result = Result(
        size=size,
        pages=page_count(pdf),
        pdf_kb=len(pdf) / 1024,
        html_kb=len(html.encode()) / 1024,
        runs=runs,
        render_s=render_s,
    )
    return result, client


def profile_request(client: FlaskClient, top: int) -> str:
    profile = cProfile.Profile()
    profile.runcall(get_pdf, client)
    out = []
    for order in ("cumulative", "tottime"):
        text = io.StringIO()
        pstats.Stats(profile, stream=text).strip_dirs().sort_stats(order).print_stats(top)
        out.append(f"cProfile of one GET {URL}, top {top} by {order}:")
        out.append(text.getvalue().strip())
    return "\n\n".join(out)


# Report --------------------------------------------------------------------------------


def format_table(results: list[Result]) -> str:
    names = list(results[0].runs)
    headers = ["N", "pages", "PDF KB", "HTML KB"]
    for name in names:
        headers += [f"{name} med s", f"{name} cpu s"]
    pairs = [RATIOS[name] for name in names[1:]]
    headers += [f"{top}/{bottom}" for top, bottom in pairs]
    headers += [f"{top}/{bottom} cpu" for top, bottom in pairs]
    headers += ["render_pdf s", "app ms/action"]
    rows = []
    for r in results:
        row = [f"{r.size:,}", str(r.pages), f"{r.pdf_kb:,.0f}", f"{r.html_kb:,.0f}"]
        for name in names:
            row += [f"{r.runs[name].median:.3f}", f"{r.runs[name].median_cpu:.3f}"]
        row += [f"{r.ratio(top, bottom):.2f}x" for top, bottom in pairs]
        row += [f"{r.ratio(top, bottom, cpu=True):.2f}x" for top, bottom in pairs]
        row += [f"{statistics.median(r.render_s):.3f}", f"{r.app / r.size * 1000:.2f}"]
        rows.append(row)
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(headers)]
    out = ["  ".join(h.rjust(w) for h, w in zip(headers, widths, strict=True))]
    out.append("  ".join("-" * w for w in widths))
    out += ["  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    return "\n".join(out)


def growth(results: list[Result], seconds: Callable[[Result], float]) -> str:
    """Per-action cost at the largest size over the smallest, plus the scaling exponent."""
    first, last = results[0], results[-1]
    per_first, per_last = seconds(first) / first.size, seconds(last) / last.size
    exponent = math.log(seconds(last) / seconds(first)) / math.log(last.size / first.size)
    marginal = (seconds(last) - seconds(first)) / (last.size - first.size) * 1000
    verdict = "linear" if per_last <= per_first * LINEAR_TOLERANCE else "SUPER-LINEAR"
    return (
        f"{verdict}: {per_first * 1000:.2f} -> {per_last * 1000:.2f} ms/action "
        f"({per_last / per_first:.2f}x), time ~ N^{exponent:.2f}, "
        f"marginal {marginal:.2f} ms per extra action"
    )


def print_differences(
    results: list[Result], compare: tuple[str, ...], messages: MessageCounter
) -> None:
    """Pages and sizes that differ between the runs, and WeasyPrint's complaints."""
    for r in results:
        for name in compare:
            other = r.runs[name].pdf
            pages, kb = page_count(other), len(other) / 1024
            if name == "weasy" and (pages, round(kb)) != (r.pages, round(r.pdf_kb)):
                print(
                    f"  N={r.size}: the weasy PDF differs: {pages} pages, {kb:,.0f} KB "
                    f"(app {r.pages} pages, {r.pdf_kb:,.0f} KB)"
                )
            if name == "old":
                print(f"  N={r.size}: old layout {pages} pages, {kb:,.0f} KB; app {r.pages} pages")
    if messages.counts:
        print(f"  WeasyPrint warnings/errors: {messages.counts}")
        for sample in messages.samples:
            print(f"    {sample}")
    else:
        print("  WeasyPrint logged no warnings or errors (each report.css loaded)")


def print_verdicts(results: list[Result], compare: tuple[str, ...]) -> None:
    """The ratios at the target size against their targets."""
    target = next((r for r in results if r.size == TARGET_SIZE), None)
    if target is None:
        print(f"Ratios at {TARGET_SIZE} actions: not measured (add {TARGET_SIZE} to --sizes)")
    else:
        outside = target.app - statistics.median(target.render_s)
        if "weasy" in compare:
            ratio = target.ratio("app", "weasy")
            verdict = "within" if ratio <= TARGET_RATIO else "NOT within"
            print(
                f"app/weasy at {TARGET_SIZE} actions: {ratio:.2f}x, {verdict} {TARGET_RATIO}x "
                f"(app {target.app:.2f} s, weasy {target.runs['weasy'].median:.2f} s, "
                f"outside render_pdf {outside:.3f} s)"
            )
        if "old" in compare:
            wall, cpu = target.ratio("old", "app"), target.ratio("old", "app", cpu=True)
            verdict = "meets" if min(wall, cpu) >= TARGET_SPEEDUP else "does NOT meet"
            print(
                f"old/app at {TARGET_SIZE} actions: {wall:.2f}x wall, {cpu:.2f}x CPU, "
                f"{verdict} {TARGET_SPEEDUP}x (old {target.runs['old'].median:.2f} s, "
                f"app {target.app:.2f} s)"
            )


def run(
    database_url: str,
    sizes: list[int],
    repeat: int,
    *,
    seed: int = 1,
    batch_size: int = DEFAULT_BATCH,
    sqlite_analyze: bool = False,
    profile_top: int = 0,
    compare: tuple[str, ...] = COMPARED,
) -> list[Result]:
    import pypdf
    import weasyprint

    from tracker import create_app
    from tracker.db import db

    # Every size is rendered in the request (never handed to a background job), so the
    # figures stay comparable with WeasyPrint on its own.
    app = create_app(
        "development",
        SQLALCHEMY_DATABASE_URI=database_url,
        LOG_LEVEL="WARNING",
        REPORT_BACKGROUND_THRESHOLD=10**9,
    )
    with app.app_context():
        engine = db.engine
        dialect = engine.dialect.name
        print(f"Database: {dialect} ({engine.url.render_as_string(hide_password=True)})")

    messages = MessageCounter()
    weasy_logger = logging.getLogger("weasyprint")
    weasy_logger.addHandler(messages)
    profile_size = TARGET_SIZE if TARGET_SIZE in sizes else max(sizes)
    profile_text = ""
    results = []
    try:
        with tempfile.TemporaryDirectory(prefix="report-bench-") as tmp:
            for size in sizes:
                built = build(
                    app, size, seed=seed, batch_size=batch_size, sqlite_analyze=sqlite_analyze
                )
                began = time.perf_counter()
                result, client = time_size(app, size, repeat, Path(tmp), messages, list(compare))
                results.append(result)
                print(
                    f"  N={size:<6,} built in {built:5.1f} s, timed in "
                    f"{time.perf_counter() - began:6.1f} s"
                )
                if profile_top and size == profile_size:
                    messages.phase = f"{size} profile"
                    profile_text = profile_request(client, profile_top)
    finally:
        weasy_logger.removeHandler(messages)
        with app.app_context():
            db.session.remove()
            engine.dispose()

    print()
    print(
        f"WeasyPrint {weasyprint.__version__}, pypdf {pypdf.__version__}; "
        f"signed in as {OFFICER_EMAIL}; {repeat} interleaved rounds after {WARM_UP} "
        f"warm-up; seconds are medians (wall clock, and CPU time of this process), "
        f"ratios the median of each round's ratio"
    )
    print(f"a) app: GET {URL} end to end")
    if "weasy" in compare:
        print("b) weasy: HTML(filename=...).write_pdf(pdf/ua-1) on the app's HTML")
    if "old" in compare:
        print(f"c) old: {OLD_REPORT.name}/ templates and report.css on the app's context")
    print()
    print(format_table(results))
    print()
    print_differences(results, compare, messages)
    print_verdicts(results, compare)
    if len(results) > 1:
        print(f"Growth, app: {growth(results, lambda r: r.app)}")
        for name in compare:
            print(f"Growth, {name}: {growth(results, lambda r, n=name: r.runs[n].median)}")
    if profile_text:
        print()
        print(profile_text)
    return results


def parse_sizes(text: str) -> list[int]:
    sizes = sorted({int(part) for part in text.split(",") if part.strip()})
    if not sizes or sizes[0] < 1:
        raise argparse.ArgumentTypeError("sizes must be positive integers, e.g. 125,250,500")
    return sizes


def parse_compare(text: str) -> tuple[str, ...]:
    names = tuple(part.strip() for part in text.split(",") if part.strip())
    unknown = set(names) - set(COMPARED)
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"choose from {','.join(COMPARED)}")
    return names


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="SQLAlchemy URL (will be wiped)")
    parser.add_argument(
        "--sizes", type=parse_sizes, default=[125, 250, 500, 1000], help="Panel items/actions"
    )
    parser.add_argument("--repeat", type=int, default=5, help="timed rounds per size")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH)
    parser.add_argument(
        "--sqlite-analyze",
        action="store_true",
        help="also run ANALYZE on SQLite (PostgreSQL is always analysed)",
    )
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="N",
        help=f"profile one app request at {TARGET_SIZE} actions (or the largest size), top N",
    )
    parser.add_argument(
        "--compare",
        type=parse_compare,
        default=COMPARED,
        help="runs to time against the app, from weasy,old (default both)",
    )
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    run(
        args.database_url,
        args.sizes,
        args.repeat,
        seed=args.seed,
        batch_size=args.batch_size,
        sqlite_analyze=args.sqlite_analyze,
        profile_top=args.profile,
        compare=args.compare,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
