"""Invitations and password resets go through the outbox like reminders: retried when
the mail server is down, listed for administrators, and never showing their link."""

from __future__ import annotations

from sqlalchemy import select

from tests.auth.test_admin import invite
from tests.auth.test_password_reset import request_reset
from tests.conftest import free_port, link_in
from tracker.db import db
from tracker.reminders.models import PRIVATE_TEXT_SENT, OutboxMessage, OutboxStatus
from tracker.reminders.sender import send_pending


def outbox(app) -> list[OutboxMessage]:
    with app.app_context():
        messages = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        db.session.expunge_all()
        return messages


def test_an_invitation_is_sent_through_the_outbox_and_its_link_not_kept(
    app, client, login_as, admin, post_form, smtp_server
):
    login_as(admin)
    response = invite(post_form)
    assert response.status_code == 302
    [message] = outbox(app)
    assert (message.rules, message.status) == ("invitation", OutboxStatus.SENT)
    assert message.to_address == "nia.new@police.example.org"
    assert message.text_body == message.html_body == PRIVATE_TEXT_SENT
    [email] = smtp_server.to("nia.new@police.example.org")
    assert "/invitation/" in link_in(email)
    page = client.get(response.headers["Location"])
    assert "Invitation sent to nia.new@police.example.org" in page.text


def test_an_invitation_the_server_cannot_take_waits_in_the_outbox_and_is_retried(
    app, client, login_as, admin, post_form, smtp_server
):
    down = free_port()
    working = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = down
    login_as(admin)
    response = invite(post_form)
    page = client.get(response.headers["Location"])
    assert "could not take the invitation yet" in page.text
    [message] = outbox(app)
    assert (message.status, message.attempts) == (OutboxStatus.PENDING, 1)
    assert "/invitation/" in message.text_body  # kept until it is sent
    app.config["MAIL_PORT"] = working
    with app.app_context():
        db.session.get(OutboxMessage, message.id).next_attempt_at = message.created_at
        db.session.commit()
        assert send_pending().sent == [message.id]
    [email] = smtp_server.to("nia.new@police.example.org")
    assert "/invitation/" in link_in(email)
    assert outbox(app)[0].text_body == PRIVATE_TEXT_SENT


def test_the_outbox_page_never_shows_a_private_link(
    app, client, login_as, admin, post_form, smtp_server
):
    app.config["MAIL_PORT"] = free_port()  # so the message stays pending, link and all
    login_as(admin)
    invite(post_form)
    [message] = outbox(app)
    page = client.get(f"/reminders/outbox/{message.id}")
    assert page.status_code == 200
    assert "holds a private link for setting a password" in page.text
    assert "/invitation/" not in page.text


def test_a_reset_for_a_known_address_is_queued_and_none_for_an_unknown_one(
    app, client, officer, smtp_server
):
    request_reset(client, "nobody@example.org").close()
    assert outbox(app) == []
    request_reset(client, officer.email).close()
    [message] = outbox(app)
    assert (message.rules, message.status, message.recipient_id) == (
        "password_reset",
        OutboxStatus.SENT,
        officer.id,
    )
    assert len(smtp_server.to(officer.email)) == 1
