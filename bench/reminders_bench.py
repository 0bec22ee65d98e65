"""Time the reminder run (planner and sender) on a freshly built database.

    python -m bench.reminders_bench --database-url sqlite:////tmp/rbench.sqlite3 \\
        [--actions 100000] [--due-plans 5000] [--today 2026-06-10] [--seed 1] \\
        [--repeat 3] [--profile 30]

Drops and recreates the schema with ``db.create_all()`` (like ``bench.generate``), then
inserts the bench users, a few past meetings and --actions actions with SQLAlchemy Core
bulk inserts. Exactly --due-plans of the actions are not complete and have a reminder
falling due on --today: their due dates are spread evenly over today+14, today+3
(due soon), today (due today), today-1, today-8 and today-15 (overdue; the last are
also escalated, on today-1, to the OPCC lead and, when force-owned, the force lead).
Every other action is complete (closed with closed_on set, withdrawn or superseded) or
due after today+30, so it produces no reminder. There are no ad-hoc requests, Panel
items or HMICFRS reports, and no upcoming meetings, so only action rules fire.

Then, each timed with ``time.perf_counter()`` inside a request context for
SERVER_BASE_URL (as ``tracker.reminders.cli.run_reminders`` does):

a) ``run_planner(today)`` and the commit, on the empty outbox;
b) the same again (every reminder exists already: nothing new);
c) ``send_pending()`` to a real aiosmtpd SMTP server on 127.0.0.1;
d) ``run_planner(today, dry_run=True)`` (nothing new, rolled back).

The four phases are repeated --repeat times (default 3), deleting every reminder item
and email between rounds; the table shows the median, min and max wall time. With
--profile N, phase a) is first run once under cProfile (not counted in the table) and
the N functions with the most cumulative and the most own time are printed.
Never point this at a database you care about.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import random
import socket
import statistics
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Any

from flask import Flask
from sqlalchemy import delete, func, select

from bench.actions_bench import row_counts
from bench.generate import (
    BENCH_PASSWORD,
    DEFAULT_BATCH,
    FORCE_OWNERS,
    OPCC_AUTHORS,
    OPCC_OWNERS,
    SENTENCES,
    SUBJECTS,
    SUFFIXES,
    USERS,
    VERBS,
    analyse,
    bulk_insert,
    moment,
    pick,
    reset_postgres_sequences,
    stamps,
    user_rows,
)

TARGET_PLANNER_SECONDS = 2.0
MEETING_COUNT = 12
# Days from --today to the due date of actions with a reminder today (evenly mixed).
DUE_OFFSETS = (14, 3, 0, -1, -8, -15)
FAR_FUTURE = (31, 365)  # days after today: no reminder yet (the horizon is 14 days)
COMPLETE_SHARE = 0.6  # of the actions without a reminder today
OPEN_STATUSES = {"open": 40, "in_progress": 40, "implemented": 10, "reopened": 10}
COMPLETE_STATUSES = {"closed": 75, "withdrawn": 18, "superseded": 7}
OPCC_LEAD_ID = 2  # an OPCC officer
FORCE_LEAD_ID = 4  # a force liaison officer


@dataclass
class Expected:
    """What the planner should find, worked out while the actions are generated."""

    by_offset: Counter[int] = field(default_factory=Counter)
    escalations: int = 0
    recipients: set[int] = field(default_factory=set)

    @property
    def owner_reminders(self) -> int:
        return sum(self.by_offset.values())

    @property
    def reminders(self) -> int:
        return self.owner_reminders + self.escalations


@dataclass
class Phase:
    name: str
    seconds: list[float]  # one per round
    planned: int | None = None
    new: int | None = None
    emails: int | None = None
    sent: int | None = None
    note: str = ""
    result: Any = None  # the planner's RunResult
    consistent: bool = True  # the same counts in every round


class Mailbox:
    """aiosmtpd handler that keeps what it receives (like tests/conftest.py's Mailbox)."""

    def __init__(self) -> None:
        self.count = 0
        self.bytes = 0
        self.recipients: Counter[str] = Counter()
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd hook name
        with self.lock:
            self.count += 1
            self.bytes += len(envelope.content)
            self.recipients.update(envelope.rcpt_tos)
        return "250 Message accepted for delivery"


def free_port() -> int:
    """A TCP port nothing listens on (aiosmtpd cannot bind port 0 itself)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def email_of(user_id: int) -> str:
    return next(email for uid, _, email, _, _ in USERS if uid == user_id)


MEETING_KINDS = ("Quarterly performance", "Thematic", "Public", "Other governance")


def meeting_kind_rows(now: datetime) -> list[dict[str, Any]]:
    """The meeting kinds a new installation starts with."""
    return [
        {"id": n, "name": name, "active": True, "created_at": now, "updated_at": now}
        for n, name in enumerate(MEETING_KINDS, 1)
    ]


def meeting_rows(rng: random.Random, today: date) -> list[dict[str, Any]]:
    """A few meetings, all well in the past, so no meeting update round is due."""
    kinds = tuple(range(1, len(MEETING_KINDS) + 1))  # ids of the meeting_kinds rows
    rows = []
    for meeting_id in range(1, MEETING_COUNT + 1):
        held_on = today - timedelta(days=rng.randint(400, 720))
        rows.append(
            {
                "id": meeting_id,
                "kind_id": kinds[meeting_id % len(kinds)],
                "state": "held",
                "cancel_reason": "",
                "held_on": held_on,
                "title": f"A&A meeting {meeting_id}: {rng.choice(SUBJECTS)}",
                "themes": ", ".join(rng.sample(SUBJECTS, 3)),
                "chair": "Police and Crime Commissioner",
                "attendees": "PCC, Chief Constable, DCC, OPCC Chief Executive",
                "minutes_url": f"https://www.example.org/minutes/{meeting_id}",
                "published": True,
                **stamps(moment(held_on, rng)),
            }
        )
    return rows


def action_rows(
    rng: random.Random,
    total: int,
    due_plans: int,
    today: date,
    now: datetime,
    meeting_dates: list[date],
    expected: Expected,
) -> Iterator[dict[str, Any]]:
    due_ids = set(rng.sample(range(1, total + 1), due_plans))
    item_no = [0] * (len(meeting_dates) + 1)
    due_index = 0
    for action_id in range(1, total + 1):
        meeting_id = rng.randint(1, len(meeting_dates))
        item_no[meeting_id] += 1
        raised_on = meeting_dates[meeting_id - 1] + timedelta(days=rng.randint(0, 20))
        force_owned = rng.random() < 0.6
        owner_id = rng.choice(FORCE_OWNERS if force_owned else OPCC_OWNERS)
        closed_on = None
        if action_id in due_ids:
            offset = DUE_OFFSETS[due_index % len(DUE_OFFSETS)]
            due_index += 1
            due_on = today + timedelta(days=offset)
            status = pick(rng, OPEN_STATUSES)
            expected.by_offset[offset] += 1
            expected.recipients.add(owner_id)
            if offset <= -14:  # escalated on due + 14, within the 7-day lookback
                leads = {OPCC_LEAD_ID, FORCE_LEAD_ID} if force_owned else {OPCC_LEAD_ID}
                expected.escalations += len(leads)
                expected.recipients |= leads
        elif rng.random() < COMPLETE_SHARE:
            due_on = raised_on + timedelta(days=rng.randint(14, 900))
            status = pick(rng, COMPLETE_STATUSES)
            if status == "closed":
                latest = min(today, due_on + timedelta(days=60))
                closed_on = raised_on + timedelta(days=rng.randint(0, (latest - raised_on).days))
        else:
            due_on = today + timedelta(days=rng.randint(*FAR_FUTURE))
            status = pick(rng, OPEN_STATUSES)
        created = moment(raised_on, rng)
        yield {
            "id": action_id,
            "reference": f"R-{action_id:06d}",
            "title": f"{rng.choice(VERBS)} {rng.choice(SUBJECTS)}{rng.choice(SUFFIXES)}",
            "description": rng.choice(SENTENCES),
            "source_type": "meeting",
            "meeting_id": meeting_id,
            "meeting_item_no": item_no[meeting_id],
            "adhoc_request_id": None,
            "panel_item_id": None,
            "finding_id": None,
            "owner_id": owner_id,
            "owning_organisation": "force" if force_owned else "opcc",
            "lead_role": "",
            "raised_on": raised_on,
            "due_on": due_on,
            "original_due_on": due_on,
            "marking": "official_sensitive" if rng.random() < 0.12 else "official",
            # Only on OPCC-owned actions, which every recipient here may see.
            "opcc_only": not force_owned and rng.random() < 0.25,
            "opcc_note": "",
            "status": status,
            "closed_on": closed_on,
            "created_by_id": rng.choice(OPCC_AUTHORS),
            "created_at": created,
            "updated_at": min(created + timedelta(days=rng.randint(0, 30)), now),
            "version": 1,
        }


def setting_rows(now: datetime) -> list[dict[str, Any]]:
    return [
        {"key": key, "value": email_of(user_id), "updated_by_id": 1, **stamps(now)}
        for key, user_id in (("opcc_lead_email", OPCC_LEAD_ID), ("force_lead_email", FORCE_LEAD_ID))
    ]


def build(
    app: Flask,
    *,
    actions: int,
    due_plans: int,
    today: date,
    seed: int,
    batch_size: int,
    sqlite_analyze: bool,
) -> Expected:
    """Drop, recreate and fill the database; returns what the planner should find."""
    from tracker.actions.models import Action
    from tracker.auth.models import User
    from tracker.auth.passwords import hash_password
    from tracker.db import db
    from tracker.settings.models import Setting
    from tracker.sources.models import Meeting, MeetingKind

    rng = random.Random(seed)
    expected = Expected()
    started = time.perf_counter()

    def step(name: str, table: Any, rows: Any) -> None:
        began = time.perf_counter()
        count = bulk_insert(table, rows, batch_size)
        print(f"  {name:<14} {count:>9,} rows  {time.perf_counter() - began:7.1f} s")

    with app.app_context():
        dialect = db.engine.dialect.name
        db.drop_all()
        db.create_all()
        print(f"  schema recreated              {time.perf_counter() - started:7.1f} s")
        now = datetime.now(UTC)
        meetings = meeting_rows(rng, today)
        step("users", User.__table__, user_rows(hash_password(BENCH_PASSWORD), now))
        step("settings", Setting.__table__, setting_rows(now))
        step("meeting_kinds", MeetingKind.__table__, meeting_kind_rows(now))
        step("meetings", Meeting.__table__, meetings)
        step(
            "actions",
            Action.__table__,
            action_rows(
                rng, actions, due_plans, today, now, [m["held_on"] for m in meetings], expected
            ),
        )
        if dialect == "postgresql":
            reset_postgres_sequences()
        if dialect == "postgresql" or sqlite_analyze:
            began = time.perf_counter()
            analyse(vacuum=True)
            print(f"  {'analyse':<14} {'':>14}  {time.perf_counter() - began:7.1f} s")
        db.session.remove()
    print(f"  built in {time.perf_counter() - started:.1f} s")
    return expected


def in_run_context(app: Flask, work: Callable[[], Any]) -> tuple[Any, float]:
    """Run `work` in a fresh app context and a request context for SERVER_BASE_URL (as
    run_reminders does); returns its result and wall seconds (context setup excluded)."""
    with app.app_context(), app.test_request_context("/", base_url=app.config["SERVER_BASE_URL"]):
        began = time.perf_counter()
        value = work()
        return value, time.perf_counter() - began


def plan_and_commit(today: date, *, dry_run: bool = False) -> Any:
    from tracker.db import db
    from tracker.reminders.planner import run_planner

    result = run_planner(today, dry_run=dry_run)
    if not dry_run:
        db.session.commit()
    return result


def profiled(work: Callable[[], Any], top: int) -> Callable[[], Any]:
    def run() -> Any:
        profile = cProfile.Profile()
        value = profile.runcall(work)
        for order in ("cumulative", "tottime"):
            out = io.StringIO()
            pstats.Stats(profile, stream=out).strip_dirs().sort_stats(order).print_stats(top)
            print(f"\ncProfile of phase a), top {top} by {order}:")
            print(out.getvalue().strip())
        return value

    return run


def outbox_facts() -> dict[str, int]:
    from tracker.db import db
    from tracker.reminders.models import OutboxMessage, ReminderItem

    return {
        "unlinked items": db.session.scalar(
            select(func.count()).where(ReminderItem.message_id.is_(None))
        )
        or 0,
        "outbox KB": (
            db.session.scalar(
                select(
                    func.coalesce(
                        func.sum(
                            func.length(OutboxMessage.text_body)
                            + func.length(OutboxMessage.html_body)
                        ),
                        0,
                    )
                )
            )
            or 0
        )
        // 1024,
    }


def empty_outbox(app: Flask) -> None:
    """Delete every reminder item and email, so the next round starts from nothing."""
    from tracker.db import db
    from tracker.reminders.models import OutboxMessage, ReminderItem

    with app.app_context():
        db.session.execute(delete(ReminderItem))
        db.session.execute(delete(OutboxMessage))
        db.session.commit()


def planner_phase(name: str, result: Any, seconds: float) -> Phase:
    return Phase(
        name, [seconds], len(result.planned), len(result.new), len(result.messages), result=result
    )


def one_round(app: Flask, today: date, mailbox: Mailbox) -> list[Phase]:
    """Phases a) to d), starting from an empty outbox."""
    from tracker.db import utcnow
    from tracker.reminders.sender import send_pending

    phases = []
    result, seconds = in_run_context(app, partial(plan_and_commit, today))
    phases.append(planner_phase("a) planner + commit", result, seconds))
    result, seconds = in_run_context(app, partial(plan_and_commit, today))
    phases.append(planner_phase("b) planner again + commit", result, seconds))
    received, size = mailbox.count, mailbox.bytes
    sent, seconds = in_run_context(app, lambda: send_pending(now=utcnow()))
    phases.append(
        Phase(
            "c) send_pending (SMTP)",
            [seconds],
            sent=len(sent.sent),
            note=f"received {mailbox.count - received}, "
            f"{(mailbox.bytes - size) / 1024:,.0f} KB; "
            f"deferred {len(sent.deferred)}, failed {len(sent.failed)}",
        )
    )
    result, seconds = in_run_context(app, partial(plan_and_commit, today, dry_run=True))
    phases.append(planner_phase("d) planner --dry-run", result, seconds))
    return phases


def merge(rounds: list[list[Phase]]) -> list[Phase]:
    """One row per phase with every round's time; counts from the first round."""
    merged = []
    for first, *others in zip(*rounds, strict=True):
        counts = (first.planned, first.new, first.emails, first.sent, first.note)
        for other in others:
            first.seconds += other.seconds
            if (other.planned, other.new, other.emails, other.sent, other.note) != counts:
                first.consistent = False
        merged.append(first)
    return merged


def format_table(phases: list[Phase]) -> str:
    headers = ("phase", "median s", "min s", "max s", "planned", "new", "emails", "sent", "note")

    def cell(value: int | None) -> str:
        return "-" if value is None else f"{value:,}"

    rows = [
        (
            p.name,
            f"{statistics.median(p.seconds):.3f}",
            f"{min(p.seconds):.3f}",
            f"{max(p.seconds):.3f}",
            cell(p.planned),
            cell(p.new),
            cell(p.emails),
            cell(p.sent),
            p.note if p.consistent else f"{p.note} (counts differed between rounds!)",
        )
        for p in phases
    ]
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(headers)]

    def line(cells: tuple[str, ...]) -> str:
        first = cells[0].ljust(widths[0])
        middle = "  ".join(c.rjust(w) for c, w in zip(cells[1:-1], widths[1:-1], strict=True))
        return f"{first}  {middle}  {cells[-1]}".rstrip()

    out = [line(headers), "  ".join("-" * w for w in widths)]
    out += [line(row) for row in rows]
    return "\n".join(out)


def run(
    database_url: str,
    *,
    actions: int,
    due_plans: int,
    today: date,
    seed: int = 1,
    batch_size: int = DEFAULT_BATCH,
    sqlite_analyze: bool = False,
    repeat: int = 3,
    profile_top: int = 0,
) -> list[Phase]:
    from aiosmtpd.controller import Controller

    from tracker import create_app
    from tracker.db import db
    from tracker.deadlines import is_working_day
    from tracker.settings.services import all_settings

    if not is_working_day(today):
        raise SystemExit(f"{today.isoformat()} is not a working day: the planner would do nothing")
    app = create_app("development", SQLALCHEMY_DATABASE_URI=database_url, LOG_LEVEL="WARNING")
    with app.app_context():
        engine = db.engine
        dialect = engine.dialect.name
        print(f"Database: {dialect} ({engine.url.render_as_string(hide_password=True)})")
    expected = build(
        app,
        actions=actions,
        due_plans=due_plans,
        today=today,
        seed=seed,
        batch_size=batch_size,
        sqlite_analyze=sqlite_analyze,
    )

    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_USE_TLS=False)
    app.config.update(MAIL_USE_SSL=False, MAIL_USERNAME="")
    try:
        if profile_top:
            in_run_context(app, profiled(partial(plan_and_commit, today), profile_top))
        rounds = []
        for _ in range(repeat):
            if rounds or profile_top:
                empty_outbox(app)
            rounds.append(one_round(app, today, mailbox))
    finally:
        controller.stop()
    phases = merge(rounds)
    summary = rounds[0][0].result.summary
    problems = rounds[0][0].result.problems

    with app.app_context():
        settings = all_settings()
        counts = row_counts()
        facts = outbox_facts()
        server_version = ".".join(str(p) for p in engine.dialect.server_version_info or ())
        db.session.remove()
        engine.dispose()

    a = phases[0]
    print()
    print(f"Database: {dialect} {server_version}")
    print("Rows: " + ", ".join(f"{name} {n:,}" for name, n in counts.items() if n))
    print(
        f"Run on {today.isoformat()} ({today:%A}); settings: reminder_days_before "
        f"{settings['reminder_days_before']!r}, overdue_repeat_days "
        f"{settings['overdue_repeat_days']}, escalation_after_days "
        f"{settings['escalation_after_days']}; leads {settings['opcc_lead_email']}, "
        f"{settings['force_lead_email']}"
    )
    mix = ", ".join(
        f"today{f'{d:+d}' if d else ''}: {expected.by_offset[d]:,}" for d in DUE_OFFSETS
    )
    print(f"Actions with a reminder today: {expected.owner_reminders:,}, due {mix}")
    print(
        f"Expected reminders: {expected.owner_reminders:,} to owners + {expected.escalations:,} "
        f"escalations = {expected.reminders:,}, in {len(expected.recipients)} emails"
    )
    print(f"Rounds: {repeat} (the outbox and reminder items emptied before each after the first)")
    print()
    print(format_table(phases))
    print()
    for to, subject, count in summary:
        print(f"  {to}: {count:,} item(s): {subject}")
    for problem in problems:
        print(f"  Problem: {problem}")
    print(
        f"Outbox: {facts['outbox KB']:,} KB of bodies; reminder items without a message: "
        f"{facts['unlinked items']}"
    )

    checks = [
        (a.planned == expected.reminders, "a) planned the expected reminders"),
        (a.new == expected.reminders, "a) all of them new"),
        (a.emails == len(expected.recipients), "a) one email per recipient"),
        (phases[1].new == 0 and phases[1].emails == 0, "b) nothing new"),
        (
            phases[2].sent == a.emails and mailbox.count == a.emails * repeat,
            "c) every email sent and received",
        ),
        (phases[3].new == 0, "d) nothing new"),
        (facts["unlinked items"] == 0, "every reminder item belongs to an email"),
        (all(p.consistent for p in phases), "the same counts in every round"),
    ]
    for ok, text in checks:
        print(f"  [{'ok' if ok else 'FAIL'}] {text}")
    median = statistics.median(a.seconds)
    verdict = "met" if median < TARGET_PLANNER_SECONDS else "NOT met"
    print(
        f"Target: a) under {TARGET_PLANNER_SECONDS:.0f} s ({actions:,} actions, "
        f"{due_plans:,} due plans): {verdict} (median {median:.2f} s, max {max(a.seconds):.2f} s)"
    )
    return phases


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="SQLAlchemy URL (will be wiped)")
    parser.add_argument("--actions", type=int, default=100_000)
    parser.add_argument(
        "--due-plans", type=int, default=5000, help="actions with a reminder on --today"
    )
    parser.add_argument(
        "--today",
        type=date.fromisoformat,
        default=date(2026, 6, 10),
        help="the run date, YYYY-MM-DD (a working day)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH)
    parser.add_argument(
        "--sqlite-analyze",
        action="store_true",
        help="also run ANALYZE on SQLite (the app never does; PostgreSQL is always analysed)",
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="rounds of a) to d), the outbox emptied between"
    )
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="N",
        help="first run phase a) once under cProfile (untimed) and print the top N functions",
    )
    args = parser.parse_args(argv)
    if args.actions < 1 or not 0 <= args.due_plans <= args.actions or args.repeat < 1:
        parser.error(
            "--actions and --repeat must be at least 1, --due-plans between 0 and --actions"
        )
    run(
        args.database_url,
        actions=args.actions,
        due_plans=args.due_plans,
        today=args.today,
        seed=args.seed,
        batch_size=args.batch_size,
        sqlite_analyze=args.sqlite_analyze,
        repeat=args.repeat,
        profile_top=args.profile,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
