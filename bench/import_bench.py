"""Time the spreadsheet import: a generated 10,000-row XLSX checked and committed on SQLite.

    python -m bench.import_bench [--rows 10000] [--database-url sqlite:////tmp/import.sqlite3]

Creates a fresh schema (``db.create_all()``; never point it at a database you care
about), a few users and meetings, then writes an XLSX of actions with the export's
column names and times, with ``time.perf_counter()``:

* upload: storing the file as a pending batch (reads the file once for its headings);
* preview: ``check_batch`` (the file parsed and every row checked), as the
  preview page does;
* commit: ``commit_batch`` plus the database commit (re-parse, re-check, insert the
  actions, their first updates and one audit event per record);
* undo: ``undo_batch`` plus the database commit.

Each figure is wall-clock time, with the process's CPU time (``time.process_time()``)
beside it: on a shared machine the wall time grows with the load, the CPU time much
less. A parse-only figure shows how much of preview and commit is reading the file.
Prints plain figures, one per line.
"""

from __future__ import annotations

import argparse
import io
import os
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta

from openpyxl import Workbook

from tracker.exports import ACTION_COLUMNS

OWNERS = [
    ("Bench Admin", "bench.admin@opcc.example.org", "admin"),
    ("Olivia Officer", "olivia.officer@opcc.example.org", "opcc_officer"),
    ("Lena Liaison", "lena.liaison@police.example.org", "force_liaison"),
    ("Luke Liaison", "luke.liaison@police.example.org", "force_liaison"),
]
MEETINGS = 40


def workbook_bytes(rows: int) -> bytes:
    """An actions workbook under the export's column names, with varied dates and owners."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Actions")
    sheet.append(ACTION_COLUMNS)
    start = date(2023, 1, 9)
    for n in range(rows):
        meeting = n % MEETINGS
        raised = start + timedelta(days=7 * meeting)
        owner = OWNERS[n % len(OWNERS)]
        record = {
            "reference": f"IMP-{n + 1:05d}",
            "title": f"Imported action {n + 1}: review the response to recommendation {n % 97}",
            "description": "Report back to the A&A meeting with evidence of progress. " * 3,
            "source_type": "meeting",
            "source": f"Bench meeting {meeting + 1}",
            "owner_email": owner[1],
            "owner_name": owner[0],
            "owning_organisation": "force" if owner[2] == "force_liaison" else "opcc",
            "raised_on": raised.strftime("%d/%m/%Y") if n % 2 else raised,
            "due_on": raised + timedelta(days=30 + n % 60),
            "status": ("open", "In progress", "Completed")[n % 3],
            "marking": "OFFICIAL",
            "opcc_only": "no",
            "latest_update": "Initial update from the old log" if n % 4 == 0 else "",
        }
        sheet.append([record.get(column, "") for column in ACTION_COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def timed(work: Callable[[], object]) -> tuple[object, float, float]:
    """Run `work`; return its result, wall seconds and CPU seconds."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    os.environ.setdefault("TRACKER_ENV", "testing")
    folder = tempfile.mkdtemp(prefix="import-bench-")
    url = args.database_url or f"sqlite:///{folder}/import-bench.sqlite3"

    from tracker import create_app
    from tracker.auth.models import ROLE_ORGANISATION, Role, User
    from tracker.db import db
    from tracker.imports import services
    from tracker.imports.parsing import read_sheet
    from tracker.imports.undo import undo_batch
    from tracker.sources.models import Meeting, MeetingKind, MeetingState

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        db.drop_all()
        db.create_all()
        for name, email, role in OWNERS:
            db.session.add(
                User(
                    name=name,
                    email=email,
                    role=Role(role),
                    organisation=ROLE_ORGANISATION[Role(role)],
                )
            )
        kind = MeetingKind(name="Quarterly performance", active=True)
        db.session.add(kind)
        for n in range(MEETINGS):
            held = date(2023, 1, 9) + timedelta(days=7 * n)
            db.session.add(
                Meeting(
                    kind=kind,
                    held_on=held,
                    title=f"Bench meeting {n + 1}",
                    state=MeetingState.HELD,
                )
            )
        db.session.commit()

        started = time.perf_counter()
        content = workbook_bytes(args.rows)
        generated = time.perf_counter() - started
        print(f"rows: {args.rows}")
        print(f"file size: {len(content) / 1024 / 1024:.2f} MB (generated in {generated:.2f} s)")

        admin = db.session.scalar(db.select(User).where(User.email == OWNERS[0][1]))

        def upload() -> object:
            batch = services.create_batch(
                by=admin,
                target="actions",
                filename="bench.xlsx",
                content=content,
                options={"source_type": "meeting", "existing": "skip"},
            )
            db.session.commit()
            return batch

        batch, upload_s, upload_cpu = timed(upload)
        _sheet, parse_s, parse_cpu = timed(lambda: read_sheet(content))
        plan, preview_s, preview_cpu = timed(lambda: services.check_batch(batch))
        print(f"preview: {len(plan.rows)} rows to import, {len(plan.errors)} errors")
        if plan.errors:
            for issue in plan.errors[:5]:
                print(f"  row {issue.row} {issue.column}: {issue.message}")
            raise SystemExit(1)

        def commit() -> None:
            services.commit_batch(batch, by=admin, expected_version=batch.version)
            db.session.commit()

        _none, commit_s, commit_cpu = timed(commit)
        db.session.expire_all()

        def undo() -> int:
            undone = undo_batch(batch, by=admin, expected_version=batch.version)
            db.session.commit()
            return undone

        undone, undo_s, undo_cpu = timed(undo)

        print(f"upload (store, read headings): {upload_s:.2f} s wall, {upload_cpu:.2f} s CPU")
        print(f"parse only: {parse_s:.2f} s wall, {parse_cpu:.2f} s CPU")
        print(f"preview (parse, check every row): {preview_s:.2f} s wall, {preview_cpu:.2f} s CPU")
        print(f"commit (re-check, insert, audit): {commit_s:.2f} s wall, {commit_cpu:.2f} s CPU")
        print(
            f"preview + commit: {preview_s + commit_s:.2f} s wall, "
            f"{preview_cpu + commit_cpu:.2f} s CPU (target under 10 s)"
        )
        print(f"undo ({undone} records): {undo_s:.2f} s wall, {undo_cpu:.2f} s CPU")
        print(f"load average while running: {os.getloadavg()[0]:.1f} ({os.cpu_count()} CPUs)")


if __name__ == "__main__":
    main()
