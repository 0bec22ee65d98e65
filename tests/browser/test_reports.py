"""A Panel clerk previews and downloads the Panel follow-up report in a real browser."""

from __future__ import annotations

import io
import re
from pathlib import Path

from pypdf import PdfReader

from tests.conftest import DEFAULT_PASSWORD, run_worker
from tests.factories import make_panel_item


def test_panel_clerk_downloads_the_panel_report(ui, app, clerk):
    make_panel_item(app, text="Most-similar-group comparisons for robbery and burglary")
    ui.sign_in(clerk.email, DEFAULT_PASSWORD)
    ui.click("Reports", role="link")
    ui.click("Police and Crime Panel follow-up report", role="link")
    assert "Most-similar-group comparisons" in ui.text()
    with ui.page.expect_download() as download_info:
        ui.page.get_by_role("link", name="Download PDF").click()
    download = download_info.value
    assert download.suggested_filename.startswith("panel-follow-up-")
    assert download.suggested_filename.endswith(".pdf")
    reader = PdfReader(io.BytesIO(Path(download.path()).read_bytes()))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    # A narrow column may break the line after a hyphen the text already has.
    assert "Most-similar-group comparisons for robbery and burglary" in re.sub(r"-\s+", "-", text)


def test_officer_checks_an_as_at_date_and_downloads_a_prepared_report(ui, app, officer, liaison):
    """A long report is prepared by the job worker: the job page watches its progress and
    shows the download button in place when it is ready, without reloading."""
    from tests.factories import make_action, make_meeting

    app.config["REPORT_BACKGROUND_THRESHOLD"] = 2
    meeting = make_meeting(app, title="October A&A")
    for n in range(3):
        make_action(app, meeting, liaison, title=f"Custody improvement {n}")
    ui.sign_in(officer.email, DEFAULT_PASSWORD)
    ui.goto("/actions/?q=Custody")
    ui.click("preview it, or as at a past date", role="link")
    assert ui.heading == "Action log"
    assert "Custody improvement 2" in ui.text()
    assert "Prepare PDF" in ui.text()
    ui.fill("As at", "2999-01-01")
    ui.click("Show report")
    assert "The 'as at' date must be today or in the past" in ui.text()

    ui.goto("/reports/actions?q=Custody")
    ui.click("Prepare PDF")
    assert ui.heading == "Action log"
    assert ui.page.locator("#job-progress").inner_text() == "Waiting for a worker"
    run_worker(app)  # the job worker process, here run in the test's own process
    download_link = ui.page.get_by_role("link", name="Download PDF")
    download_link.wait_for(state="visible", timeout=60_000)
    assert "Ready" in ui.page.locator("#job-status").inner_text()
    with ui.page.expect_download() as download_info:
        download_link.click()
    download = download_info.value
    assert download.suggested_filename.startswith("action-log-")
    reader = PdfReader(io.BytesIO(Path(download.path()).read_bytes()))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "Custody improvement 0" in text


def test_printed_report_leaves_out_navigation_and_filters(ui, app, officer):
    make_panel_item(app, text="Victim satisfaction figures by district")
    ui.sign_in(officer.email, DEFAULT_PASSWORD)
    ui.goto("/reports/panel")
    navigation = ui.page.locator(".govuk-service-navigation")
    filters = ui.page.locator("main form.app-no-print")
    assert navigation.is_visible()
    assert filters.is_visible()
    ui.page.emulate_media(media="print")
    assert navigation.is_hidden()
    assert filters.is_hidden()
    assert ui.page.get_by_role("table").last.is_visible()
