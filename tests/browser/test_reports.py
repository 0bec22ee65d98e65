"""A Panel clerk previews and downloads the Panel follow-up report in a real browser."""

from __future__ import annotations

import io
from pathlib import Path

from pypdf import PdfReader

from tests.conftest import DEFAULT_PASSWORD
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
    assert "Most-similar-group comparisons for robbery and burglary" in text
