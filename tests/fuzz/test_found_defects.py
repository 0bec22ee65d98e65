"""Fixed examples of input the fuzz tests found to break the app, kept as plain tests so
they are checked on every run, not only when the generator happens to draw them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.factories import make_action, make_meeting, make_panel_item
from tests.fuzz.conftest import check_post, snapshot
from tracker.forms import whole_number

PANEL_EDIT = {
    "panel_meeting_on": ["27", "7", "2023"],
    "kind": "request_for_information",
    "text": "Changed text",
    "published": "y",
}


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("12", 12),
        (" 7 ", 7),
        ("", None),
        (None, None),
        ("\u00b2", None),
        ("\u0661", None),
        ("\U0001d7da", None),
        ("-1", None),
        ("1" * 10, None),
        ("1e3", None),
    ],
)
def test_whole_number_reads_ascii_digits_only(text, number):
    assert whole_number(text) == number


@pytest.mark.parametrize("version", ["\u00b2", "\u0661", "\uff11", "1\u00b2"])
def test_a_version_in_other_digits_is_stale_not_a_server_error(app, officer, poster, version):
    poster.sign_in(officer)
    item = make_panel_item(app)
    poster.refresh_token(f"/panel/{item.id}/edit")
    response = check_post(
        app,
        poster,
        f"/panel/{item.id}/edit",
        {**PANEL_EDIT, "version": version},
        must_refuse=True,
    )
    assert response.status_code == 409


def test_a_date_part_too_big_for_a_machine_integer_is_a_form_error(app, officer, poster):
    poster.sign_in(officer)
    poster.refresh_token("/panel/new")
    response = check_post(
        app,
        poster,
        "/panel/new",
        {**PANEL_EDIT, "response_due_on": ["31", "9" * 40, "2024"]},
        must_refuse=True,
    )
    assert response.status_code == 200
    assert "must be a real date" in response.get_data(as_text=True)


def test_an_owner_in_other_digits_is_a_form_error(app, officer, liaison, poster):
    poster.sign_in(officer)
    meeting = make_meeting(app)
    url = f"/actions/new/meeting/{meeting.id}"
    poster.refresh_token(url)
    response = check_post(
        app,
        poster,
        url,
        {
            "title": "An action",
            "owner": "\u00b2",
            "owning_organisation": "force",
            "raised_on": ["1", "6", "2023"],
            "due_on": ["1", "9", "2023"],
            "marking": "official",
        },
        must_refuse=True,
    )
    assert response.status_code == 200


@pytest.mark.parametrize("name", ["owner", "meeting_id", "panel_item_id", "page", "tag"])
def test_list_filters_in_other_digits_are_ignored(app, officer, liaison, poster, name):
    poster.sign_in(officer)
    make_action(app, make_meeting(app), liaison)
    for value in ("\u00b2", "\u0661", "9" * 30):
        assert poster.client.get("/actions/", query_string={name: value}).status_code == 200


def test_reminder_days_in_other_digits_are_a_form_error(app, admin, poster):
    poster.sign_in(admin)
    poster.refresh_token("/admin/settings/reminder_days_before")
    before = snapshot(app)
    response = poster.post("/admin/settings/reminder_days_before", {"value": "14, \u00b2"})
    assert response.status_code == 200
    assert "whole number from 1 to 365" in response.get_data(as_text=True)
    assert snapshot(app) == before


def test_an_address_with_a_slash_is_written_inside_the_outbox_folder(app, admin, poster):
    """An address like "/x@example.org" is valid, and once named a folder that did not
    exist when the development outbox wrote the invitation to a file: a 500."""
    poster.sign_in(admin)
    poster.refresh_token("/admin/users/new")
    response = poster.post(
        "/admin/users/new",
        {"name": "Robin Slash", "email": "/r0P@a.cards", "role": "opcc_officer"},
    )
    assert response.status_code == 302
    outbox = Path(app.config["MAIL_FILE_DIR"])
    written = [p for p in outbox.rglob("*") if p.is_file()]
    assert len(written) == 1
    assert written[0].parent == outbox
    assert "r0p_at_a.cards" in written[0].name.lower()
