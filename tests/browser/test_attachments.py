"""Attaching a file to a progress update in a real browser (axe on every page loaded)."""

from __future__ import annotations

from tests.attachments import files
from tests.conftest import DEFAULT_PASSWORD
from tests.factories import make_action, make_meeting


def test_force_attaches_a_pdf_to_an_update(ui, app, liaison):
    action = make_action(app, make_meeting(app), liaison, title="Review VAL governance")
    ui.sign_in(liaison.email, DEFAULT_PASSWORD)
    ui.goto(f"/actions/{action.id}")
    ui.fill("Progress update", "Governance review report attached")
    ui.page.get_by_label("Attach files (optional)").set_input_files(
        files=[{"name": "VAL review.pdf", "mimeType": "application/pdf", "buffer": files.PDF}]
    )
    ui.click("Post update")
    assert "Update posted" in ui.text()
    link = ui.page.get_by_role("link", name="VAL review.pdf")
    assert link.count() == 1
    assert f"(PDF, {len(files.PDF)} bytes)" in ui.text()
    with ui.page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "VAL review.pdf"
