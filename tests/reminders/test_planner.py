"""Planning reminders: who is told what, once, and never about what they cannot see."""

from __future__ import annotations

import threading
from datetime import date, timedelta

from sqlalchemy import select

from tests.factories import make_action, make_meeting
from tests.reminders.conftest import TODAY, item_count, outbox_count
from tracker.actions.models import ActionStatus, Marking
from tracker.db import db
from tracker.reminders.models import OutboxMessage, ReminderItem
from tracker.settings.models import Setting


def messages(app) -> list[OutboxMessage]:
    with app.app_context():
        rows = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        for row in rows:
            db.session.expunge(row)
        return rows


def test_one_digest_per_person_grouped_by_urgency(app, run_day, liaison, leads):
    meeting = make_meeting(app)
    make_action(
        app,
        meeting,
        liaison,
        title="Overdue thing",
        reference="AA-1",
        raised_on=TODAY - timedelta(days=60),
        due_on=TODAY - timedelta(days=1),
    )
    make_action(app, meeting, liaison, title="Due today thing", reference="AA-2", due_on=TODAY)
    make_action(
        app,
        meeting,
        liaison,
        title="Soon thing",
        reference="AA-3",
        due_on=TODAY + timedelta(days=3),
    )
    make_action(
        app,
        meeting,
        liaison,
        title="Far thing",
        reference="AA-4",
        due_on=TODAY + timedelta(days=30),
    )
    run_day(TODAY)
    [digest] = [m for m in messages(app) if m.to_address == liaison.email]
    text = digest.text_body
    assert text.index("OVERDUE") < text.index("DUE TODAY") < text.index("DUE SOON")
    assert "AA-1: Overdue thing" in text
    assert "1 day overdue" in text
    assert "AA-2: Due today thing" in text
    assert "AA-3: Soon thing" in text
    assert "Far thing" not in text
    assert "http://localhost/actions/" in text
    assert '<a href="http://localhost/actions/' in digest.html_body
    assert (
        digest.subject
        == "OFFICIAL: Holding to account tracker: AA-1 overdue; 1 due today, 1 due soon"
    )


def test_subject_carries_the_highest_marking(app, run_day, liaison, leads):
    meeting = make_meeting(app)
    make_action(app, meeting, liaison, due_on=TODAY)
    make_action(app, meeting, liaison, due_on=TODAY, marking=Marking.OFFICIAL_SENSITIVE)
    run_day(TODAY)
    [digest] = [m for m in messages(app) if m.to_address == liaison.email]
    assert digest.subject.startswith("OFFICIAL-SENSITIVE: ")
    assert digest.text_body.startswith("OFFICIAL-SENSITIVE")


def test_a_repeated_run_sends_nothing_twice(app, run_day, liaison, leads):
    make_action(app, make_meeting(app), liaison, due_on=TODAY)
    run_day(TODAY)
    first = (outbox_count(app), item_count(app))
    result, _ = run_day(TODAY)
    assert result.new == []
    assert (outbox_count(app), item_count(app)) == first


def test_overdue_reminders_repeat_every_seven_days(app, run_day, liaison, leads):
    make_action(
        app,
        make_meeting(app),
        liaison,
        raised_on=TODAY - timedelta(days=90),
        due_on=TODAY - timedelta(days=1),
    )
    sent_on = []
    for offset in range(0, 15):
        day = TODAY + timedelta(days=offset)
        result, _ = run_day(day)
        if any(r.rule == "action_overdue" for r in result.new):
            sent_on.append(offset)
    # Overdue from the 10th: reminded then, a week later and a fortnight later
    # (weekend days wait for Monday but keep the same occasion).
    assert sent_on == [0, 7, 14]


def test_escalation_goes_to_both_leads_once_after_fourteen_days(app, run_day, liaison, leads):
    action = make_action(
        app,
        make_meeting(app),
        liaison,
        raised_on=TODAY - timedelta(days=90),
        due_on=TODAY - timedelta(days=13),
    )
    result, _ = run_day(TODAY)
    assert not [r for r in result.new if r.rule == "action_escalation"]
    tomorrow = TODAY + timedelta(days=1)
    result, _ = run_day(tomorrow)
    escalated = {r.recipient_id for r in result.new if r.rule == "action_escalation"}
    assert escalated == {leads["opcc"].id, leads["force"].id}
    result, _ = run_day(tomorrow + timedelta(days=1))
    assert not [r for r in result.new if r.rule == "action_escalation"]
    assert action.id in {r.item_id for r in result.planned}


def test_restricted_items_never_reach_force_addresses(app, run_day, officer, leads):
    make_action(
        app,
        make_meeting(app),
        officer,
        opcc_only=True,
        title="Restricted review",
        raised_on=TODAY - timedelta(days=90),
        due_on=TODAY - timedelta(days=14),
    )
    run_day(TODAY)
    for message in messages(app):
        if message.to_address.endswith("police.example.org"):
            assert "Restricted review" not in message.text_body
    opcc_lead_mail = [m for m in messages(app) if m.to_address == leads["opcc"].email]
    assert "Restricted review" in opcc_lead_mail[0].text_body


def test_opting_out_stops_that_kind_but_not_escalations(app, run_day, liaison, leads):
    from tracker.reminders.models import ReminderOptOut

    with app.app_context():
        db.session.add(ReminderOptOut(user_id=leads["force"].id, rule="overdue"))
        db.session.add(ReminderOptOut(user_id=liaison.id, rule="due_today"))
        db.session.commit()
    make_action(app, make_meeting(app), liaison, due_on=TODAY)
    make_action(
        app,
        make_meeting(app),
        leads["force"],
        raised_on=TODAY - timedelta(days=90),
        due_on=TODAY - timedelta(days=14),
    )
    result, _ = run_day(TODAY)
    assert not [r for r in result.new if r.recipient_id == liaison.id]
    assert {r.rule for r in result.new if r.recipient_id == leads["force"].id} == {
        "action_escalation"
    }


def test_closed_actions_and_deactivated_owners_get_nothing(app, run_day, liaison, make_user, leads):
    from tracker.auth.models import Role

    gone = make_user(Role.FORCE_LIAISON, active=False)
    make_action(app, make_meeting(app), liaison, due_on=TODAY, status=ActionStatus.CLOSED)
    make_action(app, make_meeting(app), gone, due_on=TODAY)
    result, _ = run_day(TODAY)
    assert result.new == []


def test_nothing_on_a_bank_holiday_and_catch_up_the_next_working_day(app, run_day, liaison, leads):
    christmas = date(2026, 12, 25)
    make_action(app, make_meeting(app), liaison, raised_on=date(2026, 11, 1), due_on=christmas)
    result, _ = run_day(christmas)
    assert result.new == []
    assert result.problems[0] == (
        "No reminders today: 25 December 2026 is a bank holiday (Christmas Day); "
        "the next working day is Tuesday 29 December 2026."
    )
    result, _ = run_day(date(2026, 12, 28))  # Monday 28 December 2026 is the Boxing Day substitute
    assert result.new == []
    result, _ = run_day(date(2026, 12, 29))
    assert [r.rule for r in result.new] == ["action_overdue"]


def test_nothing_at_a_weekend_says_which_day_it_is(app, run_day, liaison, leads):
    result, _ = run_day(date(2026, 6, 13))
    assert result.problems == [
        "No reminders today: 13 June 2026 is a Saturday; "
        "the next working day is Monday 15 June 2026."
    ]


def test_reminder_before_due_in_working_days_falls_on_the_next_working_day(
    app, run_day, liaison, leads
):
    # Due Wednesday 17 June 2026: the 14-day reminder falls on Wednesday 3 June.
    make_action(
        app, make_meeting(app), liaison, raised_on=date(2026, 5, 1), due_on=date(2026, 6, 17)
    )
    saturday = date(2026, 6, 13)  # the 3-day reminder would fall on Sunday 14 June
    assert run_day(saturday)[0].new == []
    result, _ = run_day(date(2026, 6, 15))
    assert [(r.rule, r.occurrence) for r in result.new] == [("action_due_soon", date(2026, 6, 14))]


def test_dry_run_changes_nothing(app, run_day, liaison, leads):
    make_action(app, make_meeting(app), liaison, due_on=TODAY)
    result, sent = run_day(TODAY, dry_run=True)
    assert len(result.new) == 1
    assert result.summary[0][0] == liaison.email
    assert sent is None
    assert outbox_count(app) == 0
    assert item_count(app) == 0


def test_two_runs_at_once_send_each_reminder_once(app, liaison, officer, leads):
    from tracker.reminders.cli import run_reminders

    meeting = make_meeting(app)
    for n in range(30):
        make_action(
            app, meeting, liaison if n % 2 else officer, due_on=TODAY, title=f"Concurrent {n}"
        )
    errors = []
    barrier = threading.Barrier(2)

    def worker():
        try:
            with app.app_context():
                barrier.wait()
                run_reminders(TODAY)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    with app.app_context():
        items = db.session.scalars(select(ReminderItem)).all()
        assert len(items) == 30
        assert all(item.message_id is not None for item in items)
    assert sorted(m.to_address for m in messages(app)) == sorted([liaison.email, officer.email])


def test_update_round_before_a_meeting_asks_owners_of_earlier_actions_once(
    app, run_day, liaison, leads
):

    earlier = make_meeting(app, kind="performance", held_on=date(2026, 3, 5))
    make_meeting(app, kind="performance", held_on=TODAY + timedelta(days=10))
    make_action(
        app,
        earlier,
        liaison,
        title="Earlier action",
        raised_on=date(2026, 3, 5),
        due_on=TODAY + timedelta(days=60),
    )
    result, _ = run_day(TODAY)
    assert [r.rule.startswith("meeting_update_") for r in result.new] == [True]
    assert "please add an update" in result.new[0].line
    assert run_day(TODAY + timedelta(days=1))[0].new == []


def test_missing_leads_are_reported_not_ignored(app, run_day, liaison):
    make_action(
        app,
        make_meeting(app),
        liaison,
        raised_on=TODAY - timedelta(days=90),
        due_on=TODAY - timedelta(days=20),
    )
    result, _ = run_day(TODAY)
    assert any("No OPCC lead is set" in p for p in result.problems)


def test_source_deadlines_go_to_the_opcc_lead(app, run_day, leads):
    from tests.factories import make_panel_item, make_report

    make_panel_item(app, response_due_on=TODAY)
    make_report(app, published_on=TODAY - timedelta(days=55), pcc_comments_due_on=TODAY)
    result, _ = run_day(TODAY)
    rules = {(r.rule, r.recipient_id) for r in result.new}
    assert ("panel_item_due_today", leads["opcc"].id) in rules
    assert ("hmicfrs_s55_due_today", leads["opcc"].id) in rules


def test_settings_change_the_days_before(app, run_day, liaison, leads):
    with app.app_context():
        db.session.add(Setting(key="reminder_days_before", value="5"))
        db.session.commit()
    make_action(app, make_meeting(app), liaison, due_on=TODAY + timedelta(days=5))
    assert [r.rule for r in run_day(TODAY)[0].new] == ["action_due_soon"]


def test_a_long_digest_shows_fifty_per_section_and_links_to_the_rest(app, run_day, liaison, leads):
    meeting = make_meeting(app)
    for n in range(53):
        make_action(app, meeting, liaison, title=f"Bulk {n}", due_on=TODAY)
    run_day(TODAY)
    [digest] = [m for m in messages(app) if m.to_address == liaison.email]
    assert "53 due today" in digest.subject
    assert digest.text_body.count("- T-") == 50
    assert "and 3 more: http://localhost/actions/?owner=" in digest.text_body
