"""Forms in a real browser: the warning before an idle session ends, and text typed
into a form surviving the end of the session."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.conftest import DEFAULT_PASSWORD
from tests.factories import make_action, make_meeting

UPDATE_TEXT = "Met the VAL provider; the new contract starts in April.\nMore to follow."


@pytest.fixture
def force_action(app, liaison):
    return make_action(app, make_meeting(app), liaison, title="Review the VAL contract")


def test_text_typed_before_the_session_ended_is_restored_after_signing_in(
    ui, liaison, force_action
):
    ui.sign_in(liaison.email, DEFAULT_PASSWORD)
    ui.goto(f"/actions/{force_action.id}")
    ui.fill("Progress update", UPDATE_TEXT)
    ui.page.context.clear_cookies()  # the session ends while the update is being written
    ui.click("Post update")
    assert ui.heading == "Sign in"
    assert "You were signed out" in ui.text()

    ui.fill("Email address", liaison.email)
    ui.fill("Password", DEFAULT_PASSWORD)
    ui.click("Sign in")
    assert ui.page.url.endswith(f"/actions/{force_action.id}")
    assert ui.page.get_by_label("Progress update", exact=True).input_value() == UPDATE_TEXT
    assert "We restored text you had typed" in ui.text()

    ui.click("Post update")
    assert "Update posted" in ui.text()
    assert ui.page.get_by_label("Progress update", exact=True).input_value() == ""
    assert "We restored text you had typed" not in ui.text()
    # The success banner has focus, so it is read out first.
    assert ui.page.evaluate(
        "() => document.activeElement.classList.contains('govuk-notification-banner')"
    )


def test_the_timeout_warning_takes_focus_and_escape_keeps_the_session(app, ui, officer):
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(seconds=30)  # warned 15 s before
    ui.sign_in(officer.email, DEFAULT_PASSWORD)
    page = ui.page
    actions_link = page.get_by_role("link", name="Actions", exact=True)
    actions_link.focus()
    dialog = page.get_by_role("dialog", name="You will be signed out soon")
    dialog.wait_for(state="visible", timeout=25_000)
    assert "Stay signed in" in dialog.inner_text()
    assert page.evaluate("() => document.activeElement.closest('dialog') !== null")

    with page.expect_response(lambda r: r.url.endswith("/session/keep-alive")) as kept:
        page.keyboard.press("Escape")
    assert kept.value.status == 200
    assert kept.value.request.method == "POST"
    assert kept.value.request.headers.get("x-csrftoken")
    dialog.wait_for(state="hidden")
    assert page.evaluate("() => document.activeElement.textContent.trim()") == "Actions"
