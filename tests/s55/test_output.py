"""The s.55 response's PDF and Word document: accessible, marked, named by report."""

from __future__ import annotations

import io

from docx import Document

from tests.factories import london_today, make_action
from tests.reports.helpers import page_text, pdf_text
from tests.s55.helpers import build_scenario, post_step
from tracker.actions.models import Marking
from tracker.db import db
from tracker.sources.models import Finding


def test_pdf_is_tagged_titled_and_marked_on_every_page(app, client, login_as, officer, liaison):
    scenario = build_scenario(app, liaison)
    login_as(officer)
    post_step(client, scenario.report_id, "draft")
    download = client.get(f"/hmicfrs/{scenario.report_id}/s55.pdf")
    assert download.headers["Cache-Control"] == "no-store"
    assert f"-v1-{london_today().isoformat()}.pdf" in download.headers["Content-Disposition"]
    reader, _ = pdf_text(download.data)
    assert reader.metadata.title.startswith(
        "Police and Crime Commissioner's response to PEEL inspection Marigold"
    )
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert root["/Lang"] == "en-GB"
    assert all("OFFICIAL" in page_text(page) for page in reader.pages)


def test_an_official_sensitive_action_raises_the_marking(app, client, login_as, officer, liaison):
    scenario = build_scenario(app, liaison)
    with app.app_context():
        finding = db.session.get(Finding, scenario.recommendations[1])
    make_action(
        app, finding, liaison, title="Sensitive Wormwood", marking=Marking.OFFICIAL_SENSITIVE
    )
    login_as(officer)
    post_step(client, scenario.report_id, "draft")
    reader, _ = pdf_text(client.get(f"/hmicfrs/{scenario.report_id}/s55.pdf").data)
    assert all("OFFICIAL-SENSITIVE" in page_text(page) for page in reader.pages)
    word = Document(io.BytesIO(client.get(f"/hmicfrs/{scenario.report_id}/s55.docx").data))
    assert word.sections[0].header.paragraphs[0].text == "OFFICIAL-SENSITIVE"
    assert word.core_properties.title.startswith("Police and Crime Commissioner's response")


def test_downloads_before_any_draft_go_back_to_the_response_page(
    app, client, login_as, officer, liaison
):
    scenario = build_scenario(app, liaison)
    login_as(officer)
    for suffix in ("pdf", "docx"):
        response = client.get(f"/hmicfrs/{scenario.report_id}/s55.{suffix}")
        assert response.status_code == 302
        assert response.headers["Location"].endswith(f"/hmicfrs/{scenario.report_id}/s55")
