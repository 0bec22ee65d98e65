"""Reading cells: UK dates, Excel serials, yes/no, headings and file types."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from tests.imports.conftest import csv_bytes, xlsx_bytes
from tracker.imports.fields import detect_mapping
from tracker.imports.parsing import (
    FileProblemError,
    date_value,
    file_kind,
    read_sheet,
    text_value,
    yes_no_value,
)
from tracker.imports.source_rows import kind_from_reference, pasted_findings_sheet
from tracker.sources.models import FindingKind


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12/05/2023", date(2023, 5, 12)),
        ("1/2/23", date(2023, 2, 1)),
        ("12 May 2023", date(2023, 5, 12)),
        ("12-May-23", date(2023, 5, 12)),
        ("3rd September 2024", date(2024, 9, 3)),
        ("2023-05-12", date(2023, 5, 12)),
        ("2023-05-12 00:00:00", date(2023, 5, 12)),
        ("12.05.2023", date(2023, 5, 12)),
        (45200, date(2023, 10, 1)),
        ("45200", date(2023, 10, 1)),
        (datetime(2023, 5, 12, 0, 0), date(2023, 5, 12)),  # noqa: DTZ001 - a naive date cell
        (date(2024, 2, 29), date(2024, 2, 29)),
    ],
)
def test_dates_in_common_uk_formats(raw, expected):
    assert date_value(raw) == expected


@pytest.mark.parametrize(
    "raw", ["31/02/2024", "29/02/2023", "12 Foo 2023", "next week", "13/13/23"]
)
def test_impossible_or_unreadable_dates_are_refused(raw):
    with pytest.raises(ValueError, match=r"date"):
        date_value(raw)


def test_blank_date_is_none():
    assert date_value("  ") is None
    assert date_value(None) is None


def test_dates_outside_the_sensible_range_are_refused():
    with pytest.raises(ValueError, match="between 1990 and 2100"):
        date_value("01/01/1899")


def test_neutralised_formula_text_loses_its_apostrophe():
    assert text_value("'=SUM(A1)") == "=SUM(A1)"
    assert text_value("'Twas") == "'Twas"
    assert text_value(3.0) == "3"


@pytest.mark.parametrize(
    ("raw", "expected"), [("yes", True), ("N", False), (True, True), ("", False)]
)
def test_yes_no(raw, expected):
    assert yes_no_value(raw) is expected


def test_yes_no_refuses_anything_else():
    with pytest.raises(ValueError, match="not yes or no"):
        yes_no_value("perhaps")


def test_headings_match_ignoring_case_spaces_and_punctuation():
    mapping = detect_mapping(
        "actions", ["REF", "Action", "Assigned To", "Committee Date", "Due-Date", "closure status"]
    )
    assert mapping == {
        "reference": "REF",
        "title": "Action",
        "owner": "Assigned To",
        "raised_on": "Committee Date",
        "due_on": "Due-Date",
        "status": "closure status",
    }


def test_export_column_names_map_to_themselves():
    from tracker.exports import ACTION_COLUMNS

    mapping = detect_mapping("actions", [*ACTION_COLUMNS, "opcc_note"])
    assert mapping["owner"] == "owner_email"
    assert mapping["owner_name"] == "owner_name"
    assert mapping["latest_update"] == "latest_update"
    assert mapping["due_on"] == "due_on"


def test_file_type_comes_from_the_content():
    assert file_kind(xlsx_bytes([["a"], [1]])) == "xlsx"
    assert file_kind(csv_bytes([["a"], [1]])) == "csv"
    with pytest.raises(FileProblemError, match="not an Excel workbook"):
        file_kind(b"%PDF-1.7\x00\x01binary")
    with pytest.raises(FileProblemError, match=r"old Excel workbook \(.xls\)"):
        file_kind(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    with pytest.raises(FileProblemError, match="empty"):
        file_kind(b"  \n")


def test_formula_and_merged_cells_are_reported_not_evaluated():
    import io

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["title", "due_on"])
    sheet.append(["One", "=TODAY()+30"])
    sheet.append(["Two", "2023-05-01"])
    sheet.append(["Three", "2023-05-01"])
    sheet.merge_cells("A3:A4")
    buffer = io.BytesIO()
    workbook.save(buffer)
    parsed = read_sheet(buffer.getvalue())
    messages = [(p.row, p.column, p.message) for p in parsed.problems]
    assert (2, "due_on", "Contains a formula: replace it with its value") in messages
    assert any(row == 3 and "A3:A4 are merged" in message for row, _c, message in messages)
    assert parsed.rows[0] == (2, ["One", None])


def test_headings_only_file_is_refused():
    with pytest.raises(FileProblemError, match="no rows"):
        read_sheet(csv_bytes([["title", "due_on"]]))


@pytest.mark.parametrize(
    ("reference", "kind"),
    [
        ("AFI3", FindingKind.AREA_FOR_IMPROVEMENT),
        ("R1", FindingKind.RECOMMENDATION),
        ("Rec12", FindingKind.RECOMMENDATION),
        ("CoC1", FindingKind.CAUSE_OF_CONCERN),
        ("ACoC2", FindingKind.ACCELERATED_CAUSE_OF_CONCERN),
        ("X9", None),
    ],
)
def test_finding_kind_from_reference(reference, kind):
    assert kind_from_reference(reference) is kind


def test_pasted_findings_lines_become_rows():
    sheet = pasted_findings_sheet(
        "CoC1 - Call handling is poor\nR1: The force should answer 999 calls faster\n\n"
        "AFI 3 The force should record crime accurately\nnot a finding line\n"
    )
    assert sheet.rows == [
        (1, ["CoC1", "Call handling is poor", ""]),
        (2, ["R1", "The force should answer 999 calls faster", "CoC1"]),
        (4, ["AFI3", "The force should record crime accurately", ""]),
        (5, ["", "not a finding line", ""]),
    ]


def test_workbook_without_formulas_reads_typed_cells_merges_and_a_chosen_sheet():
    import io

    from openpyxl import Workbook

    workbook = Workbook()
    first = workbook.active
    first.title = "Open"
    first.append(["title", "due_on", "days"])
    first.append(["One", datetime(2023, 5, 12), 3])  # noqa: DTZ001 - a naive date cell
    first.append([None, None, None])  # a blank row is skipped, numbering is kept
    first.append(["Two", "12/06/2023", 4.5])
    first.append(["Three", None, None])
    first.merge_cells("B4:B5")
    second = workbook.create_sheet("Closed")
    second.append(["title", "due_on"])
    second.append(["Closed one", date(2022, 1, 31)])
    buffer = io.BytesIO()
    workbook.save(buffer)

    parsed = read_sheet(buffer.getvalue())
    assert parsed.sheet_names == ["Open", "Closed"]
    assert parsed.sheet_name == "Open"
    assert parsed.headings == ["title", "due_on", "days"]
    assert [number for number, _values in parsed.rows] == [2, 4, 5]
    assert date_value(parsed.rows[0][1][1]) == date(2023, 5, 12)
    assert parsed.rows[0][1][2] == 3
    assert date_value(parsed.rows[1][1][1]) == date(2023, 6, 12)
    merged = [(p.row, p.column, p.message) for p in parsed.problems]
    assert merged == [
        (4, "due_on", "Cells B4:B5 are merged: unmerge them so each row has its own value")
    ]

    closed = read_sheet(buffer.getvalue(), sheet_name="Closed")
    assert closed.sheet_name == "Closed"
    assert closed.rows == [(2, ["Closed one", closed.rows[0][1][1]])]
    assert date_value(closed.rows[0][1][1]) == date(2022, 1, 31)
    assert closed.problems == []
