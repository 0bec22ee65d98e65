"""The audit chain anchored outside the database: events are keyed with the audit key
and the head is signed into a checkpoint file, so someone who can write to the database
but holds no key can neither recompute the chain nor cut its end off unnoticed."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select, text

from tracker.audit.chain import CONTENT_COLUMNS as CONTENT
from tracker.audit.chain import GENESIS_HASH, event_hash
from tracker.audit.models import AuditEvent
from tracker.audit.services import record
from tracker.db import db


def _record(app, n: int, *, actor=None) -> None:
    with app.app_context():
        for i in range(n):
            record(actor=actor, entity_type="user", entity_id=i, action="updated", summary=f"#{i}")
        db.session.commit()


@pytest.fixture
def events(app, admin):
    """Six events written by the application with the test audit key."""
    _record(app, 6, actor=admin)
    return 6


def _recompute_as_attacker(app, *, from_seq: int, strip_key: bool, action: str = "deleted"):
    """Edit the event at `from_seq` and recompute every hash after it as plain SHA-256,
    as someone with write access to the database but not the audit key would."""
    with app.app_context():
        rows = db.session.execute(
            select(AuditEvent).where(AuditEvent.chain_seq >= 1).order_by(AuditEvent.chain_seq)
        ).scalars()
        chain = [
            (event.id, event.chain_seq, {n: getattr(event, n) for n in CONTENT}) for event in rows
        ]
        db.session.rollback()
    prev = GENESIS_HASH
    with app.app_context(), db.engine.begin() as connection:
        for event_id, seq, content in chain:
            if seq < from_seq:
                prev = connection.scalar(
                    text("SELECT hash FROM audit_events WHERE id = :id"), {"id": event_id}
                )
                continue
            if seq == from_seq:
                content["action"] = action
            new_hash = event_hash(content, chain_seq=seq, prev_hash=prev)
            connection.execute(
                text(
                    "UPDATE audit_events SET action = :action, prev_hash = :prev, hash = :h, "
                    "key_id = CASE WHEN :strip THEN NULL ELSE key_id END WHERE id = :id"
                ),
                {
                    "action": content["action"],
                    "prev": prev,
                    "h": new_hash,
                    "id": event_id,
                    "strip": strip_key,
                },
            )
            prev = new_hash


def test_new_events_carry_the_key_id_and_an_hmac(app, events):
    with app.app_context():
        rows = db.session.scalars(select(AuditEvent).order_by(AuditEvent.chain_seq)).all()
        assert {row.key_id for row in rows} == {app.config["AUDIT_KEY_ID"]}
        first = rows[0]
        plain = event_hash(
            {n: getattr(first, n) for n in CONTENT}, chain_seq=1, prev_hash=GENESIS_HASH
        )
        keyed = event_hash(
            {n: getattr(first, n) for n in CONTENT},
            chain_seq=1,
            prev_hash=GENESIS_HASH,
            key=app.config["AUDIT_KEY"].encode(),
        )
    assert first.hash == keyed != plain


def test_chain_recomputed_without_the_key_is_refused(app, runner, events):
    _recompute_as_attacker(app, from_seq=3, strip_key=False)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "Audit trail broken at chain_seq 3" in result.output
    assert "content was altered" in result.output


def test_chain_recomputed_as_unkeyed_events_is_refused(app, runner, events):
    _recompute_as_attacker(app, from_seq=3, strip_key=True)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "Audit trail broken at chain_seq 3" in result.output
    assert "recomputed without the key" in result.output


def test_whole_chain_recomputed_without_the_key_differs_from_the_checkpoint(app, runner, events):
    assert runner.invoke(args=["audit", "checkpoint"]).exit_code == 0
    _recompute_as_attacker(app, from_seq=1, strip_key=True)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"chain_seq {events}" in result.output
    assert "differs from the signed checkpoint" in result.output


def test_deleted_tail_is_reported_against_the_checkpoint(app, runner, events):
    assert runner.invoke(args=["audit", "checkpoint"]).exit_code == 0
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_events WHERE chain_seq > 4"))
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "events are missing from the end" in result.output
    assert "stops at chain_seq 4" in result.output
    assert f"recorded chain_seq {events}" in result.output


def test_events_after_the_checkpoint_verify(app, runner, events):
    assert runner.invoke(args=["audit", "checkpoint"]).exit_code == 0
    _record(app, 2)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert f"Audit trail intact: {events + 2} events" in result.output
    assert f"Matches the checkpoint of chain_seq {events}" in result.output


def test_verify_without_a_checkpoint_says_a_deleted_tail_would_go_unnoticed(runner, events):
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0
    assert "No checkpoint" in result.output
    assert "flask audit checkpoint" in result.output


def test_checkpoint_file_is_signed_and_private(app, runner, events):
    import stat
    from pathlib import Path

    result = runner.invoke(args=["audit", "checkpoint"])
    assert result.exit_code == 0, result.output
    path = Path(app.config["AUDIT_CHECKPOINT_FILE"])
    assert str(path) in result.output
    document = json.loads(path.read_text())
    assert document["chain_seq"] == events
    assert len(document["signature"]) == 64
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_edited_checkpoint_is_refused(app, runner, events):
    from pathlib import Path

    runner.invoke(args=["audit", "checkpoint"])
    path = Path(app.config["AUDIT_CHECKPOINT_FILE"])
    document = json.loads(path.read_text())
    document["chain_seq"] = 4  # to hide two deleted events
    path.write_text(json.dumps(document))
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "signature is not valid" in result.output


def test_checkpoint_is_refused_for_a_broken_chain(app, runner, events):
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(text("UPDATE audit_events SET summary = 'x' WHERE chain_seq = 2"))
    result = runner.invoke(args=["audit", "checkpoint"])
    assert result.exit_code == 1
    assert "No checkpoint written" in result.output
    assert "chain_seq 2" in result.output


def test_events_from_before_keys_are_anchored_by_the_first_keyed_event(app, runner, admin):
    app.config["AUDIT_KEY"] = ""  # as before keys were introduced
    _record(app, 3)
    app.config["AUDIT_KEY"] = "testing-audit-key-not-for-production-use-0123456789"
    _record(app, 2)
    with app.app_context():
        keys = db.session.scalars(select(AuditEvent.key_id).order_by(AuditEvent.chain_seq)).all()
    assert keys == [None, None, None, "test", "test"]
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "Audit trail intact: 5 events" in result.output


def test_rotated_key_verifies_old_events_through_audit_old_keys(app, runner, events):
    old = app.config["AUDIT_KEY"]
    app.config.update(AUDIT_KEY="Rk3v-9QmT2xWp7Lc4Zb8Nd1Hs6Fj0Gy5Ua", AUDIT_KEY_ID="2")
    _record(app, 1)
    refused = runner.invoke(args=["audit", "verify"])
    assert refused.exit_code == 1
    assert "audit key 'test', which is not configured" in refused.output
    app.config["AUDIT_OLD_KEYS"] = f"test:{old}"
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert f"Audit trail intact: {events + 1} events" in result.output
    with app.app_context():
        newest = db.session.scalar(select(AuditEvent.key_id).order_by(AuditEvent.chain_seq.desc()))
    assert newest == "2"


def test_integrity_page_checks_against_the_checkpoint(app, runner, login_as, post_form, admin):
    login_as(admin)
    _record(app, 3)
    assert runner.invoke(args=["audit", "checkpoint"]).exit_code == 0
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_events WHERE chain_seq > 2"))
    page = post_form("/audit/integrity").text
    assert "Broken" in page
    assert "events are missing from the end" in page
