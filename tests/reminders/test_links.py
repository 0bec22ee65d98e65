"""Every link in every reminder email opens for the person it was sent to.

A full reminder run over the demo sample data (realistic actions, requests, Panel items
and reports, with the demo OPCC lead and force lead set), then each recipient signs in
and follows every link in their email: none may be a 404 or 403.
"""

from __future__ import annotations

import html
import re
from datetime import timedelta
from urllib.parse import urlsplit

from sqlalchemy import select

from tests.conftest import AuthActions
from tests.factories import london_today
from tracker.db import db
from tracker.deadlines import is_working_day
from tracker.demo import DEMO_USERS
from tracker.reminders.models import OutboxMessage

LINK = re.compile(r"https?://[^\s\"'<>]+")


def _links(message: OutboxMessage) -> set[str]:
    """The local paths (with query strings) linked from the text and HTML bodies."""
    found = set(LINK.findall(message.text_body)) | set(
        LINK.findall(html.unescape(message.html_body))
    )
    paths = set()
    for url in found:
        parts = urlsplit(url.rstrip(".,)"))
        paths.add(parts.path + (f"?{parts.query}" if parts.query else ""))
    return paths


def test_every_reminder_link_opens_for_its_recipient(app, runner, run_day):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    day = london_today()
    while not is_working_day(day):
        day += timedelta(days=1)
    run_day(day)
    with app.app_context():
        outbox = db.session.scalars(select(OutboxMessage)).all()
        messages = [(message.to_address, _links(message)) for message in outbox]
        # The demo's submitted responses reach the OPCC as awaiting its review.
        assert any("awaiting your review" in message.text_body for message in outbox)
    passwords = {demo.email: demo.password for demo in DEMO_USERS}
    force_lead, opcc_lead = "sam.taylor@police.example.org", "priya.shah@opcc.example.org"
    by_recipient = dict(messages)
    # Both leads are chased about sources as well as actions: those links are the point.
    assert any(path.startswith("/requests/") for path in by_recipient[force_lead])
    assert any(path.startswith(("/panel/", "/hmicfrs/")) for path in by_recipient[opcc_lead])
    failures, followed = [], 0
    for address, paths in messages:
        client = app.test_client()
        AuthActions(client).login(address, passwords[address])
        for path in sorted(paths):
            status = client.get(path).status_code
            followed += 1
            if status != 200:
                failures.append((address, path, status))
    assert followed > len(messages)
    assert failures == []
