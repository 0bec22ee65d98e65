"""Actions through HTTP: raising, updating, closing, extensions, conflicts and visibility."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from tests.factories import london_today, make_action
from tracker.actions.models import Action, ActionStatus, ActionUpdate, ExtensionRequest
from tracker.db import db


def _date(d: date) -> list[str]:
    return [str(d.day), str(d.month), str(d.year)]


def action_fields(owner_user, **overrides):
    data = {
        "title": "Review the victims needs assessment with the force",
        "description": "Joint working group to review the victims needs assessment.",
        "owner": str(owner_user.id),
        "owning_organisation": "force",
        "lead_role": "ACC Local Policing",
        "raised_on": _date(date(2023, 6, 5)),
        "due_on": _date(date(2023, 9, 30)),
        "marking": "official",
    }
    data.update(overrides)
    return data


def count_actions(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Action.id)))


def get_action(app, action_id) -> Action:
    with app.app_context():
        action = db.session.get(Action, action_id)
        db.session.expunge(action)
        return action


def test_officer_raises_two_actions_numbered_within_the_meeting(
    app, client, login_as, officer, liaison, meeting, post_form
):
    login_as(officer)
    url = f"/actions/new/meeting/{meeting.id}"
    first = post_form(url, action_fields(liaison))
    second = post_form(url, action_fields(liaison, title="Review VAL governance"))
    assert first.status_code == second.status_code == 302
    with app.app_context():
        actions = db.session.scalars(select(Action).order_by(Action.id)).all()
        assert [a.reference for a in actions] == ["AA-2023-001", "AA-2023-002"]
        assert [a.meeting_item_no for a in actions] == [1, 2]
        assert actions[0].original_due_on == date(2023, 9, 30)
    page = client.get(f"/meetings/{meeting.id}").text
    assert "AA-2023-001" in page
    assert "AA-2023-002" in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"due_on": ["1", "1", "2023"]}, "Due date must be the same as or after the date raised"),
        ({"owner": ""}, "Choose an owner"),
        ({"owner": "99999"}, "Not a valid choice"),
        ({"title": "x" * 201}, "Title must be 200 characters or fewer"),
        ({"title": ""}, "Enter a title"),
        ({"due_on": ["31", "2", "2023"]}, "Due date must be a real date"),
        ({"due_on": ["", "", "2023"]}, "Due date must include a day and month"),
        ({"raised_on": ["1", "1", "1066"]}, "Date raised must be between 1990 and 2100"),
        ({"marking": "top_secret"}, "Not a valid choice"),
        ({"opcc_only": "y"}, "cannot be restricted to the OPCC"),
        ({"reference": "bad ref!"}, "Reference can only contain"),
    ],
)
def test_invalid_action_is_explained_and_nothing_saved(
    app, login_as, officer, liaison, meeting, post_form, overrides, message
):
    login_as(officer)
    response = post_form(f"/actions/new/meeting/{meeting.id}", action_fields(liaison, **overrides))
    assert response.status_code == 200
    assert "govuk-error-summary" in response.text
    assert message in response.text
    assert count_actions(app) == 0


def test_crafted_date_with_one_part_is_a_form_error(
    app, login_as, officer, liaison, meeting, post_form
):
    login_as(officer)
    response = post_form(
        f"/actions/new/meeting/{meeting.id}", action_fields(liaison, due_on="2023")
    )
    assert response.status_code == 200
    assert count_actions(app) == 0


def test_duplicate_reference_is_refused(app, login_as, officer, liaison, meeting, post_form):
    make_action(app, meeting, liaison, reference="AA-2023-014")
    login_as(officer)
    response = post_form(
        f"/actions/new/meeting/{meeting.id}", action_fields(liaison, reference="aa-2023-014")
    )
    assert "already used" in response.text
    assert count_actions(app) == 1


def test_deactivated_owner_is_refused(app, login_as, officer, make_user, meeting, post_form):
    from tracker.auth.models import Role

    gone = make_user(Role.FORCE_LIAISON, active=False)
    login_as(officer)
    response = post_form(f"/actions/new/meeting/{meeting.id}", action_fields(gone))
    assert response.status_code == 200
    assert count_actions(app) == 0


def test_force_updates_and_submits_then_opcc_closes(
    app, client, login_as, auth, officer, liaison, force_action, post_form
):
    login_as(liaison)
    page = f"/actions/{force_action.id}"
    post_form(
        f"/actions/{force_action.id}/updates",
        {"text": "Working group met on 1 August", "rag": "amber"},
        form_page=page,
    )
    post_form(
        f"/actions/{force_action.id}/status",
        {"target": "implemented", "note": "Assessment published", "version": "1"},
        form_page=page,
    )
    assert get_action(app, force_action.id).status == ActionStatus.IMPLEMENTED
    refused = post_form(
        f"/actions/{force_action.id}/status", {"target": "closed", "version": "2"}, form_page=page
    )
    assert refused.status_code == 403
    auth.logout()
    login_as(officer)
    closed = post_form(
        f"/actions/{force_action.id}/status",
        {
            "target": "closed",
            "method": "evidence_reviewed",
            "verdict": "assured",
            "note": "Assured",
            "version": "2",
        },
        form_page=page,
    )
    assert closed.status_code == 302
    action = get_action(app, force_action.id)
    assert action.status == ActionStatus.CLOSED
    timeline = client.get(page).text
    assert "Implemented → Closed" in timeline
    assert "Working group met on 1 August" in timeline


def test_submission_without_evidence_is_refused(app, login_as, liaison, force_action, post_form):
    login_as(liaison)
    response = post_form(
        f"/actions/{force_action.id}/status",
        {"target": "implemented", "note": "", "version": "1"},
        form_page=f"/actions/{force_action.id}",
    )
    assert response.status_code == 400
    assert "Enter evidence of implementation" in response.text
    assert get_action(app, force_action.id).status == ActionStatus.OPEN


def test_stale_status_change_is_refused(app, login_as, officer, force_action, post_form):
    login_as(officer)
    page = f"/actions/{force_action.id}"
    post_form(
        f"/actions/{force_action.id}/status",
        {"target": "in_progress", "version": "1"},
        form_page=page,
    )
    stale = post_form(
        f"/actions/{force_action.id}/status",
        {"target": "withdrawn", "note": "No longer needed", "version": "1"},
        form_page=page,
    )
    assert stale.status_code == 409
    assert "changed while you were editing" in stale.text
    assert get_action(app, force_action.id).status == ActionStatus.IN_PROGRESS


def test_stale_edit_names_the_change_and_does_not_overwrite(
    app, login_as, officer, liaison, force_action, post_form
):
    login_as(officer)
    url = f"/actions/{force_action.id}/edit"
    post_form(url, action_fields(liaison, title="First editor's title", version="1"))
    stale = post_form(url, action_fields(liaison, title="Second editor's title", version="1"))
    assert stale.status_code == 409
    assert "Olu Officer changed Title: " in stale.text
    assert "→ First editor&#39;s title;" in stale.text
    assert get_action(app, force_action.id).title == "First editor's title"


def test_extension_request_and_approval_keep_the_original_due_date(
    app, client, login_as, auth, officer, liaison, force_action, post_form
):
    login_as(liaison)
    new_due = force_action.due_on + timedelta(days=30)
    post_form(
        f"/actions/{force_action.id}/extensions",
        {"proposed_due_on": _date(new_due), "reason": "Awaiting national guidance"},
        form_page=f"/actions/{force_action.id}",
    )
    auth.logout()
    login_as(officer)
    with app.app_context():
        extension_id = db.session.scalar(select(ExtensionRequest.id))
    post_form(
        f"/actions/extensions/{extension_id}/decision",
        {"decision": "approve"},
        form_page=f"/actions/{force_action.id}",
    )
    action = get_action(app, force_action.id)
    assert action.due_on == new_due
    assert action.original_due_on == force_action.original_due_on
    page = client.get(f"/actions/{force_action.id}").text
    assert "Awaiting national guidance" in page
    assert "originally" in page


def test_extension_to_an_earlier_date_is_refused(app, login_as, liaison, force_action, post_form):
    login_as(liaison)
    response = post_form(
        f"/actions/{force_action.id}/extensions",
        {"proposed_due_on": _date(force_action.due_on - timedelta(days=1)), "reason": "x"},
        form_page=f"/actions/{force_action.id}",
    )
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count(ExtensionRequest.id))) == 0


def test_declining_needs_a_reason(app, login_as, officer, liaison, force_action, post_form):
    with app.app_context():
        db.session.add(
            ExtensionRequest(
                action_id=force_action.id,
                requested_by_id=liaison.id,
                current_due_on=force_action.due_on,
                proposed_due_on=force_action.due_on + timedelta(days=7),
                reason="r",
            )
        )
        db.session.commit()
        extension_id = db.session.scalar(select(ExtensionRequest.id))
    login_as(officer)
    response = post_form(
        f"/actions/extensions/{extension_id}/decision",
        {"decision": "decline", "note": ""},
        form_page=f"/actions/{force_action.id}",
    )
    assert response.status_code == 400
    assert get_action(app, force_action.id).due_on == force_action.due_on


def test_author_can_correct_an_update_only_within_the_grace_period(
    app, login_as, liaison, force_action, post_form
):
    login_as(liaison)
    post_form(
        f"/actions/{force_action.id}/updates",
        {"text": "Teh group met"},
        form_page=f"/actions/{force_action.id}",
    )
    with app.app_context():
        update_id = db.session.scalar(select(ActionUpdate.id))
    ok = post_form(f"/actions/updates/{update_id}/edit", {"text": "The group met"})
    assert ok.status_code == 302
    with app.app_context():
        update = db.session.get(ActionUpdate, update_id)
        update.created_at = update.created_at - timedelta(hours=1)
        db.session.commit()
    late = post_form(f"/actions/updates/{update_id}/edit", {"text": "Rewritten history"})
    assert "can no longer be changed" in late.text
    with app.app_context():
        assert db.session.get(ActionUpdate, update_id).text == "The group met"


def test_someone_else_cannot_correct_an_update(
    app, client, login_as, auth, officer, liaison, force_action, post_form
):
    login_as(liaison)
    post_form(
        f"/actions/{force_action.id}/updates",
        {"text": "Mine"},
        form_page=f"/actions/{force_action.id}",
    )
    auth.logout()
    login_as(officer)
    with app.app_context():
        update_id = db.session.scalar(select(ActionUpdate.id))
    assert client.get(f"/actions/updates/{update_id}/edit").status_code == 403


def test_force_user_fetching_an_opcc_only_action_gets_404(
    app, client, login_as, officer, liaison, meeting
):
    secret = make_action(app, meeting, officer, opcc_only=True, title="Restricted review")
    login_as(liaison)
    assert client.get(f"/actions/{secret.id}").status_code == 404
    assert "Restricted review" not in client.get("/actions/").text


def test_internal_note_and_internal_updates_are_hidden_from_the_force(
    app, client, login_as, auth, officer, liaison, meeting, post_form
):
    action = make_action(app, meeting, liaison, opcc_note="Chief Executive is sceptical")
    login_as(officer)
    post_form(
        f"/actions/{action.id}/updates",
        {"text": "OPCC-only musing", "opcc_only": "y"},
        form_page=f"/actions/{action.id}",
    )
    assert "Chief Executive is sceptical" in client.get(f"/actions/{action.id}").text
    auth.logout()
    login_as(liaison)
    page = client.get(f"/actions/{action.id}").text
    assert "Chief Executive is sceptical" not in page
    assert "OPCC-only musing" not in page


def test_panel_clerk_reads_but_cannot_change(app, client, login_as, clerk, force_action, post_form):
    login_as(clerk)
    assert client.get(f"/actions/{force_action.id}").status_code == 200
    assert client.get(f"/actions/{force_action.id}/edit").status_code == 403
    response = post_form(
        f"/actions/{force_action.id}/updates",
        {"text": "x"},
        form_page=f"/actions/{force_action.id}",
    )
    assert response.status_code == 403


def test_force_user_cannot_raise_actions(app, client, login_as, liaison, meeting):
    login_as(liaison)
    assert client.get(f"/actions/new/meeting/{meeting.id}").status_code == 403


def test_list_filters_by_rag_overdue_and_search(app, client, login_as, officer, liaison, meeting):
    today = london_today()
    make_action(
        app,
        meeting,
        liaison,
        title="Overdue thing",
        due_on=today - timedelta(days=3),
        raised_on=today - timedelta(days=40),
    )
    make_action(app, meeting, liaison, title="Soon thing", due_on=today + timedelta(days=2))
    make_action(app, meeting, liaison, title="Later thing", due_on=today + timedelta(days=90))
    login_as(officer)
    red = client.get("/actions/?rag=red").text
    assert "Overdue thing" in red
    assert "Soon thing" not in red
    assert "3 days overdue" in red
    amber = client.get("/actions/?rag=amber").text
    assert "Soon thing" in amber
    assert "Later thing" not in amber
    overdue = client.get("/actions/?overdue=1").text
    assert "Overdue thing" in overdue
    assert "Later thing" not in overdue
    search = client.get("/actions/?q=LATER").text
    assert "Later thing" in search
    assert "Soon thing" not in search


def test_list_ignores_nonsense_arguments(client, login_as, officer):
    login_as(officer)
    response = client.get(
        "/actions/?rag=purple&status=x&owner=abc&due_from=2023-02-31&page=-1&sort=drop&q=%25_"
    )
    assert response.status_code == 200


def test_list_pages_keep_the_filters(app, client, login_as, officer, liaison, meeting):
    for n in range(30):
        make_action(app, meeting, liaison, title=f"Paged action {n}")
    login_as(officer)
    page = client.get("/actions/?q=paged").text
    assert "Page 1 of 2" in page
    assert "q=paged" in page
    assert "page=2" in page


def test_multi_line_text_is_escaped_once_and_keeps_its_lines(
    app, client, login_as, officer, meeting
):
    action = make_action(app, meeting, officer, description="First <b>line</b>\nSecond line")
    login_as(officer)
    page = client.get(f"/actions/{action.id}").text
    # The summary list indents its HTML; white-space: pre-line collapses that indent.
    assert re.search(
        r'<span class="app-pre-line">First &lt;b&gt;line&lt;/b&gt;\n\s*Second line</span>', page
    )


def test_title_of_only_spaces_is_refused(app, login_as, officer, liaison, meeting, post_form):
    login_as(officer)
    response = post_form(f"/actions/new/meeting/{meeting.id}", action_fields(liaison, title="    "))
    assert "Enter a title" in response.text
    assert count_actions(app) == 0
