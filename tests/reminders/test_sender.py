"""Delivering the outbox over real SMTP (aiosmtpd on 127.0.0.1): retries and outages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.conftest import Mailbox, free_port, serving_mail
from tests.reminders.conftest import TODAY
from tracker.actions.models import Marking
from tracker.db import db, utcnow
from tracker.reminders.models import OutboxMessage, OutboxStatus
from tracker.reminders.sender import MAX_ATTEMPTS, send_pending


class RefusingMailbox(Mailbox):
    """Refuses the messages whose subject contains 'refuse me' with a temporary error."""

    refuse = True

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd hook
        if self.refuse and b"refuse me" in envelope.content:
            return "451 Try again later"
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def refusing_smtp(app):
    with serving_mail(app, RefusingMailbox()) as mailbox:
        yield mailbox


def queue(app, *subjects: str) -> list[int]:
    with app.app_context():
        rows = [
            OutboxMessage(
                run_on=TODAY,
                to_address=f"person{n}@example.org",
                subject=subject,
                text_body=f"Body {n}",
                html_body=f"<p>Body {n}</p>",
                marking=Marking.OFFICIAL,
            )
            for n, subject in enumerate(subjects)
        ]
        db.session.add_all(rows)
        db.session.commit()
        return [row.id for row in rows]


def statuses(app) -> list[tuple[str, int]]:
    with app.app_context():
        return [
            (m.status.value, m.attempts)
            for m in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
        ]


def send(app, **kwargs):
    with app.app_context():
        return send_pending(**kwargs)


def test_pending_messages_are_sent_over_one_connection(app, smtp_server):
    queue(app, "One", "Two", "Three")
    result = send(app)
    assert len(result.sent) == 3
    assert [m["Subject"] for m in smtp_server.messages] == ["One", "Two", "Three"]
    assert smtp_server.messages[0].get_body(preferencelist=("html",)) is not None
    assert statuses(app) == [("sent", 1)] * 3
    assert send(app).sent == []  # nothing is sent twice


def test_a_refused_message_is_retried_with_backoff_and_the_rest_still_go(app, refusing_smtp):
    queue(app, "First", "refuse me", "Third")
    result = send(app)
    assert len(result.sent) == 2
    assert len(result.deferred) == 1
    assert [m["Subject"] for m in refusing_smtp.messages] == ["First", "Third"]
    with app.app_context():
        refused = db.session.scalar(
            select(OutboxMessage).where(OutboxMessage.subject == "refuse me")
        )
        assert refused.status == OutboxStatus.PENDING
        assert "451" in refused.last_error
    assert send(app).sent == []  # not due again yet
    refusing_smtp.refuse = False
    later = send(app, now=utcnow() + timedelta(hours=1))
    assert len(later.sent) == 1
    assert [m["Subject"] for m in refusing_smtp.messages][-1] == "refuse me"


def test_smtp_down_keeps_everything_pending_and_a_later_run_sends_it(app, smtp_server):
    queue(app, "Kept one", "Kept two")
    port = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = free_port()  # nothing listens there
    result = send(app)
    assert result.sent == []
    assert [s for s, _ in statuses(app)] == ["pending", "pending"]
    app.config["MAIL_PORT"] = port
    later = send(app, now=utcnow() + timedelta(hours=1))
    assert len(later.sent) == 2
    assert len(smtp_server.messages) == 2


def test_a_message_refused_every_time_fails_after_the_last_attempt(app, refusing_smtp):
    queue(app, "refuse me always")
    now = utcnow()
    for attempt in range(MAX_ATTEMPTS):
        send(app, now=now + timedelta(days=attempt))
    assert statuses(app) == [("failed", MAX_ATTEMPTS)]


def test_two_senders_at_once_send_each_message_once(app, smtp_server):
    import threading

    queue(app, *[f"Message {n}" for n in range(20)])
    barrier = threading.Barrier(2)
    errors = []

    def worker():
        try:
            with app.app_context():
                barrier.wait()
                send_pending()
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    subjects = [m["Subject"] for m in smtp_server.messages]
    assert sorted(subjects) == sorted(f"Message {n}" for n in range(20))


def test_without_smtp_messages_are_written_as_eml_files(app, tmp_path):
    queue(app, "To a file")
    assert len(send(app).sent) == 1
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 1
