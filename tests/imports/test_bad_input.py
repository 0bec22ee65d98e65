"""Bad files and bad rows: a clear message naming the rows, nothing written, never a 500."""

from __future__ import annotations

import gc
import io
import warnings
from datetime import date

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from tests.factories import make_meeting
from tests.imports import hostile
from tests.imports.conftest import csv_bytes, xlsx_bytes
from tracker.actions.models import Action
from tracker.auth.models import Role
from tracker.db import db
from tracker.imports.models import ImportBatch, ImportStatus

HEADINGS = ["reference", "title", "source", "owner_email", "raised_on", "due_on"]


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def good_row(reference: str, owner: str = "olu.officer@opcc.example.org") -> list:
    return [reference, f"Action {reference}", "Meeting A", owner, "01/06/2023", "30/06/2023"]


def test_wrong_file_type_is_refused_by_content(app, login_as, officer, upload):
    login_as(officer)
    response = upload(b"%PDF-1.7\n\x00\x01\x02 binary", "actions.xlsx")
    assert response.status_code == 422
    assert "not an Excel workbook (XLSX) or a CSV file" in response.text
    assert count(app, ImportBatch) == 0


def test_empty_file_is_refused(app, login_as, officer, upload):
    login_as(officer)
    response = upload(b"", "empty.csv")
    assert response.status_code == 422
    assert "The file is empty" in response.text
    assert count(app, ImportBatch) == 0


def test_oversized_file_is_refused_with_the_limit(app, login_as, officer, upload):
    app.config["MAX_CONTENT_LENGTH"] = 200 * 1024
    login_as(officer)
    response = upload(b"title\n" + b"x" * (300 * 1024), "big.csv")
    assert response.status_code == 413
    assert "The file must be smaller than 200 KB" in response.text
    assert count(app, ImportBatch) == 0


def test_upload_page_states_the_size_limit(login_as, officer, client):
    login_as(officer)
    assert "up to 10 MB" in client.get("/imports/new").text


def test_row_errors_name_rows_and_columns_and_block_the_commit(
    app, login_as, officer, make_user, upload_and_check, commit
):
    make_meeting(app, title="Meeting A")
    make_user(Role.OPCC_OFFICER, name="Sam Same", email="sam.one@opcc.example.org")
    make_user(Role.FORCE_LIAISON, name="Sam Same", email="sam.two@police.example.org")
    login_as(officer)
    content = xlsx_bytes(
        [
            HEADINGS,
            good_row("AA-1"),
            ["AA-2", "Bad date", "Meeting A", officer.email, "31/02/2024", "30/06/2024"],
            good_row("AA-1"),
            good_row("AA-3", owner="nobody@example.org"),
            good_row("AA-4", owner="Sam Same"),
            ["AA-5", "No source", "Meeting Z", officer.email, "01/06/2023", "30/06/2023"],
            ["AA-6", "Due before raised", "Meeting A", officer.email, "01/06/2023", "01/05/2023"],
            ["AA 7!", "Bad reference", "Meeting A", officer.email, "01/06/2023", "01/07/2023"],
        ]
    )
    batch_id, page = upload_and_check(content)
    text = page.text
    assert "Nothing can be imported until these errors are corrected" in text
    assert "31/02/2024 is not a real date" in text
    assert "AA-1 is also on row 2" in text
    assert "No user has the email address nobody@example.org" in text
    assert "2 users are called Sam Same: use their email" in text
    assert "No source called &#39;Meeting Z&#39;" in text
    assert "Due date must be the same as or after the date raised" in text
    assert "Use only letters, numbers, hyphens, dots and slashes" in text
    for row in (3, 4, 5, 6, 7, 8, 9):
        assert f'<td class="govuk-table__cell">{row}</td>' in text
    assert "Import 1 record" not in text
    response = commit(batch_id)
    assert response.status_code == 302
    assert count(app, Action) == 0, "no partial import"
    with app.app_context():
        assert db.session.get(ImportBatch, batch_id).status == ImportStatus.PENDING


def test_formula_cells_are_errors(app, login_as, officer, upload_and_check):
    make_meeting(app, title="Meeting A")
    login_as(officer)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADINGS)
    sheet.append(["AA-1", "Formula due", "Meeting A", officer.email, "01/06/2023", "=TODAY()"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    _batch_id, page = upload_and_check(buffer.getvalue())
    assert "Contains a formula: replace it with its value" in page.text


def test_merged_cells_are_errors(app, login_as, officer, upload_and_check):
    make_meeting(app, title="Meeting A")
    login_as(officer)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADINGS)
    sheet.append(good_row("AA-1"))
    sheet.append(["AA-2", "Second", "", officer.email, "01/06/2023", "30/06/2023"])
    sheet.merge_cells("C2:C3")
    buffer = io.BytesIO()
    workbook.save(buffer)
    _batch_id, page = upload_and_check(buffer.getvalue())
    assert "Cells C2:C3 are merged" in page.text


def test_csv_formula_is_reported(app, login_as, officer, upload_and_check):
    make_meeting(app, title="Meeting A")
    login_as(officer)
    content = csv_bytes(
        [HEADINGS, ["AA-1", "=1+2", "Meeting A", officer.email, "1/6/23", "30/6/23"]]
    )
    _batch_id, page = upload_and_check(content, "log.csv")
    assert "Contains a formula" in page.text


def test_first_sheet_is_used_and_the_others_named(
    app, login_as, officer, upload_and_check, client, post_form
):
    make_meeting(app, title="Meeting A")
    login_as(officer)
    content = xlsx_bytes(
        [HEADINGS, good_row("AA-1")],
        sheets={"Closed": [HEADINGS, good_row("AA-8"), good_row("AA-9")]},
    )
    batch_id, page = upload_and_check(content)
    assert "Actions (the file also has: Closed" in page.text
    assert "1 to create" in page.text
    _id, page = None, None
    mapping_page = client.get(f"/imports/{batch_id}/mapping")
    assert 'name="sheet"' in mapping_page.text
    from tests.imports.conftest import _current_selects

    form = _current_selects(mapping_page.text)
    form["sheet"] = "Closed"
    post_form(f"/imports/{batch_id}/mapping", form)
    page = client.get(f"/imports/{batch_id}")
    assert "2 to create" in page.text
    assert "Closed (the file also has: Actions" in page.text


def test_unmapped_required_field_is_an_error(app, login_as, officer, upload_and_check):
    make_meeting(app, title="Meeting A")
    login_as(officer)
    content = csv_bytes(
        [["Ref", "Action", "Source", "Owner"], ["AA-1", "T", "Meeting A", officer.email]]
    )
    _batch_id, page = upload_and_check(content, "log.csv")
    assert "Due date (required)" in page.text or "Due date" in page.text
    assert "Choose the column that holds this" in page.text


def test_crafted_mapping_to_missing_column_is_a_form_error(
    app, login_as, officer, upload, client, post_form
):
    make_meeting(app, title="Meeting A")
    login_as(officer)
    response = upload(csv_bytes([HEADINGS, good_row("AA-1")]), "log.csv")
    batch_id = int(response.headers["Location"].split("/")[2])
    from tests.imports.conftest import _current_selects

    form = _current_selects(client.get(f"/imports/{batch_id}/mapping").text)
    form["field_title"] = "Not a heading"
    response = post_form(f"/imports/{batch_id}/mapping", form)
    assert response.status_code == 200
    assert "Not a valid choice" in response.text
    with app.app_context():
        assert db.session.get(ImportBatch, batch_id).mapping["title"] == "title"


def test_default_source_fills_rows_without_one(app, login_as, officer, upload_and_check, commit):
    meeting = make_meeting(app, title="Meeting A", held_on=date(2023, 6, 1))
    login_as(officer)
    content = csv_bytes([["title", "owner", "due date"], ["From default", "Olu Officer", "1/7/23"]])
    batch_id, page = upload_and_check(
        content, "log.csv", mapping={"default_source": str(meeting.id)}
    )
    assert "1 to create" in page.text, page.text
    commit(batch_id)
    with app.app_context():
        action = db.session.scalar(select(Action))
        assert action.meeting_id == meeting.id
        assert action.raised_on == date(2023, 6, 1)


def test_row_without_source_and_no_default_is_an_error(app, login_as, officer, upload_and_check):
    make_meeting(app, title="Meeting A")
    login_as(officer)
    content = csv_bytes([["title", "owner", "due date"], ["No source", "Olu Officer", "1/7/23"]])
    _batch_id, page = upload_and_check(content, "log.csv")
    assert "Name the A&amp;A meeting or choose a default source" in page.text


def test_damaged_workbook_is_refused(app, login_as, officer, upload):
    login_as(officer)
    content = xlsx_bytes([HEADINGS, good_row("AA-1")])
    response = upload(content[: len(content) // 2], "cut.xlsx")
    assert response.status_code == 422
    assert "damaged" in response.text
    assert count(app, ImportBatch) == 0


def test_old_excel_format_gets_advice(app, login_as, officer, upload):
    login_as(officer)
    response = upload(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "old.xls")
    assert response.status_code == 422
    assert "Save it as .xlsx or CSV" in response.text


# Hostile files (each reproduced in an outside security test) -----------------------------


def _close_spooled_upload(response) -> None:
    """The test client spools a large upload to a temporary file that the response's
    request keeps open; close it here rather than warn in whichever test runs next."""
    response.request.environ["wsgi.input"].close()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()


@pytest.mark.parametrize(
    ("filename", "make", "expected"),
    [
        ("bomb.xlsx", lambda: hostile.rows_bomb(150), "expands to more than 100 MB"),
        ("cell.xlsx", lambda: hostile.one_cell_bomb(150), "expands to more than 100 MB"),
        ("lies.xlsx", lambda: hostile.lying_workbook(20, declared=1000), "sizes it declares"),
        ("nested.xlsx", hostile.nested_archive, "contains another archive"),
        ("tall.xlsx", lambda: hostile.tall_workbook(50_001), "more than 50,000 rows"),
        ("wide.xlsx", lambda: hostile.wide_workbook(201), "more than 200 columns"),
        ("far.xlsx", lambda: hostile.sparse_workbook("GR50000"), "more than 2,000,000 cells"),
        ("wide.csv", lambda: hostile.wide_csv(200_000), "more than 200 columns"),
        ("tall.csv", lambda: hostile.tall_csv(1_000_000), "more than 50,000 rows"),
    ],
    ids=[
        "rows bomb",
        "one-cell bomb",
        "lying sizes",
        "nested",
        "tall",
        "wide",
        "far cell",
        "wide csv",
        "tall csv",
    ],
)
def test_hostile_upload_is_refused_with_a_message_and_nothing_saved(
    app, login_as, officer, upload, filename, make, expected
):
    login_as(officer)
    content = make()
    response = upload(content, filename)
    _close_spooled_upload(response)
    assert response.status_code == 422
    assert expected in response.text
    assert count(app, ImportBatch) == 0


def test_upload_page_states_the_row_column_and_expansion_limits(login_as, officer, client, app):
    app.config.update(IMPORT_MAX_ROWS=1234, IMPORT_MAX_COLUMNS=56, IMPORT_MAX_EXPANDED_MB=78)
    login_as(officer)
    page = client.get("/imports/new").text
    assert "up to 1,234 rows and 56 columns" in page
    assert "more than 78 MB when opened" in page


def test_upload_limits_follow_the_settings(app, login_as, officer, upload):
    app.config["IMPORT_MAX_ROWS"] = 2
    login_as(officer)
    response = upload(csv_bytes([HEADINGS, good_row("A-1"), good_row("A-2"), good_row("A-3")]))
    assert response.status_code == 422
    assert "more than 2 rows" in response.text
    assert count(app, ImportBatch) == 0


@pytest.mark.parametrize("text", ["+1+1", "-2+3", "@SUM(1)"])
def test_workbook_text_that_a_spreadsheet_would_run_is_an_error(
    app, login_as, officer, upload_and_check, text
):
    make_meeting(app, title="Meeting A")
    login_as(officer)
    rows = [HEADINGS, ["AA-1", text, "Meeting A", officer.email, "01/06/2023", "30/06/2023"]]
    _batch_id, page = upload_and_check(xlsx_bytes(rows))
    assert "so a spreadsheet could run it as a formula" in page.text
    assert "Nothing can be imported until these errors are corrected" in page.text


def test_negative_numbers_and_a_lone_dash_are_not_formulas(
    app, login_as, officer, upload_and_check
):
    make_meeting(app, title="Meeting A")
    login_as(officer)
    rows = [[*HEADINGS, "notes"], [*good_row("AA-1"), "-"], [*good_row("AA-2"), -5]]
    _batch_id, page = upload_and_check(xlsx_bytes(rows))
    assert "formula" not in page.text
