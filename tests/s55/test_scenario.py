"""The issue's scenario end to end through the pages: drafted, edited, submitted,
approved, published and sent; the PDF and Word document read back."""

from __future__ import annotations

import io

from docx import Document
from sqlalchemy import select

from tests.conftest import csrf_token_from
from tests.factories import london_today
from tests.reports.helpers import pdf_text
from tests.s55.helpers import build_scenario, date_fields, post_step, version_of
from tracker.audit.models import AuditEvent
from tracker.db import db
from tracker.s55.models import S55Response, S55State
from tracker.sources.models import HmicfrsReport

ACTIONS = ("Recruit call handlers Quince", "Buy new telephony Rowan", "Training plan Alder")


def _response(app) -> S55Response:
    with app.app_context():
        response = db.session.scalars(select(S55Response).order_by(S55Response.id.desc())).first()
        db.session.expunge_all()
        return response


def _edit(client, report_id: int, **changes: str):
    page = client.get(f"/hmicfrs/{report_id}/s55/edit").text
    data = {
        name: value
        for name, value in _fields(page).items()
        if name not in ("csrf_token", "version")
    }
    data.update(changes)
    data.update(csrf_token=csrf_token_from(page), version=version_of(page))
    return client.post(f"/hmicfrs/{report_id}/s55/edit", data=data)


def _fields(page: str) -> dict[str, str]:
    """The textareas of the edit page with their contents."""
    import html
    import re

    return {
        name: html.unescape(text).strip("\n")
        for name, text in re.findall(
            r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', page, flags=re.S
        )
    }


def test_the_response_is_drafted_edited_approved_published_and_sent(
    app, client, auth, login_as, officer, admin, liaison
):
    scenario = build_scenario(app, liaison)
    report_id = scenario.report_id
    login_as(officer)
    report_page = client.get(f"/hmicfrs/{report_id}").text
    assert "Draft the response" in report_page
    assert post_step(client, report_id, "draft", include_afis="y").status_code == 302

    drafted = _response(app)
    assert drafted.state == S55State.DRAFT
    assert drafted.cc_comments == "The Chief Constable welcomes the report Cardamom"
    edit_page = client.get(f"/hmicfrs/{report_id}/s55/edit").text
    for text in (*ACTIONS, "Twelve recruited Tamarind", "owner: ACC"):
        assert text in edit_page
    assert "No action recorded" in edit_page  # R2 has no actions

    with app.app_context():
        entries = db.session.get(S55Response, drafted.id).entries
        second = next(e for e in entries if e.finding_id == scenario.recommendations[1])
        reason_field = f"reason_{second.id}"
    saved = _edit(
        client,
        report_id,
        pcc_comments="The PCC will hold the force to account Nutmeg",
        **{reason_field: "Already met by the national programme Saffron"},
    )
    assert saved.status_code == 302
    assert post_step(client, report_id, "submit").status_code == 302
    assert _response(app).state == S55State.AWAITING_APPROVAL

    page = client.get(f"/hmicfrs/{report_id}/s55").text
    assert "Approve for the PCC" not in page  # an officer may not approve
    refused = client.post(
        f"/hmicfrs/{report_id}/s55/approve",
        data={"csrf_token": csrf_token_from(page), "version": str(_response(app).version)},
    )
    assert refused.status_code == 403
    assert _response(app).state == S55State.AWAITING_APPROVAL
    auth.logout()
    login_as(admin)
    assert post_step(client, report_id, "approve").status_code == 302
    approved = _response(app)
    assert approved.state == S55State.APPROVED
    assert approved.approved_on == london_today()

    today = london_today()
    published = post_step(
        client,
        report_id,
        "publish",
        url="https://opcc.example.org/s55/peel",
        **date_fields("published_on", today),
    )
    assert published.status_code == 302
    sent = post_step(
        client,
        report_id,
        "sent",
        **date_fields("to_hmicfrs_on", today),
        **date_fields("to_home_secretary_on", today),
    )
    assert sent.status_code == 302
    final = _response(app)
    assert final.state == S55State.SENT
    assert final.public is True
    assert final.published_url == "https://opcc.example.org/s55/peel"
    with app.app_context():
        report = db.session.get(HmicfrsReport, report_id)
        assert report.comments_published_on == today
        assert report.sent_to_home_secretary_on == today
        actions = db.session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.entity_id == report_id, AuditEvent.action.like("s55_%"))
            .order_by(AuditEvent.id)
        ).all()
    assert actions == [
        "s55_drafted",
        "s55_edited",
        "s55_submitted",
        "s55_approved",
        "s55_published",
        "s55_sent",
    ]
    page = client.get(f"/hmicfrs/{report_id}/s55").text
    assert "Met" in page

    pdf = client.get(f"/hmicfrs/{report_id}/s55.pdf")
    assert pdf.status_code == 200
    reader, text = pdf_text(pdf.data)
    flat = " ".join(text.split())
    for expected in (
        "R1",
        "R2",
        "AFI1",
        *ACTIONS,
        "Twelve recruited Tamarind",
        "The Chief Constable welcomes the report Cardamom",
        "The PCC will hold the force to account Nutmeg",
        "Already met by the national programme Saffron",
        "OFFICIAL",
    ):
        assert expected in flat, expected
    assert "/StructTreeRoot" in str(reader.trailer["/Root"].keys())

    word = client.get(f"/hmicfrs/{report_id}/s55.docx")
    assert word.status_code == 200
    document = Document(io.BytesIO(word.data))
    paragraphs = [p.text for p in document.paragraphs]
    body = "\n".join(paragraphs)
    for expected in (
        *ACTIONS,
        "The Chief Constable welcomes the report Cardamom",
        "The PCC will hold the force to account Nutmeg",
    ):
        assert expected in body, expected
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert {"Recommendation R1", "Recommendation R2", "Area for improvement AFI1"} <= set(headings)
    section = document.sections[0]
    assert section.header.paragraphs[0].text == "OFFICIAL"
    assert section.footer.paragraphs[0].text == "OFFICIAL"
