"""The Panel follow-up report as a committee paper: cover, response status, summary,
the Word copy, and what the preview says about items it does not show."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from docx import Document
from docx.oxml.ns import qn

from tests.conftest import csrf_token_from, run_worker
from tests.factories import london_today, make_action, make_panel_item
from tests.reports.helpers import pdf_text, visible_text
from tracker.actions.models import ActionStatus, ActionUpdate, Marking
from tracker.db import db
from tracker.reports.queries import panel_follow_up
from tracker.settings.services import set_setting
from tracker.sources.models import PccResponseOutcome

TODAY = london_today()


def contact_officer(app, admin) -> None:
    with app.test_request_context():
        for key, value in (
            ("panel_contact_name", "Alex Morgan"),
            ("panel_contact_role", "Head of Scrutiny"),
            ("panel_contact_email", "alex.morgan@opcc.example"),
            ("panel_contact_telephone", "01234 567890"),
        ):
            set_setting(key, value, by=admin)
        db.session.commit()


@pytest.fixture
def items(app, liaison, officer):
    """One item of each response state, with actions on two of them."""
    responded = make_panel_item(
        app,
        text="Responded item about stop and search",
        response_due_on=TODAY - timedelta(days=20),
        pcc_response="The Commissioner has asked for quarterly figures",
        pcc_response_on=TODAY - timedelta(days=25),
        response_outcome=PccResponseOutcome.PARTLY_ACCEPTED,
    )
    overdue = make_panel_item(
        app, text="Overdue item about 101 waits", response_due_on=TODAY - timedelta(days=4)
    )
    awaiting = make_panel_item(
        app, text="Awaiting item about drones", response_due_on=TODAY + timedelta(days=6)
    )
    undated = make_panel_item(app, text="Undated item about cadets")
    first = make_action(app, overdue, liaison, title="Publish 101 call waits")
    make_action(app, overdue, liaison, title="Recruit call handlers", due_on=TODAY)
    make_action(app, responded, liaison, title="Report stop and search quarterly")
    with app.app_context():
        db.session.add(
            ActionUpdate(action_id=first.id, author_id=liaison.id, text="Figures now on the web")
        )
        db.session.commit()
    return {"responded": responded, "overdue": overdue, "awaiting": awaiting, "none": undated}


def test_each_item_shows_the_pcc_response_state(app, client, login_as, officer, items):
    login_as(officer)
    _, text = pdf_text(client.get("/reports/panel.pdf").data)
    assert "Responded " in text
    assert "partly accepted" in text  # what the Commissioner made of the recommendation
    assert "The Commissioner has asked for quarterly figures" in text
    assert "OVERDUE" in text
    assert "4 days late" in text
    assert "6 days left" in text
    assert "no response date set" in text
    assert "Figures now on the web" in text


def test_response_lateness_agrees_with_the_panel_items_own_rule(app, officer, items):
    with app.test_request_context():
        report = panel_follow_up(
            officer, meeting_on=None, date_from=None, date_to=None, status="all", today=TODAY
        )
        for row in report.rows:
            assert row.days_overdue == row.item.days_overdue(TODAY)
        states = {row.item.text.split()[0]: row.response_state for row in report.rows}
    assert states == {
        "Responded": "responded",
        "Overdue": "overdue",
        "Awaiting": "awaiting",
        "Undated": "no_date",
    }


def test_a_given_response_is_never_shown_as_awaiting(app, client, login_as, officer):
    make_panel_item(
        app,
        text="Answered late",
        response_due_on=TODAY - timedelta(days=30),
        pcc_response="Answered after the date",
        pcc_response_on=TODAY - timedelta(days=2),
    )
    login_as(officer)
    page = visible_text(client.get("/reports/panel").text)
    assert "Awaiting" not in page.split("Panel items and follow-up actions")[-1]
    assert "OVERDUE" not in page


def test_pdf_cover_has_the_committee_paper_fields(app, client, login_as, officer, admin, items):
    contact_officer(app, admin)
    login_as(officer)
    query = (
        "?meeting=2023-07-27&paper_title=Follow-up+on+Panel+recommendations"
        "&paper_number=PCP%2F23%2F7&recommendation=The+Panel+is+asked+to+note+the+report."
    )
    reader, text = pdf_text(client.get(f"/reports/panel.pdf{query}").data)
    cover = " ".join(reader.pages[0].extract_text().split())
    for expected in (
        "Police and Crime Panel, 27 July 2023",
        "Follow-up on Panel recommendations",
        "Report number PCP/23/7",
        "Purpose",
        "To update the Panel on the Commissioner's responses",
        "Recommendation The Panel is asked to note the report.",
        "Contact officer",
        "Alex Morgan",
        "Head of Scrutiny",
        "alex.morgan@opcc.example",
        "01234 567890",
        "Background",
    ):
        assert expected in cover
    assert "OVERDUE" in text


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("paper_title", "x" * 201, "Report title must be 200 characters or fewer"),
        ("paper_number", "7\n8", "Report number (agenda item) must not contain control"),
        ("purpose", "Bell\x07", "Purpose must not contain control characters"),
        ("background", "y" * 4001, "Background must be 4000 characters or fewer"),
    ],
)
def test_bad_cover_wording_is_refused_with_a_message(
    client, login_as, officer, name, value, message
):
    login_as(officer)
    for url in ("/reports/panel", "/reports/panel.pdf", "/reports/panel.docx"):
        response = client.get(url, query_string={name: value})
        assert response.status_code == 400
        assert message in response.text
        assert f'href="#{name}"' in response.text


def test_summary_totals_equal_the_rows_of_the_table(app, client, login_as, officer, items):
    login_as(officer)
    response = client.get("/reports/panel.docx")
    document = Document(io.BytesIO(response.data))
    responses, _, table = document.tables
    counts = {row.cells[0].text: int(row.cells[1].text) for row in responses.rows[1:]}
    items_in_table = {row.cells[1].text for row in table.rows[1:]}
    assert counts == {
        "Responded": 1,
        "Awaiting response": 1,
        "Overdue": 1,
        "No response date set": 1,
        "Total Panel items": 4,
    }
    assert counts["Total Panel items"] == len(items_in_table)
    actions_in_table = [row for row in table.rows[1:] if row.cells[3].text != "No action recorded"]
    items_with_actions = {row.cells[1].text for row in actions_in_table}
    summary = f"{len(actions_in_table)} actions across {len(items_with_actions)} items"
    assert summary == "3 actions across 2 items"
    assert summary in [p.text for p in document.paragraphs]
    page = visible_text(client.get("/reports/panel").text)
    assert "Total Panel items 4" in page
    assert summary in page


def test_word_copy_has_cover_marking_headings_and_every_item(
    app, client, login_as, officer, admin, liaison, items
):
    make_action(app, items["awaiting"], liaison, marking=Marking.OFFICIAL_SENSITIVE)
    contact_officer(app, admin)
    login_as(officer)
    response = client.get("/reports/panel.docx?paper_number=Item+9")
    assert response.status_code == 200
    assert response.mimetype.endswith("wordprocessingml.document")
    disposition = response.headers["Content-Disposition"]
    assert f'filename="panel-follow-up-{TODAY.isoformat()}.docx"' in disposition
    document = Document(io.BytesIO(response.data))
    for section in document.sections:
        assert section.header.paragraphs[0].text == "OFFICIAL-SENSITIVE"
        assert section.footer.paragraphs[0].text == "OFFICIAL-SENSITIVE"
    headings = {p.text: p.style.name for p in document.paragraphs if p.style.name != "Normal"}
    assert headings["Police and Crime Panel follow-up report"] == "Title"
    for name in ("Purpose", "Recommendation", "Contact officer", "Background", "Summary"):
        assert headings[name] == "Heading 1"
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Report number: Item 9" in text
    assert "Name: Alex Morgan" in text
    assert "Telephone: 01234 567890" in text
    table = document.tables[-1]
    header = table.rows[0]._tr.trPr
    repeat = header.find(qn("w:tblHeader"))
    assert repeat is not None
    assert repeat.get(qn("w:val")) == "true"
    cells = "\n".join(cell.text for row in table.rows for cell in row.cells)
    for item in items.values():
        with app.app_context():
            assert item.text in cells
    assert "OVERDUE: due" in cells
    assert "Figures now on the web" in cells


def test_clerk_is_told_unpublished_items_are_left_out_without_seeing_them(
    app, client, login_as, clerk
):
    make_panel_item(app, text="Published request", published=True)
    make_panel_item(app, text="Secret draft item", published=False)
    login_as(clerk)
    page = visible_text(client.get("/reports/panel").text)
    assert "not yet published to the Panel are not shown" in page
    assert "Secret draft item" not in page
    assert not re.search(r"\d+ items? (is|are) not published", page)
    document = Document(io.BytesIO(client.get("/reports/panel.docx").data))
    cells = " ".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert "Published request" in cells
    assert "Secret draft item" not in cells


def test_officer_is_told_how_many_items_a_clerk_will_not_see(app, client, login_as, officer):
    make_panel_item(app, text="Published request", published=True)
    make_panel_item(app, text="Draft one", published=False)
    make_panel_item(app, text="Draft two", published=False)
    login_as(officer)
    page = visible_text(client.get("/reports/panel").text)
    assert "2 items are not published to the Panel and a clerk will not see them" in page


def test_preview_says_how_many_items_the_filters_hide(app, client, login_as, officer, items):
    login_as(officer)
    page = visible_text(client.get("/reports/panel?status=answered").text)
    assert "The choices above hide 3 Panel items" in page
    page = visible_text(client.get("/reports/panel").text)
    assert "The choices above hide" not in page


def test_closed_action_on_an_answered_item_is_counted_complete(
    app, client, login_as, officer, liaison
):
    item = make_panel_item(
        app, text="Closed off", pcc_response="Done", pcc_response_on=TODAY - timedelta(days=1)
    )
    make_action(app, item, liaison, status=ActionStatus.CLOSED)
    login_as(officer)
    page = visible_text(client.get("/reports/panel").text)
    assert "1 action across 1 item" in page
    assert "Complete 1" in page


def test_long_word_report_is_prepared_in_the_background(app, client, login_as, officer, items):
    app.config["REPORT_BACKGROUND_THRESHOLD"] = 1
    login_as(officer)
    response = client.get("/reports/panel.docx?paper_number=PCP+4")
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).text
    assert "Prepare Word document" in page
    query = re.search(r'name="query" value="([^"]*)"', page).group(1).replace("&amp;", "&")
    queued = client.post(
        "/reports/jobs",
        data={
            "csrf_token": csrf_token_from(page),
            "kind": "panel",
            "query": query,
            "format": "docx",
        },
    )
    assert queued.status_code == 303
    job_url = queued.headers["Location"]
    run_worker(app)
    download = client.get(f"{job_url}/download")
    assert download.status_code == 200
    assert download.mimetype.endswith("wordprocessingml.document")
    assert ".docx" in download.headers["Content-Disposition"]
    document = Document(io.BytesIO(download.data))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Report number: PCP 4" in text
    cells = " ".join(c.text for r in document.tables[-1].rows for c in r.cells)
    assert "Publish 101 call waits" in cells
    assert "(Word)" in visible_text(client.get("/reports/jobs").text)
