"""Password reset by an emailed, signed, expiring, single-use link (over real SMTP)."""

from __future__ import annotations

import time
from unittest import mock

from itsdangerous import TimestampSigner

from tests.conftest import csrf_token_from, link_in

NEW_PASSWORD = "lantern-orchard-kettle-seven"


def request_reset(client, email: str):
    """Ask for a reset and close the response as a WSGI server does (the email goes then)."""
    page = client.get("/password/forgot")
    response = client.post(
        "/password/forgot", data={"email": email, "csrf_token": csrf_token_from(page.text)}
    )
    response.close()
    return response


def choose_password(client, path: str, password: str = NEW_PASSWORD, confirm: str | None = None):
    page = client.get(path)
    return client.post(
        path,
        data={
            "password": password,
            "confirm": confirm if confirm is not None else password,
            "csrf_token": csrf_token_from(page.text),
        },
    )


def test_reset_email_is_sent_over_smtp_with_a_link(client, smtp_server, officer):
    response = request_reset(client, "OLU.officer@opcc.example.org")
    assert response.status_code == 200
    assert "Check your email" in response.text
    [message] = smtp_server.to(officer.email)
    assert "Reset your password" in message["Subject"]
    assert message.get_body(preferencelist=("html",)) is not None
    assert link_in(message).startswith("/password/reset/")


def test_unknown_email_gets_the_same_page_and_no_email(client, smtp_server, officer):
    response = request_reset(client, "nobody@example.org")
    assert response.status_code == 200
    assert "Check your email" in response.text
    assert smtp_server.messages == []


def test_reset_link_sets_a_new_password(client, auth, smtp_server, officer):
    request_reset(client, officer.email)
    path = link_in(smtp_server.to(officer.email)[0])
    response = choose_password(client, path)
    assert response.status_code == 302
    assert auth.login(officer.email, NEW_PASSWORD).status_code == 302


def test_old_password_stops_working_after_reset(client, auth, smtp_server, officer):
    request_reset(client, officer.email)
    choose_password(client, link_in(smtp_server.to(officer.email)[0]))
    assert auth.login(officer.email).status_code == 200


def test_reset_link_works_only_once(client, smtp_server, officer):
    request_reset(client, officer.email)
    path = link_in(smtp_server.to(officer.email)[0])
    choose_password(client, path)
    reused = client.get(path)
    assert reused.status_code == 400
    assert "already been used" in reused.text


def test_expired_reset_link_is_refused(app, client, smtp_server, officer):
    request_reset(client, officer.email)
    path = link_in(smtp_server.to(officer.email)[0])
    later = time.time() + app.config["PASSWORD_RESET_MAX_AGE_SECONDS"] + 60
    with mock.patch.object(TimestampSigner, "get_timestamp", return_value=int(later)):
        response = client.get(path)
    assert response.status_code == 400
    assert "expired" in response.text


def test_forged_reset_link_is_refused(client, smtp_server, officer):
    request_reset(client, officer.email)
    path = link_in(smtp_server.to(officer.email)[0])
    forged = path[:-4] + ("AAAA" if not path.endswith("AAAA") else "BBBB")
    response = client.get(forged)
    assert response.status_code == 400
    assert "not valid" in response.text


def test_reset_link_for_a_deactivated_user_is_refused(app, client, smtp_server, officer):
    from tracker.auth.models import User
    from tracker.db import db

    request_reset(client, officer.email)
    path = link_in(smtp_server.to(officer.email)[0])
    with app.app_context():
        db.session.get(User, officer.id).active = False
        db.session.commit()
    assert client.get(path).status_code == 400


def test_weak_or_mismatched_password_is_refused_and_nothing_changes(
    client, auth, smtp_server, officer
):
    request_reset(client, officer.email)
    path = link_in(smtp_server.to(officer.email)[0])
    short = choose_password(client, path, "short")
    assert "12 characters or more" in short.text
    common = choose_password(client, path, "password1234")
    assert "too easy to guess" in common.text
    own_name = choose_password(client, path, "oluofficer12345")
    assert "too easy to guess" in own_name.text
    mismatch = choose_password(client, path, NEW_PASSWORD, "something-else-entirely")
    assert "Passwords do not match" in mismatch.text
    assert auth.login(officer.email).status_code == 302  # the old password still works


def test_reset_invalidates_existing_sessions(app, client, smtp_server, officer, login_as):
    other = app.test_client()
    from tests.conftest import AuthActions

    AuthActions(other).login(officer.email)
    assert other.get("/").status_code == 200
    request_reset(client, officer.email)
    choose_password(client, link_in(smtp_server.to(officer.email)[0]))
    assert other.get("/").status_code == 302


def test_without_smtp_the_email_is_written_to_a_file(app, client, officer, tmp_path):
    request_reset(client, officer.email)
    files = list((tmp_path / "outbox").glob("*.eml"))
    assert len(files) == 1
    assert "/password/reset/" in files[0].read_text()


def test_smtp_failure_still_shows_the_same_page(app, client, officer):
    from tests.conftest import free_port

    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_USE_TLS=False)
    response = request_reset(client, officer.email)
    assert response.status_code == 200
    assert "Check your email" in response.text
