"""Reminder screens: each user's preferences, and the administrators' outbox."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tracker.actions.models import Marking
from tracker.audit.models import AuditEvent
from tracker.db import db
from tracker.reminders.models import OutboxMessage, OutboxStatus, ReminderItem, ReminderOptOut

PREFERENCES = "/reminders/preferences"
OUTBOX = "/reminders/outbox"
ALL_WANTED = ["overdue", "due_today", "due_soon", "updates_requested"]


def make_message(app, **fields) -> int:
    """An outbox message stored directly; returns its id."""
    values = {
        "run_on": date(2026, 6, 10),
        "recipient_id": None,
        "to_address": "olu.officer@opcc.example.org",
        "subject": "Your reminders",
        "text_body": "Hello\nAn action is due soon.",
        "html_body": "<p>Hello</p>",
        "marking": Marking.OFFICIAL,
        "status": OutboxStatus.PENDING,
        "attempts": 0,
        "last_error": "",
    }
    values.update(fields)
    with app.app_context():
        message = OutboxMessage(**values)
        db.session.add(message)
        db.session.commit()
        return message.id


def get_message(app, message_id: int) -> OutboxMessage:
    with app.app_context():
        message = db.session.get(OutboxMessage, message_id)
        db.session.expunge(message)
        return message


def opt_outs(app, user) -> set[str]:
    with app.app_context():
        return set(
            db.session.scalars(select(ReminderOptOut.rule).where(ReminderOptOut.user_id == user.id))
        )


def events(app, action: str) -> list[AuditEvent]:
    with app.app_context():
        found = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        ).all()
        for event in found:
            db.session.expunge(event)
        return list(found)


def save_preferences(post_form, wanted: list[str]):
    return post_form(PREFERENCES, {"wanted": wanted})


# Preferences ------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["admin", "officer", "liaison", "clerk"])
def test_preferences_page_loads_for_every_role(request, client, login_as, role):
    login_as(request.getfixturevalue(role))
    response = client.get(PREFERENCES)
    assert response.status_code == 200
    assert response.text.count("<h1") == 1
    assert "Which reminders do you want?" in response.text
    assert response.text.count('name="wanted"') == len(ALL_WANTED)
    assert response.text.count("checked") == len(ALL_WANTED)
    assert "cannot be turned off" in response.text
    assert 'value="escalation"' not in response.text


def test_preferences_need_sign_in(client):
    response = client.get(PREFERENCES)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_unticking_due_soon_stores_an_opt_out_and_is_audited(app, login_as, officer, post_form):
    login_as(officer)
    wanted = [value for value in ALL_WANTED if value != "due_soon"]
    response = save_preferences(post_form, wanted)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(PREFERENCES)
    assert opt_outs(app, officer) == {"due_soon"}
    [event] = events(app, "reminder_preferences_changed")
    assert (event.actor_id, event.entity_type, event.entity_id) == (
        officer.id,
        "user",
        officer.id,
    )
    assert event.changes == {"turned_off": [[], ["due_soon"]]}


def test_ticking_due_soon_again_removes_the_opt_out_and_is_audited(
    app, client, login_as, officer, post_form
):
    login_as(officer)
    save_preferences(post_form, [value for value in ALL_WANTED if value != "due_soon"])
    response = save_preferences(post_form, ALL_WANTED)
    assert response.status_code == 302
    assert opt_outs(app, officer) == set()
    changes = [event.changes for event in events(app, "reminder_preferences_changed")]
    assert changes[-1] == {"turned_off": [["due_soon"], []]}
    assert len(changes) == 2


def test_saved_preferences_are_shown_and_confirmed(app, client, login_as, liaison, post_form):
    login_as(liaison)
    save_preferences(post_form, ["overdue"])
    page = client.get(PREFERENCES)
    assert "Reminder preferences saved" in page.text
    assert page.text.count("checked") == 1
    assert opt_outs(app, liaison) == {"due_today", "due_soon", "updates_requested"}


def test_unticking_everything_turns_off_every_optional_reminder(app, login_as, clerk, post_form):
    login_as(clerk)
    assert save_preferences(post_form, []).status_code == 302
    assert opt_outs(app, clerk) == set(ALL_WANTED)


def test_unknown_group_value_is_refused(app, login_as, officer, post_form):
    login_as(officer)
    response = save_preferences(post_form, ["due_today", "<b>nonsense</b>"])
    assert response.status_code == 200
    assert "Select only reminders from the list" in response.text
    assert "<b>nonsense</b>" not in response.text
    assert opt_outs(app, officer) == set()
    assert events(app, "reminder_preferences_changed") == []


def test_escalation_is_not_a_choice(app, login_as, officer, post_form):
    login_as(officer)
    response = save_preferences(post_form, ["escalation"])
    assert response.status_code == 200
    assert "Select only reminders from the list" in response.text
    assert opt_outs(app, officer) == set()


def test_preferences_without_csrf_token_are_refused(app, client, login_as, officer):
    login_as(officer)
    response = client.post(PREFERENCES, data={"wanted": ["overdue"]})
    assert response.status_code == 400
    assert opt_outs(app, officer) == set()


# Outbox: permissions ------------------------------------------------------------------


@pytest.mark.parametrize("role", ["officer", "liaison", "clerk"])
def test_outbox_pages_are_forbidden_to_everyone_but_administrators(
    request, app, client, login_as, role
):
    message_id = make_message(app, status=OutboxStatus.FAILED)
    login_as(request.getfixturevalue(role))
    assert client.get(OUTBOX).status_code == 403
    assert client.get(f"{OUTBOX}/{message_id}").status_code == 403


@pytest.mark.parametrize("role", ["officer", "liaison", "clerk"])
def test_resend_is_forbidden_to_everyone_but_administrators(
    request, app, client, login_as, post_form, role
):
    message_id = make_message(app, status=OutboxStatus.FAILED, attempts=6)
    login_as(request.getfixturevalue(role))
    response = post_form(f"{OUTBOX}/{message_id}/resend", form_page=PREFERENCES)
    assert response.status_code == 403
    assert get_message(app, message_id).status == OutboxStatus.FAILED


def test_administrator_sees_the_outbox_and_a_message(app, client, login_as, admin):
    message_id = make_message(app, subject="Three actions need attention")
    login_as(admin)
    outbox = client.get(OUTBOX)
    assert outbox.status_code == 200
    assert outbox.text.count("<h1") == 1
    assert f'href="{OUTBOX}/{message_id}"' in outbox.text
    page = client.get(f"{OUTBOX}/{message_id}")
    assert page.status_code == 200
    assert page.text.count("<h1") == 1
    assert "Three actions need attention" in page.text


def test_missing_message_is_404(client, login_as, admin):
    login_as(admin)
    assert client.get(f"{OUTBOX}/999").status_code == 404


# Outbox: list -------------------------------------------------------------------------


def test_outbox_filters_by_status(app, client, login_as, admin):
    make_message(app, subject="Pending one")
    make_message(app, subject="Sent one", status=OutboxStatus.SENT, attempts=1)
    make_message(app, subject="Failed one", status=OutboxStatus.FAILED, attempts=6)
    login_as(admin)
    page = client.get(f"{OUTBOX}?status=failed")
    assert "Failed one" in page.text
    assert "Pending one" not in page.text
    assert "Sent one" not in page.text


def test_outbox_ignores_garbage_filters(app, client, login_as, admin):
    make_message(app, subject="Pending one")
    make_message(app, subject="Failed one", status=OutboxStatus.FAILED, attempts=6)
    login_as(admin)
    page = client.get(f"{OUTBOX}?status=%3Cscript%3E&page=-3x")
    assert page.status_code == 200
    assert "Pending one" in page.text
    assert "Failed one" in page.text
    assert "<script>" not in page.text.split("<main", 1)[1]


def test_outbox_shows_newest_first_fifty_a_page(app, client, login_as, admin):
    for n in range(51):
        make_message(app, subject=f"Message number {n:02d}")
    login_as(admin)
    first = client.get(OUTBOX).text
    assert "Message number 50" in first
    assert "Message number 00" not in first
    assert first.index("Message number 50") < first.index("Message number 49")
    second = client.get(f"{OUTBOX}?page=2").text
    assert "Message number 00" in second
    assert "Message number 01" not in second


def test_outbox_truncates_long_errors(app, client, login_as, admin):
    make_message(app, status=OutboxStatus.FAILED, attempts=6, last_error="x" * 500)
    login_as(admin)
    page = client.get(OUTBOX).text
    assert "x" * 110 in page
    assert "x" * 121 not in page


# Outbox: one message --------------------------------------------------------------------


def test_message_body_is_escaped(app, client, login_as, admin):
    message_id = make_message(app, text_body="Hello <script>alert('x')</script>")
    login_as(admin)
    page = client.get(f"{OUTBOX}/{message_id}").text
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert" in page
    assert '<pre class="app-pre-line' in page


def test_message_lists_its_reminder_items(app, client, login_as, admin, officer):
    message_id = make_message(app, recipient_id=officer.id)
    with app.app_context():
        db.session.add(
            ReminderItem(
                rule="action_due_soon",
                item_type="adhoc_request",
                item_id=42,
                recipient_id=officer.id,
                occurrence=date(2026, 6, 7),
                message_id=message_id,
            )
        )
        db.session.commit()
    login_as(admin)
    page = client.get(f"{OUTBOX}/{message_id}").text
    assert "Action due soon" in page
    assert "Adhoc request 42" in page
    assert "7 June 2026" in page


def test_send_again_is_offered_only_for_failed_messages(app, client, login_as, admin):
    failed = make_message(app, status=OutboxStatus.FAILED, attempts=6)
    sent = make_message(app, status=OutboxStatus.SENT, attempts=1)
    login_as(admin)
    assert "Send again" in client.get(f"{OUTBOX}/{failed}").text
    assert "Send again" not in client.get(f"{OUTBOX}/{sent}").text


# Outbox: resend -------------------------------------------------------------------------


def test_resend_puts_a_failed_message_back_in_the_queue(app, client, login_as, admin, post_form):
    message_id = make_message(
        app, status=OutboxStatus.FAILED, attempts=6, last_error="SMTPDataError: refused"
    )
    login_as(admin)
    url = f"{OUTBOX}/{message_id}"
    response = post_form(f"{url}/resend", form_page=url)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(url)
    message = get_message(app, message_id)
    assert (message.status, message.attempts) == (OutboxStatus.PENDING, 0)
    [event] = events(app, "resend_requested")
    assert (event.actor_id, event.entity_type, event.entity_id) == (admin.id, "outbox", message_id)
    assert "Message queued to be sent again" in client.get(url).text


def test_resend_of_a_sent_message_changes_nothing(app, client, login_as, admin, post_form):
    message_id = make_message(app, status=OutboxStatus.SENT, attempts=1)
    login_as(admin)
    url = f"{OUTBOX}/{message_id}"
    response = post_form(f"{url}/resend", form_page=url)
    assert response.status_code == 302
    message = get_message(app, message_id)
    assert (message.status, message.attempts) == (OutboxStatus.SENT, 1)
    assert events(app, "resend_requested") == []


def test_resend_without_csrf_token_is_refused(app, client, login_as, admin):
    message_id = make_message(app, status=OutboxStatus.FAILED, attempts=6)
    login_as(admin)
    response = client.post(f"{OUTBOX}/{message_id}/resend")
    assert response.status_code == 400
    message = get_message(app, message_id)
    assert (message.status, message.attempts) == (OutboxStatus.FAILED, 6)
    assert events(app, "resend_requested") == []
