"""Imported actions with a status other than open carry the history the state machine
writes: an entry from open to that status by the importer, and its audited change."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from tests.factories import make_meeting
from tests.imports.conftest import csv_bytes
from tests.imports.test_commit_and_undo import undo
from tracker.actions.models import Action, ActionStatus, ActionUpdate
from tracker.audit.models import AuditEvent
from tracker.db import db

HEADINGS = ["reference", "title", "source", "owner", "raised_on", "due_on", "status"]


def _import(app, client, login_as, officer, upload_and_check, commit) -> int:
    make_meeting(app, title="Meeting A")
    login_as(officer)
    content = csv_bytes(
        [
            HEADINGS,
            ["AA-2023-060", "Still open", "Meeting A", officer.email, "1/6/23", "30/6/23", ""],
            [
                "AA-2023-061",
                "Under way",
                "Meeting A",
                officer.email,
                "1/6/23",
                "30/6/23",
                "ongoing",
            ],
            ["AA-2023-062", "Finished", "Meeting A", officer.email, "1/6/23", "30/6/23", "Done"],
        ]
    )
    batch_id, page = upload_and_check(content, "log.csv")
    assert "3 to create" in page.text
    assert commit(batch_id).status_code == 302
    return batch_id


def _history(action_id: int) -> list[tuple]:
    return db.session.execute(
        select(
            ActionUpdate.from_status,
            ActionUpdate.to_status,
            ActionUpdate.author_id,
            ActionUpdate.text,
        )
        .where(ActionUpdate.action_id == action_id)
        .order_by(ActionUpdate.id)
    ).all()


def test_imported_status_has_a_history_entry_by_the_importer(
    app, client, login_as, officer, upload_and_check, commit
):
    _import(app, client, login_as, officer, upload_and_check, commit)
    with app.app_context():
        actions = {a.reference: a for a in db.session.scalars(select(Action))}
        assert _history(actions["AA-2023-060"].id) == []
        assert _history(actions["AA-2023-061"].id) == [
            (
                ActionStatus.OPEN,
                ActionStatus.IN_PROGRESS,
                officer.id,
                "Imported with status in progress",
            )
        ]
        closed = actions["AA-2023-062"]
        assert _history(closed.id) == [
            (ActionStatus.OPEN, ActionStatus.CLOSED, officer.id, "Imported with status closed")
        ]
        assert closed.status == ActionStatus.CLOSED
        assert closed.closed_on == date(2023, 6, 30)  # no date closed in the file: the due date
        assert actions["AA-2023-061"].closed_on is None


def test_imported_status_is_audited_as_a_status_change(
    app, client, login_as, officer, upload_and_check, commit
):
    batch_id = _import(app, client, login_as, officer, upload_and_check, commit)
    with app.app_context():
        closed_id = db.session.scalar(select(Action.id).where(Action.reference == "AA-2023-062"))
        events = db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.entity_type == "action", AuditEvent.entity_id == closed_id)
            .order_by(AuditEvent.id)
        ).all()
        assert [e.action for e in events] == ["created", "status_changed"]
        assert events[0].changes["status"] == [None, "open"]
        # As transition() records a closure: the status and the closed date together.
        assert events[1].changes == {
            "status": ["open", "closed"],
            "closed_on": [None, "2023-06-30"],
        }
        assert events[1].summary == "Imported with status closed"
        assert events[1].actor_id == officer.id
        assert {e.batch_id for e in events} == {batch_id}


def test_undo_removes_the_imported_history(
    app, client, login_as, officer, upload_and_check, commit
):
    batch_id = _import(app, client, login_as, officer, upload_and_check, commit)
    assert undo(client, batch_id).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count(Action.id))) == 0
        assert db.session.scalar(select(func.count(ActionUpdate.id))) == 0
