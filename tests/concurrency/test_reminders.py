"""Two reminder runs at once, over real SMTP, while people keep working in the app:
every reminder is delivered exactly once and no one's update is lost or refused.

tests/reminders covers two planners and two senders racing each other on their own;
this adds the whole run (plan, commit, send) twice at once alongside web traffic."""

from __future__ import annotations

import threading
from datetime import date

from sqlalchemy import select

from tests.concurrency.conftest import run_together
from tests.factories import make_action, make_meeting
from tracker.actions.models import ActionUpdate
from tracker.auth.models import Role
from tracker.db import db
from tracker.reminders.models import OutboxMessage, ReminderItem

RUN_DAY = date(2026, 6, 10)  # a Wednesday, not a bank holiday


def test_two_runs_during_web_traffic_send_each_reminder_once(
    app, smtp_server, make_user, liaison, officer, browsers
):
    from tracker.reminders.cli import run_reminders

    meeting = make_meeting(app)
    actions = [
        make_action(app, meeting, liaison if n % 2 else officer, due_on=RUN_DAY, title=f"Due {n}")
        for n in range(24)
    ]
    force_actions = [a for a in actions if a.owner_id == liaison.id]
    people = [liaison] * 5 + [make_user(Role.OPCC_OFFICER, name=f"Colleague {n}") for n in range(5)]
    clients = browsers(people)
    tokens = [c.form(f"/actions/{force_actions[0].id}")[0] for c in clients]
    errors: list[BaseException] = []
    lock = threading.Lock()

    def reminder_run():
        try:
            with app.app_context():
                run_reminders(RUN_DAY)
        except BaseException as error:  # reported by the assertion below
            with lock:
                errors.append(error)
        return None

    def web_client(n: int):
        def run() -> list[tuple[int, str]]:
            results = []
            for k in range(3):
                action = force_actions[(n + k) % len(force_actions)]
                text = f"Note {n}.{k} during the reminder run"
                response = clients[n].post(
                    f"/actions/{action.id}/updates", {"csrf_token": tokens[n], "text": text}
                )
                results.append((response.status_code, text))
            return results

        return run

    outcome = run_together([reminder_run, reminder_run, *(web_client(n) for n in range(10))])
    assert errors == []
    posted = [r for batch in outcome[2:] for r in batch]
    assert [status for status, _ in posted if status != 302] == []
    with app.app_context():
        kept = db.session.scalars(select(ActionUpdate.text)).all()
        items = db.session.scalars(select(ReminderItem)).all()
        outbox = db.session.scalars(select(OutboxMessage)).all()
        assert sorted(kept) == sorted(text for _, text in posted)
        assert sorted((i.item_type, i.item_id) for i in items) == sorted(
            ("action", a.id) for a in actions
        )
        assert all(item.message_id is not None for item in items)
        assert sorted(m.to_address for m in outbox) == sorted([liaison.email, officer.email])
    delivered = sorted(m["To"] for m in smtp_server.messages)
    assert delivered == sorted([liaison.email, officer.email])
