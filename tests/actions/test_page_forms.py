"""The action pages' forms: errors you can reach, focus after saving, "save and add
another", grouped tags and the order of the forms on the action page."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from tests.actions.test_views import action_fields
from tracker.actions.models import Action
from tracker.db import db
from tracker.settings.models import Tag, TagList

ERROR_LINK_RE = re.compile(r'<a href="#([^"]+)">')
SUMMARY_RE = re.compile(r'<div class="govuk-error-summary".*?</ul>', re.S)


def error_links(html: str) -> list[str]:
    """The ids the error summary links to."""
    summary = SUMMARY_RE.search(html)
    assert summary, "no error summary on the page"
    return ERROR_LINK_RE.findall(summary.group(0))


def field_ids(html: str) -> set[str]:
    """Ids of the inputs, selects and text areas on the page."""
    return set(re.findall(r'<(?:input|select|textarea)\b[^>]*\bid="([^"]+)"', html))


def extension_details(html: str) -> str:
    match = re.search(r'<details[^>]*id="ask-for-a-later-due-date"[^>]*>', html)
    assert match, "no extension request on the page"
    return match.group(0)


def test_a_bad_date_links_to_its_day_box_and_opens_the_extension_request(
    client, login_as, liaison, force_action, post_form
):
    login_as(liaison)
    response = post_form(
        f"/actions/{force_action.id}/extensions",
        {"reason": "Waiting for the new system"},
        form_page=f"/actions/{force_action.id}",
    )
    assert response.status_code == 400
    assert error_links(response.text) == ["proposed_due_on-day"]
    assert 'id="proposed_due_on-day"' in response.text
    assert " open" in extension_details(response.text)


def test_the_extension_request_is_closed_until_it_has_an_error(
    client, login_as, liaison, force_action
):
    login_as(liaison)
    page = client.get(f"/actions/{force_action.id}").text
    assert " open" not in extension_details(page)


def test_every_error_on_an_empty_action_form_links_to_an_input(
    client, login_as, officer, meeting, post_form
):
    login_as(officer)
    response = post_form(f"/actions/new/meeting/{meeting.id}", {"raised_on": ["", "", ""]})
    links = error_links(response.text)
    assert {"title", "owner", "raised_on-day", "due_on-day"} <= set(links)
    assert set(links) <= field_ids(response.text)


def test_every_error_on_an_empty_report_form_links_to_an_input(
    client, login_as, officer, post_form
):
    login_as(officer)
    response = post_form("/hmicfrs/new", {})
    links = error_links(response.text)
    assert "published_on-day" in links
    assert "report_type" in links
    assert set(links) <= field_ids(response.text)


def test_the_success_banner_takes_focus_after_posting_an_update(
    client, login_as, liaison, force_action, post_form
):
    login_as(liaison)
    response = post_form(
        f"/actions/{force_action.id}/updates",
        {"text": "Working group met"},
        form_page=f"/actions/{force_action.id}",
        follow_redirects=True,
    )
    banner = re.search(r'<div class="govuk-notification-banner[^>]*>', response.text).group(0)
    assert 'role="alert"' in banner
    assert 'data-module="govuk-notification-banner"' in banner
    assert 'tabindex="-1"' in banner
    assert "autofocus" in banner


def test_the_update_form_comes_before_the_status_forms(client, login_as, officer, force_action):
    login_as(officer)
    page = client.get(f"/actions/{force_action.id}").text
    assert "Change status" in page
    assert page.index("Add a progress update") < page.index("Change status")


def count_actions(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Action.id)))


def test_save_and_add_another_returns_to_a_blank_form_for_the_same_meeting(
    app, client, login_as, officer, liaison, meeting, post_form
):
    login_as(officer)
    url = f"/actions/new/meeting/{meeting.id}"
    response = post_form(url, {**action_fields(liaison), "add_another": "y"})
    assert response.status_code == 302
    assert response.headers["Location"] == url
    assert count_actions(app) == 1
    page = client.get(url).text
    assert "Action AA-2023-001 added" in page
    assert 'name="title" type="text" value=""' in page
    assert "Review the victims needs assessment with the force" not in page


def test_save_action_still_opens_the_new_action(
    app, client, login_as, officer, liaison, meeting, post_form
):
    login_as(officer)
    response = post_form(f"/actions/new/meeting/{meeting.id}", action_fields(liaison))
    assert re.fullmatch(r"/actions/\d+", response.headers["Location"])


def test_changing_an_action_offers_no_add_another(client, login_as, officer, force_action):
    login_as(officer)
    page = client.get(f"/actions/{force_action.id}/edit").text
    assert "Save action" in page
    assert "Save and add another action" not in page


def _tags(app) -> dict[str, int]:
    with app.app_context():
        tags = [
            Tag(tag_list=TagList.PLAN_OBJECTIVE, name="Putting victims and survivors first"),
            Tag(tag_list=TagList.NATIONAL_PRIORITY, name="Reduce serious violence"),
            Tag(tag_list=TagList.LOCAL_AREA, name="Herefordshire"),
        ]
        db.session.add_all(tags)
        db.session.commit()
        return {t.tag_list.value: t.id for t in tags}


def test_tags_are_grouped_by_list_each_with_a_legend_in_a_closed_section(
    app, client, login_as, officer, meeting
):
    _tags(app)
    login_as(officer)
    page = client.get(f"/actions/new/meeting/{meeting.id}").text
    for tag_list in TagList:
        legend = re.search(
            rf"<details[^>]*>\s*<summary[^>]*>.*?{tag_list.label}.*?</summary>.*?"
            rf"<legend[^>]*>\s*{tag_list.label}\s*</legend>",
            page,
            re.S,
        )
        assert legend, f"no section with a legend for {tag_list.label}"
        assert " open" not in legend.group(0).split("<summary")[0]
    assert page.count('name="tags"') == 3


def test_a_group_with_a_chosen_tag_opens_and_the_tags_are_saved(
    app, client, login_as, officer, liaison, meeting, post_form
):
    ids = _tags(app)
    login_as(officer)
    chosen = [ids["plan_objective"], ids["local_area"]]
    response = post_form(
        f"/actions/new/meeting/{meeting.id}", {**action_fields(liaison), "tags": chosen}
    )
    action_id = int(response.headers["Location"].rsplit("/", 1)[1])
    with app.app_context():
        assert sorted(t.id for t in db.session.get(Action, action_id).tags) == sorted(chosen)
    page = client.get(f"/actions/{action_id}/edit").text
    opened = re.findall(r"<details[^>]*\bopen>\s*<summary[^>]*>\s*<span[^>]*>([^<(]+)", page)
    assert sorted(label.strip() for label in opened) == sorted(
        [TagList.PLAN_OBJECTIVE.label, TagList.LOCAL_AREA.label]
    )
