"""The Panel's business over HTTP: the clerk records Panel meetings and what the Panel
resolved, the OPCC records the PCC's response, the clerk concludes or carries the matter
forward; every refusal explains itself and changes nothing."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from tests.attachments import files
from tests.conftest import csrf_token_from
from tests.factories import make_action, make_panel_item, make_panel_meeting
from tracker.actions.models import Marking
from tracker.audit.models import AuditEvent
from tracker.db import db
from tracker.sources.models import (
    PanelItem,
    PanelItemKind,
    PanelMatterState,
    PanelMeeting,
    PccResponseOutcome,
)

TECHNOLOGY = "A February report on outcomes of the investment in technology"


def meeting_data(**overrides) -> dict:
    data = {
        "held_on": ["27", "7", "2023"],
        "title": "West Mercia Police and Crime Panel",
        "venue": "County Hall, Worcester",
        "published": "y",
    }
    data.update(overrides)
    return data


def recommendation_data(**overrides) -> dict:
    data = {
        "panel_meeting_on": ["27", "7", "2023"],
        "agenda_item": "6. Police and Crime Plan update",
        "minute_number": "23/45",
        "kind": PanelItemKind.RECOMMENDATION.value,
        "text": TECHNOLOGY,
        "response_due_on": ["24", "8", "2023"],
    }
    data.update(overrides)
    return data


def conclusion_data(**overrides) -> dict:
    data = {"version": "1", "matter_state": "concluded", "carried_forward_to_id": ""}
    data.update(overrides)
    return data


def load(app, model, record_id):
    with app.app_context():
        record = db.session.get(model, record_id)
        db.session.expunge(record)
        return record


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def answered_item(app, **fields) -> PanelItem:
    meeting = make_panel_meeting(app)
    values = {
        "panel_meeting_id": meeting.id,
        "kind": PanelItemKind.RECOMMENDATION,
        "text": TECHNOLOGY,
        "response_due_on": date(2023, 8, 24),
        "pcc_response": "The PCC will report in February.",
        "pcc_response_on": date(2023, 8, 21),
        "response_outcome": PccResponseOutcome.ACCEPTED,
    }
    values.update(fields)
    return make_panel_item(app, **values)


# Panel meetings ----------------------------------------------------------------------------


def test_clerk_records_a_panel_meeting_and_it_is_audited(app, client, login_as, post_form, clerk):
    login_as(clerk)
    response = post_form("/panel/meetings/new", meeting_data())
    assert response.status_code == 302
    with app.app_context():
        meeting = db.session.scalars(select(PanelMeeting)).one()
        assert (meeting.held_on, meeting.venue) == (date(2023, 7, 27), "County Hall, Worcester")
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.entity_type == "panel_meeting")
        ).one()
        assert event.actor_id == clerk.id
    page = client.get(response.headers["Location"]).text
    assert "West Mercia Police and Crime Panel, 27 July 2023" in page
    assert "Record what the Panel resolved" in page
    assert "West Mercia Police and Crime Panel" in client.get("/panel/meetings/").text


def test_a_second_meeting_on_the_same_day_is_refused(app, login_as, post_form, clerk):
    make_panel_meeting(app)
    login_as(clerk)
    response = post_form("/panel/meetings/new", meeting_data(title="Another"))
    assert response.status_code == 200
    assert "There is already a Panel meeting on that date" in response.text
    assert count(app, PanelMeeting) == 1


def test_meeting_without_a_title_is_refused(app, login_as, post_form, clerk):
    login_as(clerk)
    response = post_form("/panel/meetings/new", meeting_data(title=""))
    assert "Enter the title of the Panel meeting" in response.text
    assert count(app, PanelMeeting) == 0


def test_moving_a_meeting_moves_the_date_of_its_items(app, login_as, post_form, clerk):
    meeting = make_panel_meeting(app)
    item = make_panel_item(app, panel_meeting_id=meeting.id)
    login_as(clerk)
    response = post_form(
        f"/panel/meetings/{meeting.id}/edit",
        meeting_data(held_on=["3", "8", "2023"], version="1"),
    )
    assert response.status_code == 302
    assert load(app, PanelItem, item.id).panel_meeting_on == date(2023, 8, 3)


def test_stale_meeting_edit_gets_409(app, login_as, post_form, clerk):
    meeting = make_panel_meeting(app)
    login_as(clerk)
    assert post_form(f"/panel/meetings/{meeting.id}/edit", meeting_data(version="1")).status_code
    stale = post_form(
        f"/panel/meetings/{meeting.id}/edit", meeting_data(version="1", venue="Shirehall")
    )
    assert stale.status_code == 409
    assert load(app, PanelMeeting, meeting.id).venue == "County Hall, Worcester"


def test_force_cannot_see_panel_meetings(app, client, login_as, liaison):
    meeting = make_panel_meeting(app)
    login_as(liaison)
    assert client.get("/panel/meetings/").status_code == 403
    assert client.get(f"/panel/meetings/{meeting.id}").status_code == 403


# Panel items --------------------------------------------------------------------------------


def test_clerk_records_a_recommendation_under_its_meeting(app, client, login_as, post_form, clerk):
    meeting = make_panel_meeting(app)
    login_as(clerk)
    form = client.get(f"/panel/new?meeting={meeting.id}").text
    assert 'value="27"' in form, "the meeting's date is filled in"
    assert 'value="2023"' in form
    assert "s.29" in form, "the hint says why a recommendation needs a due date"
    assert 'name="published"' not in form, "publication is the OPCC's to set"
    response = post_form("/panel/new", recommendation_data())
    assert response.status_code == 302
    with app.app_context():
        item = db.session.scalars(select(PanelItem)).one()
        assert item.panel_meeting_id == meeting.id
        assert item.minute_number == "23/45"
        assert item.published is True
    page = client.get(f"/panel/meetings/{meeting.id}").text
    assert "Agenda item: 6. Police and Crime Plan update" in page
    assert "23/45" in page
    assert TECHNOLOGY in page


def test_an_item_on_a_new_date_files_itself_under_a_new_meeting(app, login_as, post_form, clerk):
    login_as(clerk)
    post_form(
        "/panel/new",
        recommendation_data(
            panel_meeting_on=["12", "10", "2023"],
            kind="request_for_information",
            response_due_on=["", "", ""],
        ),
    )
    with app.app_context():
        meeting = db.session.scalars(select(PanelMeeting)).one()
        item = db.session.scalars(select(PanelItem)).one()
        assert meeting.held_on == item.panel_meeting_on == date(2023, 10, 12)
        assert item.panel_meeting_id == meeting.id


def test_report_requested_for_a_later_meeting_is_a_kind(app, client, login_as, post_form, clerk):
    login_as(clerk)
    response = post_form(
        "/panel/new",
        recommendation_data(kind="report_requested", response_due_on=["", "", ""]),
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalars(select(PanelItem.kind)).one() == PanelItemKind.REPORT_REQUESTED
    assert "Report requested for a later meeting" in client.get(response.headers["Location"]).text


# The PCC's response ---------------------------------------------------------------------------


def _respond(client, item_id: int, *, upload=(), **overrides):
    page = client.get(f"/panel/{item_id}/response").text
    data = {
        "csrf_token": csrf_token_from(page),
        "version": re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1),
        "response_outcome": "partly_accepted",
        "pcc_response": "The PCC accepts the February report, not the monthly returns.",
        "pcc_response_on": ["21", "8", "2023"],
        "files": [(io.BytesIO(content), name) for name, content in upload],
    }
    data.update(overrides)
    return client.post(f"/panel/{item_id}/response", data=data, content_type="multipart/form-data")


def test_opcc_records_the_response_with_a_letter_and_the_clerk_reads_both(
    app, client, auth, login_as, officer, clerk
):
    item = make_panel_item(
        app, kind=PanelItemKind.RECOMMENDATION, text=TECHNOLOGY, response_due_on=date(2023, 8, 24)
    )
    login_as(officer)
    assert _respond(client, item.id, upload=[("PCC letter.pdf", files.PDF)]).status_code == 302
    saved = load(app, PanelItem, item.id)
    assert saved.response_outcome == PccResponseOutcome.PARTLY_ACCEPTED
    auth.logout()
    login_as(clerk)
    page = client.get(f"/panel/{item.id}").text
    assert "Partly accepted" in page
    assert "not the monthly returns" in page
    link = re.search(r'href="(/attachments/\d+)">PCC letter.pdf</a>', page).group(1)
    assert client.get(link).data == files.PDF
    assert "Record the Panel's decision" in page
    assert "Record the PCC's response" not in page


def test_response_without_an_outcome_is_refused(app, client, login_as, officer):
    item = make_panel_item(app)
    login_as(officer)
    response = _respond(client, item.id, response_outcome="")
    assert "Choose what the PCC decided" in response.text
    assert load(app, PanelItem, item.id).pcc_response == ""


def test_response_with_a_refused_file_saves_nothing(app, client, login_as, officer):
    item = make_panel_item(app)
    login_as(officer)
    response = _respond(client, item.id, upload=[("setup.exe", files.EXE)])
    assert response.status_code == 200
    assert "setup.exe" in response.text
    assert load(app, PanelItem, item.id).pcc_response == ""


@pytest.mark.parametrize("who", ["clerk", "liaison"])
def test_only_the_opcc_records_the_response(app, client, login_as, request, who):
    item = make_panel_item(app)
    user = request.getfixturevalue(who)
    if who == "liaison":
        make_action(app, item, user)
    login_as(user)
    assert client.get(f"/panel/{item.id}/response").status_code == 403


def test_concluded_matter_takes_no_more_responses(app, client, login_as, officer):
    item = answered_item(app, matter_state=PanelMatterState.CONCLUDED)
    login_as(officer)
    assert client.get(f"/panel/{item.id}/response").status_code == 403


# The Panel's decision ----------------------------------------------------------------------------


def test_clerk_concludes_an_answered_matter_audited_in_words(
    app, client, auth, login_as, post_form, clerk, officer
):
    item = answered_item(app)
    login_as(clerk)
    response = post_form(f"/panel/{item.id}/conclusion", conclusion_data())
    assert response.status_code == 302
    assert load(app, PanelItem, item.id).matter_state == PanelMatterState.CONCLUDED
    assert "Concluded" in client.get(f"/panel/{item.id}").text
    auth.logout()
    login_as(officer)
    page = client.get(f"/panel/{item.id}").text
    assert "Panel&#39;s conclusion" in page
    assert "Concluded" in page


def test_a_matter_without_a_response_cannot_be_concluded(app, login_as, post_form, clerk):
    item = make_panel_item(app)
    login_as(clerk)
    response = post_form(f"/panel/{item.id}/conclusion", conclusion_data())
    assert response.status_code == 200
    assert "Record the PCC&#39;s response before the matter is concluded" in response.text
    assert load(app, PanelItem, item.id).matter_state == PanelMatterState.OPEN


def test_clerk_carries_a_matter_forward_to_a_later_meeting(app, client, login_as, post_form, clerk):
    item = answered_item(app)
    later = make_panel_meeting(app, held_on=date(2023, 9, 28))
    login_as(clerk)
    response = post_form(
        f"/panel/{item.id}/conclusion",
        conclusion_data(
            matter_state="carried_forward",
            carried_forward_to_id=str(later.id),
            matter_note="The Panel wants the February figures first.",
        ),
    )
    assert response.status_code == 302
    saved = load(app, PanelItem, item.id)
    assert (saved.matter_state, saved.carried_forward_to_id) == (
        PanelMatterState.CARRIED_FORWARD,
        later.id,
    )
    page = client.get(f"/panel/meetings/{later.id}").text
    assert "Carried forward to this meeting" in page
    assert TECHNOLOGY in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"carried_forward_to_id": ""}, "Choose the Panel meeting the matter is carried to"),
        ({"matter_note": ""}, "Enter why the matter is carried forward"),
        ({"carried_forward_to_id": "999"}, "Not a valid choice"),
        ({"matter_state": "open"}, "Not a valid choice"),
    ],
)
def test_carrying_forward_needs_a_later_meeting_and_a_note(
    app, login_as, post_form, clerk, overrides, message
):
    item = answered_item(app)
    later = make_panel_meeting(app, held_on=date(2023, 9, 28))
    login_as(clerk)
    data = conclusion_data(
        matter_state="carried_forward", carried_forward_to_id=str(later.id), matter_note="Why"
    )
    data.update(overrides)
    response = post_form(f"/panel/{item.id}/conclusion", data)
    assert response.status_code == 200
    assert message in response.text
    assert load(app, PanelItem, item.id).matter_state == PanelMatterState.OPEN


def test_an_earlier_meeting_is_not_offered_for_carrying_forward(app, client, login_as, clerk):
    item = answered_item(app)
    earlier = make_panel_meeting(app, held_on=date(2023, 6, 1), title="June Panel")
    login_as(clerk)
    page = client.get(f"/panel/{item.id}/conclusion").text
    assert f'value="{earlier.id}"' not in page


def test_stale_conclusion_gets_409_and_changes_nothing(app, login_as, post_form, clerk):
    item = answered_item(app)
    login_as(clerk)
    post_form(f"/panel/{item.id}/conclusion", conclusion_data())
    stale = post_form(
        f"/panel/{item.id}/conclusion",
        conclusion_data(matter_state="carried_forward", matter_note="Stale"),
    )
    assert stale.status_code == 409
    assert load(app, PanelItem, item.id).matter_state == PanelMatterState.CONCLUDED


def test_opcc_cannot_conclude_for_the_panel(app, client, login_as, officer):
    item = answered_item(app)
    login_as(officer)
    assert client.get(f"/panel/{item.id}/conclusion").status_code == 403


# What the clerk never sees -----------------------------------------------------------------------

SENSITIVE = "Vetting backlog of officers under investigation"


def test_force_official_sensitive_action_never_reaches_the_clerk(
    app, client, login_as, clerk, liaison
):
    item = answered_item(app)
    make_action(app, item, liaison, title=SENSITIVE, marking=Marking.OFFICIAL_SENSITIVE)
    make_action(app, item, liaison, title="Publish the technology figures")
    login_as(clerk)
    for url in (
        f"/panel/{item.id}",
        f"/panel/meetings/{item.panel_meeting_id}",
        "/panel/meetings/",
        "/panel/",
        "/panel/programme/",
        f"/panel/{item.id}/conclusion",
    ):
        page = client.get(url)
        assert page.status_code == 200, url
        assert SENSITIVE not in page.text, url
    assert "Publish the technology figures" in client.get(f"/panel/{item.id}").text


def test_unpublished_item_stays_off_the_clerks_meeting_page(app, client, login_as, clerk):
    meeting = make_panel_meeting(app)
    make_panel_item(app, panel_meeting_id=meeting.id, text="OPCC draft note", published=False)
    login_as(clerk)
    assert "OPCC draft note" not in client.get(f"/panel/meetings/{meeting.id}").text


def test_response_files_of_an_unpublished_item_stay_hidden_from_the_clerk(
    app, client, auth, login_as, officer, clerk
):
    item = make_panel_item(
        app, published=False, kind=PanelItemKind.INFORMATION, text="OPCC-only briefing"
    )
    login_as(officer)
    assert _respond(client, item.id, upload=[("Briefing.pdf", files.PDF)]).status_code == 302
    page = client.get(f"/panel/{item.id}").text
    link = re.search(r'href="(/attachments/\d+)">Briefing.pdf</a>', page).group(1)
    auth.logout()
    login_as(clerk)
    assert client.get(link).status_code == 404
    assert client.get(f"/panel/{item.id}").status_code == 404
