"""Load the app under gunicorn with many signed-in clients and report throughput and latency.

    python -m bench.load_bench [--requests 2000] [--concurrency 10] [--duration 120]
                               [--workers 2] [--database-url URL]

Without --database-url a fresh SQLite database is made in a temporary folder. With one
(for example PostgreSQL) that database is WIPED: every table is dropped, then the schema
is created by the migrations. Either way `flask seed-demo` fills it with the demo users
and sample data.

gunicorn serves the app (`wsgi:app`, --workers, sync workers) on 127.0.0.1 and a free
port. Each client thread has its own HTTP session, signs in through the login form as
the demo OPCC officer or force liaison officer, then loops through a weighted mix:
home page, action list with filters, action detail, dashboard, posting an update,
editing an action (the edit form is read and sent back whole with a new title), the
Panel report preview and, now and then, signing in again. Every request is timed on
the client. A 409 (someone else saved the action first) is counted as a conflict,
not an error; anything else unexpected (5xx, a refused form, a lost connection) is an
error. gunicorn is stopped at the end. Only loopback addresses are used.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import requests

PROJECT_DIR = Path(__file__).resolve().parent.parent
OFFICER = ("priya.shah@opcc.example.org", "orchard-kettle-officer-demo")
LIAISON = ("sam.taylor@police.example.org", "granite-meadow-liaison-demo")
CSRF_RE = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)
ACTION_LINK_RE = re.compile(r'href="/actions/(\d+)"')

# Scenario weights per iteration (sign-in also happens once per client at the start).
MIX = {
    "home": 14,
    "action_list": 20,
    "action_detail": 20,
    "dashboard": 10,
    "post_update": 14,
    "edit_action": 10,
    "report_preview": 8,
    "sign_in": 4,
}
LIST_FILTERS = [
    {"status": "open"},
    {"status": "in_progress", "sort": "due"},
    {"rag": "red", "sort": "overdue"},
    {"overdue": "1"},
    {"q": "victims"},
    {"source": "meeting", "organisation": "force"},
    {"page": "2"},
]


# Setting up ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def app_env(database_url: str, instance_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        TRACKER_ENV="development",  # plain-HTTP cookies on loopback; seed-demo allowed
        DATABASE_URL=database_url,
        SECRET_KEY=secrets.token_urlsafe(48),
        TRACKER_INSTANCE_DIR=str(instance_dir),
        FLASK_APP="wsgi.py",
        LOG_LEVEL="WARNING",
        MAIL_SERVER="",
        REPORT_BACKGROUND_THRESHOLD="100000",
    )
    return env


def flask_command(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-m", "flask", *args],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


WIPE = """
import os
from sqlalchemy import MetaData, create_engine, text
engine = create_engine(os.environ["DATABASE_URL"])
metadata = MetaData()
metadata.reflect(engine)
metadata.drop_all(engine)
with engine.begin() as connection:
    connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
"""


def prepare_database(env: dict[str, str], *, wipe: bool) -> None:
    if wipe:
        subprocess.run(  # noqa: S603 - our own interpreter and script
            [sys.executable, "-c", WIPE], cwd=PROJECT_DIR, env=env, check=True
        )
    flask_command(env, "db", "upgrade")
    output = flask_command(env, "seed-demo")
    print(next((line for line in output.splitlines() if line.startswith("Sample")), output))


@contextmanager
def gunicorn(env: dict[str, str], *, workers: int, port: int) -> Iterator[str]:
    """gunicorn on 127.0.0.1:port, stopped (TERM, then KILL) when the block ends."""
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "120",
            "--log-level",
            "warning",
            "wsgi:app",
        ],
        cwd=PROJECT_DIR,
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    probe = loopback_session()
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise SystemExit("gunicorn exited during start-up")
            try:
                if probe.get(url + "/healthz", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("gunicorn did not answer /healthz within 60 seconds")
            time.sleep(0.2)
        yield url
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def loopback_session() -> requests.Session:
    """A session that ignores proxy settings from the environment: loopback only."""
    session = requests.Session()
    session.trust_env = False
    return session


# Forms -----------------------------------------------------------------------------------


class FormReader(HTMLParser):
    """The fields a browser would submit from the form whose action ends with `action`."""

    def __init__(self, action: str) -> None:
        super().__init__(convert_charrefs=True)
        self.action = action
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self._select: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.inside = a.get("action", "").endswith(self.action) or (
                not a.get("action") and not self.fields
            )
        if not self.inside:
            return
        name = a.get("name", "")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind in ("submit", "button", "file"):
                return
            self.fields.append((name, a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.fields.append((self._select, a.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.fields.append((self._textarea, "".join(self._text).lstrip("\n")))
            self._textarea = None


def form_fields(html: str, action: str) -> list[tuple[str, str]]:
    reader = FormReader(action)
    reader.feed(html)
    return reader.fields


def csrf(html: str) -> str:
    match = CSRF_RE.search(html)
    if not match:
        raise LookupError("no CSRF token on the page")
    return match.group(1) or match.group(2)


# Load ------------------------------------------------------------------------------------


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    conflicts: int = 0
    samples: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, name: str, seconds: float) -> None:
        with self.lock:
            self.latencies[name].append(seconds)

    def error(self, name: str, detail: str) -> None:
        with self.lock:
            self.errors[name] += 1
            if len(self.samples) < 10:
                self.samples.append(f"{name}: {detail}")

    def conflict(self) -> None:
        with self.lock:
            self.conflicts += 1

    @property
    def total(self) -> int:
        with self.lock:
            return sum(len(v) for v in self.latencies.values())


class Budget:
    """Hands out request slots until --requests or --duration runs out."""

    def __init__(self, requests_allowed: int, seconds: float) -> None:
        self.left = requests_allowed
        self.stop_at = time.monotonic() + seconds
        self.lock = threading.Lock()

    def take(self) -> bool:
        with self.lock:
            if self.left <= 0 or time.monotonic() > self.stop_at:
                return False
            self.left -= 1
            return True


class Client:
    def __init__(self, url: str, who: tuple[str, str], tally: Tally, budget: Budget, seed: int):
        self.url = url
        self.email, self.password = who
        self.is_officer = who == OFFICER
        self.tally = tally
        self.budget = budget
        self.random = random.Random(seed)
        self.session = loopback_session()
        self.action_ids: list[int] = []

    def request(self, name: str, method: str, path: str, expect: int, **kwargs):
        """One timed request; None when the budget is spent or the request failed."""
        if not self.budget.take():
            raise StopIteration
        started = time.perf_counter()
        try:
            response = self.session.request(
                method, self.url + path, allow_redirects=False, timeout=120, **kwargs
            )
        except requests.RequestException as error:
            self.tally.record(name, time.perf_counter() - started)
            self.tally.error(name, repr(error))
            return None
        self.tally.record(name, time.perf_counter() - started)
        if response.status_code == 409:
            self.tally.conflict()
            return None
        if response.status_code != expect:
            self.tally.error(name, f"{method} {path} -> {response.status_code}")
            return None
        return response

    def sign_in(self) -> None:
        self.session.cookies.clear()
        page = self.request("sign_in_form", "GET", "/login", 200)
        if page is None:
            return
        self.request(
            "sign_in",
            "POST",
            "/login",
            302,
            data={"email": self.email, "password": self.password, "csrf_token": csrf(page.text)},
        )

    def find_actions(self) -> None:
        page = self.request("action_list", "GET", "/actions/?sort=due", 200)
        if page is not None:
            self.action_ids = sorted({int(i) for i in ACTION_LINK_RE.findall(page.text)})

    def pick_action(self) -> int | None:
        if not self.action_ids:
            self.find_actions()
        # Most traffic goes to a few actions, so edits and updates meet each other.
        hot = self.action_ids[:5]
        pool = hot if hot and self.random.random() < 0.6 else self.action_ids
        return self.random.choice(pool) if pool else None

    def run(self) -> None:
        try:
            self.sign_in()
            self.find_actions()
            names, weights = zip(*MIX.items(), strict=True)
            while True:
                getattr(self, self.random.choices(names, weights)[0])()
        except StopIteration:
            return

    # Scenarios -----------------------------------------------------------------------

    def home(self) -> None:
        self.request("home", "GET", "/", 200)

    def action_list(self) -> None:
        self.request(
            "action_list", "GET", "/actions/", 200, params=self.random.choice(LIST_FILTERS)
        )

    def action_detail(self) -> None:
        action_id = self.pick_action()
        if action_id is not None:
            self.request("action_detail", "GET", f"/actions/{action_id}", 200)

    def dashboard(self) -> None:
        self.request("dashboard", "GET", "/actions/dashboard", 200)

    def report_preview(self) -> None:
        self.request("report_preview", "GET", "/reports/panel", 200)

    def post_update(self) -> None:
        action_id = self.pick_action()
        if action_id is None:
            return
        page = self.request("action_detail", "GET", f"/actions/{action_id}", 200)
        if page is None:
            return
        text = f"Load test progress note {self.random.randint(1, 10**9)}"
        self.request(
            "post_update",
            "POST",
            f"/actions/{action_id}/updates",
            302,
            data={"csrf_token": csrf(page.text), "text": text},
        )

    def edit_action(self) -> None:
        if not self.is_officer:
            self.post_update()
            return
        action_id = self.pick_action()
        if action_id is None:
            return
        path = f"/actions/{action_id}/edit"
        page = self.request("edit_form", "GET", path, 200)
        if page is None:
            return
        fields = [
            (name, f"Reviewed under load {self.random.randint(1, 10**9)}" if name == "title" else v)
            for name, v in form_fields(page.text, path)
        ]
        self.request("edit_action", "POST", path, 302, data=fields)


# Report ----------------------------------------------------------------------------------


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))
    return ordered[index]


def report(tally: Tally, elapsed: float, args: argparse.Namespace, database: str) -> int:
    everything = [v for values in tally.latencies.values() for v in values]
    print()
    print(f"database: {database}")
    print(
        f"gunicorn workers: {args.workers}   clients: {args.concurrency}   "
        f"requests: {len(everything)}   elapsed: {elapsed:.1f} s"
    )
    print(f"throughput: {len(everything) / elapsed:.1f} requests/s")
    print()
    header = f"{'scenario':<16}{'count':>7}{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}{'max ms':>9}"
    print(header)
    print("-" * len(header))
    rows = [*sorted(tally.latencies.items()), ("overall", everything)]
    for name, values in rows:
        ms = [v * 1000 for v in values]
        print(
            f"{name:<16}{len(ms):>7}{percentile(ms, 0.5):>9.1f}{percentile(ms, 0.9):>9.1f}"
            f"{percentile(ms, 0.99):>9.1f}{max(ms, default=0):>9.1f}"
        )
    print()
    errors = sum(tally.errors.values())
    print(f"errors: {errors}" + (f" ({dict(tally.errors)})" if errors else ""))
    print(f"conflicts (409, not errors): {tally.conflicts}")
    for sample in tally.samples:
        print(f"  e.g. {sample}")
    if everything:
        print(f"mean latency: {statistics.fmean(everything) * 1000:.1f} ms")
    return 1 if errors else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000, help="total requests (default 2000)")
    parser.add_argument("--concurrency", type=int, default=10, help="client threads (default 10)")
    parser.add_argument("--duration", type=float, default=180, help="time cap in seconds")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--database-url", help="database to WIPE and use (default: fresh SQLite in a temp dir)"
    )
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="tracker-load-"))
    try:
        database_url = args.database_url or f"sqlite:///{workdir / 'load.sqlite3'}"
        env = app_env(database_url, workdir / "instance")
        prepare_database(env, wipe=bool(args.database_url))
        shown = database_url.split("@")[-1] if "@" in database_url else database_url
        tally = Tally()
        with gunicorn(env, workers=args.workers, port=free_port()) as url:
            budget = Budget(args.requests, args.duration)
            clients = [
                Client(url, OFFICER if n % 2 == 0 else LIAISON, tally, budget, args.seed + n)
                for n in range(args.concurrency)
            ]
            threads = [threading.Thread(target=c.run) for c in clients]
            started = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.perf_counter() - started
            for client in clients:
                client.session.close()
        return report(tally, elapsed, args, shown)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
