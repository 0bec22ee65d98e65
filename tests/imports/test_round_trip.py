"""An export imports back to the same records (actions, Panel items, findings)."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import delete, select

from tests.factories import (
    make_action,
    make_adhoc_request,
    make_finding,
    make_meeting,
    make_panel_item,
    make_report,
)
from tracker.actions.models import Action, ActionStatus, ActionUpdate, Marking, action_tags
from tracker.db import db
from tracker.settings.models import Tag, TagList
from tracker.sources.models import Finding, FindingKind, InspectorateStatus, PanelItem


def rows_of(response, file_format: str) -> list[dict]:
    if file_format == "csv":
        return list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    sheet = load_workbook(io.BytesIO(response.data), read_only=True).active
    values = list(sheet.iter_rows(values_only=True))
    return [dict(zip(values[0], row, strict=True)) for row in values[1:]]


def make_action_set(app, officer, liaison) -> None:
    with app.app_context():
        tag = Tag(tag_list=TagList.LOCAL_AREA, name="Herefordshire")
        db.session.add(tag)
        db.session.commit()
        tag_id = tag.id
    meeting = make_meeting(app, title="Performance meeting June", held_on=date(2023, 6, 5))
    request = make_adhoc_request(app, subject="Crime in Pershore")
    item = make_panel_item(app, text="How many of the new officers are front line?")
    report = make_report(app, code="PEEL22")
    finding = make_finding(app, report, reference="R1", kind=FindingKind.RECOMMENDATION)
    first = make_action(
        app,
        meeting,
        liaison,
        reference="AA-2023-001",
        title="=HYPERLINK(evil)",
        description="Line one\nLine two",
        lead_role="ACC Local Policing",
        raised_on=date(2023, 6, 5),
        due_on=date(2023, 9, 30),
        original_due_on=date(2023, 8, 31),
        marking=Marking.OFFICIAL_SENSITIVE,
        status=ActionStatus.IN_PROGRESS,
    )
    closed = make_action(
        app,
        request,
        officer,
        reference="AR-2023-001",
        title="Reply to the resident",
        opcc_only=True,
        opcc_note="Internal only",
        raised_on=date(2023, 7, 3),
        due_on=date(2023, 7, 17),
        status=ActionStatus.CLOSED,
        closed_on=date(2023, 7, 14),
    )
    make_action(
        app,
        item,
        officer,
        reference="PCP-2023-001",
        title="Answer the Panel",
        raised_on=date(2023, 7, 27),
        due_on=date(2023, 8, 24),
    )
    make_action(
        app,
        finding,
        liaison,
        reference="HM-PEEL22-R1",
        title="Improve call handling",
        raised_on=date(2022, 6, 15),
        due_on=date(2023, 3, 31),
    )
    with app.app_context():
        action = db.session.get(Action, first.id)
        action.tags = [db.session.get(Tag, tag_id)]
        db.session.add(ActionUpdate(action_id=first.id, author_id=liaison.id, text="Halfway there"))
        # A closed action has the history entry of its closing, as the state machine writes.
        db.session.add(
            ActionUpdate(
                action_id=closed.id,
                author_id=officer.id,
                text="Reply sent and accepted",
                from_status=ActionStatus.IMPLEMENTED,
                to_status=ActionStatus.CLOSED,
            )
        )
        db.session.commit()


def delete_all_actions(app) -> None:
    with app.app_context():
        db.session.execute(delete(action_tags))
        db.session.execute(delete(ActionUpdate))
        db.session.execute(delete(Action))
        db.session.commit()


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_exported_actions_import_back_the_same(
    app, client, login_as, officer, liaison, upload_and_check, commit, file_format
):
    make_action_set(app, officer, liaison)
    login_as(officer)
    # The XLSX in the import format; the CSV is always in it.
    url = f"/actions/export.{file_format}?sort=reference&format=import"
    exported = client.get(url)
    before = rows_of(exported, file_format)
    assert len(before) == 4
    delete_all_actions(app)

    batch_id, page = upload_and_check(exported.data, f"actions.{file_format}")
    assert "4 to create" in page.text, page.text
    assert commit(batch_id).status_code == 302

    after = rows_of(client.get(url), file_format)
    assert after == before


def test_reimporting_an_export_with_update_changes_nothing(
    app, client, login_as, officer, liaison, upload_and_check, commit
):
    make_action_set(app, officer, liaison)
    login_as(officer)
    exported = client.get("/actions/export.xlsx?format=import")
    _batch_id, page = upload_and_check(exported.data, "actions.xlsx", existing="update")
    assert "0 to create" in page.text
    assert "0 to update" in page.text
    assert "4 unchanged" in page.text


def test_exported_panel_items_import_back_the_same(
    app, client, login_as, officer, upload_and_check, commit
):
    make_panel_item(
        app,
        text="Front-line officers?",
        agenda_item="6. Plan update",
        response_due_on=date(2023, 8, 24),
    )
    make_panel_item(
        app,
        text="-Precept figures",
        pcc_response="Sent",
        pcc_response_on=date(2023, 8, 1),
        published=False,
    )
    login_as(officer)
    exported = client.get("/reports/export/panel_items.csv")
    before = rows_of(exported, "csv")
    with app.app_context():
        db.session.execute(delete(PanelItem))
        db.session.commit()
    batch_id, page = upload_and_check(exported.data, "panel.csv", target="panel_items")
    assert "2 to create" in page.text, page.text
    commit(batch_id)
    after = rows_of(client.get("/reports/export/panel_items.csv"), "csv")
    strip = lambda rows: [{k: v for k, v in row.items() if k != "id"} for row in rows]  # noqa: E731
    assert strip(after) == strip(before)


def test_exported_findings_import_back_the_same(
    app, client, login_as, officer, upload_and_check, commit
):
    report = make_report(app, code="VET23")
    other = make_report(app, code="CUST23")
    cause = make_finding(
        app, report, reference="CoC1", kind=FindingKind.CAUSE_OF_CONCERN, text="Vetting is too slow"
    )
    make_finding(
        app,
        report,
        reference="R1",
        parent_id=cause.id,
        text="Clear the backlog",
        inspectorate_status=InspectorateStatus.BEING_PROGRESSED,
    )
    make_finding(
        app,
        report,
        reference="AFI2",
        kind=FindingKind.AREA_FOR_IMPROVEMENT,
        text="Record decisions",
    )
    make_finding(app, other, reference="R9", text="Other report")
    login_as(officer)
    exported = client.get("/reports/export/findings.xlsx")
    before = [r for r in rows_of(exported, "xlsx") if r["report_code"] == "VET23"]
    with app.app_context():
        db.session.execute(Finding.__table__.update().values(parent_id=None))
        db.session.execute(delete(Finding).where(Finding.report_id == report.id))
        db.session.commit()
    batch_id, page = upload_and_check(
        exported.data, "findings.xlsx", target="findings", report_id=report.id
    )
    assert "3 to create" in page.text, page.text
    assert "Belongs to report CUST23" in page.text
    commit(batch_id)
    after = [
        r
        for r in rows_of(client.get("/reports/export/findings.xlsx"), "xlsx")
        if r["report_code"] == "VET23"
    ]
    strip = lambda rows: sorted(  # noqa: E731
        ({k: v for k, v in row.items() if k != "id"} for row in rows), key=lambda r: r["reference"]
    )
    assert strip(after) == strip(before)
    with app.app_context():
        r1 = db.session.scalar(
            select(Finding).where(Finding.reference == "R1", Finding.report_id == report.id)
        )
        assert r1.parent.reference == "CoC1"
