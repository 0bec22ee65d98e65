"""Signing in and out: credentials, throttling, sessions and safe redirects."""

from __future__ import annotations

import time
from unittest import mock

from itsdangerous import TimestampSigner
from sqlalchemy import func, select

from tests.conftest import DEFAULT_PASSWORD, csrf_token_from
from tracker.auth.models import LoginAttempt, Role
from tracker.db import db

SAME_MESSAGE = "Enter a correct email address and password"


def test_sign_in_with_correct_password_goes_home(client, auth, officer):
    response = auth.login(officer.email)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "Welcome, Olu Officer" in client.get("/").text


def test_email_is_matched_case_insensitively(client, auth, officer):
    response = auth.login("  OLU.Officer@OPCC.example.org ")
    assert response.status_code == 302


def test_wrong_password_and_unknown_email_give_the_same_message(auth, officer):
    wrong_password = auth.login(officer.email, "not-the-password-at-all")
    unknown_email = auth.login("nobody@example.org", "not-the-password-at-all")
    assert wrong_password.status_code == unknown_email.status_code == 200
    assert SAME_MESSAGE in wrong_password.text
    assert SAME_MESSAGE in unknown_email.text
    assert "govuk-error-summary" in wrong_password.text


def test_deactivated_user_cannot_sign_in(auth, make_user):
    user = make_user(Role.OPCC_OFFICER, active=False)
    response = auth.login(user.email)
    assert response.status_code == 200
    assert SAME_MESSAGE in response.text


def test_invited_user_without_password_cannot_sign_in(auth, make_user):
    user = make_user(Role.OPCC_OFFICER, password=None)
    response = auth.login(user.email, "")
    assert response.status_code == 200
    assert "Enter your password" in response.text


def test_every_attempt_is_recorded(app, auth, officer):
    auth.login(officer.email, "wrong-password-here")
    auth.login(officer.email)
    with app.app_context():
        outcomes = db.session.scalars(
            select(LoginAttempt.succeeded).order_by(LoginAttempt.id)
        ).all()
    assert outcomes == [False, True]


def test_repeated_failures_throttle_the_account(app, auth, officer):
    for _ in range(app.config["LOGIN_THROTTLE_MAX_PER_ACCOUNT"]):
        auth.login(officer.email, "wrong-password-here")
    response = auth.login(officer.email)  # even the right password is refused now
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.text


def test_repeated_failures_from_one_address_throttle_every_account(app, auth, officer):
    app.config["LOGIN_THROTTLE_MAX_PER_ADDRESS"] = 3
    for n in range(3):
        auth.login(f"someone{n}@example.org", "wrong-password-here")
    response = auth.login(officer.email)
    assert response.status_code == 429


def test_throttle_counts_only_the_recent_window(app, auth, officer):
    from datetime import timedelta

    for _ in range(app.config["LOGIN_THROTTLE_MAX_PER_ACCOUNT"]):
        auth.login(officer.email, "wrong-password-here")
    with app.app_context():
        for attempt in db.session.scalars(select(LoginAttempt)):
            attempt.attempted_at = attempt.attempted_at - timedelta(minutes=16)
        db.session.commit()
    assert auth.login(officer.email).status_code == 302


def test_sign_in_starts_a_fresh_session(client, auth, officer):
    with client.session_transaction() as session:
        session["planted"] = "from before sign-in"
    auth.login(officer.email)
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session.permanent


def test_session_cookie_is_httponly_and_samesite_lax(client, auth, officer):
    response = auth.login(officer.email)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_idle_session_expires(app, client, auth, officer):
    auth.login(officer.email)
    assert client.get("/").status_code == 200
    with client.session_transaction() as session:
        contents = dict(session)
    idle = app.permanent_session_lifetime.total_seconds() + 60
    serializer = app.session_interface.get_signing_serializer(app)
    with mock.patch.object(TimestampSigner, "get_timestamp", return_value=int(time.time() - idle)):
        stale_cookie = serializer.dumps(contents)
    client.set_cookie(app.config["SESSION_COOKIE_NAME"], stale_cookie)
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_sign_out_needs_post(client, auth, officer):
    auth.login(officer.email)
    assert client.get("/logout").status_code == 405
    assert client.get("/").status_code == 200


def test_sign_out_without_csrf_token_is_refused(client, auth, officer):
    auth.login(officer.email)
    response = client.post("/logout")
    assert response.status_code == 400
    assert client.get("/").status_code == 200


def test_sign_out_ends_the_session(client, auth, officer):
    auth.login(officer.email)
    response = auth.logout()
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_next_parameter_returns_to_the_page_asked_for(client, officer):
    page = client.get("/login?next=/audit/")
    response = client.post(
        "/login?next=/audit/",
        data={
            "email": officer.email,
            "password": DEFAULT_PASSWORD,
            "csrf_token": csrf_token_from(page.text),
        },
    )
    assert response.headers["Location"] == "/audit/"


def test_next_parameter_cannot_leave_the_site(client, officer):
    for target in (
        "https://evil.example",
        "//evil.example",
        "/\\evil.example",
        "javascript:alert(1)",
    ):
        page = client.get("/login")
        response = client.post(
            "/login",
            data={
                "email": officer.email,
                "password": DEFAULT_PASSWORD,
                "next": target,
                "csrf_token": csrf_token_from(page.text),
            },
        )
        assert response.headers["Location"] == "/", target
        home = client.get("/")
        client.post("/logout", data={"csrf_token": csrf_token_from(home.text)})


def test_login_form_rejects_missing_csrf_token_and_records_nothing(app, client, officer):
    response = client.post("/login", data={"email": officer.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 400
    assert "The form had expired" in response.text
    assert client.get("/").status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count(LoginAttempt.id))) == 0


def test_very_long_input_is_refused_cleanly(client):
    page = client.get("/login")
    response = client.post(
        "/login",
        data={
            "email": "a" * 5000 + "@example.org",
            "password": "p" * 5000,
            "csrf_token": csrf_token_from(page.text),
        },
    )
    assert response.status_code == 200
    assert "govuk-error-summary" in response.text
