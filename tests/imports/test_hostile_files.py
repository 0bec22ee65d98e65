"""Hostile files are refused before they are read: a clear message, in little memory.
Each file is made in the test; the memory peak is measured around the read only. (How
long a refusal takes is not asserted here: speed belongs to benchmarks, and a timed
assertion fails on a busy machine without telling anything about the code.)"""

from __future__ import annotations

import tracemalloc

import pytest

from tests.imports import hostile
from tests.imports.conftest import xlsx_bytes
from tracker.imports.bounds import Limits
from tracker.imports.parsing import FileProblemError, formula_problem, read_sheet

MEMORY_CEILING = 200 * 1024 * 1024

# (case name, maker, words the message must contain)
HOSTILE = [
    ("rows zip bomb", lambda: hostile.rows_bomb(150), "expands to more than 100 MB"),
    ("one-cell zip bomb", lambda: hostile.one_cell_bomb(150), "expands to more than 100 MB"),
    ("highly compressed sheet", lambda: hostile.rows_bomb(20), "compressed more than 200 times"),
    (
        "declared sizes lie",
        lambda: hostile.lying_workbook(20, declared=1000),
        "do not match the sizes it declares",
    ),
    ("nested archive", hostile.nested_archive, "contains another archive"),
    (
        "archive disguised as an image",
        lambda: hostile.nested_archive("xl/media/image1.png"),
        "contains another archive",
    ),
    ("tall workbook", lambda: hostile.tall_workbook(50_001), "more than 50,000 rows"),
    ("wide workbook", lambda: hostile.wide_workbook(201), "more than 200 columns"),
    ("far-away cell", lambda: hostile.sparse_workbook("GR50000"), "more than 2,000,000 cells"),
    ("wide CSV", lambda: hostile.wide_csv(200_000), "more than 200 columns"),
    ("tall CSV", lambda: hostile.tall_csv(1_000_000), "more than 50,000 rows"),
]


def _read_measured(content: bytes, **options) -> tuple[str, int]:
    """(the refusal message, peak bytes allocated) for reading `content`."""
    tracemalloc.start()
    try:
        with pytest.raises(FileProblemError) as refused:
            read_sheet(content, limits=Limits(), **options)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return str(refused.value), peak


@pytest.mark.parametrize(
    ("make", "expected"), [c[1:] for c in HOSTILE], ids=[c[0] for c in HOSTILE]
)
@pytest.mark.parametrize("first_row_only", [True, False], ids=["upload", "check"])
def test_hostile_file_is_refused_in_little_memory(make, expected, first_row_only):
    content = make()
    message, peak = _read_measured(content, first_row_only=first_row_only)
    assert expected in message
    assert peak < MEMORY_CEILING, f"peak {peak / 1e6:.0f} MB"


def test_the_generated_workbooks_are_real_spreadsheets():
    sheet = read_sheet(hostile.small_workbook(3), limits=Limits())
    assert sheet.headings == ["reference", "title"]
    assert [values[:2] for _n, values in sheet.rows] == [
        ["REF-2", "Action 2"],
        ["REF-3", "Action 3"],
        ["REF-4", "Action 4"],
    ]


def test_a_workbook_at_the_row_limit_is_read():
    sheet = read_sheet(hostile.tall_workbook(50_000), limits=Limits())
    assert len(sheet.rows) == 50_000


def test_limits_come_from_the_settings():
    with pytest.raises(FileProblemError, match="more than 2 rows"):
        read_sheet(hostile.small_workbook(3), limits=Limits.from_config({"IMPORT_MAX_ROWS": 2}))
    with pytest.raises(FileProblemError, match="more than 2 columns"):
        read_sheet(b"a,b,c\n1,2,3\n", limits=Limits.from_config({"IMPORT_MAX_COLUMNS": 2}))


def test_the_expansion_limit_is_a_setting():
    limits = Limits(max_expanded_mb=1)
    with pytest.raises(FileProblemError, match="more than 1 MB"):
        read_sheet(hostile.tall_workbook(40_000), limits=limits)


@pytest.mark.parametrize(
    "text", ["=1+2", "+1+1", "-2+3", "@SUM(1)", "\t=1+1", "\r-1-1", "-cmd", "+ITEM"]
)
def test_text_starting_like_a_formula_is_a_formula(text):
    assert formula_problem(text)


@pytest.mark.parametrize(
    "value", ["-2", "+3.5", "-1e3", "-", "=", "+", " - ", "'+1+1", "plain", "", -2, 3.5, None]
)
def test_numbers_signs_and_escaped_text_are_not_formulas(value):
    assert formula_problem(value) is None


def test_csv_text_formulas_are_reported_with_their_cell():
    content = b"reference,title,due_on\nA-1,+1+1,-5\nA-2,@SUM(1),-\n"
    sheet = read_sheet(content, limits=Limits())
    assert [(p.row, p.column) for p in sheet.problems] == [(2, "title"), (3, "title")]


def test_the_heading_row_is_found_below_many_blank_rows():
    rows = [["reference", "title"]] + [[None, None]] * 80 + [["A-1", "First"]]
    sheet = read_sheet(xlsx_bytes(rows), first_row_only=True, limits=Limits())
    assert sheet.headings == ["reference", "title"]
    assert sheet.rows == [(82, ["A-1", "First"])]
