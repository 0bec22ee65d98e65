"""The end of an idle session: the warning's keep-alive, and no dead end for a form
posted after the session ended (the browser side is tests/browser/test_forms.py)."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from tests.conftest import DEFAULT_PASSWORD, csrf_token_from
from tests.factories import make_action, make_meeting
from tracker.actions.models import ActionUpdate
from tracker.db import db
from tracker.security import SESSION_ENDED


@pytest.fixture
def force_action(app, liaison):
    return make_action(app, make_meeting(app), liaison, title="Review the VAL contract")


def test_signed_in_pages_carry_the_timeout_warning_with_the_idle_time(
    app, client, login_as, officer
):
    app.config["PERMANENT_SESSION_LIFETIME"] = app.config["PERMANENT_SESSION_LIFETIME"] * 2
    login_as(officer)
    page = client.get("/").text
    dialog = re.search(r'<dialog[^>]*data-module="session-timeout"[^>]*>', page, re.S).group(0)
    idle = int(app.config["PERMANENT_SESSION_LIFETIME"].total_seconds())
    assert f'data-idle-seconds="{idle}"' in dialog
    assert 'data-keep-alive-url="/session/keep-alive"' in dialog
    assert 'aria-labelledby="session-timeout-title"' in dialog


def test_the_sign_in_page_has_no_timeout_warning(client):
    assert "session-timeout" not in client.get("/login").text


def test_keep_alive_renews_the_session_cookie(client, login_as, officer):
    login_as(officer)
    token = csrf_token_from(client.get("/").text)
    response = client.post("/session/keep-alive", headers={"X-CSRFToken": token})
    assert response.status_code == 200
    assert response.get_json()["idle_seconds"] > 0
    assert "tracker_session=" in response.headers["Set-Cookie"]


def test_keep_alive_without_a_token_is_refused(client, login_as, officer):
    login_as(officer)
    assert client.post("/session/keep-alive").status_code == 400


def test_a_form_posted_after_the_session_ended_goes_to_sign_in_and_back_to_the_form(
    app, client, login_as, liaison, force_action
):
    login_as(liaison)
    page_url = f"/actions/{force_action.id}"
    token = csrf_token_from(client.get(page_url).text)
    client.delete_cookie("tracker_session")  # what the idle timeout does
    response = client.post(
        f"/actions/{force_action.id}/updates",
        data={"csrf_token": token, "text": "A long update"},
        headers={"Referer": f"http://localhost{page_url}"},
    )
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/login"
    assert parse_qs(location.query)["next"] == [page_url]
    login_page = client.get(response.headers["Location"])
    assert SESSION_ENDED in login_page.text
    signed_in = client.post(
        response.headers["Location"],
        data={
            "email": liaison.email,
            "password": DEFAULT_PASSWORD,
            "csrf_token": csrf_token_from(login_page.text),
        },
    )
    assert signed_in.headers["Location"] == page_url
    with app.app_context():
        assert db.session.scalar(select(func.count(ActionUpdate.id))) == 0


def test_a_form_posted_from_another_site_after_the_session_ended_goes_home_after_sign_in(
    client, login_as, liaison, force_action
):
    response = client.post(
        f"/actions/{force_action.id}/updates",
        data={"text": "A long update"},
        headers={"Referer": "https://elsewhere.example/actions/1"},
    )
    location = urlsplit(response.headers["Location"])
    assert location.path == "/login"
    assert parse_qs(location.query)["next"] == ["/"]
