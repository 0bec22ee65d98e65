"""Upgrading a database whose audit trail predates the chain puts every event in it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask_migrate import upgrade
from sqlalchemy import select, text

from tracker import create_app
from tracker.audit.chain import GENESIS_HASH
from tracker.audit.models import AuditEvent
from tracker.audit.services import record
from tracker.db import db

BEFORE_CHAIN = "915376bec739"


def test_upgrade_chains_existing_events_in_id_order(empty_database_url):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=empty_database_url)
    start = datetime(2023, 4, 1, 9, 0, tzinfo=UTC)
    with app.app_context():
        upgrade(revision=BEFORE_CHAIN)
        with db.engine.begin() as connection:
            for n in range(5):
                connection.execute(
                    text(
                        "INSERT INTO audit_events (occurred_at, entity_type, entity_id, action, "
                        "summary, changes) VALUES (:at, 'action', :n, 'updated', :summary, :c)"
                    ),
                    {
                        "at": start + timedelta(minutes=n),
                        "n": n,
                        "summary": f"Change {n} \u2013 \u201cquoted\u201d",
                        "c": '{"title": ["old", "new"]}',
                    },
                )
        upgrade()
        rows = db.session.execute(
            select(
                AuditEvent.id, AuditEvent.chain_seq, AuditEvent.prev_hash, AuditEvent.hash
            ).order_by(AuditEvent.id)
        ).all()
        db.session.remove()
    assert [row.chain_seq for row in rows] == [1, 2, 3, 4, 5]
    assert rows[0].prev_hash == GENESIS_HASH
    assert [row.prev_hash for row in rows[1:]] == [row.hash for row in rows[:-1]]
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "Audit trail intact: 5 events" in result.output
    # Events from before the audit key keep their plain hashes; the first keyed event
    # links to the last of them and anchors them.
    with app.app_context():
        record(actor=None, entity_type="user", entity_id=1, action="updated")
        db.session.commit()
        key_ids = db.session.scalars(select(AuditEvent.key_id).order_by(AuditEvent.id)).all()
        db.session.remove()
    assert key_ids == [None] * 5 + [app.config["AUDIT_KEY_ID"]]
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    with app.app_context():
        db.engine.dispose()
    assert result.exit_code == 0, result.output
    assert "Audit trail intact: 6 events" in result.output
