"""Delivering the outbox over SMTP: one connection per batch, retries with backoff.

Each message is claimed before it is sent by a conditional UPDATE (pending, due,
and not claimed by anyone else), committed at once; on PostgreSQL the candidates
are also read with FOR UPDATE SKIP LOCKED. Two senders running together therefore
never send the same message. A claim is a lease: if the process dies mid-send the
message becomes due again after CLAIM_LEASE and is retried. SMTP down: messages
stay pending, nothing is lost, and the next run sends them. Every due message is
attempted (a lost connection is opened afresh for the next one), so a run reports
each message it could not send.
"""

from __future__ import annotations

import contextlib
import logging
import smtplib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any

from flask import after_this_request, current_app
from sqlalchemy import select, update

from tracker import mail
from tracker.actions.models import Marking
from tracker.clock import today
from tracker.db import db, utcnow
from tracker.reminders.models import (
    ACCOUNT_EMAIL_KINDS,
    PRIVATE_TEXT_SENT,
    OutboxMessage,
    OutboxStatus,
)

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
CLAIM_LEASE = timedelta(minutes=10)
# The server answered with a refusal: this message waits or fails, the batch goes on.
# (Checked first: smtplib's exceptions are all OSErrors.)
REFUSALS = (smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused)
# The connection is gone or never came: this message and the rest wait for the next run.
CONNECTION_ERRORS = (smtplib.SMTPException, OSError)


def backoff(attempts: int) -> timedelta:
    """Wait before the next try: 2, 4, 8 ... minutes, at most four hours."""
    return timedelta(minutes=min(2 ** max(attempts, 1), 240))


@dataclass
class SendResult:
    sent: list[int] = field(default_factory=list)
    deferred: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)


def _candidates(now: datetime, limit: int) -> list[int]:
    query = (
        select(OutboxMessage.id)
        .where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    ids = list(db.session.scalars(query))
    db.session.commit()
    return ids


def _claim(message_id: int, now: datetime) -> bool:
    """Take the message for this sender; False when another sender already has it."""
    claimed = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.next_attempt_at <= now,
        )
        .values(attempts=OutboxMessage.attempts + 1, next_attempt_at=now + CLAIM_LEASE)
    ).rowcount
    db.session.commit()
    return claimed == 1


def _email(message: OutboxMessage):
    return mail.build_message(
        to=message.to_address,
        subject=message.subject,
        text=message.text_body,
        html=message.html_body,
    )


def _record_failure(message: OutboxMessage, error: Exception, now: datetime) -> bool:
    """Note the error; give up after MAX_ATTEMPTS. Returns True when it failed for good."""
    message.last_error = f"{type(error).__name__}: {error}"[:2000]
    if message.attempts >= MAX_ATTEMPTS:
        message.status = OutboxStatus.FAILED
    else:
        message.next_attempt_at = now + backoff(message.attempts)
    db.session.commit()
    log.warning(
        "email not sent",
        extra={"message_id": message.id, "error": message.last_error, "attempts": message.attempts},
    )
    return message.status == OutboxStatus.FAILED


def _mark_sent(message: OutboxMessage, now: datetime) -> None:
    message.status = OutboxStatus.SENT
    message.sent_at = now
    message.last_error = ""
    if message.holds_private_link:  # the link has done its job: keep no copy of it
        message.text_body = message.html_body = PRIVATE_TEXT_SENT
    db.session.commit()


@dataclass
class _Connection:
    """The batch's one SMTP connection, opened when the first message needs it."""

    smtp: smtplib.SMTP | None = None

    def open(self) -> smtplib.SMTP:
        if self.smtp is None:
            self.smtp = mail.smtp_connection()
        return self.smtp

    def close(self) -> None:
        if self.smtp is not None:
            with contextlib.suppress(*CONNECTION_ERRORS):
                self.smtp.quit()


def _send_over_smtp(
    connection: _Connection, message: OutboxMessage, now: datetime, result: SendResult
) -> bool:
    """Send one claimed message; False when the connection is gone (open a new one)."""
    message_id = message.id
    try:
        smtp = connection.open()
    except CONNECTION_ERRORS as error:
        _record_failure(message, error, now)
        result.deferred.append(message_id)
        return False
    try:
        smtp.send_message(_email(message))
    except REFUSALS as error:
        failed = _record_failure(message, error, now)
        (result.failed if failed else result.deferred).append(message_id)
        return _still_connected(smtp)
    except CONNECTION_ERRORS as error:
        # The server went away mid-batch: this one waits for the next run.
        _record_failure(message, error, now)
        result.deferred.append(message_id)
        return False
    _mark_sent(message, now)
    result.sent.append(message_id)
    return True


def _deliver(connection: _Connection, message_id: int, now: datetime, result: SendResult) -> bool:
    """Claim and send one message; False when the connection is gone."""
    if not _claim(message_id, now):
        return True
    message = db.session.get(OutboxMessage, message_id)
    if not current_app.config["MAIL_SERVER"]:
        mail.write_eml(_email(message))
        _mark_sent(message, now)
        result.sent.append(message_id)
        return True
    return _send_over_smtp(connection, message, now, result)


def send_pending(*, now: datetime | None = None, batch_size: int = 500) -> SendResult:
    """Send every pending message that is due, over one SMTP connection."""
    now = now or utcnow()
    result = SendResult()
    connection = _Connection()
    try:
        for message_id in _candidates(now, batch_size):
            if not _deliver(connection, message_id, now, result):
                # The connection is gone: the next message tries a fresh one, so every
                # due message is attempted and each failure is reported on its own.
                connection.close()
                connection = _Connection()
    finally:
        connection.close()
    return result


def queue_email(message: EmailMessage, *, kind: str, recipient_id: int | None) -> OutboxMessage:
    """Put an account email (an invitation or a password reset) in the outbox, where it
    is retried like a reminder and administrators see that it was sent. Flushes; the
    caller commits, then delivers it with `send_now` or `send_after_response`."""
    if kind not in ACCOUNT_EMAIL_KINDS:
        raise ValueError(f"Not an account email kind: {kind}")
    html = message.get_body(preferencelist=("html",))
    text = message.get_body(preferencelist=("plain",))
    queued = OutboxMessage(
        run_on=today(),
        recipient_id=recipient_id,
        to_address=message["To"],
        subject=message["Subject"],
        text_body=text.get_content() if text is not None else "",
        html_body=html.get_content() if html is not None else "",
        marking=Marking.OFFICIAL,
        rules=kind,
    )
    db.session.add(queued)
    db.session.flush()
    return queued


def send_now(message_id: int, *, now: datetime | None = None) -> SendResult:
    """Try one queued message at once (it stays pending for the retries if this fails)."""
    result = SendResult()
    connection = _Connection()
    try:
        _deliver(connection, message_id, now or utcnow(), result)
    finally:
        connection.close()
    return result


def send_after_response(message_id: int | None) -> None:
    """Send a queued message once the response has gone to the client (None: nothing).

    The SMTP conversation then cannot show in the response time, so a page that emails
    some addresses and not others answers in the same time for both. A failure leaves
    the message pending: the scheduler's outbox retries send it later.
    """
    if message_id is None:
        return
    app = current_app._get_current_object()  # type: ignore[attr-defined]

    def _send() -> None:
        with app.app_context():
            result = send_now(message_id)
            if not result.sent:
                log.warning("email left in the outbox to retry", extra={"message_id": message_id})

    @after_this_request
    def _on_close(response: Any) -> Any:
        response.call_on_close(_send)
        return response


def _still_connected(smtp: smtplib.SMTP) -> bool:
    try:
        return smtp.noop()[0] == 250
    except CONNECTION_ERRORS:
        return False


def resend(message: OutboxMessage) -> None:
    """Put a failed message back in the queue (an administrator asked for it)."""
    message.status = OutboxStatus.PENDING
    message.attempts = 0
    message.next_attempt_at = utcnow()
