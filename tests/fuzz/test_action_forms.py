"""Hostile values posted to the action forms: create and edit, status changes,
updates and their corrections, extension requests and decisions, and list filters."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from tests.factories import london_today, make_action, make_meeting
from tests.fuzz.conftest import (
    FUZZ,
    ODD_DIGITS,
    assert_no_raw_markup,
    check_post,
    date_refused,
    first,
    form_posts,
    hostile_choice,
    hostile_date,
    hostile_number,
    hostile_text,
    posted,
    text_refused,
)
from tracker.actions.models import Action, ActionStatus, ExtensionRequest, Marking
from tracker.actions.status import transition_for
from tracker.db import db


def parts(day) -> list[str]:
    return [str(day.day), str(day.month), str(day.year)]


def action_page(poster, action_id: int):
    def _show(response) -> str:
        page = poster.client.get(f"/actions/{action_id}")
        assert page.status_code == 200
        return page.get_data(as_text=True)

    return _show


def redirected_page(poster):
    def _show(response) -> str:
        page = poster.client.get(response.headers["Location"])
        assert page.status_code == 200
        return page.get_data(as_text=True)

    return _show


def action_version(app, action_id: int) -> int:
    with app.app_context():
        version = db.session.get(Action, action_id).version
        db.session.remove()
        return version


OWNER = "owner-id"  # replaced by the owner's id in each test


def with_owner(pairs, owner_id: int) -> list[tuple[str, str]]:
    return [(k, str(owner_id) if v == OWNER else v) for k, v in pairs]


def action_form(owner_id: int | str = OWNER) -> dict:
    today = london_today()
    return {
        "title": "Review the victims needs assessment",
        "description": "Joint working group",
        "owner": str(owner_id),
        "owning_organisation": "force",
        "lead_role": "ACC Local Policing",
        "raised_on": parts(today - timedelta(days=10)),
        "due_on": parts(today + timedelta(days=30)),
        "marking": Marking.OFFICIAL.value,
    }


ACTION_HOSTILE = {
    "reference": st.one_of(hostile_text(), st.text("AB-/.0123", max_size=45)),
    "title": hostile_text(),
    "description": hostile_text(),
    "owner": st.one_of(hostile_number(), hostile_text()),
    "owning_organisation": hostile_choice(["force", "opcc"]),
    "lead_role": hostile_text(),
    "raised_on": hostile_date(),
    "due_on": hostile_date(),
    "marking": hostile_choice([m.value for m in Marking]),
    "opcc_only": hostile_text(),
    "opcc_note": hostile_text(),
    "tags": st.one_of(hostile_number(), hostile_text()),
}


def action_refused(pairs) -> bool:
    owner = posted(pairs, "owner")[:1]
    return (
        text_refused(pairs, "title", max_length=200, required=True)
        or text_refused(pairs, "description", max_length=None)
        or text_refused(pairs, "lead_role", max_length=120)
        or text_refused(pairs, "opcc_note", max_length=None)
        or date_refused(pairs, "raised_on", required=True)
        or date_refused(pairs, "due_on", required=True)
        or (bool(owner) and not (owner[0].isascii() and owner[0].strip().isdigit()))
        or any(v.strip() and not v.strip().isdigit() for v in posted(pairs, "tags"))
    )


@FUZZ
@given(pairs=form_posts(action_form(), ACTION_HOSTILE))
def test_action_create(app, officer, liaison, poster, pairs):
    poster.sign_in(officer)
    meeting = make_meeting(app)
    url = f"/actions/new/meeting/{meeting.id}"
    poster.refresh_token(url)
    pairs = with_owner(pairs, liaison.id)
    check_post(
        app,
        poster,
        url,
        pairs,
        must_refuse=action_refused(pairs),
        show=redirected_page(poster),
        texts=[v for k, v in pairs if k in ("title", "description", "lead_role", "opcc_note")],
        saved_texts=first(pairs, "title", "lead_role"),
    )


@FUZZ
@given(
    pairs=form_posts(
        {**action_form(), "version": "1"}, {**ACTION_HOSTILE, "version": hostile_number()}
    )
)
def test_action_edit(app, officer, liaison, poster, pairs):
    poster.sign_in(officer)
    action = make_action(app, make_meeting(app), liaison)
    url = f"/actions/{action.id}/edit"
    poster.refresh_token(url)
    pairs = with_owner(pairs, liaison.id)
    version = posted(pairs, "version")
    response = check_post(
        app,
        poster,
        url,
        pairs,
        must_refuse=action_refused(pairs) or not version or version[0] != "1",
        show=action_page(poster, action.id),
        texts=[v for k, v in pairs if k in ("title", "description", "lead_role", "opcc_note")],
        saved_texts=first(pairs, "title", "lead_role"),
    )
    if response.status_code == 409:
        assert action_version(app, action.id) == 1
        assert "Your changes have not been saved" in response.get_data(as_text=True)
    assert action_version(app, action.id) in {1, 2}


@FUZZ
@given(
    pairs=form_posts(
        {"target": "in_progress", "note": "Started", "version": "1"},
        {
            "target": hostile_choice([s.value for s in ActionStatus]),
            "note": hostile_text(),
            "version": hostile_number(),
        },
    )
)
def test_status_change(app, officer, liaison, poster, pairs):
    poster.sign_in(officer)
    action = make_action(app, make_meeting(app), liaison)
    poster.refresh_token(f"/actions/{action.id}")
    version = posted(pairs, "version")
    check_post(
        app,
        poster,
        f"/actions/{action.id}/status",
        pairs,
        must_refuse=text_refused(pairs, "note", max_length=20_000)
        or not version
        or version[0] != "1"
        or not declared_from_open(posted(pairs, "target")[:1]),
        show=action_page(poster, action.id),
        texts=posted(pairs, "note"),
    )


def declared_from_open(target: list[str]) -> bool:
    """Whether the state machine declares a move from open to the posted target."""
    statuses = {s.value: s for s in ActionStatus}
    return (
        bool(target)
        and target[0] in statuses
        and (transition_for(ActionStatus.OPEN, statuses[target[0]]) is not None)
    )


UPDATE_HOSTILE = {
    "text": hostile_text(),
    "rag": hostile_choice(["red", "amber", "green", "complete"]),
    "opcc_only": hostile_text(),
}


@FUZZ
@given(pairs=form_posts({"text": "Working group met", "rag": "green"}, UPDATE_HOSTILE))
def test_update(app, officer, liaison, poster, pairs):
    poster.sign_in(liaison)
    action = make_action(app, make_meeting(app), liaison)
    poster.refresh_token(f"/actions/{action.id}")
    check_post(
        app,
        poster,
        f"/actions/{action.id}/updates",
        pairs,
        must_refuse=text_refused(pairs, "text", max_length=20_000, required=True),
        show=action_page(poster, action.id),
        texts=posted(pairs, "text"),
        saved_texts=first(pairs, "text"),
    )


@FUZZ
@given(text=hostile_text())
def test_update_correction(app, liaison, poster, text):
    from tracker.actions.models import ActionUpdate

    poster.sign_in(liaison)
    action = make_action(app, make_meeting(app), liaison)
    with app.app_context():
        update = ActionUpdate(action_id=action.id, author_id=liaison.id, text="First words")
        db.session.add(update)
        db.session.commit()
        update_id = update.id
    url = f"/actions/updates/{update_id}/edit"
    poster.refresh_token(url)
    check_post(
        app,
        poster,
        url,
        [("text", text)],
        must_refuse=text_refused([("text", text)], "text", max_length=20_000, required=True),
        show=action_page(poster, action.id),
        texts=[text],
        saved_texts=[text],
    )


@FUZZ
@given(
    pairs=form_posts(
        {"proposed_due_on": parts(london_today() + timedelta(days=90)), "reason": "Staffing"},
        {"proposed_due_on": hostile_date(), "reason": hostile_text()},
    )
)
def test_extension_request(app, liaison, poster, pairs):
    poster.sign_in(liaison)
    action = make_action(app, make_meeting(app), liaison)
    poster.refresh_token(f"/actions/{action.id}")
    check_post(
        app,
        poster,
        f"/actions/{action.id}/extensions",
        pairs,
        must_refuse=text_refused(pairs, "reason", max_length=20_000, required=True)
        or date_refused(pairs, "proposed_due_on", required=True),
        show=action_page(poster, action.id),
        texts=posted(pairs, "reason"),
        saved_texts=first(pairs, "reason"),
    )


@FUZZ
@given(
    pairs=form_posts(
        {"decision": "approve", "note": "Agreed"},
        {"decision": hostile_choice(["approve", "decline"]), "note": hostile_text()},
    )
)
def test_extension_decision(app, officer, liaison, poster, pairs):
    poster.sign_in(officer)
    action = make_action(app, make_meeting(app), liaison)
    with app.app_context():
        extension = ExtensionRequest(
            action_id=action.id,
            requested_by_id=liaison.id,
            current_due_on=action.due_on,
            proposed_due_on=action.due_on + timedelta(days=30),
            reason="Staffing",
        )
        db.session.add(extension)
        db.session.commit()
        extension_id = extension.id
    poster.refresh_token(f"/actions/{action.id}")
    decision = posted(pairs, "decision")[:1]
    check_post(
        app,
        poster,
        f"/actions/extensions/{extension_id}/decision",
        pairs,
        must_refuse=text_refused(pairs, "note", max_length=20_000)
        or decision not in (["approve"], ["decline"]),
        show=action_page(poster, action.id),
        texts=posted(pairs, "note"),
    )


FILTER_NAMES = [
    *("owner", "tag", "status", "rag", "source", "organisation", "q", "sort", "page"),
    *("due_from", "due_to", "overdue", "meeting_id", "panel_item_id"),
]


@FUZZ
@given(
    args=st.lists(
        st.tuples(
            st.sampled_from(FILTER_NAMES),
            st.one_of(hostile_number(), hostile_text(), st.sampled_from(ODD_DIGITS)),
        ),
        max_size=6,
    ),
    path=st.sampled_from(["/actions/", "/actions/export.csv", "/actions/export.xlsx"]),
)
def test_action_list_filters(app, officer, liaison, poster, args, path):
    """Filters come from the query string: anything odd is ignored, never an error."""
    poster.sign_in(officer)
    if not hasattr(poster, "seeded"):
        make_action(app, make_meeting(app), liaison, title="<b>bold</b> title")
        poster.seeded = True
    response = poster.client.get(path, query_string=args)
    assert response.status_code == 200
    if path == "/actions/":
        assert_no_raw_markup(response.get_data(as_text=True), *(v for _, v in args))
        assert "<b>bold</b> title" not in response.get_data(as_text=True)
