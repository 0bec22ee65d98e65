"""Many writers at once still build one unbroken chain (on SQLite or PostgreSQL,
whichever TEST_DATABASE_URL names)."""

from __future__ import annotations

import threading
from datetime import date

from sqlalchemy import func, select

from tests.factories import meeting_kind
from tracker.audit.models import AuditEvent
from tracker.audit.services import record
from tracker.auth.models import User
from tracker.db import db
from tracker.sources.models import Meeting, MeetingState
from tracker.sources.services import create_source

THREADS = 6
ROUNDS = 12


def _writer(
    app, user_id: int, kind_id: int, number: int, start: threading.Barrier, errors: list
) -> None:
    """Alternate a meeting (business row, then event) with an event-only transaction."""
    try:
        with app.app_context():
            by = db.session.get(User, user_id)
            start.wait()
            for n in range(ROUNDS):
                if n % 2:
                    record(actor=by, entity_type="user", entity_id=by.id, action="signed_in")
                else:
                    fields = {
                        "kind_id": kind_id,
                        "held_on": date(2023, 6, 5),
                        "state": MeetingState.HELD,
                        "title": f"Meeting {number}-{n}",
                    }
                    create_source(Meeting, fields, by=by)
                db.session.commit()
            db.session.remove()
    except Exception as exc:  # collected and re-raised by the test
        errors.append(exc)


def test_concurrent_writers_build_one_unbroken_chain(app, runner, officer):
    start = threading.Barrier(THREADS)
    kind_id = meeting_kind(app).id
    errors: list[Exception] = []
    threads = [
        threading.Thread(target=_writer, args=(app, officer.id, kind_id, number, start, errors))
        for number in range(THREADS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    with app.app_context():
        total = db.session.scalar(select(func.count(AuditEvent.id)))
        distinct = db.session.scalar(select(func.count(func.distinct(AuditEvent.chain_seq))))
        highest = db.session.scalar(select(func.max(AuditEvent.chain_seq)))
    assert total == THREADS * ROUNDS
    assert distinct == total
    assert highest == total
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert f"Audit trail intact: {total} events" in result.output
