"""The digest email: one per recipient per run, its sections, subject and wording.

The planner decides what each person is told; this module says it. Sections run
from most to least urgent and list each item once, in its most urgent section. The
subject names the most urgent item, and the wording fits the recipient's role: the
OPCC is asked to chase and assure, the force to update and submit evidence.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from flask import current_app, render_template, url_for

from tracker import policy
from tracker.actions.models import Marking
from tracker.actions.rag import highest_marking
from tracker.auth.models import User
from tracker.mail import absolute_url
from tracker.reminders.models import OutboxMessage
from tracker.reminders.rules import DIGEST_ORDER, GROUP_LABELS, Group, subject_phrase

if TYPE_CHECKING:
    from tracker.reminders.planner import Reminder

DIGEST_LIMIT = 50


def shorten(text: str, limit: int = 60) -> str:
    """`text` on one line and at most `limit` characters, for a subject."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def digest_sections(items: list[Reminder]) -> list[tuple[Group, list[Reminder]]]:
    """The digest's sections, most urgent first, each sorted by deadline (earliest
    first). An item is listed once, in its most urgent section: an escalated action is
    not repeated under overdue, nor an overdue one under updates requested."""
    seen: set[tuple[str, int]] = set()
    sections = []
    for group in DIGEST_ORDER:
        rows = []
        for reminder in sorted(
            (r for r in items if r.group == group), key=lambda r: (r.due or date.max, r.line)
        ):
            key = (reminder.item_type, reminder.item_id)
            if key not in seen:
                seen.add(key)
                rows.append(reminder)
        if rows:
            sections.append((group, rows))
    return sections


def digest_subject(marking: Marking, sections: list[tuple[Group, list[Reminder]]]) -> str:
    """The subject: the marking, the service, and the most urgent thing by name
    ("OFFICIAL: Action tracker: 2 overdue, including AA-2019-001; 1 due soon")."""
    service = current_app.config["SERVICE_NAME"]
    (group, rows), *rest = sections
    first = subject_phrase(group, len(rows), rows[0].name or rows[0].line)
    others = ", ".join(subject_phrase(g, len(r)) for g, r in rest)
    summary = f"{first}; {others}" if others else first
    return shorten(f"{marking.label}: {service}: {summary}", 300)


def render_digest(user: User, items: list[Reminder], today: date) -> OutboxMessage:
    """One email for one recipient, grouped by urgency, with the highest marking and the
    most urgent item in the subject, and wording for the recipient's role."""
    marking = highest_marking(r.marking for r in items)
    sections = digest_sections(items)
    # A readable email: the first DIGEST_LIMIT items of each section, then a link to the rest.
    shown = [
        (GROUP_LABELS[group], rows[:DIGEST_LIMIT], len(rows) - DIGEST_LIMIT)
        for group, rows in sections
    ]
    context = {
        "user": user,
        "groups": shown,
        "marking": marking,
        "today": today,
        "for_opcc": policy.is_opcc(user),
        "settings_link": absolute_url(url_for("reminders.preferences")),
        "list_link": absolute_url(url_for("actions.index", owner=user.id)),
    }
    return OutboxMessage(
        run_on=today,
        recipient_id=user.id,
        to_address=user.email,
        subject=digest_subject(marking, sections),
        text_body=render_template("reminders/email/digest.txt", **context),
        html_body=render_template("reminders/email/digest.html", **context),
        marking=marking,
        rules=", ".join(sorted({r.rule for r in items}))[:300],
    )
