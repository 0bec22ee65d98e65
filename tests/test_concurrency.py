"""A stale save is told what changed, in the same words as the history page."""

from __future__ import annotations

from datetime import UTC, datetime

from tracker.audit.models import AuditEvent
from tracker.audit.vocabulary import AuditEntity
from tracker.concurrency import describe_changes


def _event(actor, changes: dict) -> AuditEvent:
    event = AuditEvent(
        entity_type=AuditEntity.ACTION.value,
        entity_id=1,
        action="updated",
        changes=changes,
        occurred_at=datetime(2024, 3, 5, 14, 5, tzinfo=UTC),
    )
    event.actor = actor
    return event


def test_changes_are_said_with_labels_names_and_plain_values(app, officer, liaison):
    with app.app_context():
        event = _event(
            officer,
            {
                "status": ["open", "in_progress"],
                "due_on": ["2024-03-01", "2024-04-02"],
                "owner_id": [None, liaison.id],
            },
        )
        text = describe_changes([event])
    assert text.startswith(
        "This record changed while you were editing. On 5 March 2024 at 2:05pm Olu Officer changed "
    )
    assert "Status: Open → In progress" in text
    assert "Due date: 1 March 2024 → 2 April 2024" in text
    assert f"Owner: {liaison.name}" in text
    assert "in_progress" not in text
    assert "owner id" not in text


def test_a_value_taken_away_says_what_it_was(app, officer):
    with app.app_context():
        text = describe_changes([_event(officer, {"lead_role": ["Head of performance", ""]})])
    assert "Lead role: removed (was Head of performance)" in text


def test_an_event_without_field_changes_is_named_by_what_happened(app):
    with app.app_context():
        text = describe_changes([_event(None, {})])
    assert "at 2:05pm Someone changed Updated. Your changes have not been saved." in text
