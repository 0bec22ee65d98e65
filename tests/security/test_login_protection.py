"""Sign-in protection that tests/auth does not already cover: throttling across accounts
and addresses, the NCSC password rules on every form that sets a password, and sessions
ending when the password changes."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.conftest import DEFAULT_PASSWORD, AuthActions, csrf_token_from
from tracker.auth.models import LoginAttempt
from tracker.auth.passwords import MIN_LENGTH, password_problem
from tracker.db import db

THROTTLED = "Too many failed sign-in attempts"
STRONG = "lantern orchard velvet compass"  # lower-case words only: no composition rules


def _login_from(app, address: str, email: str, password: str):
    client = app.test_client()
    page = client.get("/login", environ_base={"REMOTE_ADDR": address})
    return client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": csrf_token_from(page.text)},
        environ_base={"REMOTE_ADDR": address},
    )


def test_account_throttle_holds_whatever_address_the_attempts_come_from(app, officer):
    for n in range(app.config["LOGIN_THROTTLE_MAX_PER_ACCOUNT"]):
        _login_from(app, f"192.0.2.{n + 1}", officer.email, "wrong-password-here")
    response = _login_from(app, "198.51.100.9", officer.email.upper(), DEFAULT_PASSWORD)
    assert response.status_code == 429
    assert THROTTLED in response.text
    assert "govuk-error-summary" in response.text


def test_throttled_attempts_are_refused_without_checking_or_recording(app, officer):
    for _ in range(app.config["LOGIN_THROTTLE_MAX_PER_ACCOUNT"]):
        _login_from(app, "192.0.2.1", officer.email, "wrong-password-here")
    with app.app_context():
        recorded = db.session.scalar(select(func.count(LoginAttempt.id)))
    assert _login_from(app, "192.0.2.1", officer.email, DEFAULT_PASSWORD).status_code == 429
    with app.app_context():
        assert db.session.scalar(select(func.count(LoginAttempt.id))) == recorded


def test_address_throttle_has_a_clear_message_and_spares_other_addresses(app, officer, admin):
    app.config["LOGIN_THROTTLE_MAX_PER_ADDRESS"] = 4
    for n in range(4):
        _login_from(app, "203.0.113.7", f"guess{n}@example.org", "wrong-password-here")
    refused = _login_from(app, "203.0.113.7", officer.email, DEFAULT_PASSWORD)
    assert refused.status_code == 429
    assert THROTTLED in refused.text
    assert _login_from(app, "203.0.113.8", officer.email, DEFAULT_PASSWORD).status_code == 302
    assert _login_from(app, "203.0.113.8", admin.email, DEFAULT_PASSWORD).status_code == 302


def test_throttle_message_is_the_same_for_unknown_accounts(app):
    """Throttling must not reveal which email addresses have accounts."""
    for _ in range(app.config["LOGIN_THROTTLE_MAX_PER_ACCOUNT"]):
        _login_from(app, "192.0.2.50", "nobody@example.org", "wrong-password-here")
    response = _login_from(app, "192.0.2.51", "nobody@example.org", "wrong-password-here")
    assert response.status_code == 429
    assert THROTTLED in response.text


# NCSC password rules --------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("a" * (MIN_LENGTH - 1), "12 characters or more"),
        ("password1234", "too easy to guess"),
        ("qwertyuiop123", "too easy to guess"),
        ("Password123!", "too easy to guess"),  # meets old composition rules, still weak
        ("x" * 257, "256 characters or fewer"),
        (STRONG, None),
        ("tulip-harbour-9", None),  # exactly the kind of phrase NCSC suggests
        ("lanternorchar", None),  # 13 characters, no digits, no capitals, no symbols
    ],
)
def test_password_rules_follow_ncsc_guidance(app, password, problem):
    with app.app_context():
        found = password_problem(password)
    if problem is None:
        assert found is None
    else:
        assert found is not None
        assert problem in found


def _change_password(client, current: str, new: str, confirm: str | None = None):
    page = client.get("/account/password")
    return client.post(
        "/account/password",
        data={
            "current": current,
            "password": new,
            "confirm": new if confirm is None else confirm,
            "csrf_token": csrf_token_from(page.text),
        },
    )


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("short-one", "12 characters or more"),
        ("password1234", "too easy to guess"),
        ("olu officer olu", "too easy to guess"),  # built from the user's own name
    ],
)
def test_change_password_form_applies_the_rules_and_keeps_the_old_one(
    client, auth, login_as, officer, new, message
):
    login_as(officer)
    response = _change_password(client, DEFAULT_PASSWORD, new)
    assert response.status_code == 200
    assert message in response.text
    assert "govuk-error-summary" in response.text
    auth.logout()
    assert auth.login(officer.email).status_code == 302


def test_change_password_needs_the_current_password(client, auth, login_as, officer):
    login_as(officer)
    response = _change_password(client, "not-my-password-at-all", STRONG)
    assert response.status_code == 200
    assert "Your current password is not correct" in response.text
    auth.logout()
    assert auth.login(officer.email, STRONG).status_code == 200  # refused: unchanged


def test_changing_password_ends_every_other_session(app, client, login_as, officer):
    other = app.test_client()
    AuthActions(other).login(officer.email)
    assert other.get("/").status_code == 200
    login_as(officer)
    response = _change_password(client, DEFAULT_PASSWORD, STRONG)
    assert response.status_code == 302
    assert client.get("/").status_code == 200  # this session carries on
    stale = other.get("/")
    assert stale.status_code == 302
    assert stale.headers["Location"].startswith("/login")
    # The new password works and the old one no longer does.
    assert AuthActions(app.test_client()).login(officer.email, STRONG).status_code == 302
    assert AuthActions(app.test_client()).login(officer.email).status_code == 200
