"""Sessions that really end: sign-out kills saved cookies, an absolute age limit, and
the current-password check on "Change password" sharing the sign-in throttle."""

from __future__ import annotations

import time

from sqlalchemy import select

from tests.conftest import DEFAULT_PASSWORD, AuthActions
from tracker.auth.models import User
from tracker.auth.passwords import verify_password
from tracker.db import db
from tracker.security import SIGNED_IN_AT

THROTTLED = "Too many failed sign-in attempts"
NEW_PASSWORD = "lantern-orchard-kettle-seven"


def _session_cookie(app, client) -> str:
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    assert cookie is not None
    return cookie.value


def test_cookie_saved_before_sign_out_no_longer_works(app, client, auth, officer):
    auth.login(officer.email)
    saved = _session_cookie(app, client)
    assert auth.logout().status_code == 302
    client.set_cookie(app.config["SESSION_COOKIE_NAME"], saved)  # replayed by an attacker
    response = client.get("/actions/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_sign_out_rotates_the_session_token(app, auth, officer):
    with app.app_context():
        before = db.session.get(User, officer.id).session_token
    auth.login(officer.email)
    auth.logout()
    with app.app_context():
        assert db.session.get(User, officer.id).session_token != before


def test_session_ends_at_the_absolute_limit_however_active(app, client, auth, officer):
    auth.login(officer.email)
    limit = app.config["SESSION_ABSOLUTE_LIFETIME"].total_seconds()
    with client.session_transaction() as session:
        session[SIGNED_IN_AT] = int(time.time() - limit - 1)
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    assert client.get("/").status_code == 302  # the session is gone, not just refused once


def test_session_just_inside_the_absolute_limit_carries_on(app, client, auth, officer):
    auth.login(officer.email)
    limit = app.config["SESSION_ABSOLUTE_LIFETIME"].total_seconds()
    with client.session_transaction() as session:
        session[SIGNED_IN_AT] = int(time.time() - limit + 60)
    assert client.get("/").status_code == 200


def test_absolute_limit_is_a_setting(app, client, auth, officer):
    from datetime import timedelta

    app.config["SESSION_ABSOLUTE_LIFETIME"] = timedelta(minutes=5)
    auth.login(officer.email)
    with client.session_transaction() as session:
        session[SIGNED_IN_AT] = int(time.time() - 6 * 60)
    assert client.get("/").status_code == 302


def test_session_without_a_sign_in_time_is_ended(app, client, auth, officer):
    auth.login(officer.email)
    with client.session_transaction() as session:
        del session[SIGNED_IN_AT]
    assert client.get("/").status_code == 302


def _change_password(client, post_form, current: str):
    return post_form(
        "/account/password",
        {"current": current, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )


def test_change_password_guesses_are_throttled_like_sign_in(
    app, client, login_as, post_form, officer
):
    """Eight wrong guesses, then the right one: the right one is refused too."""
    login_as(officer)
    for n in range(8):
        _change_password(client, post_form, f"wrong-guess-number-{n}")
    response = _change_password(client, post_form, DEFAULT_PASSWORD)
    assert response.status_code == 429
    assert THROTTLED in response.text
    with app.app_context():
        stored = db.session.scalar(select(User.password_hash).where(User.id == officer.id))
        assert verify_password(stored, DEFAULT_PASSWORD)  # unchanged


def test_change_password_guesses_count_against_sign_in(app, client, login_as, post_form, officer):
    login_as(officer)
    for n in range(app.config["LOGIN_THROTTLE_MAX_PER_ACCOUNT"]):
        assert _change_password(client, post_form, f"wrong-guess-{n}").status_code == 200
    other = app.test_client()
    response = AuthActions(other).login(officer.email)
    assert response.status_code == 429
    assert THROTTLED in response.text


def test_failed_sign_ins_throttle_change_password(app, client, login_as, post_form, officer):
    login_as(officer)
    other = AuthActions(app.test_client())
    for _ in range(app.config["LOGIN_THROTTLE_MAX_PER_ACCOUNT"]):
        other.login(officer.email, "wrong-password-here")
    assert _change_password(client, post_form, DEFAULT_PASSWORD).status_code == 429


def test_right_current_password_still_changes_it(app, client, login_as, post_form, auth, officer):
    login_as(officer)
    response = _change_password(client, post_form, DEFAULT_PASSWORD)
    assert response.status_code == 302
    auth.logout()
    assert auth.login(officer.email, NEW_PASSWORD).status_code == 302


def test_static_files_never_set_the_session_cookie(app, client, auth, officer):
    """A stylesheet still loading when someone signs out must not sign them back in,
    and a cacheable file must not carry a personal cookie."""
    auth.login(officer.email)
    page = client.get("/")
    assert "Set-Cookie" in page.headers  # signed-in pages refresh the idle timeout
    with client.get("/static/images/favicon.svg") as icon:
        assert icon.status_code == 200
        assert "Set-Cookie" not in icon.headers
