"""Police and Crime Panel items: recording, changing, and who may see them."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from tests.factories import make_action, make_panel_item
from tracker.audit.models import AuditEvent
from tracker.db import db
from tracker.sources.models import PanelItem, PanelItemKind

FRONT_LINE = "Details of how many of the 500 new officers are front line"


def item_data(**overrides) -> dict:
    """A valid Panel item form: the 27 July 2023 Panel's request for information."""
    data = {
        "panel_meeting_on": ["27", "7", "2023"],
        "agenda_item": "6. Police and Crime Plan update",
        "kind": PanelItemKind.INFORMATION.value,
        "text": FRONT_LINE,
        "published": "y",
    }
    data.update(overrides)
    return data


def edit_data(**overrides) -> dict:
    return item_data(version="1", **overrides)


def panel_item_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(PanelItem.id)))


def load_item(app, item_id: int) -> PanelItem:
    with app.app_context():
        item = db.session.get(PanelItem, item_id)
        db.session.expunge(item)
        return item


# Recording -------------------------------------------------------------------------------


def test_officer_records_a_panel_item_and_it_shows(app, client, login_as, post_form, officer):
    login_as(officer)
    response = post_form("/panel/new", item_data(response_due_on=["24", "8", "2023"]))
    assert response.status_code == 302
    with app.app_context():
        item = db.session.scalars(select(PanelItem)).one()
        assert item.panel_meeting_on == date(2023, 7, 27)
        assert item.kind == PanelItemKind.INFORMATION
        assert item.response_due_on == date(2023, 8, 24)
        assert item.pcc_response_on is None
        assert item.published is True
    page = client.get(response.headers["Location"]).text
    assert FRONT_LINE in page
    assert "27 July 2023" in page
    assert "24 August 2023" in page
    listing = client.get("/panel/").text
    assert FRONT_LINE in listing
    assert "Awaiting" in listing


def test_published_is_ticked_on_a_new_item(client, login_as, officer):
    login_as(officer)
    page = client.get("/panel/new").text
    assert 'name="published" type="checkbox" value="y" checked' in page


def test_response_due_before_the_meeting_is_refused_and_nothing_saved(
    app, login_as, post_form, officer
):
    login_as(officer)
    response = post_form("/panel/new", item_data(response_due_on=["26", "7", "2023"]))
    assert response.status_code == 200
    assert "Response due date must be the same as or after" in response.text
    assert panel_item_count(app) == 0


def response_data(**overrides) -> dict:
    """A valid form for the PCC's response to the item of `make_panel_item`."""
    data = {
        "version": "1",
        "response_outcome": "accepted",
        "pcc_response": "78% are front line.",
        "pcc_response_on": ["21", "8", "2023"],
    }
    data.update(overrides)
    return data


def test_response_text_without_a_date_is_refused(app, login_as, post_form, officer):
    item = make_panel_item(app)
    login_as(officer)
    response = post_form(f"/panel/{item.id}/response", response_data(pcc_response_on=["", "", ""]))
    assert response.status_code == 200
    assert "Date of the PCC&#39;s response" in response.text
    assert load_item(app, item.id).pcc_response == ""


def test_response_date_without_text_is_refused(app, login_as, post_form, officer):
    item = make_panel_item(app)
    login_as(officer)
    response = post_form(f"/panel/{item.id}/response", response_data(pcc_response=""))
    assert "Enter the PCC&#39;s response" in response.text
    assert load_item(app, item.id).pcc_response_on is None


def test_response_dated_before_the_meeting_is_refused(app, login_as, post_form, officer):
    item = make_panel_item(app)
    login_as(officer)
    response = post_form(
        f"/panel/{item.id}/response", response_data(pcc_response_on=["1", "7", "2023"])
    )
    assert "Date of the PCC&#39;s response must be the same as or after" in response.text
    assert load_item(app, item.id).pcc_response_on is None


def test_text_over_20000_characters_is_refused(app, login_as, post_form, officer):
    login_as(officer)
    response = post_form("/panel/new", item_data(text="x" * 20_001))
    assert "must be 20,000 characters or fewer" in response.text
    assert panel_item_count(app) == 0


def test_missing_kind_and_text_are_refused(app, login_as, post_form, officer):
    login_as(officer)
    response = post_form("/panel/new", item_data(kind="", text=""))
    assert "Choose the type of Panel item" in response.text
    assert "Enter what the Panel recommended or asked for" in response.text
    assert panel_item_count(app) == 0


def test_impossible_date_gives_the_error_summary_and_saves_nothing(
    app, login_as, post_form, officer
):
    login_as(officer)
    response = post_form("/panel/new", item_data(panel_meeting_on=["30", "2", "2023"]))
    assert response.status_code == 200
    assert "govuk-error-summary" in response.text
    assert "There is a problem" in response.text
    assert "Date of the Panel meeting must be a real date" in response.text
    assert "<title>Error:" in response.text
    assert panel_item_count(app) == 0


# Changing --------------------------------------------------------------------------------


def test_recording_the_response_is_audited_with_old_and_new_values(
    app, login_as, post_form, officer
):
    item = make_panel_item(app)
    login_as(officer)
    response = post_form(f"/panel/{item.id}/response", response_data())
    assert response.status_code == 302
    with app.app_context():
        event = db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.entity_type == "panel_item",
                AuditEvent.entity_id == item.id,
                AuditEvent.action == "updated",
            )
        ).one()
        assert event.changes["pcc_response"] == ["", "78% are front line."]
        assert event.changes["pcc_response_on"] == [None, "2023-08-21"]
        assert event.changes["response_outcome"] == [None, "accepted"]
        assert event.actor_id == officer.id
    assert load_item(app, item.id).version == 2


def test_edit_form_starts_from_the_saved_values(app, client, login_as, officer):
    item = make_panel_item(app, agenda_item="7. Precept proposal")
    login_as(officer)
    page = client.get(f"/panel/{item.id}/edit").text
    assert "7. Precept proposal" in page
    assert 'name="version" type="hidden" value="1"' in page


def test_stale_edit_gets_409_and_does_not_overwrite(app, login_as, post_form, officer):
    item = make_panel_item(app)
    login_as(officer)
    first = post_form(f"/panel/{item.id}/edit", edit_data(text="First change"))
    assert first.status_code == 302
    stale = post_form(f"/panel/{item.id}/edit", edit_data(text="Stale change"))
    assert stale.status_code == 409
    assert "Your changes have not been saved" in stale.text
    assert 'name="version" type="hidden" value="2"' in stale.text
    saved = load_item(app, item.id)
    assert saved.text == "First change"
    assert saved.version == 2


# Who sees what ---------------------------------------------------------------------------


def test_panel_clerk_sees_published_items(app, client, login_as, clerk):
    item = make_panel_item(app)
    make_panel_item(app, text="Unpublished precept note", published=False)
    login_as(clerk)
    listing = client.get("/panel/").text
    assert FRONT_LINE in listing
    assert "Unpublished precept note" not in listing
    assert "Record a Panel item" in listing
    page = client.get(f"/panel/{item.id}")
    assert page.status_code == 200
    assert "Change Panel item" in page.text
    assert "Add an action" not in page.text
    assert "Record the PCC's response" not in page.text


def test_panel_clerk_gets_404_for_an_unpublished_item(app, client, login_as, clerk):
    item = make_panel_item(app, published=False)
    login_as(clerk)
    assert client.get(f"/panel/{item.id}").status_code == 404


@pytest.mark.parametrize("url", ["/panel/new", "/panel/{id}/edit"])
def test_force_liaison_cannot_record_or_change_items(app, client, login_as, liaison, url):
    item = make_panel_item(app)
    make_action(app, item, liaison)
    login_as(liaison)
    assert client.get(url.format(id=item.id)).status_code == 403


def test_force_liaison_sees_only_items_with_their_action(app, client, login_as, liaison, officer):
    theirs = make_panel_item(app, text="Front line officer numbers")
    opcc_owned = make_panel_item(app, text="Precept consultation results")
    make_action(app, theirs, liaison)
    make_action(app, opcc_owned, officer)
    login_as(liaison)
    listing = client.get("/panel/").text
    assert "Front line officer numbers" in listing
    assert "Precept consultation results" not in listing
    assert client.get(f"/panel/{theirs.id}").status_code == 200


def test_force_liaison_gets_404_for_an_item_without_their_action(
    app, client, login_as, liaison, officer
):
    item = make_panel_item(app)
    make_action(app, item, officer)
    login_as(liaison)
    assert client.get(f"/panel/{item.id}").status_code == 404


def test_show_lists_the_actions_arising(app, client, login_as, officer):
    item = make_panel_item(app)
    action = make_action(app, item, officer, title="Report front line numbers to the Panel")
    login_as(officer)
    page = client.get(f"/panel/{item.id}").text
    assert "Report front line numbers to the Panel" in page
    assert action.reference in page
    assert f"/actions/new/panel_item/{item.id}" in page


def test_list_counts_actions_and_overdue_ones(app, client, login_as, officer):
    item = make_panel_item(app)
    make_action(app, item, officer)
    make_action(app, item, officer, raised_on=date(2023, 7, 28), due_on=date(2023, 8, 24))
    login_as(officer)
    page = client.get("/panel/").text
    assert '<td class="govuk-table__cell">2</td>' in page
    assert "Red</strong> 1" in page


def test_user_text_is_escaped(app, client, login_as, officer):
    item = make_panel_item(app, text="<script>alert('text')</script>", agenda_item="<b>agenda</b>")
    login_as(officer)
    for url in ("/panel/", f"/panel/{item.id}", f"/panel/{item.id}/edit"):
        page = client.get(url).text
        assert "<script>alert(" not in page
        assert "<b>agenda</b>" not in page
        assert "&lt;b&gt;agenda&lt;/b&gt;" in page


# Filters ---------------------------------------------------------------------------------


def test_meeting_filter_shows_only_that_meeting(app, client, login_as, officer):
    make_panel_item(app, text="July request")
    make_panel_item(app, text="September request", panel_meeting_on=date(2023, 9, 28))
    login_as(officer)
    page = client.get("/panel/?meeting=2023-09-28").text
    assert "September request" in page
    assert "July request" not in page


def test_kind_filter_shows_only_that_kind(app, client, login_as, officer):
    make_panel_item(app, text="A request")
    make_panel_item(app, text="A recommendation", kind=PanelItemKind.RECOMMENDATION)
    login_as(officer)
    page = client.get("/panel/?kind=recommendation").text
    assert "A recommendation" in page
    assert "A request" not in page


@pytest.mark.parametrize("garbage", ["garbage", "2023-02-30", "9999999999", "<script>", ""])
def test_meeting_filter_with_garbage_does_not_error(app, client, login_as, officer, garbage):
    make_panel_item(app)
    login_as(officer)
    response = client.get("/panel/", query_string={"meeting": garbage, "kind": garbage})
    assert response.status_code == 200
    assert FRONT_LINE in response.text
