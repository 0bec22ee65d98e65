"""Every kind of page, visited in a real browser so axe checks each one (WCAG 2.2 AA)."""

from __future__ import annotations

from tests.conftest import DEFAULT_PASSWORD


def test_officer_tour_of_sources_forms_and_errors(ui, app, runner, officer):
    runner.invoke(args=["seed-demo"])
    ui.sign_in("priya.shah@opcc.example.org", "orchard-kettle-officer-demo")
    for nav, new_link in (
        ("Requests", "Record a request"),
        ("Panel", "Record a Panel item"),
        ("HMICFRS", "Record a report"),
        ("Meetings", "Record a meeting"),
    ):
        ui.click(nav, role="link")
        ui.page.locator("main table a.govuk-link").first.click()  # a record's own page
        ui.settle()
        ui.click(nav, role="link")
        ui.click(new_link, role="link")
        submit = ui.page.locator("main form button[type=submit]").last
        with ui.page.expect_navigation():
            submit.click()  # empty form: the error summary page is checked too
        ui.settle()
        assert ui.page.locator(".govuk-error-summary").count() == 1
    ui.click("Actions", role="link")
    ui.page.locator("main tbody a.govuk-link").first.click()  # headers are sort links
    ui.settle()
    with ui.page.expect_navigation():
        ui.page.get_by_role("link", name="Change details").click()
    ui.settle()
    ui.click("Audit trail", role="link")
    ui.click("Reports", role="link")
    ui.click("Police and Crime Panel follow-up report", role="link")
    ui.click("Reports", role="link")
    ui.click("HMICFRS progress report", role="link")
    ui.click("Reports", role="link")
    ui.page.locator("main ul.govuk-list a.govuk-link").last.click()  # a meeting's matters arising
    ui.settle()
    assert ui.heading.startswith("Matters arising")


def test_reminder_pages(ui, runner):
    runner.invoke(args=["seed-demo"])
    runner.invoke(args=["reminders", "run"])  # demo due dates are relative to today
    ui.sign_in("admin@opcc.example.org", "harbour-lantern-admin-demo")
    ui.click("Reminders", role="link")
    ui.page.get_by_label("Due soon").uncheck()
    ui.click("Save preferences")
    assert "Reminder preferences saved" in ui.text()
    ui.click("Outbox", role="link")
    if ui.page.locator("main table a.govuk-link").count():
        ui.page.locator("main table a.govuk-link").first.click()
        ui.settle()


def test_admin_tour_of_settings(ui, runner):
    runner.invoke(args=["seed-demo"])
    ui.sign_in("admin@opcc.example.org", "harbour-lantern-admin-demo")
    ui.click("Settings", role="link")
    ui.page.locator("main a.govuk-link", has_text="Change").first.click()
    ui.settle()
    ui.click("Settings", role="link")
    ui.page.locator("main a.govuk-link", has_text="Add to").first.click()
    ui.settle()


def test_force_and_panel_home_pages(ui, runner, liaison, clerk):
    runner.invoke(args=["seed-demo"])
    ui.sign_in("sam.taylor@police.example.org", "granite-meadow-liaison-demo")
    assert "Overdue actions" in ui.text()
    ui.click("HMICFRS", role="link")
    ui.sign_out()
    ui.sign_in(clerk.email, DEFAULT_PASSWORD)
    ui.click("Panel", role="link")
    ui.page.locator("main table a.govuk-link").first.click()
    ui.settle()
