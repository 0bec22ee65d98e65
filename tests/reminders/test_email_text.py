"""Every email the tracker sends, for every role, with realistic data and with the
optional fields left empty: no line shows a label with nothing after it, and the
subject arrives over SMTP exactly as written, folded by the email library."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from sqlalchemy import select

from tests.conftest import Mailbox, serving_mail
from tests.factories import (
    make_action,
    make_adhoc_request,
    make_meeting,
    make_panel_item,
    make_report,
)
from tests.reminders.conftest import TODAY
from tracker import mail
from tracker.actions.models import ActionStatus
from tracker.auth.models import Role
from tracker.db import db
from tracker.reminders.models import OutboxMessage

# A colon followed by nothing but a bracket or punctuation, or by two spaces.
EMPTY_AFTER_COLON = re.compile(r":[ \t]*[(),;]|:[ \t]{2,}")


def empty_values(text: str) -> list[str]:
    """Lines where a label has no value: "PCC comments (s.55):  (due ...", "Owner: (",
    or a line ending in a colon whose next non-blank line is not the value it announces
    (a link or a list item)."""
    lines = [line.rstrip() for line in text.splitlines()]
    found = [line for line in lines if EMPTY_AFTER_COLON.search(line)]
    for n, line in enumerate(lines):
        if not line.endswith(":"):
            continue
        following = next((nxt.strip() for nxt in lines[n + 1 :] if nxt.strip()), "")
        if not following.startswith(("http", "- ", "<a ")):
            found.append(line)
    return found


def html_text(body: str) -> str:
    """The words of an HTML email, a line per paragraph, heading or list item."""
    text = re.sub(r"<(p|li|h\d)\b[^>]*>", "\n", body)
    text = re.sub(r"<[^>]+>", "", text)
    return html.unescape(text)


def test_the_checker_finds_an_empty_value():
    assert empty_values("HMICFRS 'X': PCC comments (s.55):  (due 5 June 2026)")
    assert empty_values("Owner: (Force)")
    assert empty_values("Latest update:\n\nRegards")
    assert not empty_values("Open this link:\n\nhttp://localhost/x")
    assert not empty_values("HMICFRS 'Police performance: getting a grip' (due 5 June 2026)")


@pytest.fixture
def everyone(make_user, leads):
    """A person in every role, besides the two leads."""
    return {
        role: make_user(role, name=f"{role.label} Person", email=f"{role.value}@example.org")
        for role in Role
    } | {"opcc lead": leads["opcc"], "force lead": leads["force"]}


def realistic_day(app, everyone) -> None:
    """Every kind of reminder on TODAY, with the optional fields empty."""
    meeting = make_meeting(app, held_on=TODAY - timedelta(days=70))
    make_meeting(app, held_on=TODAY + timedelta(days=5))  # asks for updates on earlier ones
    for person in everyone.values():
        if person.role == Role.PANEL_CLERK:
            continue
        for days, status in ((-3, ActionStatus.OPEN), (0, ActionStatus.IN_PROGRESS)):
            make_action(
                app,
                meeting,
                person,
                raised_on=TODAY - timedelta(days=60),
                due_on=TODAY - timedelta(days=days),
                status=status,
                lead_role="",
            )
        for days in (1, 15):
            make_action(
                app,
                meeting,
                person,
                title="Most similar group comparisons for robbery and burglary",
                raised_on=TODAY - timedelta(days=60),
                due_on=TODAY - timedelta(days=days),
                description="",
            )
        make_action(
            app,
            meeting,
            person,
            raised_on=TODAY - timedelta(days=60),
            due_on=TODAY - timedelta(days=14),
            status=ActionStatus.IMPLEMENTED,
        )
    make_adhoc_request(
        app,
        subject="Herefordshire Council Families Commission report",
        recipient="",
        sent_on=TODAY - timedelta(days=30),
        response_due_on=TODAY - timedelta(days=1),
        author_id=everyone[Role.OPCC_OFFICER].id,
    )
    make_panel_item(app, agenda_item="", response_due_on=TODAY)
    make_report(
        app,
        title="Police contribution to the prevention of homicide",
        published_on=TODAY - timedelta(days=52),
        pcc_comments_due_on=TODAY + timedelta(days=3),
        cc_comments_due_on=TODAY,
    )


def test_no_digest_line_has_a_label_without_a_value(app, run_day, everyone):
    realistic_day(app, everyone)
    run_day(TODAY)
    with app.app_context():
        digests = {m.to_address: m for m in db.session.scalars(select(OutboxMessage))}
    expected = {p.email for r, p in everyone.items() if r != Role.PANEL_CLERK}
    assert set(digests) == expected
    for digest in digests.values():
        assert empty_values(digest.text_body) == [], digest.text_body
        assert empty_values(html_text(digest.html_body)) == [], digest.html_body
        assert "\n" not in digest.subject
        assert "None" not in digest.text_body


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize(
    ("template", "context"),
    [("auth/email/invite", {"days": 7}), ("auth/email/reset_password", {"minutes": 60})],
)
def test_account_emails_have_no_label_without_a_value(app, make_user, role, template, context):
    user = make_user(role, name="Priya Shah", email=f"priya.{role.value}@example.org")
    with app.test_request_context():
        message = mail.render_message(
            to=user.email,
            subject="Your account",
            template=template,
            user=user,
            link="http://localhost/auth/token",
            **context,
        )
    text = Mailbox.text_of(message)
    assert "Priya Shah" in text
    assert role.label in text or "reset" in template
    assert empty_values(text) == []
    assert empty_values(html_text(message.get_body(("html",)).get_content())) == []


class RawMailbox(Mailbox):
    """Keeps each message's bytes as received, to look at the headers as sent."""

    def __init__(self) -> None:
        super().__init__()
        self.raw: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd hook
        self.raw.append(envelope.content)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def raw_smtp(app):
    with serving_mail(app, RawMailbox()) as mailbox:
        yield mailbox


def test_a_long_subject_with_accents_arrives_whole_and_correctly_folded(
    app, run_day, leads, raw_smtp
):
    subject = "Réponse du Café: crime and public confidence in Pershore, 2023 follow-up"
    for days in (2, 1):
        make_adhoc_request(
            app,
            subject=subject if days == 2 else "Safer Neighbourhood Team abstractions",
            sent_on=TODAY - timedelta(days=30),
            response_due_on=TODAY - timedelta(days=days),
            author_id=leads["opcc"].id,
        )
    run_day(TODAY)
    with app.app_context():
        stored = db.session.scalars(
            select(OutboxMessage.subject).where(OutboxMessage.to_address == leads["opcc"].email)
        ).one()
    assert stored == (
        "OFFICIAL: Holding to account tracker: 2 overdue, including ad-hoc request "
        "'Réponse du Café: crime and public confidenc…"
    )
    [raw] = [m for m in raw_smtp.raw if leads["opcc"].email.encode() in m]
    header = raw.split(b"\r\n\r\n", 1)[0]
    assert header.isascii()  # accents are encoded words, not raw bytes
    assert all(len(line) <= 78 for line in header.split(b"\r\n"))
    received = message_from_bytes(raw, policy=policy.default)
    assert received["Subject"] == stored


def test_a_subject_never_breaks_a_line_itself(app):
    with app.app_context():
        message = mail.build_message(
            to="a@example.org", subject="Two\nlines\r\n  here", text="Body"
        )
    assert message["Subject"] == "Two lines here"
