"""The audit hash chain: built by real changes, checked by `flask audit verify`, and
broken in a way verify names when rows are altered, removed or relinked behind the
application's back."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from sqlalchemy import delete, event, func, select, text, update

from tests.actions.test_views import action_fields
from tests.factories import meeting_kind
from tracker.audit.chain import GENESIS_HASH, AppendOnlyError, event_hash
from tracker.audit.models import AuditEvent
from tracker.audit.services import record
from tracker.db import db


def _meeting_fields(title: str = "Q1 performance meeting") -> dict:
    return {"kind": "1", "held_on": ["5", "6", "2023"], "title": title}


def _chain(app) -> list[tuple[int, int, str, str]]:
    """(id, chain_seq, prev_hash, hash) of every event, in chain order."""
    with app.app_context():
        rows = db.session.execute(
            select(
                AuditEvent.id, AuditEvent.chain_seq, AuditEvent.prev_hash, AuditEvent.hash
            ).order_by(AuditEvent.chain_seq)
        ).all()
    return [tuple(row) for row in rows]


def _raw(app, sql: str, **params) -> None:
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(text(sql), params)


@pytest.fixture
def trail(app, client, login_as, post_form, officer, liaison):
    """An audit trail built through HTTP: sign-in, two meetings and an action."""
    assert meeting_kind(app).id == 1
    login_as(officer)
    assert post_form("/meetings/new", _meeting_fields()).status_code == 302
    assert post_form("/meetings/new", _meeting_fields("Q2 meeting")).status_code == 302
    with app.app_context():
        from tracker.sources.models import Meeting

        meeting_id = db.session.scalars(select(Meeting.id).order_by(Meeting.id)).first()
    response = post_form(f"/actions/new/meeting/{meeting_id}", action_fields(liaison))
    assert response.status_code == 302
    chain = _chain(app)
    assert len(chain) >= 4
    return chain


def test_changes_through_http_form_one_unbroken_chain(app, runner, trail):
    assert [seq for _, seq, _, _ in trail] == list(range(1, len(trail) + 1))
    assert trail[0][2] == GENESIS_HASH
    for previous, current in itertools.pairwise(trail):
        assert current[2] == previous[3]
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert f"Audit trail intact: {len(trail)} events" in result.output
    assert trail[-1][3] in result.output


def test_verify_reads_in_small_batches(runner, trail):
    result = runner.invoke(args=["audit", "verify", "--batch-size", "1"])
    assert result.exit_code == 0, result.output
    assert f"Audit trail intact: {len(trail)} events" in result.output


def test_empty_trail_is_intact(runner, app):
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0
    assert "Audit trail intact: 0 events" in result.output


def test_edited_summary_is_named_as_altered_content(app, runner, trail):
    event_id, seq, _, _ = trail[2]
    _raw(app, "UPDATE audit_events SET summary = 'nothing to see' WHERE id = :id", id=event_id)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"chain_seq {seq} (event id {event_id})" in result.output
    assert "content was altered" in result.output
    assert "intact" not in result.output


def test_edited_changes_are_named_as_altered_content(app, runner, trail):
    event_id, seq, _, _ = trail[1]
    _raw(app, "UPDATE audit_events SET changes = '{}' WHERE id = :id", id=event_id)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"chain_seq {seq} (event id {event_id})" in result.output
    assert "content was altered" in result.output


def test_deleted_middle_event_is_named_as_a_gap(app, runner, trail):
    event_id, seq, _, _ = trail[1]
    next_id, next_seq, _, _ = trail[2]
    _raw(app, "DELETE FROM audit_events WHERE id = :id", id=event_id)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"broken at chain_seq {seq}: an event is missing" in result.output
    assert f"next event is chain_seq {next_seq}, event id {next_id}" in result.output


def test_deleted_first_event_is_named_as_a_gap(app, runner, trail):
    _raw(app, "DELETE FROM audit_events WHERE id = :id", id=trail[0][0])
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "broken at chain_seq 1: an event is missing" in result.output


def test_changed_prev_hash_is_named_as_a_broken_link(app, runner, trail):
    event_id, seq, _, _ = trail[3]
    _raw(app, "UPDATE audit_events SET prev_hash = :h WHERE id = :id", h="f" * 64, id=event_id)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"chain_seq {seq} (event id {event_id})" in result.output
    assert "link to the previous event's hash is broken" in result.output


def _content(audit_event: AuditEvent, **changed) -> dict:
    content = {
        "occurred_at": audit_event.occurred_at,
        "actor_id": audit_event.actor_id,
        "entity_type": audit_event.entity_type,
        "entity_id": audit_event.entity_id,
        "entity_version": audit_event.entity_version,
        "action": audit_event.action,
        "summary": audit_event.summary,
        "changes": audit_event.changes,
        "ip_address": audit_event.ip_address,
        "batch_id": audit_event.batch_id,
    }
    return {**content, **changed}


def test_rehashed_forgery_without_the_key_is_named_as_altered_content(app, runner, trail):
    """Rewriting an event and its own hash as plain SHA-256 fails the keyed check at once."""
    event_id, seq, prev, _ = trail[1]
    with app.app_context():
        forged = db.session.get(AuditEvent, event_id)
        new_hash = event_hash(_content(forged, action="deleted"), chain_seq=seq, prev_hash=prev)
    _raw(
        app,
        "UPDATE audit_events SET action = 'deleted', hash = :h WHERE id = :id",
        h=new_hash,
        id=event_id,
    )
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"chain_seq {seq} (event id {event_id})" in result.output
    assert "content was altered" in result.output
    assert "under the audit key" in result.output


def test_event_inserted_behind_the_applications_back_is_reported(app, runner, trail):
    _raw(
        app,
        "INSERT INTO audit_events (occurred_at, entity_type, action, summary, changes) "
        "VALUES (:at, 'user', 'created', '', '{}')",
        at=datetime.now(UTC),
    )
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "is not in the chain" in result.output


def test_events_cannot_be_updated_through_the_orm(app, trail):
    event_id = trail[0][0]
    with app.app_context():
        audit_event = db.session.get(AuditEvent, event_id)
        original = audit_event.summary
        audit_event.summary = "rewritten"
        with pytest.raises(AppendOnlyError):
            db.session.commit()
        db.session.rollback()
    with app.app_context():
        assert db.session.get(AuditEvent, event_id).summary == original


def test_events_cannot_be_deleted_through_the_orm(app, trail):
    event_id = trail[0][0]
    with app.app_context():
        db.session.delete(db.session.get(AuditEvent, event_id))
        with pytest.raises(AppendOnlyError):
            db.session.commit()
        db.session.rollback()
    with app.app_context():
        assert db.session.get(AuditEvent, event_id) is not None


def test_bulk_orm_update_and_delete_are_refused(app, trail):
    with app.app_context():
        with pytest.raises(AppendOnlyError):
            db.session.execute(update(AuditEvent).values(summary="gone"))
        db.session.rollback()
        with pytest.raises(AppendOnlyError):
            db.session.execute(delete(AuditEvent).where(AuditEvent.id > 0))
        db.session.rollback()
    assert _chain(app) == trail


def test_several_flushes_in_one_transaction_continue_the_chain(app, runner, admin):
    with app.app_context():
        record(actor=admin, entity_type="user", entity_id=admin.id, action="first")
        db.session.flush()
        record(actor=admin, entity_type="user", entity_id=admin.id, action="second")
        record(actor=admin, entity_type="user", entity_id=admin.id, action="third")
        db.session.flush()
        record(actor=admin, entity_type="user", entity_id=admin.id, action="fourth")
        db.session.commit()
        actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.chain_seq))
        assert list(actions) == ["first", "second", "third", "fourth"]
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0


def test_rolled_back_events_leave_no_gap(app, runner, admin):
    with app.app_context():
        record(actor=admin, entity_type="user", entity_id=admin.id, action="kept")
        db.session.commit()
        record(actor=admin, entity_type="user", entity_id=admin.id, action="abandoned")
        db.session.flush()
        db.session.rollback()
        record(actor=admin, entity_type="user", entity_id=admin.id, action="later")
        db.session.commit()
        rows = db.session.execute(
            select(AuditEvent.chain_seq, AuditEvent.action).order_by(AuditEvent.chain_seq)
        ).all()
    assert [tuple(r) for r in rows] == [(1, "kept"), (2, "later")]
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0
    assert "Audit trail intact: 2 events" in result.output


def test_rolled_back_savepoint_leaves_no_gap(app, runner, admin):
    with app.app_context():
        record(actor=admin, entity_type="user", entity_id=admin.id, action="before")
        db.session.flush()
        savepoint = db.session.begin_nested()
        record(actor=admin, entity_type="user", entity_id=admin.id, action="skipped row")
        db.session.flush()
        savepoint.rollback()
        record(actor=admin, entity_type="user", entity_id=admin.id, action="after")
        db.session.commit()
        rows = db.session.execute(
            select(AuditEvent.chain_seq, AuditEvent.action).order_by(AuditEvent.chain_seq)
        ).all()
    assert [tuple(r) for r in rows] == [(1, "before"), (2, "after")]
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0


def test_a_re_added_event_after_rollback_gets_a_fresh_place(app, runner, admin):
    with app.app_context():
        record(actor=admin, entity_type="user", entity_id=admin.id, action="dropped")
        audit_event = record(actor=admin, entity_type="user", entity_id=admin.id, action="once")
        db.session.flush()
        assert audit_event.chain_seq == 2
        db.session.rollback()
        db.session.add(audit_event)
        db.session.commit()
        assert audit_event.chain_seq == 1
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0


def test_bulk_events_read_the_chain_head_once(app, runner, admin):
    statements: list[str] = []

    def _count(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT") and "audit_events" in statement:
            statements.append(statement)

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", _count)
        try:
            for n in range(300):
                record(actor=admin, entity_type="action", entity_id=n, action="imported")
                if n % 10 == 0:
                    db.session.flush()
            db.session.commit()
        finally:
            event.remove(db.engine, "before_cursor_execute", _count)
        assert db.session.scalar(select(func.count(AuditEvent.id))) == 300
    assert len(statements) == 1
    result = runner.invoke(args=["audit", "verify", "--batch-size", "7"])
    assert "Audit trail intact: 300 events" in result.output


def test_occurred_at_in_another_zone_is_stored_and_hashed_as_utc(app, runner, admin):
    summer = timezone(timedelta(hours=1))
    moment = datetime(2024, 6, 1, 9, 30, 0, 123456, tzinfo=summer)
    with app.app_context():
        audit_event = record(actor=admin, entity_type="user", entity_id=admin.id, action="x")
        audit_event.occurred_at = moment
        db.session.commit()
        stored = db.session.scalar(select(AuditEvent.occurred_at))
    assert stored.replace(tzinfo=stored.tzinfo or UTC) == moment
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0


def test_hash_covers_every_content_field_but_not_the_id():
    content = {
        "occurred_at": datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC),
        "actor_id": 1,
        "entity_type": "action",
        "entity_id": 2,
        "entity_version": 3,
        "action": "updated",
        "summary": "Due date moved",
        "changes": {"due_on": [date(2024, 1, 1).isoformat(), "2024-02-01"]},
        "ip_address": "192.0.2.1",
        "batch_id": None,
    }
    base = event_hash(content, chain_seq=5, prev_hash=GENESIS_HASH)
    assert len(base) == 64
    assert event_hash({**content, "id": 99}, chain_seq=5, prev_hash=GENESIS_HASH) == base
    naive = {**content, "occurred_at": datetime(2024, 1, 2, 3, 4, 5)}  # noqa: DTZ001
    assert event_hash(naive, chain_seq=5, prev_hash=GENESIS_HASH) == base
    changed = {
        "occurred_at": datetime(2024, 1, 2, 3, 4, 6, tzinfo=UTC),
        "actor_id": 2,
        "entity_type": "meeting",
        "entity_id": 3,
        "entity_version": 4,
        "action": "created",
        "summary": "Due date moved.",
        "changes": {"due_on": ["2024-01-01", "2024-02-02"]},
        "ip_address": "192.0.2.2",
        "batch_id": 1,
    }
    for name, value in changed.items():
        assert event_hash({**content, name: value}, chain_seq=5, prev_hash=GENESIS_HASH) != base
    assert event_hash(content, chain_seq=6, prev_hash=GENESIS_HASH) != base
    assert event_hash(content, chain_seq=5, prev_hash="1" * 64) != base
    reordered = {**content, "changes": {"b": 1, "a": 2}}
    same = {**content, "changes": {"a": 2, "b": 1}}
    assert event_hash(reordered, chain_seq=1, prev_hash=GENESIS_HASH) == event_hash(
        same, chain_seq=1, prev_hash=GENESIS_HASH
    )
