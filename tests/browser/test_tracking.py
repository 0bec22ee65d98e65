"""The core tracking journey in a real browser, with axe on every page it loads."""

from __future__ import annotations

from datetime import date

from tests.conftest import DEFAULT_PASSWORD
from tests.factories import meeting_kind


def fill_date(ui, legend: str, day: str, month: str, year: str) -> None:
    group = ui.page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(day)
    group.get_by_label("Month").fill(month)
    group.get_by_label("Year").fill(year)


def add_action(ui, title: str, owner_name: str) -> None:
    ui.click("Add an action", role="link")
    ui.fill("Title", title)
    ui.page.get_by_label("Owner", exact=True).select_option(label=f"{owner_name} (Force)")
    fill_date(ui, "Due date", "30", "9", "2030")
    ui.click("Save action")


def test_meeting_with_two_actions_force_update_and_opcc_closure(ui, app, officer, liaison):
    meeting_kind(app, "thematic")
    ui.sign_in(officer.email, DEFAULT_PASSWORD)
    ui.click("Meetings", role="link")
    ui.click("Record a meeting", role="link")
    ui.page.get_by_label("Thematic").check()
    fill_date(ui, "Date of the meeting", "29", "6", "2023")
    ui.fill("Title", "Thematic meeting: MAA and VAL")
    ui.page.get_by_label("Minutes are published (Panel clerks can see this meeting)").check()
    ui.click("Save meeting")
    assert ui.heading == "Thematic meeting: MAA and VAL"

    add_action(ui, "Review VAL governance", liaison.name)
    assert "AA-2023-001" in ui.page.locator(".govuk-caption-l").inner_text()
    ui.page.get_by_role("link", name="Thematic meeting: MAA and VAL").click()
    ui.settle()
    add_action(ui, "Give further assurance on MAA safeguarding", liaison.name)
    ui.page.get_by_role("link", name="Thematic meeting: MAA and VAL").click()
    ui.settle()
    assert "Actions arising (2)" in ui.text()
    ui.sign_out()

    ui.sign_in(liaison.email, DEFAULT_PASSWORD)
    ui.click("Actions", role="link")
    ui.click("AA-2023-001", role="link")
    ui.fill("Progress update", "Governance review under way with the VAL provider")
    ui.page.get_by_label("Amber").check()
    ui.click("Post update")
    assert "Update posted" in ui.text()
    ui.fill("Evidence of implementation", "Review report published on the intranet")
    ui.click("Submit as implemented")
    assert "is now implemented" in ui.text()
    assert ui.page.get_by_role("button", name="Assure and close").count() == 0
    ui.sign_out()

    ui.sign_in(officer.email, DEFAULT_PASSWORD)
    assert "Awaiting your assurance (1)" in ui.text()
    ui.click("AA-2023-001", role="link")
    ui.click("Assure and close")  # nothing chosen: the conclusion is required
    assert "There is a problem" in ui.text()
    assert "Choose the assurance verdict" in ui.text()
    ui.page.get_by_label("Dip sample").check()
    ui.page.get_by_label("Partly assured: close the action").check()
    ui.fill("Assurance note", "Two of twelve providers not yet reviewed")
    ui.click("Assure and close")
    assert "is now closed" in ui.text()
    conclusion = ui.page.locator("#assurance-conclusion").inner_text()
    assert "Partly assured" in conclusion
    assert "Two of twelve providers not yet reviewed" in conclusion
    timeline = ui.page.locator("#updates ~ .moj-timeline").first.inner_text()
    assert "Implemented → Closed" in timeline
    assert "Governance review under way" in timeline
    ui.click("Dashboard", role="link")
    assert ui.heading == "Dashboard"


def test_action_list_filters_through_the_form(ui, officer):
    ui.sign_in(officer.email, DEFAULT_PASSWORD)
    ui.click("Actions", role="link")
    ui.page.locator("summary", has_text="RAG").click()  # filter groups start folded
    ui.page.get_by_label("Red").check()
    ui.page.get_by_label("Overdue only").check()
    ui.click("Apply filters")
    assert "rag=red" in ui.page.url
    assert "overdue=1" in ui.page.url
    assert "0 actions matching the filters" in ui.text()
    # Each selected filter is a tag whose link removes it; the RAG group stays open.
    assert ui.page.get_by_label("Red").is_checked()
    ui.click("Remove this filter: RAG Red", role="link")
    assert "rag=red" not in ui.page.url
    assert "overdue=1" in ui.page.url


def test_action_list_sorts_by_its_column_headers(ui, app, officer, liaison):
    from tests.factories import make_action, make_meeting

    meeting = make_meeting(app)
    make_action(app, meeting, liaison, reference="SOONER", due_on=date(2031, 1, 1))
    make_action(app, meeting, liaison, reference="LATER", due_on=date(2032, 1, 1))
    ui.sign_in(officer.email, DEFAULT_PASSWORD)
    ui.goto("/actions/")
    due = ui.page.locator("th", has_text="Due")
    assert due.get_attribute("aria-sort") == "ascending"
    ui.click("Due", role="link")
    assert "sort=due_desc" in ui.page.url
    assert ui.page.locator("th", has_text="Due").get_attribute("aria-sort") == "descending"
    rows = ui.page.locator("tbody tr td:first-child").all_inner_texts()
    assert rows.index("LATER") < rows.index("SOONER")
