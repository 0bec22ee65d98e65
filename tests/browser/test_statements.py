"""The accessibility statement, the privacy notice and the calendar page in a browser
(axe scans each page that loads; see conftest.py)."""

from __future__ import annotations

from tests.conftest import DEFAULT_PASSWORD


def test_statements_are_reached_from_the_footer_without_signing_in(ui):
    ui.goto("/login")
    ui.click("Accessibility statement", role="link")
    assert ui.heading.startswith("Accessibility statement")
    ui.click("Privacy notice", role="link")
    assert ui.heading == "Privacy notice"


def test_user_creates_and_resets_their_calendar_address(ui, liaison):
    ui.sign_in(liaison.email, DEFAULT_PASSWORD)
    ui.click("Calendar", role="link")
    ui.click("Create calendar address")
    first = ui.page.locator("#feed-url").input_value()
    ui.click("Reset calendar address")
    assert ui.page.locator("#feed-url").input_value() != first
    assert "The old address no longer works" in ui.text()
