"""The attachment services: permission, unknown kinds, audit, and one replacement each."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.attachments import files
from tracker.actions.evidence import ACTION_UPDATE
from tracker.actions.models import ActionUpdate
from tracker.attachments.models import Attachment
from tracker.attachments.rules import prepare_file
from tracker.attachments.services import AttachmentRuleError, attach_files, replace_attachment
from tracker.audit.models import AuditEvent
from tracker.auth.models import User
from tracker.db import db


@pytest.fixture
def update_id(app, force_action, liaison):
    with app.app_context():
        update = ActionUpdate(action_id=force_action.id, author_id=liaison.id, text="Progress")
        db.session.add(update)
        db.session.commit()
        return update.id


def test_files_are_audited_against_the_action(app, liaison, force_action, update_id):
    with app.app_context():
        by = db.session.get(User, liaison.id)
        attach_files(ACTION_UPDATE.name, update_id, [prepare_file("a.pdf", files.PDF)], by=by)
        db.session.commit()
        event = db.session.scalars(select(AuditEvent)).one()
    assert (event.entity_type, event.entity_id, event.action) == (
        "action",
        force_action.id,
        "attachment_added",
    )
    assert event.summary == f"Action update: a.pdf (PDF, {len(files.PDF)} bytes)"


def test_the_panel_cannot_attach_files(app, clerk, update_id):
    from tracker.errors import PermissionDeniedError

    with app.app_context():
        by = db.session.get(User, clerk.id)
        with pytest.raises(PermissionDeniedError):
            attach_files(ACTION_UPDATE.name, update_id, [prepare_file("a.pdf", files.PDF)], by=by)


def test_an_unregistered_kind_is_refused(app, liaison):
    with app.app_context():
        by = db.session.get(User, liaison.id)
        with pytest.raises(LookupError):
            attach_files("nowhere", 1, [prepare_file("a.pdf", files.PDF)], by=by)


def test_no_files_attach_nothing(app, liaison, update_id):
    with app.app_context():
        by = db.session.get(User, liaison.id)
        assert attach_files(ACTION_UPDATE.name, update_id, [], by=by) == []
        assert db.session.scalars(select(AuditEvent)).all() == []


def test_a_file_is_replaced_once(app, officer, update_id):
    with app.app_context():
        by = db.session.get(User, officer.id)
        (old,) = attach_files(
            ACTION_UPDATE.name, update_id, [prepare_file("a.pdf", files.PDF)], by=by
        )
        new = replace_attachment(old, prepare_file("b.txt", files.TEXT), by=by)
        assert (old.superseded_by_id, new.owner_id) == (new.id, update_id)
        with pytest.raises(AttachmentRuleError, match="already been replaced"):
            replace_attachment(old, prepare_file("c.txt", files.TEXT), by=by)
        db.session.commit()
        assert len(db.session.scalars(select(Attachment)).all()) == 2
        actions = [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert actions == ["attachment_added", "attachment_replaced"]
