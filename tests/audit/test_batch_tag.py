"""Audit events recorded inside an import batch carry the batch's id."""

from __future__ import annotations

from tracker.audit.models import AuditEvent
from tracker.audit.services import import_batch, record
from tracker.db import db
from tracker.imports.models import ImportBatch


def test_events_inside_a_batch_are_tagged_and_others_are_not(app, admin):
    with app.app_context():
        batch = ImportBatch(created_by_id=admin.id, target="actions", filename="log.xlsx")
        db.session.add(batch)
        db.session.flush()
        with import_batch(batch.id):
            inside = record(actor=admin, entity_type="action", entity_id=1, action="created")
        outside = record(actor=admin, entity_type="action", entity_id=2, action="created")
        db.session.commit()
        assert db.session.get(AuditEvent, inside.id).batch_id == batch.id
        assert db.session.get(AuditEvent, outside.id).batch_id is None
