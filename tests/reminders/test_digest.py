"""What a digest says: subjects naming the most urgent item, escalations naming the
owner, each item once, nothing about work that waits for the OPCC sent to the force,
and wording for the recipient's role."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from tests.factories import make_action, make_adhoc_request, make_meeting, make_report
from tests.reminders.conftest import TODAY
from tracker.actions.models import ActionStatus
from tracker.db import db
from tracker.reminders.models import OutboxMessage

SERVICE = "Holding to account tracker"


def digest_for(app, user) -> OutboxMessage | None:
    with app.app_context():
        found = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.to_address == user.email)
        ).all()
        for message in found:
            db.session.expunge(message)
    assert len(found) <= 1, "one digest per person per run"
    return found[0] if found else None


def overdue_action(app, owner, days: int, **fields):
    return make_action(
        app,
        make_meeting(app),
        owner,
        raised_on=TODAY - timedelta(days=days + 60),
        due_on=TODAY - timedelta(days=days),
        **fields,
    )


def test_subject_names_the_most_overdue_item_of_the_most_urgent_section(
    app, run_day, liaison, leads
):
    overdue_action(app, liaison, 2, reference="AA-2019-002")
    overdue_action(app, liaison, 6, reference="AA-2019-001")
    make_action(app, make_meeting(app), liaison, reference="AA-2019-003", due_on=TODAY)
    run_day(TODAY)
    digest = digest_for(app, liaison)
    assert digest.subject == f"OFFICIAL: {SERVICE}: 2 overdue, including AA-2019-001; 1 due today"
    # The body lists the most overdue first, too.
    assert digest.text_body.index("AA-2019-001") < digest.text_body.index("AA-2019-002")


def test_subject_with_one_item_names_it(app, run_day, liaison, leads):
    make_action(app, make_meeting(app), liaison, reference="AA-2023-014", due_on=TODAY)
    run_day(TODAY)
    assert digest_for(app, liaison).subject == f"OFFICIAL: {SERVICE}: AA-2023-014 due today"


def test_source_deadline_subject_names_the_report(app, run_day, leads):
    make_report(
        app,
        code="VET23",
        title="Vetting and counter-corruption",
        published_on=TODAY - timedelta(days=55),
        pcc_comments_due_on=TODAY,
    )
    run_day(TODAY)
    subject = digest_for(app, leads["opcc"]).subject
    assert subject == f"OFFICIAL: {SERVICE}: s.55 comments on VET23 due today"


def test_escalation_names_the_owner_and_the_days_overdue(app, run_day, liaison, leads):
    overdue_action(app, liaison, 14, reference="AA-2019-001", title="Front line officer numbers")
    run_day(TODAY)
    for lead in (leads["opcc"], leads["force"]):
        text = digest_for(app, lead).text_body
        assert "ESCALATED" in text
        assert (
            "AA-2019-001: Front line officer numbers (due 27 May 2026, 14 days overdue; "
            "owner Lee Liaison (Force))"
        ) in text


def test_an_escalated_item_is_not_repeated_under_overdue(app, run_day, leads):
    # Fifteen days overdue: the overdue reminder and the escalation (one day late, within
    # the catch-up window) fall on the same run, for an action the OPCC lead owns.
    overdue_action(app, leads["opcc"], 15, reference="AA-2019-007")
    result, _ = run_day(TODAY)
    rules = sorted(r.rule for r in result.new if r.recipient_id == leads["opcc"].id)
    assert rules == ["action_escalation", "action_overdue"]
    digest = digest_for(app, leads["opcc"])
    assert digest.text_body.count("AA-2019-007") == 1
    assert digest.html_body.count("AA-2019-007") == 1
    assert "OVERDUE\n" not in digest.text_body
    assert digest.subject == f"OFFICIAL: {SERVICE}: AA-2019-007 escalated"


def test_no_item_is_listed_twice_in_any_digest(app, run_day, officer, liaison, leads):
    meeting = make_meeting(app, held_on=TODAY - timedelta(days=90))
    for days in (1, 8, 14, 15, 22):
        make_action(
            app,
            meeting,
            leads["opcc"],
            raised_on=TODAY - timedelta(days=80),
            due_on=TODAY - timedelta(days=days),
        )
        overdue_action(app, liaison, days)
    make_meeting(app, held_on=TODAY + timedelta(days=5))  # an update round for earlier ones
    run_day(TODAY)
    with app.app_context():
        digests = db.session.scalars(select(OutboxMessage)).all()
        assert digests
        for digest in digests:
            references = re.findall(r"^- (T-\d+):", digest.text_body, flags=re.MULTILINE)
            assert references
            assert len(references) == len(set(references)), digest.text_body


def test_force_is_not_reminded_of_actions_submitted_as_implemented(app, run_day, liaison, leads):
    overdue_action(app, liaison, 14, reference="AA-2019-009", status=ActionStatus.IMPLEMENTED)
    make_action(
        app,
        make_meeting(app),
        liaison,
        reference="AA-2019-010",
        due_on=TODAY,
        status=ActionStatus.IMPLEMENTED,
    )
    result, _ = run_day(TODAY)
    assert digest_for(app, liaison) is None
    assert digest_for(app, leads["force"]) is None
    assert {r.recipient_id for r in result.new} == {leads["opcc"].id}
    text = digest_for(app, leads["opcc"]).text_body
    assert "AA-2019-009" in text
    assert "submitted as implemented, awaiting OPCC assurance" in text


def test_an_opcc_owner_is_still_reminded_of_an_implemented_action(app, run_day, officer, leads):
    make_action(
        app,
        make_meeting(app),
        officer,
        reference="AA-2019-011",
        due_on=TODAY,
        status=ActionStatus.IMPLEMENTED,
    )
    run_day(TODAY)
    assert "AA-2019-011" in digest_for(app, officer).text_body


def test_wording_fits_the_recipients_role(app, run_day, officer, liaison, leads):
    make_action(app, make_meeting(app), officer, due_on=TODAY)
    make_action(app, make_meeting(app), liaison, due_on=TODAY)
    run_day(TODAY)
    opcc, force = digest_for(app, officer), digest_for(app, liaison)
    for body in (opcc.text_body, opcc.html_body):
        assert "submit evidence" not in body
        assert "assure and close" in body
    for body in (force.text_body, force.html_body):
        assert "submit evidence" in body
        assert "assure and close" not in body


def test_source_lines_leave_out_empty_parts(app, run_day, leads):
    make_adhoc_request(
        app,
        subject="SNT abstractions",
        recipient="",
        sent_on=TODAY - timedelta(days=20),
        response_due_on=TODAY,
        author_id=leads["opcc"].id,
    )
    make_report(
        app,
        title="Police performance: getting a grip",
        published_on=TODAY - timedelta(days=55),
        pcc_comments_due_on=TODAY,
    )
    run_day(TODAY)
    text = digest_for(app, leads["opcc"]).text_body
    assert f"Ad-hoc request 'SNT abstractions': response (due {10} June 2026)" in text
    assert (
        "HMICFRS 'Police performance: getting a grip': PCC comments (s.55) (due 10 June 2026)"
    ) in text
    assert ":  (" not in text
    assert ": (" not in text
