"""The action list's Excel download for people: words, real dates, a usable sheet."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import load_workbook

from tests.factories import make_action, make_meeting
from tracker.actions.models import ActionStatus, Marking
from tracker.exports import ACTION_COLUMNS, OPCC_ONLY_COLUMNS, to_readable_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def sheet_of(body: bytes):
    return load_workbook(io.BytesIO(body)).active


def rows_of(sheet) -> list[dict]:
    values = list(sheet.iter_rows(values_only=True))
    return [dict(zip(values[0], row, strict=True)) for row in values[1:]]


def two_actions(app, liaison):
    meeting = make_meeting(app, title="Performance meeting June", held_on=date(2023, 6, 5))
    make_action(
        app,
        meeting,
        liaison,
        reference="AA-2023-001",
        title="Review the victims needs assessment",
        raised_on=date(2023, 6, 5),
        due_on=date(2023, 9, 30),
        status=ActionStatus.IN_PROGRESS,
    )
    make_action(
        app,
        meeting,
        liaison,
        reference="AA-2023-002",
        title="=HYPERLINK(evil)",
        raised_on=date(2023, 6, 5),
        due_on=date(2023, 10, 31),
        marking=Marking.OFFICIAL_SENSITIVE,
    )


def test_headings_and_values_are_in_words(app, client, login_as, officer, liaison):
    two_actions(app, liaison)
    login_as(officer)
    response = client.get("/actions/export.xlsx?sort=reference")
    assert response.status_code == 200
    assert response.mimetype == XLSX
    assert 'filename="actions-' in response.headers["Content-Disposition"]
    sheet = sheet_of(response.data)
    headings = [cell.value for cell in sheet[1]]
    assert headings[:4] == ["Reference", "Title", "Description", "Source type"]
    assert {"Due date", "Date raised", "Owning organisation", "Owner", "Status", "RAG"} <= set(
        headings
    )
    assert "OPCC note" in headings
    assert not [h for h in headings if "_" in h]
    first, second = rows_of(sheet)
    assert first["Status"] == "In progress"
    assert first["Source type"] == "A&A meeting"
    assert first["Owning organisation"] == "Force"
    assert first["Owner"] == liaison.name
    assert first["OPCC only"] == "No"
    assert first["RAG"] in {"Red", "Amber", "Green"}
    assert second["Status"] == "Open"
    assert second["Title"] == "'=HYPERLINK(evil)"  # never a live formula


def test_dates_are_real_excel_dates(app, client, login_as, officer, liaison):
    two_actions(app, liaison)
    login_as(officer)
    sheet = sheet_of(client.get("/actions/export.xlsx?sort=reference").data)
    column = [cell.value for cell in sheet[1]].index("Due date") + 1
    due = sheet.cell(row=2, column=column)
    assert due.is_date
    assert due.value.date() == date(2023, 9, 30)
    assert due.number_format == "d mmm yyyy"
    closed = sheet.cell(row=2, column=[c.value for c in sheet[1]].index("Date closed") + 1)
    assert closed.value is None  # an empty date is an empty cell, not ""


def test_sheet_has_a_frozen_header_a_filter_and_widths(app, client, login_as, officer, liaison):
    two_actions(app, liaison)
    login_as(officer)
    sheet = sheet_of(client.get("/actions/export.xlsx").data)
    assert sheet.freeze_panes == "A2"
    width = len(ACTION_COLUMNS + OPCC_ONLY_COLUMNS)
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(row=1, column=width).column_letter}3"
    assert sheet.column_dimensions["A"].width == 16
    assert sheet.column_dimensions["B"].width == 45
    assert all(cell.font.b for cell in sheet[1])


def test_the_highest_marking_is_printed_on_every_page(app, client, login_as, officer, liaison):
    two_actions(app, liaison)
    login_as(officer)
    sheet = sheet_of(client.get("/actions/export.xlsx").data)
    assert sheet.oddHeader.center.text == "OFFICIAL-SENSITIVE"
    assert sheet.oddFooter.center.text == "OFFICIAL-SENSITIVE"
    official = sheet_of(client.get("/actions/export.xlsx?q=victims").data)
    assert official.oddHeader.center.text == "OFFICIAL"


def test_the_import_format_is_a_separate_download(app, client, login_as, officer, liaison):
    two_actions(app, liaison)
    login_as(officer)
    response = client.get("/actions/export.xlsx?format=import&sort=reference")
    assert 'filename="actions-for-import-' in response.headers["Content-Disposition"]
    sheet = sheet_of(response.data)
    assert [cell.value for cell in sheet[1]] == ACTION_COLUMNS + OPCC_ONLY_COLUMNS
    first = rows_of(sheet)[0]
    assert first["status"] == "in_progress"
    assert first["due_on"] == "2023-09-30"
    page = client.get("/actions/").text
    assert "/actions/export.xlsx?format=import" in page


def test_an_empty_list_still_has_its_headings_and_filter():
    sheet = sheet_of(to_readable_xlsx(["reference", "due_on"], [], sheet="Actions"))
    assert [cell.value for cell in sheet[1]] == ["Reference", "Due date"]
    assert sheet.auto_filter.ref == "A1:B1"
    assert sheet.oddHeader.center.text == "OFFICIAL"
