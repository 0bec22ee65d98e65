"""Time the audit trail's hash chain, `flask audit verify`, and `flask backup` / `restore`.

    python -m bench.audit_bench [--events 200000] [--database-url sqlite:////tmp/audit.sqlite3]

Creates a fresh schema (``db.create_all()`` after dropping every table: never point it at
a database you care about) and one user, then:

* writes ``--events`` audit events through ``tracker.audit.services.record`` in
  transactions of ``--per-commit`` events (each chained under the chain lock), and
  reports events per second;
* runs ``flask audit verify`` through the CLI and reports its time and peak memory;
* runs ``flask backup`` and ``flask restore --yes`` through the CLI and reports their
  times and the backup's size (restore ends with its own chain verification).

Prints plain figures, one per line.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select

from tracker import create_app
from tracker.audit.models import AuditEvent
from tracker.audit.services import record
from tracker.auth.models import Role, User
from tracker.db import db


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--per-commit", type=int, default=1_000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="audit-bench-"))
    url = args.database_url or f"sqlite:///{work / 'audit.sqlite3'}"
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, TRACKER_INSTANCE_DIR=str(work))
    runner = app.test_cli_runner()
    with app.app_context():
        db.drop_all()
        db.create_all()
        user = User(
            name="Bench Admin",
            email="bench.admin@opcc.example.org",
            role=Role.ADMIN,
            organisation=Role.ADMIN.organisation,
            password_hash="!",  # noqa: S106 - never signs in
        )
        db.session.add(user)
        db.session.commit()

        started = time.perf_counter()
        for first in range(0, args.events, args.per_commit):
            for n in range(first, min(first + args.per_commit, args.events)):
                record(
                    actor=user,
                    entity_type="action",
                    entity_id=n % 5000 + 1,
                    action="updated",
                    summary=f"Changed the due date of action {n}",
                    changes={"due_on": ["2026-01-01", "2026-02-01"], "title": [f"A {n}", "B"]},
                    version=n // 5000 + 2,
                )
            db.session.commit()
        written = time.perf_counter() - started
        count = db.session.scalar(select(func.count()).select_from(AuditEvent))
    print(f"database: {url.split(':', 1)[0]}")
    print(f"events written: {count} in {written:.2f} s ({count / written:,.0f} a second)")

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    result = runner.invoke(args=["audit", "verify"])
    verified = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"flask audit verify: {verified:.2f} s, exit {result.exit_code}: {result.output.strip()}")
    print(f"peak memory: {peak / 1024:.0f} MB (before verify {before / 1024:.0f} MB)")

    backup = work / ("backup.sqlite3" if url.startswith("sqlite") else "backup.dump")
    started = time.perf_counter()
    result = runner.invoke(args=["backup", str(backup)])
    print(
        f"flask backup: {time.perf_counter() - started:.2f} s, exit {result.exit_code}, "
        f"{backup.stat().st_size / 1e6:.1f} MB"
        if backup.exists()
        else result.output
    )
    started = time.perf_counter()
    result = runner.invoke(args=["restore", str(backup), "--yes"])
    last = result.output.strip().splitlines()[-1] if result.output.strip() else ""
    print(f"flask restore: {time.perf_counter() - started:.2f} s, exit {result.exit_code}: {last}")


if __name__ == "__main__":
    main()
