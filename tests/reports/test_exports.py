"""CSV and XLSX exports of the action list, read back and checked."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from tests.factories import make_action, make_meeting
from tracker.exports import ACTION_COLUMNS, safe_cell


def read_csv(response) -> list[dict[str, str]]:
    text = response.data.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def read_xlsx(response) -> list[dict[str, object]]:
    sheet = load_workbook(io.BytesIO(response.data), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    return [dict(zip(header, row, strict=True)) for row in rows[1:]]


@pytest.mark.parametrize("value", ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\t=x", "\r=x"])
def test_formula_like_text_is_neutralised(value):
    assert safe_cell(value) == "'" + value


def test_plain_values_are_kept():
    assert safe_cell("Review VAL") == "Review VAL"
    assert safe_cell(date(2023, 6, 5)) == "2023-06-05"
    assert safe_cell(3) == 3
    assert safe_cell(None) == ""


def test_csv_has_stable_columns_iso_dates_and_safe_cells(app, client, login_as, officer, liaison):
    make_action(
        app,
        make_meeting(app),
        liaison,
        reference="AA-2023-001",
        title='=HYPERLINK("http://evil")',
        raised_on=date(2023, 6, 5),
        due_on=date(2023, 9, 30),
    )
    login_as(officer)
    response = client.get("/actions/export.csv")
    assert response.status_code == 200
    assert 'filename="actions-' in response.headers["Content-Disposition"]
    [row] = read_csv(response)
    assert list(row)[: len(ACTION_COLUMNS)] == ACTION_COLUMNS
    assert row["reference"] == "AA-2023-001"
    assert row["title"] == '\'=HYPERLINK("http://evil")'
    assert row["raised_on"] == "2023-06-05"
    assert row["due_on"] == "2023-09-30"
    assert row["owner_email"] == liaison.email
    assert row["rag"] == "red"


def test_xlsx_reads_back_with_the_same_columns(app, client, login_as, officer, liaison):
    make_action(
        app,
        make_meeting(app),
        liaison,
        reference="AA-2023-002",
        title="@SUM(1)",
        description="Line one\nLine two",
    )
    login_as(officer)
    [row] = read_xlsx(client.get("/actions/export.xlsx?format=import"))
    assert row["reference"] == "AA-2023-002"
    assert row["title"] == "'@SUM(1)"
    assert row["description"] == "Line one\nLine two"


def test_export_follows_the_list_filters(app, client, login_as, officer, liaison):
    meeting = make_meeting(app)
    make_action(app, meeting, liaison, title="Keep me")
    make_action(app, meeting, liaison, title="Leave me out")
    login_as(officer)
    rows = read_csv(client.get("/actions/export.csv?q=keep"))
    assert [r["title"] for r in rows] == ["Keep me"]


def test_force_export_has_no_restricted_actions_or_opcc_notes(
    app, client, login_as, officer, liaison
):
    meeting = make_meeting(app)
    make_action(app, meeting, liaison, title="Force action", opcc_note="Internal view")
    make_action(app, meeting, officer, title="Restricted", opcc_only=True)
    login_as(liaison)
    rows = read_csv(client.get("/actions/export.csv"))
    assert [r["title"] for r in rows] == ["Force action"]
    assert "opcc_note" not in rows[0]
    assert b"Internal view" not in client.get("/actions/export.xlsx").data
    assert b"Internal view" not in client.get("/actions/export.xlsx?format=import").data


def test_opcc_export_includes_notes(app, client, login_as, officer, liaison):
    make_action(app, make_meeting(app), liaison, opcc_note="Internal view")
    login_as(officer)
    [row] = read_csv(client.get("/actions/export.csv"))
    assert row["opcc_note"] == "Internal view"


def test_unknown_format_is_404(client, login_as, officer):
    login_as(officer)
    assert client.get("/actions/export.pdf").status_code == 404


def test_each_source_type_exports_with_its_columns(app, client, login_as, officer):
    from tests.factories import make_adhoc_request, make_finding, make_panel_item, make_report
    from tracker.exports import SOURCE_COLUMNS
    from tracker.sources.models import FindingKind

    make_meeting(app, title="=cmd|' /C calc'!A0")
    make_adhoc_request(app, subject="Crime in Pershore")
    make_panel_item(app, text="Front-line officers")
    report = make_report(app, code="PEEL22")
    concern = make_finding(app, report, reference="CoC1", kind=FindingKind.CAUSE_OF_CONCERN)
    make_finding(app, report, reference="R1", parent_id=concern.id)
    login_as(officer)
    for kind in SOURCE_COLUMNS:
        response = client.get(f"/reports/export/{kind}.csv")
        assert response.status_code == 200, kind
        rows = read_csv(response)
        assert list(rows[0]) == SOURCE_COLUMNS[kind]
        assert rows, kind
    meetings = read_csv(client.get("/reports/export/meetings.csv"))
    assert meetings[0]["title"].startswith("'=")
    findings = read_xlsx(client.get("/reports/export/findings.xlsx"))
    assert {(f["reference"], f["cause_of_concern"]) for f in findings} == {
        ("CoC1", None),
        ("R1", "CoC1"),
    }


def test_source_exports_respect_visibility(app, client, login_as, clerk):
    from tests.factories import make_panel_item

    make_panel_item(app, text="Published item", published=True)
    make_panel_item(app, text="Draft item", published=False)
    login_as(clerk)
    texts = [row["text"] for row in read_csv(client.get("/reports/export/panel_items.csv"))]
    assert texts == ["Published item"]
    assert client.get("/reports/export/users.csv").status_code == 404
