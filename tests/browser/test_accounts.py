"""Signing in and out, password reset and user administration in a real browser."""

from __future__ import annotations

import re

from tests.conftest import DEFAULT_PASSWORD, Mailbox

NEW_PASSWORD = "saffron-glacier-teapot-ninety"


def test_sign_in_and_sign_out(ui, officer):
    ui.goto("/")
    assert ui.heading == "Sign in"
    ui.fill("Email address", officer.email)
    ui.fill("Password", DEFAULT_PASSWORD)
    ui.click("Sign in")
    assert ui.heading == f"Welcome, {officer.name}"
    ui.sign_out()
    assert ui.heading == "Sign in"
    assert "You have signed out" in ui.page.content()


def test_wrong_password_shows_the_error_summary(ui, officer):
    ui.sign_in(officer.email, "not-the-right-password")
    summary = ui.page.locator(".govuk-error-summary")
    assert "Enter a correct email address and password" in summary.inner_text()
    assert ui.page.title().startswith("Error: Sign in")


def test_empty_form_errors_link_to_fields(ui):
    ui.goto("/login")
    ui.click("Sign in")
    summary = ui.page.locator(".govuk-error-summary")
    assert "Enter your email address" in summary.inner_text()
    assert "Enter your password" in summary.inner_text()


def test_password_reset_from_email_link(ui, officer, smtp_server):
    ui.goto("/login")
    ui.click("I have forgotten my password", role="link")
    ui.fill("Email address", officer.email)
    ui.click("Send reset link")
    assert ui.heading == "Check your email"
    [message] = smtp_server.wait_for(officer.email)
    link = re.search(r"http://127\.0\.0\.1:\d+/\S+", Mailbox.text_of(message)).group(0)
    ui.page.goto(link)
    ui.settle()
    assert ui.heading == "Choose a new password"
    ui.fill("New password", NEW_PASSWORD)
    ui.fill("Confirm new password", NEW_PASSWORD)
    ui.click("Save password")
    assert "Your password has been saved" in ui.page.content()
    ui.sign_in(officer.email, NEW_PASSWORD)
    assert ui.heading == f"Welcome, {officer.name}"


def test_admin_invites_changes_and_deactivates_a_user(ui, admin, smtp_server):
    ui.sign_in(admin.email, DEFAULT_PASSWORD)
    ui.click("Users", role="link")
    assert ui.heading == "Users"
    ui.click("Invite a user", role="link")
    ui.click("Save")  # empty form: errors, nothing saved
    assert "Enter the person's full name" in ui.page.locator(".govuk-error-summary").inner_text()
    ui.fill("Full name", "Rowan Reed")
    ui.fill("Email address", "rowan.reed@police.example.org")
    ui.page.get_by_label("Force liaison officer").check()
    ui.click("Save")
    assert ui.heading == "Rowan Reed"
    assert "Invitation sent to rowan.reed@police.example.org" in ui.text()
    assert len(smtp_server.wait_for("rowan.reed@police.example.org")) == 1

    ui.click("Change details", role="link")
    ui.page.get_by_label("Panel clerk").check()
    ui.click("Save")
    assert "Police and Crime Panel" in ui.text()

    ui.click("Deactivate Rowan Reed")
    assert "Rowan Reed has been deactivated" in ui.text()
    assert "Deactivated" in ui.text()
    assert "Role: panel_clerk" not in ui.text()
    assert "Deactivated" in ui.page.locator(".moj-timeline").inner_text()
