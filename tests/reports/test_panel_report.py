"""The Panel follow-up report: preview and PDF, parsed back and checked."""

from __future__ import annotations

import io
import re
from datetime import date

from pypdf import PdfReader

from tests.factories import london_today, make_action, make_panel_item
from tracker.actions.models import Marking


def pdf_of(client, query: str = "") -> tuple[PdfReader, str, str]:
    response = client.get(f"/reports/panel.pdf{query}")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    text = "\n".join(page_text(page) for page in reader.pages)
    return reader, text, response.headers["Content-Disposition"]


def page_text(page) -> str:
    """A page's text with line wrapping undone (table cells wrap anywhere)."""
    return " ".join(page.extract_text().split())


def test_officer_downloads_a_dated_tagged_pdf_with_marking_and_page_numbers(
    app, client, login_as, officer, liaison
):
    item = make_panel_item(app, text="Details of how many of the 500 new officers are front line")
    make_action(app, item, liaison, title="Count the officers on the front line")
    login_as(officer)
    reader, text, disposition = pdf_of(client)
    assert f'filename="panel-follow-up-{london_today().isoformat()}.pdf"' in disposition
    assert "Police and Crime Panel follow-up report" in text
    assert "500 new officers are front line" in text
    assert "Count the officers on the front line" in text
    assert reader.metadata.title.startswith("Police and Crime Panel follow-up report")
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert root["/Lang"] == "en-GB"
    for number, page in enumerate(reader.pages, start=1):
        on_page = page_text(page)
        assert "OFFICIAL" in on_page
        assert f"Page {number} of {len(reader.pages)}" in on_page


def test_highest_marking_is_used(app, client, login_as, officer, liaison):
    item = make_panel_item(app)
    make_action(app, item, liaison, marking=Marking.OFFICIAL_SENSITIVE)
    login_as(officer)
    reader, _, _ = pdf_of(client)
    assert all("OFFICIAL-SENSITIVE" in page_text(page) for page in reader.pages)


def test_long_report_repeats_table_headers_on_every_page(app, client, login_as, officer, liaison):
    for n in range(60):
        item = make_panel_item(app, text=f"Request number {n} " + "with a longer description " * 4)
        make_action(app, item, liaison, title=f"Action for request {n}")
    login_as(officer)
    reader, _, _ = pdf_of(client)
    assert len(reader.pages) > 2
    for page in reader.pages[1:]:
        assert "Latest update" in page_text(page)


def test_user_text_is_escaped_not_interpreted(app, client, login_as, officer, liaison):
    make_panel_item(app, text="<b>Bold</b> <img src='http://evil.example/x.png'> & more")
    login_as(officer)
    _, text, _ = pdf_of(client)
    assert "<b>Bold</b>" in text
    assert "& more" in text
    page = client.get("/reports/panel").text
    assert "&lt;b&gt;Bold&lt;/b&gt;" in page


def test_filter_by_panel_meeting(app, client, login_as, officer):
    make_panel_item(app, panel_meeting_on=date(2023, 7, 27), text="July item")
    make_panel_item(app, panel_meeting_on=date(2023, 11, 2), text="November item")
    login_as(officer)
    _, text, _ = pdf_of(client, "?meeting=2023-07-27")
    assert "July item" in text
    assert "November item" not in text
    assert (
        client.get("/reports/panel?meeting=not-a-date&from=2023-02-31&status=zzz").status_code
        == 200
    )


def test_panel_clerk_gets_published_items_only(app, client, login_as, clerk):
    make_panel_item(app, text="Published request", published=True)
    make_panel_item(app, text="Unpublished draft", published=False)
    login_as(clerk)
    _, text, _ = pdf_of(client)
    assert "Published request" in text
    assert "Unpublished draft" not in text


def test_force_user_never_sees_restricted_actions(app, client, login_as, liaison, officer):
    item = make_panel_item(app)
    make_action(app, item, liaison, title="Force visible action")
    make_action(app, item, officer, title="OPCC restricted action", opcc_only=True)
    login_as(liaison)
    _, text, _ = pdf_of(client)
    assert "Force visible action" in text
    assert "OPCC restricted action" not in text
    assert "OPCC restricted action" not in client.get("/reports/panel").text


def test_reports_need_sign_in(client):
    assert client.get("/reports/panel.pdf").status_code == 302


def test_report_may_not_fetch_files_outside_static(app):
    import pytest

    from tracker.reports.render import ForbiddenResourceError, StaticOnlyFetcher

    fetcher = StaticOnlyFetcher(app.static_folder)
    for url in (
        "http://evil.example/x.png",
        "file:///etc/passwd",
        "http://report.invalid/static/../config.py",
    ):
        with pytest.raises(ForbiddenResourceError):
            fetcher.fetch(url)
    assert re.search(
        r"report\.css", str(fetcher.fetch("http://report.invalid/static/css/report.css").url)
    )
