"""History and the audit trail in words (tracker.audit.display)."""

from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import event, select

from tests.audit.test_vocabulary import _drive_every_service
from tracker.actions.models import Action
from tracker.audit.display import change_lines, describe_events
from tracker.audit.models import AuditEvent
from tracker.audit.vocabulary import (
    AUDITED_FIELDS,
    AuditEntity,
    FieldKind,
    audited_fields,
)
from tracker.auth.models import User
from tracker.db import db
from tracker.settings.models import Tag
from tracker.sources.models import AdhocRequest, HmicfrsReport, Meeting, PanelItem

SNAKE_CASE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")
SAMPLES = {
    FieldKind.TEXT: "Some words",
    FieldKind.NUMBER: 7,
    FieldKind.DATE: "2024-03-05",
    FieldKind.BOOL: True,
    FieldKind.USER: 1,
    FieldKind.RECORD: 1,
    FieldKind.LIST: ["due_soon", "overdue"],
}


def _sample(field):
    if field.kind == FieldKind.CHOICE:
        return next(iter(field.choices)).value
    return SAMPLES[field.kind]


def _every_field(app):
    with app.app_context():
        entities = {entity: dict(audited_fields(entity)) for entity in AuditEntity}
    assert set(AUDITED_FIELDS) <= set(entities)
    return [
        (entity, name, field)
        for entity, fields in entities.items()
        for name, field in fields.items()
    ]


def test_every_audited_field_describes_a_sample_value(app):
    for entity, name, field in _every_field(app):
        words = field.describe(_sample(field), user_names={1: "Priya Shah"}, record_names={1: "C1"})
        assert words, (entity, name)
        assert words != "(none)", (entity, name)
        change = AuditEvent(
            entity_type=entity.value, action="updated", changes={name: [None, _sample(field)]}
        )
        (line,) = change_lines(change, user_names={1: "Priya Shah"})
        assert line.startswith(f"{field.label}: "), (entity, name, line)
        assert name not in line or "_" not in name, (entity, name, line)


def test_changes_read_as_words():
    change = AuditEvent(
        entity_type="action",
        action="updated",
        changes={
            "owner_id": [None, 3],
            "status": ["open", "in_progress"],
            "opcc_only": [None, False],
            "due_on": ["2024-03-05", "2024-04-01"],
            "lead_role": ["Head of performance", ""],
            "opcc_note": [None, ""],
        },
    )
    assert change_lines(change, user_names={3: "Priya Shah"}) == [
        "Owner: Priya Shah",
        "Status: Open → In progress",
        "OPCC only: No",
        "Due date: 5 March 2024 → 1 April 2024",
        "Lead role: removed (was Head of performance)",
    ]


def test_record_types_are_words():
    assert AuditEntity.ADHOC_REQUEST.label == "Ad-hoc request"
    assert AuditEntity.HMICFRS_REPORT.label == "HMICFRS report"
    assert AuditEntity.MEETING.label == "A&A meeting"


@pytest.fixture
def everything(app, officer, liaison, admin):
    _drive_every_service(app, officer, liaison, admin)
    with app.app_context():
        return {
            "action": db.session.scalar(select(Action.id)),
            "meeting": db.session.scalar(select(Meeting.id)),
            "adhoc": db.session.scalar(select(AdhocRequest.id)),
            "panel": db.session.scalar(select(PanelItem.id)),
            "report": db.session.scalar(select(HmicfrsReport.id)),
            "tag": db.session.scalar(select(Tag.id)),
            "invited": db.session.scalar(select(User.id).where(User.name.like("Priya%"))),
            "reference": db.session.scalar(select(Action.reference)),
        }


def _history_text(page: str) -> str:
    section = page.split('<h2 class="govuk-heading-m">History</h2>', 1)[1]
    return unescape(re.sub(r"<[^>]+>", " ", section.split("</main>", 1)[0]))


def _assert_plain(text: str) -> None:
    assert SNAKE_CASE.findall(text) == []
    assert "(none)" not in text
    for line in text.splitlines():
        if line.strip().startswith(("Owner:", "Author:")):
            assert not re.search(r"\d", line), line


def test_history_sections_have_no_codes_or_raw_ids(client, login_as, admin, everything):
    login_as(admin)
    pages = [
        f"/actions/{everything['action']}",
        f"/meetings/{everything['meeting']}",
        f"/requests/{everything['adhoc']}",
        f"/panel/{everything['panel']}",
        f"/hmicfrs/{everything['report']}",
        f"/admin/users/{everything['invited']}",
        f"/admin/settings/tags/{everything['tag']}/edit",
    ]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        _assert_plain(_history_text(response.text))


def test_action_history_names_people_and_says_values_in_words(
    client, login_as, officer, liaison, everything
):
    login_as(officer)
    text = _history_text(client.get(f"/actions/{everything['action']}").text)
    assert f"Owner: {liaison.name} → {officer.name}" in text
    assert "Status: Open → In progress" in text
    assert "OPCC only: No → Yes" in text
    assert "Date raised: 4 March 2024 → 5 March 2024" in text
    assert "Status changed" in text


def test_audit_trail_names_records_and_links_them(client, login_as, officer, everything):
    login_as(officer)
    page = client.get("/audit/").text
    body = unescape(re.sub(r"<[^>]+>", " ", page.split("<tbody", 1)[1]))
    _assert_plain(body)
    assert f"Action {everything['reference']}" in body
    assert f'href="/actions/{everything["action"]}"' in page
    assert ">Ad-hoc request</option>" in page
    assert ">HMICFRS report</option>" in page
    assert "Owner:" in body


def test_audit_trail_links_admin_pages_only_for_administrators(
    client, login_as, officer, everything
):
    login_as(officer)
    page = client.get("/audit/?entity_type=user").text
    assert "User Priya Shah" in page
    assert f'href="/admin/users/{everything["invited"]}"' not in page


def test_names_are_loaded_in_a_fixed_number_of_queries(app, officer, everything):
    with app.test_request_context(), app.app_context():
        reader = db.session.get(User, officer.id)
        events = db.session.scalars(select(AuditEvent)).all()
        assert len(events) > 20
        counted = []
        engine = db.engine

        def count(*_args):
            counted.append(1)

        event.listen(engine, "before_cursor_execute", count)
        try:
            entries = describe_events(events, reader=reader)
        finally:
            event.remove(engine, "before_cursor_execute", count)
    assert len(entries) == len(events)
    assert len(counted) <= len(AuditEntity) + 1
