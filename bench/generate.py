"""Fill a database with a large, realistic-looking data set for timing the action pages.

    python -m bench.generate --database-url sqlite:////tmp/bench.sqlite3 \\
        --actions 100000 --updates 300000 [--seed 1]

Drops and recreates the schema with ``db.create_all()`` (no migrations), then inserts
rows with SQLAlchemy Core bulk inserts, one transaction per batch. Ids are assigned
here so foreign keys need no lookups; on PostgreSQL the id sequences are moved past
them afterwards and the tables are vacuumed and analysed (as autovacuum would). The
search index is filled last, from the inserted rows (`flask search rebuild`'s code).

Every user's password is ``bench-password-for-timing``; the administrator is
``bench-admin@opcc.example.org``. Never point this at a database you care about.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from typing import Any

from sqlalchemy import Table, insert, select, text
from sqlalchemy import func as sql_func

BENCH_ADMIN_EMAIL = "bench-admin@opcc.example.org"
BENCH_PASSWORD = "bench-password-for-timing"  # noqa: S105 - a throw-away benchmark database
DEFAULT_BATCH = 5000

# Source sizes (fixed: they do not grow with --actions).
MEETINGS = 300
ADHOC_REQUESTS = 400
PANEL_ITEMS = 300
REPORTS = 40
FINDINGS = 1500

# id, name, email, role, organisation
USERS: tuple[tuple[int, str, str, str, str], ...] = (
    (1, "Bench Admin", BENCH_ADMIN_EMAIL, "admin", "opcc"),
    (2, "Olivia Officer", "olivia.officer@opcc.example.org", "opcc_officer", "opcc"),
    (3, "Omar Officer", "omar.officer@opcc.example.org", "opcc_officer", "opcc"),
    (4, "Lena Liaison", "lena.liaison@police.example.org", "force_liaison", "force"),
    (5, "Luke Liaison", "luke.liaison@police.example.org", "force_liaison", "force"),
    (6, "Carla Clerk", "carla.clerk@council.example.org", "panel_clerk", "panel"),
)
OPCC_OWNERS = (1, 2, 2, 3, 3)  # the administrator owns fewer actions
FORCE_OWNERS = (4, 5)
OPCC_AUTHORS = (1, 2, 3)

# Status mixes (ActionStatus values) for actions already past their due date and not.
PAST_DUE_STATUSES = {
    "open": 12,
    "in_progress": 18,
    "implemented": 12,
    "closed": 45,
    "withdrawn": 5,
    "superseded": 4,
    "reopened": 4,
}
FUTURE_STATUSES = {
    "open": 40,
    "in_progress": 38,
    "implemented": 8,
    "closed": 6,
    "withdrawn": 2,
    "superseded": 1,
    "reopened": 5,
}
# source_type value -> share of actions
SOURCE_MIX = {"meeting": 40, "adhoc_request": 20, "panel_item": 15, "finding": 25}

VERBS = (
    "Review",
    "Provide an update on",
    "Report on",
    "Publish",
    "Confirm progress with",
    "Audit",
    "Develop a plan for",
    "Assess",
    "Share findings on",
    "Brief the PCC on",
)
SUBJECTS = (
    "stop and search data",
    "custody provision",
    "domestic abuse training",
    "the victim satisfaction survey",
    "999 and 101 call handling times",
    "the fleet replacement plan",
    "the neighbourhood policing model",
    "body-worn video usage",
    "the rural crime strategy",
    "the violence against women and girls plan",
    "use of force records",
    "the vetting backlog",
    "the estates strategy",
    "wellbeing support for officers and staff",
    "crime data integrity",
    "missing persons investigations",
    "out of court disposals",
    "the road safety partnership",
)
SUFFIXES = (
    "",
    " for the next quarter",
    " with the Panel",
    " and report back",
    " across all local policing areas",
    " by district",
    " before the next A&A meeting",
)
SENTENCES = (
    "The Commissioner asked for assurance that the force understands the trend.",
    "Data should be broken down by local policing area and compared with peers.",
    "The force agreed to return with a written response and supporting evidence.",
    "The OPCC will review the response at the next Assurance and Accountability meeting.",
    "HMICFRS highlighted this as an area for improvement in its last inspection.",
    "The Panel asked to be kept informed of progress.",
    "Resourcing pressures may affect the timetable; any change needs agreement.",
    "A peer review by a neighbouring force has been offered.",
    "Performance is below the national average and has not improved this year.",
    "The Chief Constable will nominate a lead officer.",
)
UPDATE_TEXTS = (
    "Work is under way; a draft has been circulated internally.",
    "Awaiting data from the performance team before the review can be finished.",
    "Met with the lead officer; timetable confirmed.",
    "Evidence supplied and reviewed by the OPCC.",
    "Delayed by competing priorities; a revised date will be proposed.",
    "Findings shared with the Panel clerk.",
    "Training rolled out to two of five districts.",
    "No further progress this month.",
)
LEAD_ROLES = (
    "Deputy Chief Constable",
    "ACC Local Policing",
    "ACC Crime",
    "Head of Performance",
    "OPCC Chief Executive",
    "OPCC Head of Assurance",
    "Director of Finance",
    "",
)
TAGS: tuple[tuple[str, str], ...] = (
    ("plan_objective", "Reforming the police"),
    ("plan_objective", "Protecting people from harm"),
    ("plan_objective", "Supporting victims"),
    ("plan_objective", "Building a more secure West Mercia"),
    ("national_priority", "Reduce murder and homicide"),
    ("national_priority", "Reduce serious violence"),
    ("national_priority", "Disrupt drugs supply"),
    ("national_priority", "Tackle cyber crime"),
    ("local_area", "Herefordshire"),
    ("local_area", "Shropshire"),
    ("local_area", "Telford and Wrekin"),
    ("local_area", "Worcestershire"),
)


@dataclass
class Sources:
    """What actions need to know about the sources generated before them."""

    meeting_dates: list[date] = field(default_factory=list)
    adhoc_dates: list[date] = field(default_factory=list)
    panel_dates: list[date] = field(default_factory=list)
    finding_dates: list[date] = field(default_factory=list)


@dataclass
class ActionFacts:
    """Per action (index = id - 1): what the updates generator needs."""

    raised_on: list[date] = field(default_factory=list)
    force_owned: list[bool] = field(default_factory=list)
    owner_id: list[int] = field(default_factory=list)


def pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def moment(day: date, rng: random.Random) -> datetime:
    """A timezone-aware UTC instant during the working day `day`."""
    return datetime.combine(day, clock_time(8), UTC) + timedelta(seconds=rng.randint(0, 9 * 3600))


def batches(rows: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def bulk_insert(table: Table, rows: Iterable[dict[str, Any]], size: int) -> int:
    """Insert `rows` with Core executemany, committing after every batch."""
    from tracker.db import db

    count = 0
    for batch in batches(rows, size):
        db.session.execute(insert(table), batch)
        db.session.commit()
        count += len(batch)
    return count


def stamps(created: datetime) -> dict[str, Any]:
    return {"created_at": created, "updated_at": created, "version": 1}


def user_rows(password_hash: str, now: datetime) -> Iterator[dict[str, Any]]:
    from tracker.auth.models import new_session_token

    for user_id, name, email, role, organisation in USERS:
        yield {
            "id": user_id,
            "name": name,
            "email": email,
            "organisation": organisation,
            "role": role,
            "active": True,
            "password_hash": password_hash,
            "password_changed_at": now,
            "session_token": new_session_token(),
            "last_login_at": None,
            **stamps(now - timedelta(days=900)),
        }


def sentence_block(rng: random.Random, low: int, high: int) -> str:
    return " ".join(rng.sample(SENTENCES, rng.randint(low, high)))


MEETING_KINDS = ("Quarterly performance", "Thematic", "Public", "Other governance")


def meeting_kind_rows(now: datetime) -> list[dict[str, Any]]:
    """The meeting kinds a new installation starts with."""
    return [
        {"id": n, "name": name, "active": True, "created_at": now, "updated_at": now}
        for n, name in enumerate(MEETING_KINDS, 1)
    ]


def meeting_rows(rng: random.Random, today: date, sources: Sources) -> Iterator[dict[str, Any]]:
    kinds = tuple(range(1, len(MEETING_KINDS) + 1))  # ids of the meeting_kinds rows
    for meeting_id in range(1, MEETINGS + 1):
        held_on = today - timedelta(days=rng.randint(0, 3 * 365))
        sources.meeting_dates.append(held_on)
        yield {
            "id": meeting_id,
            "kind_id": rng.choice(kinds),
            "held_on": held_on,
            "state": "held",
            "cancel_reason": "",
            "title": f"A&A meeting {meeting_id}: {rng.choice(SUBJECTS)}",
            "themes": ", ".join(rng.sample(SUBJECTS, 3)),
            "chair": "Police and Crime Commissioner",
            "attendees": "PCC, Chief Constable, DCC, OPCC Chief Executive",
            "minutes_url": f"https://www.example.org/minutes/{meeting_id}",
            "published": rng.random() < 0.7,
            **stamps(moment(held_on, rng)),
        }


def adhoc_rows(rng: random.Random, today: date, sources: Sources) -> Iterator[dict[str, Any]]:
    for request_id in range(1, ADHOC_REQUESTS + 1):
        sent_on = today - timedelta(days=rng.randint(0, 3 * 365))
        due = sent_on + timedelta(days=14)
        answered = due < today and rng.random() < 0.8
        received = min(sent_on + timedelta(days=rng.randint(3, 30)), today) if answered else None
        sources.adhoc_dates.append(sent_on)
        yield {
            "id": request_id,
            "subject": f"{rng.choice(VERBS)} {rng.choice(SUBJECTS)}",
            "detail": sentence_block(rng, 1, 3),
            "sent_on": sent_on,
            "recipient": "Chief Constable",
            "response_due_on": due,
            "due_override_reason": "",
            "response_received_on": received,
            "response": sentence_block(rng, 1, 2) if received else "",
            "status": rng.choice(("response_received", "closed", "follow_up_needed"))
            if received
            else "awaiting_response",
            "author_id": rng.choice(OPCC_AUTHORS),
            **stamps(moment(sent_on, rng)),
        }


def panel_rows(rng: random.Random, today: date, sources: Sources) -> Iterator[dict[str, Any]]:
    kinds = ("recommendation", "request_for_information", "annual_report_recommendation", "precept")
    for item_id in range(1, PANEL_ITEMS + 1):
        met_on = today - timedelta(days=rng.randint(0, 3 * 365))
        responded = rng.random() < 0.6
        sources.panel_dates.append(met_on)
        yield {
            "id": item_id,
            "panel_meeting_on": met_on,
            "agenda_item": f"Item {rng.randint(1, 12)}",
            "kind": rng.choice(kinds),
            "text": sentence_block(rng, 1, 3),
            "response_due_on": met_on + timedelta(days=28),
            "pcc_response": sentence_block(rng, 1, 2) if responded else "",
            "pcc_response_on": met_on + timedelta(days=rng.randint(5, 40)) if responded else None,
            "published": rng.random() < 0.9,
            **stamps(moment(met_on, rng)),
        }


def report_rows(rng: random.Random, today: date) -> tuple[list[dict[str, Any]], list[date]]:
    types = ("peel", "thematic", "joint", "other")
    rows, dates = [], []
    for report_id in range(1, REPORTS + 1):
        published_on = today - timedelta(days=rng.randint(30, 4 * 365))
        report_type = rng.choice(types)
        commented = rng.random() < 0.85
        dates.append(published_on)
        rows.append(
            {
                "id": report_id,
                "code": f"{report_type.upper()[:4]}{report_id:03d}",
                "title": f"HMICFRS {report_type} inspection: {rng.choice(SUBJECTS)}",
                "report_type": report_type,
                "scope": "force" if report_type == "peel" else rng.choice(("force", "national")),
                "published_on": published_on,
                "pcc_comments_due_on": published_on + timedelta(days=56),
                "cc_comments_due_on": published_on + timedelta(days=42),
                "comments_published_on": published_on + timedelta(days=rng.randint(20, 56))
                if commented
                else None,
                "comments_url": "https://www.example.org/hmicfrs-comments" if commented else "",
                "sent_to_hmicfrs_on": published_on + timedelta(days=50) if commented else None,
                "sent_to_home_secretary_on": published_on + timedelta(days=50)
                if commented
                else None,
                **stamps(moment(published_on, rng)),
            }
        )
    return rows, dates


def finding_rows(
    rng: random.Random, report_dates: list[date], sources: Sources
) -> Iterator[dict[str, Any]]:
    """Findings spread over the reports; recommendations point at an earlier cause of concern."""
    statuses = (
        "awaiting_review",
        "being_progressed",
        "submitted_for_sign_off",
        "complete",
        "superseded",
    )
    per_report = [FINDINGS // REPORTS] * REPORTS
    for extra in range(FINDINGS - sum(per_report)):
        per_report[extra % REPORTS] += 1
    finding_id = 0
    for report_index, count in enumerate(per_report):
        report_id = report_index + 1
        cause_id: int | None = None
        numbers = {"C": 0, "R": 0, "AFI": 0}
        for position in range(count):
            finding_id += 1
            if position % 10 == 0:
                kind, prefix, parent = "cause_of_concern", "C", None
                cause_id = finding_id
            elif cause_id is not None and position % 10 < 4:
                kind, prefix, parent = "recommendation", "R", cause_id
            else:
                kind, prefix, parent = "area_for_improvement", "AFI", None
            numbers[prefix] += 1
            sources.finding_dates.append(report_dates[report_index])
            yield {
                "id": finding_id,
                "report_id": report_id,
                "kind": kind,
                "reference": f"{prefix}{numbers[prefix]}",
                "text": sentence_block(rng, 1, 2),
                "parent_id": parent,
                "inspectorate_status": rng.choice(statuses),
                **stamps(moment(report_dates[report_index], rng)),
            }


def action_rows(
    rng: random.Random, total: int, now: datetime, sources: Sources, facts: ActionFacts
) -> Iterator[dict[str, Any]]:
    source_ids = {
        "meeting": len(sources.meeting_dates),
        "adhoc_request": len(sources.adhoc_dates),
        "panel_item": len(sources.panel_dates),
        "finding": len(sources.finding_dates),
    }
    meeting_item_no = [0] * (len(sources.meeting_dates) + 1)
    today = now.date()
    for action_id in range(1, total + 1):
        source_type = pick(rng, SOURCE_MIX)
        source_id = rng.randint(1, source_ids[source_type])
        due_on = today + timedelta(days=rng.randint(-730, 365))
        raised_on = due_on - timedelta(days=rng.randint(14, 270))
        if raised_on > today:
            raised_on = today - timedelta(days=rng.randint(0, 30))
        original_due_on = due_on
        if rng.random() < 0.2:  # an extension was granted at some point
            original_due_on = max(raised_on, due_on - timedelta(days=rng.randint(7, 90)))
        status = pick(rng, PAST_DUE_STATUSES if due_on < today else FUTURE_STATUSES)
        closed_on = None
        if status == "closed":
            latest = min(today, due_on + timedelta(days=60))
            closed_on = raised_on + timedelta(days=rng.randint(0, (latest - raised_on).days))
        force_owned = rng.random() < 0.6
        owner_id = rng.choice(FORCE_OWNERS if force_owned else OPCC_OWNERS)
        # ~10% of all actions, all of them OPCC-owned (25% of the OPCC's 40%).
        opcc_only = not force_owned and rng.random() < 0.25
        item_no = None
        if source_type == "meeting":
            meeting_item_no[source_id] += 1
            item_no = meeting_item_no[source_id]
        facts.raised_on.append(raised_on)
        facts.force_owned.append(force_owned)
        facts.owner_id.append(owner_id)
        created = moment(raised_on, rng)
        changed = min(
            created + timedelta(days=rng.randint(0, 200), seconds=rng.randint(0, 86399)), now
        )
        yield {
            "id": action_id,
            "reference": f"B-{action_id:06d}",
            "title": f"{rng.choice(VERBS)} {rng.choice(SUBJECTS)}{rng.choice(SUFFIXES)}",
            "description": sentence_block(rng, 1, 4),
            "source_type": source_type,
            "meeting_id": source_id if source_type == "meeting" else None,
            "meeting_item_no": item_no,
            "adhoc_request_id": source_id if source_type == "adhoc_request" else None,
            "panel_item_id": source_id if source_type == "panel_item" else None,
            "finding_id": source_id if source_type == "finding" else None,
            "owner_id": owner_id,
            "owning_organisation": "force" if force_owned else "opcc",
            "lead_role": rng.choice(LEAD_ROLES),
            "raised_on": raised_on,
            "due_on": due_on,
            "original_due_on": original_due_on,
            "marking": "official_sensitive" if rng.random() < 0.12 else "official",
            "opcc_only": opcc_only,
            "opcc_note": "Discussed at OPCC leadership team." if rng.random() < 0.15 else "",
            "status": status,
            "closed_on": closed_on,
            "created_by_id": rng.choice(OPCC_AUTHORS),
            "created_at": created,
            "updated_at": changed,
            "version": rng.randint(1, 6),
        }


def tag_rows(now: datetime) -> Iterator[dict[str, Any]]:
    for tag_id, (tag_list, name) in enumerate(TAGS, start=1):
        yield {
            "id": tag_id,
            "tag_list": tag_list,
            "name": name,
            "active": True,
            "created_at": now,
            "updated_at": now,
        }


def action_tag_rows(rng: random.Random, total: int) -> Iterator[dict[str, Any]]:
    for action_id in range(1, total + 1):
        if rng.random() < 0.3:
            for tag_id in rng.sample(range(1, len(TAGS) + 1), rng.randint(1, 2)):
                yield {"action_id": action_id, "tag_id": tag_id}


def update_plan(
    rng: random.Random, total: int, now: datetime, facts: ActionFacts
) -> list[tuple[datetime, int]]:
    """(created_at, action_id) for every update, oldest first, so ids follow time.

    One action gets 300 updates (the detail-page worst case), 1% of actions share a
    quarter of the rest, and the remainder are spread evenly.
    """
    actions = len(facts.raised_on)
    hot_action = max(1, actions // 3)
    busy = rng.sample(range(1, actions + 1), max(1, actions // 100))
    plan = []
    for n in range(total):
        if n < min(300, total // 10):
            action_id = hot_action
        elif rng.random() < 0.25:
            action_id = rng.choice(busy)
        else:
            action_id = rng.randint(1, actions)
        start = datetime.combine(facts.raised_on[action_id - 1], clock_time(8), UTC)
        if start >= now:
            start = now - timedelta(hours=1)
        plan.append((start + (now - start) * rng.random(), action_id))
    plan.sort()
    return plan


def update_rows(
    rng: random.Random, plan: list[tuple[datetime, int]], facts: ActionFacts
) -> Iterator[dict[str, Any]]:
    statuses = ("open", "in_progress", "implemented", "closed", "reopened")
    rags = ("red", "amber", "green")
    for update_id, (created_at, action_id) in enumerate(plan, start=1):
        index = action_id - 1
        by_force = facts.force_owned[index] and rng.random() < 0.6
        author_id = facts.owner_id[index] if by_force else rng.choice(OPCC_AUTHORS)
        status_change = rng.random() < 0.2
        from_status = rng.choice(statuses) if status_change else None
        to_status = rng.choice([s for s in statuses if s != from_status]) if status_change else None
        yield {
            "id": update_id,
            "action_id": action_id,
            "author_id": author_id,
            "created_at": created_at,
            "edited_at": None,
            "text": rng.choice(UPDATE_TEXTS),
            "from_status": from_status,
            "to_status": to_status,
            "rag": rng.choice(rags) if rng.random() < 0.4 else None,
            "opcc_only": not by_force and rng.random() < 0.1,
        }


def reset_postgres_sequences() -> None:
    """Move each id sequence past the ids inserted here, so the app can insert rows."""
    from tracker.db import db

    for table in db.metadata.sorted_tables:
        column = table.c.get("id")
        if column is None or not column.autoincrement or not column.primary_key:
            continue
        db.session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "  # noqa: S608
                f"COALESCE(MAX(id), 0) + 1, false) FROM {table.name}"
            )
        )
    db.session.commit()


def analyse(vacuum: bool) -> None:
    """Refresh planner statistics (PostgreSQL: VACUUM ANALYZE, as autovacuum would)."""
    from tracker.db import db

    with db.engine.connect() as connection:
        if db.engine.dialect.name == "postgresql":
            connection = connection.execution_options(isolation_level="AUTOCOMMIT")
            connection.execute(text("VACUUM ANALYZE" if vacuum else "ANALYZE"))
        else:
            connection.execute(text("ANALYZE"))
            connection.commit()


def generate(
    database_url: str,
    *,
    actions: int,
    updates: int,
    seed: int = 1,
    batch_size: int = DEFAULT_BATCH,
    sqlite_analyze: bool = False,
) -> dict[str, int]:
    """Drop, recreate and fill the database; returns row counts per table."""
    from tracker import create_app
    from tracker.actions.models import Action, ActionUpdate, action_tags
    from tracker.auth.models import User
    from tracker.auth.passwords import hash_password
    from tracker.db import db
    from tracker.search.index import rebuild as rebuild_search_index
    from tracker.settings.models import Tag
    from tracker.sources.models import (
        AdhocRequest,
        Finding,
        HmicfrsReport,
        Meeting,
        MeetingKind,
        PanelItem,
    )

    rng = random.Random(seed)
    app = create_app("development", SQLALCHEMY_DATABASE_URI=database_url, LOG_LEVEL="WARNING")
    started = time.perf_counter()
    counts: dict[str, int] = {}

    def step(name: str, table: Table, rows: Iterable[dict[str, Any]]) -> None:
        began = time.perf_counter()
        counts[name] = bulk_insert(table, rows, batch_size)
        print(f"  {name:<14} {counts[name]:>9,} rows  {time.perf_counter() - began:7.1f} s")

    with app.app_context():
        dialect = db.engine.dialect.name
        print(f"Database: {dialect} ({db.engine.url.render_as_string(hide_password=True)})")
        db.drop_all()
        db.create_all()
        print(f"  schema recreated              {time.perf_counter() - started:7.1f} s")

        now = datetime.now(UTC)
        today = now.date()
        sources = Sources()
        facts = ActionFacts()
        password_hash = hash_password(BENCH_PASSWORD)

        step("users", User.__table__, user_rows(password_hash, now))
        step("tags", Tag.__table__, tag_rows(now))
        step("meeting_kinds", MeetingKind.__table__, meeting_kind_rows(now))
        step("meetings", Meeting.__table__, meeting_rows(rng, today, sources))
        step("adhoc_requests", AdhocRequest.__table__, adhoc_rows(rng, today, sources))
        step("panel_items", PanelItem.__table__, panel_rows(rng, today, sources))
        reports, report_dates = report_rows(rng, today)
        step("reports", HmicfrsReport.__table__, reports)
        step("findings", Finding.__table__, finding_rows(rng, report_dates, sources))
        step("actions", Action.__table__, action_rows(rng, actions, now, sources, facts))
        step("action_tags", action_tags, action_tag_rows(rng, actions))
        step(
            "updates",
            ActionUpdate.__table__,
            update_rows(rng, update_plan(rng, updates, now, facts), facts),
        )

        # The rows above went in without the ORM, so the search index is filled here.
        began = time.perf_counter()
        indexed = rebuild_search_index(db.session)
        db.session.commit()
        counts["search_entries"] = sum(indexed.values())
        print(
            f"  {'search index':<14} {counts['search_entries']:>9,} rows  "
            f"{time.perf_counter() - began:7.1f} s"
        )

        if dialect == "postgresql":
            reset_postgres_sequences()
        if dialect == "postgresql" or sqlite_analyze:
            began = time.perf_counter()
            analyse(vacuum=True)
            print(f"  {'analyse':<14} {'':>14}  {time.perf_counter() - began:7.1f} s")

        check = db.session.scalar(select(sql_func.count()).select_from(Action.__table__))
        if check != actions:
            raise RuntimeError(f"expected {actions} actions, found {check}")
        db.session.remove()
        db.engine.dispose()

    print(f"Done: {sum(counts.values()):,} rows in {time.perf_counter() - started:.1f} s")
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="SQLAlchemy URL (will be wiped)")
    parser.add_argument("--actions", type=int, default=100_000)
    parser.add_argument("--updates", type=int, default=300_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH)
    parser.add_argument(
        "--sqlite-analyze",
        action="store_true",
        help="also run ANALYZE on SQLite (the app never does; PostgreSQL is always analysed)",
    )
    args = parser.parse_args(argv)
    if args.actions < 1 or args.updates < 0:
        parser.error("--actions must be at least 1 and --updates not negative")
    generate(
        args.database_url,
        actions=args.actions,
        updates=args.updates,
        seed=args.seed,
        batch_size=args.batch_size,
        sqlite_analyze=args.sqlite_analyze,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
