"""The Panel's business in a browser, axe-checked on every page: the clerk records a Panel
meeting with a recommendation, the OPCC records the PCC's response with its letter, the
clerk reads it and concludes the matter; a force OFFICIAL-SENSITIVE action arising from
the item never reaches the clerk."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tests.attachments.files import PDF
from tests.conftest import DEFAULT_PASSWORD
from tests.factories import make_action
from tracker.actions.models import Marking
from tracker.db import db
from tracker.sources.models import PanelItem

RECOMMENDATION = "Report in February on the outcomes of the investment in technology"
SENSITIVE = "Vetting backlog of officers under investigation"


def _fill_date(ui, name: str, day: date) -> None:
    for part, value in (("day", day.day), ("month", day.month), ("year", day.year)):
        ui.page.locator(f"#{name}-{part}").fill(str(value))


def test_clerk_records_a_recommendation_opcc_responds_clerk_concludes(
    ui, app, clerk, officer, liaison
):
    ui.sign_in(clerk.email, DEFAULT_PASSWORD)
    ui.goto("/panel/meetings/")
    ui.click("Record a Panel meeting", role="link")
    _fill_date(ui, "held_on", date(2023, 7, 27))
    ui.fill("Title", "West Mercia Police and Crime Panel")
    ui.fill("Venue (optional)", "County Hall, Worcester")
    ui.click("Save Panel meeting")
    assert "Panel meeting recorded" in ui.text()
    ui.click("Record what the Panel resolved", role="link")
    ui.fill("Agenda item (optional)", "6. Police and crime plan monitoring")
    ui.fill("Minute number (optional)", "23/17")
    ui.page.get_by_label("Recommendation", exact=True).check()
    ui.fill("What the Panel recommended or asked for", RECOMMENDATION)
    ui.click("Save Panel item")
    assert "Enter the date the Panel set for the PCC" in ui.text()
    _fill_date(ui, "response_due_on", date(2023, 8, 24))
    ui.click("Save Panel item")
    assert "Panel recommendation recorded" in ui.text()
    ui.sign_out()

    with app.app_context():
        item_id = db.session.scalars(select(PanelItem.id)).one()
    make_action(
        app,
        db_item(app, item_id),
        liaison,
        title=SENSITIVE,
        marking=Marking.OFFICIAL_SENSITIVE,
    )

    ui.sign_in(officer.email, DEFAULT_PASSWORD)
    ui.goto(f"/panel/{item_id}")
    ui.click("Record the PCC's response", role="link")
    ui.page.get_by_label("Partly accepted", exact=True).check()
    ui.fill("The PCC's response", "The PCC will report in February, without monthly returns.")
    _fill_date(ui, "pcc_response_on", date(2023, 8, 21))
    ui.page.get_by_label("Attach the response documents (optional)").set_input_files(
        files=[{"name": "PCC letter.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    ui.click("Save the PCC's response")
    assert "The PCC's response saved" in ui.text()
    assert SENSITIVE in ui.text(), "the OPCC sees every action"
    ui.sign_out()

    ui.sign_in(clerk.email, DEFAULT_PASSWORD)
    ui.goto(f"/panel/{item_id}")
    text = ui.text()
    assert "Partly accepted" in text
    assert "PCC letter.pdf" in text
    assert SENSITIVE not in text
    ui.click("Record the Panel's decision", role="link")
    ui.page.get_by_label("Concluded", exact=True).check()
    ui.click("Record the Panel's decision")
    assert "The Panel's decision recorded" in ui.text()
    assert "Concluded" in ui.text()
    for path in ("/panel/", "/panel/meetings/", "/", "/actions/"):
        ui.goto(path)
        assert SENSITIVE not in ui.text(), path


def db_item(app, item_id: int) -> PanelItem:
    with app.app_context():
        item = db.session.get(PanelItem, item_id)
        db.session.expunge(item)
        return item
