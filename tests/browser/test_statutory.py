"""The precept timeline for a year with a veto, recorded by the Panel clerk in a browser."""

from __future__ import annotations

from datetime import date

from tests.conftest import DEFAULT_PASSWORD
from tracker.db import db
from tracker.statutory.models import PreceptYear


def _fill_date(ui, name: str, day: date) -> None:
    for part, value in (("day", day.day), ("month", day.month), ("year", day.year)):
        ui.page.locator(f"#{name}-{part}").fill(str(value))


def test_clerk_records_a_veto_and_reads_every_deadline_on_the_timeline(ui, app, clerk):
    with app.app_context():
        db.session.add(
            PreceptYear(
                financial_year=2024,
                proposal_notified_on=date(2024, 1, 31),
                proposed_band_d=262.47,
            )
        )
        db.session.commit()
    ui.sign_in(clerk.email, DEFAULT_PASSWORD)
    ui.click("Statutory calendar", role="link")
    assert ui.heading == "Statutory calendar"
    ui.click("Precept 2024/25", role="link")
    ui.click("Record the Panel's steps", role="link")
    _fill_date(ui, "report_on", date(2024, 2, 6))
    ui.fill("The Panel's report and recommendations", "Vetoed as too high.")
    ui.page.get_by_label("The Panel vetoed the proposed precept").check()
    ui.page.get_by_label("Too high").check()
    ui.fill("Members of the Panel when it voted", "15")
    ui.fill("Votes for the veto", "9")
    ui.click("Save the Panel's steps")
    assert "A veto needs at least 10 of the 15 members" in ui.text()
    ui.fill("Votes for the veto", "11")
    ui.click("Save the Panel's steps")
    assert ui.heading == "Precept 2024/25"
    timeline = ui.page.locator(".app-statutory-timeline").inner_text()
    for expected in (
        "1 February 2024",
        "8 February 2024",
        "15 February 2024",
        "22 February 2024",
        "1 March 2024",
        "reg. 3",
        "reg. 4",
        "reg. 5",
        "The date is fixed",
        "Not verified",
    ):
        assert expected in timeline, expected
    assert "Does not apply" not in timeline  # the veto steps now apply
    assert "11 of 15 members voted for the veto" in ui.text()
