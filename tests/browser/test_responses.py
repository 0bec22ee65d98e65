"""The force answers an ad-hoc request in writing, with a PDF attached, and the OPCC
reviews it, in a browser, with axe on every page it loads (the new pages included)."""

from __future__ import annotations

from datetime import timedelta

from tests.attachments.files import PDF
from tests.conftest import DEFAULT_PASSWORD
from tests.factories import london_today, make_adhoc_request


def test_force_drafts_and_submits_opcc_sends_back_then_accepts(ui, app, officer, liaison):
    day = london_today()
    adhoc = make_adhoc_request(
        app,
        subject="Stop and search in Malvern",
        sent_on=day - timedelta(days=20),
        response_due_on=day - timedelta(days=2),
        author_id=officer.id,
    )
    ui.sign_in(liaison.email, DEFAULT_PASSWORD)
    ui.click("Asked for (1)", role="link")
    assert ui.heading == "What the OPCC has asked for"
    assert "2 days overdue" in ui.text()
    ui.click("Stop and search in Malvern", role="link")
    ui.click("Write the response", role="link")
    ui.fill("The response", "Searches in Malvern rose by a tenth.")
    ui.page.get_by_label("Attach documents (optional)").set_input_files(
        files=[{"name": "Malvern searches.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    ui.click("Save draft")
    assert "Draft of version 1 saved" in ui.text()
    ui.click("Continue the draft", role="link")
    assert "Malvern searches.pdf" in ui.text()
    ui.fill("The response", "Searches in Malvern rose by a tenth; a third found an item.")
    ui.click("Submit to the OPCC")
    assert "Version 1 submitted to the OPCC" in ui.text()
    ui.sign_out()

    ui.sign_in(officer.email, DEFAULT_PASSWORD)
    ui.goto(f"/requests/{adhoc.id}")
    ui.click("Review the submitted response", role="link")
    assert "Malvern searches.pdf" in ui.text()
    ui.fill("Why it is being sent back", "Please give the figures by month.")
    ui.click("Send back to the force")
    assert "Version 1 sent back to the force" in ui.text()
    ui.sign_out()

    ui.sign_in(liaison.email, DEFAULT_PASSWORD)
    ui.goto(f"/requests/{adhoc.id}")
    ui.click("Write version 2", role="link")
    assert "Please give the figures by month." in ui.text()
    ui.fill("The response", "By month: 41, 44 and 47 searches; a third found an item.")
    ui.click("Submit to the OPCC")
    ui.sign_out()

    ui.sign_in(officer.email, DEFAULT_PASSWORD)
    ui.goto(f"/requests/{adhoc.id}")
    ui.click("Review the submitted response", role="link")
    ui.page.get_by_label("Dip sample", exact=True).check()
    ui.page.get_by_label("Assured", exact=True).check()
    ui.click("Record the conclusion")
    text = ui.text()
    assert "Version 2 accepted" in text
    assert "Assured (dip sample)" in text
    assert "Response received" in text
