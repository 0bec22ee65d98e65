"""Ad-hoc A&A requests: recording, the response due date, the response, and who sees what."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from tests.factories import make_action, make_adhoc_request
from tracker.audit.models import AuditEvent
from tracker.auth.models import Role
from tracker.db import db
from tracker.sources.models import AdhocRequest, RequestStatus


def _request_data(**overrides) -> dict:
    data = {
        "subject": "Stop and search in Worcester city centre",
        "detail": "Please explain the rise in stop and search.",
        "sent_on": ["22", "12", "2023"],
        "recipient": "Chief Constable",
    }
    data.update(overrides)
    return data


def _count_requests(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(AdhocRequest.id)))


def _load(app, request_id: int) -> AdhocRequest:
    with app.app_context():
        adhoc = db.session.get(AdhocRequest, request_id)
        db.session.expunge(adhoc)
        return adhoc


def _only_request(app) -> AdhocRequest:
    with app.app_context():
        adhoc = db.session.scalars(select(AdhocRequest)).one()
        db.session.expunge(adhoc)
        return adhoc


def test_officer_records_request_due_ten_working_days_later_skipping_bank_holidays(
    app, client, login_as, post_form, officer
):
    login_as(officer)
    response = post_form("/requests/new", _request_data())
    assert response.status_code == 302
    adhoc = _only_request(app)
    assert adhoc.response_due_on == date(2024, 1, 10)
    assert adhoc.due_override_reason == ""
    page = client.get(f"/requests/{adhoc.id}").text
    assert "10 January 2024" in page
    assert "10 working days after 22 December 2023" in page
    assert "Christmas Day" in page


def test_override_due_date_with_reason_is_kept(app, client, login_as, post_form, officer):
    login_as(officer)
    data = _request_data(
        response_due_override=["31", "1", "2024"], override_reason="Agreed with the force"
    )
    assert post_form("/requests/new", data).status_code == 302
    adhoc = _only_request(app)
    assert adhoc.response_due_on == date(2024, 1, 31)
    assert adhoc.due_override_reason == "Agreed with the force"
    assert "Set by hand: Agreed with the force" in client.get(f"/requests/{adhoc.id}").text


def test_override_due_date_without_reason_is_refused_and_nothing_saved(
    app, login_as, post_form, officer
):
    login_as(officer)
    response = post_form("/requests/new", _request_data(response_due_override=["31", "1", "2024"]))
    assert response.status_code == 200
    assert "Enter why the response due date differs from the usual period" in response.text
    assert _count_requests(app) == 0


def test_override_due_date_before_date_sent_is_refused(app, login_as, post_form, officer):
    login_as(officer)
    data = _request_data(response_due_override=["1", "12", "2023"], override_reason="Urgent")
    response = post_form("/requests/new", data)
    assert response.status_code == 200
    assert "Response due date must be on or after the date sent" in response.text
    assert _count_requests(app) == 0


def test_subject_over_200_characters_is_refused_and_nothing_saved(
    app, login_as, post_form, officer
):
    login_as(officer)
    response = post_form("/requests/new", _request_data(subject="x" * 201))
    assert response.status_code == 200
    assert "Subject must be 200 characters or fewer" in response.text
    assert _count_requests(app) == 0


def test_impossible_date_shows_error_summary_and_nothing_saved(app, login_as, post_form, officer):
    login_as(officer)
    response = post_form("/requests/new", _request_data(sent_on=["31", "2", "2023"]))
    assert response.status_code == 200
    assert "govuk-error-summary" in response.text
    assert "Date sent must be a real date" in response.text
    assert _count_requests(app) == 0


def test_recording_the_response_changes_status_and_is_audited(
    app, client, login_as, post_form, officer
):
    adhoc = make_adhoc_request(app)
    login_as(officer)
    data = {
        "version": "1",
        "response_received_on": ["14", "7", "2023"],
        "response": "Stop and search rose because of a targeted operation.\nSee annex A.",
        "status": RequestStatus.FOLLOW_UP.value,
    }
    response = post_form(f"/requests/{adhoc.id}/response", data)
    assert response.status_code == 302
    saved = _load(app, adhoc.id)
    assert saved.status == RequestStatus.FOLLOW_UP
    assert saved.response_received_on == date(2023, 7, 14)
    with app.app_context():
        event = db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.entity_type == "adhoc_request", AuditEvent.entity_id == adhoc.id
            )
        ).one()
    assert event.changes["status"][1] == RequestStatus.FOLLOW_UP.value
    page = client.get(f"/requests/{adhoc.id}").text
    assert "Follow-up needed" in page


def test_response_received_before_date_sent_is_refused(app, login_as, post_form, officer):
    adhoc = make_adhoc_request(app)
    login_as(officer)
    data = {
        "version": "1",
        "response_received_on": ["1", "7", "2023"],
        "response": "Too early",
        "status": RequestStatus.RECEIVED.value,
    }
    response = post_form(f"/requests/{adhoc.id}/response", data)
    assert response.status_code == 200
    assert "must be on or after the date sent" in response.text
    assert _load(app, adhoc.id).status == RequestStatus.AWAITING


def test_written_response_keeps_line_breaks_and_is_escaped_once(app, client, login_as, officer):
    adhoc = make_adhoc_request(
        app, response="Operation <Sceptre> ran.\nSee annex A.", status=RequestStatus.RECEIVED
    )
    login_as(officer)
    page = client.get(f"/requests/{adhoc.id}").text
    # The summary list indents continuation lines; pre-line collapses that white space.
    expected = (
        r'<span class="app-pre-line">Operation &lt;Sceptre&gt; ran\.\n\s*See annex A\.</span>'
    )
    assert re.search(expected, page)


def test_date_fields_are_labelled_by_their_legends(app, client, login_as, officer):
    adhoc = make_adhoc_request(app)
    login_as(officer)
    new_page = client.get("/requests/new").text
    response_page = client.get(f"/requests/{adhoc.id}/response").text
    for page, label in [
        (new_page, "Date sent"),
        (new_page, "Response due date (only if different from the usual period)"),
        (response_page, "Date the response was received"),
        (response_page, "Status"),
    ]:
        assert re.search(r"<legend[^>]*>\s*" + re.escape(label) + r"\s*</legend>", page), label


def test_stale_edit_gets_409_and_does_not_overwrite(app, login_as, post_form, officer):
    adhoc = make_adhoc_request(app)
    login_as(officer)
    first = post_form(
        f"/requests/{adhoc.id}/edit",
        _request_data(subject="First change", sent_on=["3", "7", "2023"], version="1"),
    )
    assert first.status_code == 302
    stale = post_form(
        f"/requests/{adhoc.id}/edit",
        _request_data(subject="Stale change", sent_on=["3", "7", "2023"], version="1"),
    )
    assert stale.status_code == 409
    assert "Your changes have not been saved" in stale.text
    assert "This record changed while you were editing" in stale.text
    assert _load(app, adhoc.id).subject == "First change"


def test_liaison_sees_every_request_but_only_the_force_actions_on_it(
    app, client, login_as, liaison, officer
):
    """The force answers every request, so it sees each one, with or without actions."""
    shared = make_adhoc_request(app, subject="Request with a force action")
    opcc_owned = make_adhoc_request(app, subject="Request with only an OPCC action")
    awaiting = make_adhoc_request(app, subject="Request awaiting the written reply")
    make_action(app, shared, liaison, title="Force action Bramblewick")
    make_action(app, opcc_owned, officer, title="OPCC action Gorsefield")
    login_as(liaison)
    page = client.get("/requests/").text
    for subject in (shared.subject, opcc_owned.subject, awaiting.subject):
        assert subject in page
    assert "Record a request" not in page
    assert "Force action Bramblewick" in client.get(f"/requests/{shared.id}").text
    for adhoc in (opcc_owned, awaiting):
        response = client.get(f"/requests/{adhoc.id}")
        assert response.status_code == 200
        assert "OPCC action Gorsefield" not in response.text
        assert "Record the response" not in response.text


def test_liaison_sees_request_but_never_its_restricted_action(app, client, login_as, liaison):
    adhoc = make_adhoc_request(app)
    make_action(
        app, adhoc, liaison, opcc_only=True, title="Restricted Hawthorne", opcc_note="Note Yew"
    )
    login_as(liaison)
    response = client.get(f"/requests/{adhoc.id}")
    assert response.status_code == 200
    assert "Restricted Hawthorne" not in response.text
    assert "Note Yew" not in response.text
    assert "Actions arising (0)" in response.text


def test_panel_clerk_gets_404_for_a_request_and_an_empty_list(
    app, client, login_as, clerk, liaison
):
    adhoc = make_adhoc_request(app, subject="Force-shared request")
    make_action(app, adhoc, liaison)
    login_as(clerk)
    assert client.get(f"/requests/{adhoc.id}").status_code == 404
    page = client.get("/requests/").text
    assert "Force-shared request" not in page
    assert "No requests recorded." in page


@pytest.mark.parametrize("role", [Role.FORCE_LIAISON, Role.PANEL_CLERK])
def test_force_and_panel_users_cannot_record_a_request(client, login_as, make_user, role):
    login_as(make_user(role))
    assert client.get("/requests/new").status_code == 403


def test_subject_is_escaped_in_list_and_show_page(app, client, login_as, officer):
    adhoc = make_adhoc_request(app, subject="<script>alert(1)</script>")
    login_as(officer)
    for url in ("/requests/", f"/requests/{adhoc.id}"):
        page = client.get(url).text
        assert "<script>alert(1)</script>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_status_filter_shows_only_matching_requests(app, client, login_as, officer):
    make_adhoc_request(app, subject="Still waiting")
    make_adhoc_request(app, subject="All done", status=RequestStatus.CLOSED)
    login_as(officer)
    page = client.get("/requests/?status=closed").text
    assert "All done" in page
    assert "Still waiting" not in page
