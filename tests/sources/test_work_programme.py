"""The Panel's work programme: kept by the clerk, shown on a page and printed as a paper
(PDF and Word, both read back here)."""

from __future__ import annotations

import io
from datetime import date

from docx import Document
from sqlalchemy import func, select

from tests.factories import make_panel_meeting
from tests.reports.helpers import pdf_text
from tracker.audit.models import AuditEvent
from tracker.db import db
from tracker.sources.models import WorkProgrammeItem

TOPIC = "Force diversity: progress over five years"


def topic_data(**overrides) -> dict:
    data = {
        "topic": TOPIC,
        "panel_meeting_id": "",
        "last_reported_on": ["27", "7", "2023"],
        "report_requested": "y",
        "report_due_on": ["8", "2", "2024"],
        "notes": "Ask for comparisons with most similar forces",
    }
    data.update(overrides)
    return data


def topic_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(WorkProgrammeItem.id)))


def test_clerk_adds_a_topic_planned_for_a_meeting(app, client, login_as, post_form, clerk):
    meeting = make_panel_meeting(app, held_on=date(2024, 2, 8), title="February Panel")
    login_as(clerk)
    response = post_form("/panel/programme/new", topic_data(panel_meeting_id=str(meeting.id)))
    assert response.status_code == 302
    page = client.get("/panel/programme/").text
    assert TOPIC in page
    assert "Yes, due 8 February 2024" in page
    assert "8 February 2024" in page
    with app.app_context():
        topic = db.session.scalars(select(WorkProgrammeItem)).one()
        assert topic.panel_meeting_id == meeting.id
        assert db.session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.entity_type == "work_programme_item")
        )


def test_report_due_without_a_request_is_refused(app, login_as, post_form, clerk):
    login_as(clerk)
    response = post_form("/panel/programme/new", topic_data(report_requested=""))
    assert response.status_code == 200
    assert "Remove the report due date, or say a report was requested" in response.text
    assert topic_count(app) == 0


def test_report_due_before_last_reported_is_refused(app, login_as, post_form, clerk):
    login_as(clerk)
    response = post_form("/panel/programme/new", topic_data(report_due_on=["1", "7", "2023"]))
    assert "Report due date must be the same as or after the date last reported" in response.text
    assert topic_count(app) == 0


def test_topic_is_required(app, login_as, post_form, clerk):
    login_as(clerk)
    response = post_form("/panel/programme/new", topic_data(topic=""))
    assert "Enter the topic or area of scrutiny" in response.text
    assert topic_count(app) == 0


def test_unknown_meeting_is_refused(app, login_as, post_form, clerk):
    login_as(clerk)
    response = post_form("/panel/programme/new", topic_data(panel_meeting_id="999"))
    assert response.status_code == 200
    assert topic_count(app) == 0


def test_stale_topic_edit_gets_409(app, login_as, post_form, clerk):
    login_as(clerk)
    post_form("/panel/programme/new", topic_data())
    with app.app_context():
        topic_id = db.session.scalars(select(WorkProgrammeItem.id)).one()
    url = f"/panel/programme/{topic_id}/edit"
    assert post_form(url, topic_data(version="1", notes="First")).status_code == 302
    stale = post_form(url, topic_data(version="1", notes="Stale"))
    assert stale.status_code == 409
    with app.app_context():
        assert db.session.get(WorkProgrammeItem, topic_id).notes == "First"


def test_force_cannot_see_the_programme(app, client, login_as, liaison):
    login_as(liaison)
    assert client.get("/panel/programme/").status_code == 403
    assert client.get("/reports/panel-programme.pdf").status_code == 403


def test_programme_prints_as_a_pdf_paper(app, client, login_as, post_form, clerk):
    login_as(clerk)
    post_form("/panel/programme/new", topic_data())
    response = client.get("/reports/panel-programme.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    _, text = pdf_text(response.data)
    flat = " ".join(text.split())
    assert "Police and Crime Panel work programme" in flat
    assert TOPIC in flat
    assert "Yes, due 8 February 2024" in flat
    assert "OFFICIAL" in flat


def test_programme_prints_as_a_word_paper(app, client, login_as, post_form, clerk):
    login_as(clerk)
    post_form("/panel/programme/new", topic_data())
    response = client.get("/reports/panel-programme.docx")
    assert response.status_code == 200
    document = Document(io.BytesIO(response.data))
    assert document.sections[0].header.paragraphs[0].text == "OFFICIAL"
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells][:2] == [
        "Panel meeting",
        "Topic or area of scrutiny",
    ]
    assert [c.text for c in table.rows[1].cells] == [
        "Not yet scheduled",
        TOPIC,
        "27 July 2023",
        "Yes, due 8 February 2024",
        "Ask for comparisons with most similar forces",
    ]
