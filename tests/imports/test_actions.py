"""Importing actions: mapping by headings, checks by row, commit, all or nothing."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from tests.factories import make_action, make_adhoc_request, make_meeting
from tests.imports.conftest import csv_bytes, xlsx_bytes
from tracker.actions.models import Action, ActionStatus, ActionUpdate
from tracker.audit.models import AuditEvent
from tracker.db import db
from tracker.imports.models import ImportBatch, ImportStatus

LOG_HEADINGS = [
    "Ref",
    "Source",
    "Action",
    "Details",
    "Assigned To",
    "Date Raised",
    "Target Date",
    "Closure Status",
    "Update",
]


def count_actions(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Action.id)))


def test_action_log_headings_are_mapped_and_rows_imported(
    app, login_as, officer, liaison, upload_and_check, commit, client
):
    make_meeting(app, title="Performance meeting June", held_on=date(2023, 6, 5))
    login_as(officer)
    content = xlsx_bytes(
        [
            LOG_HEADINGS,
            [
                "AA-2023-101",
                "Performance meeting June",
                "Review call handling",
                "Details here",
                liaison.email,
                "05/06/2023",
                "30 Sept 2023",
                "In progress",
                "Work started",
            ],
            [
                "",
                "05/06/2023",
                "Publish the plan",
                "",
                "Olu Officer",
                date(2023, 6, 5),
                45200,
                "Discharged",
                "",
            ],
        ]
    )
    batch_id, page = upload_and_check(content)
    assert page.status_code == 200
    assert "2 to create" in page.text
    assert "0 errors" in page.text
    assert count_actions(app) == 0, "nothing is written before the commit"
    response = commit(batch_id)
    assert response.status_code == 302
    with app.app_context():
        first = db.session.scalar(select(Action).where(Action.reference == "AA-2023-101"))
        assert first.title == "Review call handling"
        assert first.owner_id == liaison.id
        assert first.due_on == date(2023, 9, 30)
        assert first.status == ActionStatus.IN_PROGRESS
        assert first.owning_organisation.value == "force"
        texts = db.session.scalars(
            select(ActionUpdate.text)
            .where(ActionUpdate.action_id == first.id)
            .order_by(ActionUpdate.id)
        ).all()
        assert texts == ["Imported with status in progress", "Work started"]
        second = db.session.scalar(select(Action).where(Action.title == "Publish the plan"))
        assert second.reference.startswith("AA-2023-")
        assert second.status == ActionStatus.CLOSED
        assert second.closed_on == date(2023, 10, 1)  # Excel serial 45200, the due date
        assert second.owner_id == officer.id
        batch = db.session.get(ImportBatch, batch_id)
        assert batch.status == ImportStatus.COMMITTED
        assert batch.created_count == 2
        tagged = db.session.scalars(
            select(AuditEvent.entity_id).where(
                AuditEvent.batch_id == batch_id, AuditEvent.action == "created"
            )
        ).all()
        assert sorted(tagged) == sorted([first.id, second.id])


def test_csv_with_semicolons_and_bom_is_read(app, login_as, officer, upload_and_check):
    make_meeting(app, title="Thematic: VAWG", held_on=date(2023, 7, 1))
    login_as(officer)
    text = (
        "\ufeffTitle;Owner;Due date;Source\n"
        "Check VAWG plan;olu.officer@opcc.example.org;1/8/23;Thematic: VAWG\n"
    )
    _batch_id, page = upload_and_check(text.encode("utf-8"), "log.csv")
    assert "1 to create" in page.text, page.text


def test_meeting_found_by_date_and_rows_may_name_another_source_type(
    app, login_as, officer, upload_and_check, commit
):
    meeting = make_meeting(app, title="June meeting", held_on=date(2023, 6, 5))
    request = make_adhoc_request(app, subject="Crime in Pershore")
    login_as(officer)
    content = csv_bytes(
        [
            ["title", "source_type", "source", "owner", "due_on"],
            ["From the meeting", "", "5 June 2023", "Olu Officer", "30/06/2023"],
            [
                "From the request",
                "Ad-hoc request",
                "crime in pershore",
                "Olu Officer",
                "30/07/2023",
            ],
        ]
    )
    batch_id, page = upload_and_check(content, "log.csv")
    assert "2 to create" in page.text, page.text
    commit(batch_id)
    with app.app_context():
        by_title = {a.title: a for a in db.session.scalars(select(Action))}
        assert by_title["From the meeting"].meeting_id == meeting.id
        assert by_title["From the meeting"].meeting_item_no == 1
        assert by_title["From the request"].adhoc_request_id == request.id
        assert by_title["From the request"].reference.startswith("AR-2023-")


def test_two_sources_with_one_name_is_an_error(app, login_as, officer, upload_and_check):
    make_meeting(app, title="Quarterly meeting", held_on=date(2023, 6, 5))
    make_meeting(app, title="Quarterly meeting", held_on=date(2023, 9, 5))
    login_as(officer)
    content = csv_bytes(
        [
            ["title", "source", "owner", "due_on"],
            ["X", "Quarterly meeting", "Olu Officer", "1/12/23"],
        ]
    )
    _batch_id, page = upload_and_check(content, "log.csv")
    assert "matches 2 sources: name it more exactly" in page.text


def test_update_leaves_status_to_the_state_machine(
    app, login_as, officer, liaison, upload_and_check, commit
):
    meeting = make_meeting(app, title="Meeting A")
    make_action(
        app,
        meeting,
        liaison,
        reference="AA-2023-009",
        raised_on=date(2023, 6, 1),
        due_on=date(2023, 9, 1),
    )
    login_as(officer)
    content = csv_bytes(
        [
            ["reference", "title", "owner", "due_on", "status"],
            ["AA-2023-009", "Renamed", liaison.email, "1/9/23", "Completed"],
        ]
    )
    batch_id, page = upload_and_check(content, "log.csv", existing="update")
    assert "the import does not change statuses" in page.text
    commit(batch_id)
    with app.app_context():
        action = db.session.scalar(select(Action).where(Action.reference == "AA-2023-009"))
        assert action.title == "Renamed"
        assert action.status == ActionStatus.OPEN
        event = db.session.scalar(
            select(AuditEvent).where(
                AuditEvent.batch_id == batch_id, AuditEvent.action == "updated"
            )
        )
        assert event.changes == {"title": ["Review the victims needs assessment", "Renamed"]}
        assert event.entity_version == action.version


def test_force_owned_action_cannot_be_opcc_only(app, login_as, officer, liaison, upload_and_check):
    make_meeting(app, title="Meeting A")
    login_as(officer)
    content = csv_bytes(
        [
            ["title", "source", "owner", "due_on", "opcc_only"],
            ["Restricted", "Meeting A", liaison.email, "1/12/23", "yes"],
        ]
    )
    _batch_id, page = upload_and_check(content, "log.csv")
    assert "An action owned by the force cannot be restricted to the OPCC" in page.text
