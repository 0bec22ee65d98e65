"""Account recovery that tells an outsider nothing: the same work for known and unknown
addresses, the email sent after the response, limits per address and per client, and
reset and invitation tokens kept out of every log."""

from __future__ import annotations

import logging
from unittest import mock

import pytest
from pythonjsonlogger.json import JsonFormatter
from sqlalchemy import func, select

from tests.auth.test_admin import invite
from tests.auth.test_password_reset import choose_password, request_reset
from tests.conftest import csrf_token_from, link_in
from tracker import mail
from tracker.audit.models import AuditEvent
from tracker.auth import services
from tracker.db import db
from tracker.reminders import sender as outbox
from tracker.request_log import REDACTED


def _calls_made(client, email: str) -> dict[str, list]:
    """The work a reset request does, as {function: [arguments that differ by path]}."""
    spies = {
        "make_password_token": mock.patch.object(
            services, "make_password_token", wraps=services.make_password_token
        ),
        "render_message": mock.patch.object(mail, "render_message", wraps=mail.render_message),
        "record": mock.patch.object(services, "record", wraps=services.record),
        "send_after_response": mock.patch.object(
            outbox, "send_after_response", wraps=outbox.send_after_response
        ),
        "queue_email": mock.patch.object(outbox, "queue_email", wraps=outbox.queue_email),
        "send_now": mock.patch.object(outbox, "send_now", wraps=outbox.send_now),
    }
    started = {name: patcher.start() for name, patcher in spies.items()}
    try:
        response = request_reset(client, email)
        assert response.status_code == 200
    finally:
        for patcher in spies.values():
            patcher.stop()
    return {name: spy.call_count for name, spy in started.items()}


def test_known_and_unknown_addresses_do_the_same_work_in_the_request(
    app, client, smtp_server, officer
):
    known = _calls_made(client, officer.email)
    unknown = _calls_made(client, "nobody@example.org")
    # What differs: a real email is kept in the outbox (one row, so it can be retried),
    # and delivered after the response has gone.
    assert (known.pop("queue_email"), unknown.pop("queue_email")) == (1, 0)
    assert (known.pop("send_now"), unknown.pop("send_now")) == (1, 0)
    assert known == unknown
    assert known == {
        "make_password_token": 1,
        "render_message": 1,
        "record": 1,
        "send_after_response": 1,
    }
    assert len(smtp_server.to(officer.email)) == 1
    assert len(smtp_server.messages) == 1


def test_deactivated_account_does_the_same_work_and_gets_no_email(
    app, client, smtp_server, make_user, officer
):
    from tracker.auth.models import Role

    gone = make_user(Role.OPCC_OFFICER, active=False)
    assert _calls_made(client, gone.email) == _calls_made(client, "nobody@example.org")
    assert smtp_server.messages == []


def test_the_email_is_sent_only_after_the_response(client, smtp_server, officer):
    page = client.get("/password/forgot")
    response = client.post(
        "/password/forgot",
        data={"email": officer.email, "csrf_token": csrf_token_from(page.text)},
    )
    assert "Check your email" in response.text
    assert smtp_server.messages == []  # the client has its answer; SMTP has not started
    response.close()  # as the WSGI server does once the response is sent
    assert len(smtp_server.to(officer.email)) == 1


def test_a_failed_delivery_after_the_response_stays_in_the_outbox_to_retry(
    app, client, officer, caplog
):
    from tests.conftest import free_port
    from tracker.reminders.models import OutboxMessage, OutboxStatus

    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_USE_TLS=False)
    with caplog.at_level(logging.WARNING, logger="tracker.reminders.sender"):
        response = request_reset(client, officer.email)
    assert "Check your email" in response.text
    assert "email left in the outbox to retry" in caplog.text
    with app.app_context():
        [queued] = db.session.scalars(select(OutboxMessage)).all()
        assert (queued.rules, queued.status, queued.attempts) == (
            "password_reset",
            OutboxStatus.PENDING,
            1,
        )
        assert queued.to_address == officer.email


def test_reset_emails_to_one_address_are_limited(app, client, smtp_server, officer):
    """26 requests in a row reach the mailbox only PASSWORD_RESET_MAX_PER_ACCOUNT times."""
    limit = app.config["PASSWORD_RESET_MAX_PER_ACCOUNT"]
    statuses = [request_reset(client, officer.email).status_code for _ in range(26)]
    assert statuses == [200] * limit + [429] * (26 - limit)
    assert len(smtp_server.to(officer.email)) == limit
    with app.app_context():
        events = db.session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.action == "password_reset_requested")
        )
    assert events == limit


def test_reset_limit_message_is_the_same_for_unknown_addresses(app, client, officer):
    limit = app.config["PASSWORD_RESET_MAX_PER_ACCOUNT"]
    for email in (officer.email, "nobody@example.org"):
        for _ in range(limit):
            request_reset(client, email)
    known = request_reset(client, officer.email)
    unknown = request_reset(client, "nobody@example.org")
    assert known.status_code == unknown.status_code == 429
    assert "Too many password reset requests" in known.text
    assert "Too many password reset requests" in unknown.text


def test_reset_requests_from_one_client_address_are_limited(app, client, smtp_server, officer):
    app.config["PASSWORD_RESET_MAX_PER_ADDRESS"] = 3
    for n in range(3):
        assert request_reset(client, f"someone{n}@example.org").status_code == 200
    assert request_reset(client, officer.email).status_code == 429
    assert smtp_server.messages == []


def test_reset_requests_do_not_throttle_sign_in(app, client, auth, officer):
    for _ in range(app.config["PASSWORD_RESET_MAX_PER_ACCOUNT"]):
        request_reset(client, officer.email)
    assert auth.login(officer.email).status_code == 302


def _logged_text(records: list[logging.LogRecord]) -> str:
    """Every record as the JSON line the tracker writes (extra fields included)."""
    formatter = JsonFormatter("%(levelname)s %(name)s %(message)s")
    return "\n".join(formatter.format(record) for record in records)


def test_reset_token_never_reaches_the_log(app, client, smtp_server, officer, caplog):
    with caplog.at_level(logging.DEBUG):
        request_reset(client, officer.email)
        path = link_in(smtp_server.to(officer.email)[0])
        token = path.rsplit("/", 1)[1]
        assert choose_password(client, path).status_code == 302
        assert client.get(path).status_code == 400  # used: the error page is logged too
    logged = _logged_text(caplog.records)
    assert len(token) > 20
    assert token not in logged
    assert f"/password/reset/{REDACTED}" in logged


def test_invitation_token_never_reaches_the_log(
    app, client, login_as, post_form, admin, smtp_server, caplog
):
    login_as(admin)
    assert invite(post_form).status_code == 302
    path = link_in(smtp_server.to("nia.new@police.example.org")[0])
    token = path.rsplit("/", 1)[1]
    newcomer = app.test_client()
    with caplog.at_level(logging.DEBUG):
        assert newcomer.get(path).status_code == 200
    logged = _logged_text(caplog.records)
    assert token not in logged
    assert f"/invitation/{REDACTED}" in logged


@pytest.mark.parametrize("path", ["/password/reset/abc.def-ghi_jkl", "/invitation/abc.def-ghi_jkl"])
def test_error_reports_redact_tokens(app, path, caplog):
    """The 500 handler logs the path it failed on, without the token."""

    def _fail(*args, **kwargs):
        raise RuntimeError("boom")

    with (
        mock.patch.object(services, "user_for_password_token", _fail),
        caplog.at_level(logging.ERROR),
    ):
        assert app.test_client().get(path).status_code == 500
    assert "abc.def-ghi_jkl" not in _logged_text(caplog.records)
    assert REDACTED in caplog.text
