"""The public pages in Chromium, checked by axe on every load: a visitor who is not
signed in moves from the index to a meeting's outcome, the Panel responses, the
decisions and the timetable by the public navigation."""

from __future__ import annotations


def test_visitor_reads_the_public_pages_without_signing_in(ui, runner):
    runner.invoke(args=["seed-demo"])
    ui.goto("/public/")
    assert ui.heading == "How the Police and Crime Commissioner holds the force to account"
    assert "Latest publications" in ui.text()
    assert ui.page.get_by_role("link", name="Sign out").count() == 0
    ui.click("A&A meetings", role="link")
    assert ui.heading == "A&A meetings"
    ui.page.locator("main a.govuk-link").first.click()
    ui.settle()
    assert "Outcome" in ui.text()
    assert "Attendees" not in ui.text()
    ui.click("Panel recommendations", role="link")
    assert ui.heading == "Responses to Police and Crime Panel recommendations"
    ui.click("Decisions and statements", role="link")
    assert "Decision 2026/07: extending the rural crime team" in ui.text()
    assert "Decision 2026/11: estates strategy" not in ui.text()  # not yet published
    ui.click("Timetable", role="link")
    assert ui.heading == "Timetable of A&A meetings"
    footer = ui.page.locator("footer")
    assert footer.get_by_role("link", name="Accessibility statement").count() == 1
    assert footer.get_by_role("link", name="Privacy notice").count() == 1
