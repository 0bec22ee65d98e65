"""The OPCC's assurance conclusion when it closes an implemented action (or sends it back)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from tests.factories import make_action
from tracker.actions import rules, services
from tracker.actions.conclusions import closing_updates, current_conclusion
from tracker.actions.models import NO_CONCLUSION, Action, ActionStatus, ActionUpdate
from tracker.assurance import AssuranceMethod, AssuranceVerdict
from tracker.audit.models import AuditEvent
from tracker.auth.models import User
from tracker.db import db
from tracker.errors import ConflictError

TODAY = date(2026, 11, 23)
DIP = AssuranceMethod.DIP_SAMPLE
EVIDENCE = AssuranceMethod.EVIDENCE_REVIEWED
ASSURED = AssuranceVerdict.ASSURED
PARTLY = AssuranceVerdict.PARTLY_ASSURED
NOT_ASSURED = AssuranceVerdict.NOT_ASSURED


@pytest.fixture
def implemented(app, meeting, liaison):
    return make_action(app, meeting, liaison, status=ActionStatus.IMPLEMENTED)


def _assure(app, action_id: int, user_id: int, **given):
    """Call services.assure and commit; the refusal, or None when it was accepted."""
    values = {"method": EVIDENCE, "verdict": ASSURED, "note": "", "today": TODAY, **given}
    with app.app_context():
        action = db.session.get(Action, action_id)
        try:
            services.assure(action, by=db.session.get(User, user_id), **values)
        except services.ActionRuleError as refusal:
            db.session.rollback()
            return refusal
        db.session.commit()
        return None


def _status_changes(app, action_id: int) -> list[ActionUpdate]:
    with app.app_context():
        return db.session.scalars(
            select(ActionUpdate)
            .where(ActionUpdate.action_id == action_id, ActionUpdate.to_status.is_not(None))
            .order_by(ActionUpdate.id)
        ).all()


def _status(app, action_id: int) -> ActionStatus:
    with app.app_context():
        return db.session.get(Action, action_id).status


# Services -------------------------------------------------------------------------------


def test_assured_close_keeps_method_and_verdict_on_the_status_change(app, implemented, officer):
    assert _assure(app, implemented.id, officer.id, method=DIP) is None
    [change] = _status_changes(app, implemented.id)
    assert (change.from_status, change.to_status) == (ActionStatus.IMPLEMENTED, ActionStatus.CLOSED)
    assert (change.assurance_method, change.assurance_verdict) == (DIP, ASSURED)
    assert change.conclusion == "Assured (dip sample)"
    with app.app_context():
        assert db.session.get(Action, implemented.id).closed_on == TODAY


def test_partly_assured_close_needs_a_note_saying_what_is_outstanding(app, implemented, officer):
    refusal = _assure(app, implemented.id, officer.id, verdict=PARTLY, note="  ")
    assert refusal.field == "note"
    assert refusal.message == rules.NOTE_NEEDED[PARTLY]
    assert _status(app, implemented.id) == ActionStatus.IMPLEMENTED
    assert _assure(app, implemented.id, officer.id, verdict=PARTLY, note="Two sites left") is None
    [change] = _status_changes(app, implemented.id)
    assert (change.assurance_verdict, change.text) == (PARTLY, "Two sites left")


@pytest.mark.parametrize(
    ("given", "field"),
    [({"method": None}, "method"), ({"verdict": None}, "verdict")],
    ids=["method", "verdict"],
)
def test_method_and_verdict_are_required(app, implemented, officer, given, field):
    refusal = _assure(app, implemented.id, officer.id, **given)
    assert refusal.field == field
    assert _status(app, implemented.id) == ActionStatus.IMPLEMENTED
    assert _status_changes(app, implemented.id) == []


def test_closing_through_transition_without_a_conclusion_is_refused(app, implemented, officer):
    with app.app_context():
        action = db.session.get(Action, implemented.id)
        with pytest.raises(services.ActionRuleError) as refusal:
            services.transition(
                action,
                ActionStatus.CLOSED,
                by=db.session.get(User, officer.id),
                note="Fine",
                today=TODAY,
            )
    assert refusal.value.field == "method"


def test_not_assured_sends_the_action_back_to_the_owner_with_the_note_as_reason(
    app, implemented, officer
):
    note = "The audit covered one district of four"
    assert _assure(app, implemented.id, officer.id, verdict=NOT_ASSURED, note=note) is None
    [change] = _status_changes(app, implemented.id)
    assert (change.from_status, change.to_status) == (
        ActionStatus.IMPLEMENTED,
        ActionStatus.IN_PROGRESS,
    )
    assert (change.assurance_method, change.assurance_verdict, change.text) == (
        EVIDENCE,
        NOT_ASSURED,
        note,
    )
    with app.app_context():
        action = db.session.get(Action, implemented.id)
        assert action.closed_on is None
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "status_changed")
        ).one()
    assert event.summary == f"Sent back to the owner: Not assured (evidence reviewed). Note: {note}"
    assert event.changes["assurance_verdict"] == [None, "not_assured"]


def test_not_assured_needs_the_reason(app, implemented, officer):
    refusal = _assure(app, implemented.id, officer.id, verdict=NOT_ASSURED, note="")
    assert refusal.field == "note"
    assert _status(app, implemented.id) == ActionStatus.IMPLEMENTED


@pytest.mark.parametrize(
    ("target", "verdict"),
    [(ActionStatus.CLOSED, NOT_ASSURED), (ActionStatus.IN_PROGRESS, ASSURED)],
    ids=["not-assured-close", "assured-send-back"],
)
def test_verdict_must_fit_the_move(app, implemented, officer, target, verdict):
    with app.app_context():
        action = db.session.get(Action, implemented.id)
        with pytest.raises(services.ActionRuleError) as refusal:
            services.transition(
                action,
                target,
                by=db.session.get(User, officer.id),
                note="Reason",
                today=TODAY,
                method=EVIDENCE,
                verdict=verdict,
            )
    assert refusal.value.field == "verdict"


def test_only_an_implemented_action_is_assured(app, meeting, liaison, officer):
    action = make_action(app, meeting, liaison, status=ActionStatus.OPEN)
    with app.app_context():
        loaded = db.session.get(Action, action.id)
        with pytest.raises(services.ActionRuleError, match="Only an implemented action"):
            services.transition(
                loaded,
                ActionStatus.IN_PROGRESS,
                by=db.session.get(User, officer.id),
                note="",
                today=TODAY,
                method=EVIDENCE,
                verdict=NOT_ASSURED,
            )


def test_two_closes_keep_two_conclusions_and_the_latest_holds(app, implemented, officer, liaison):
    assert _assure(app, implemented.id, officer.id, method=DIP) is None
    with app.app_context():
        action = db.session.get(Action, implemented.id)
        o, f = db.session.get(User, officer.id), db.session.get(User, liaison.id)
        services.transition(action, ActionStatus.REOPENED, by=o, note="Complaint", today=TODAY)
        services.transition(action, ActionStatus.IMPLEMENTED, by=f, note="Redone", today=TODAY)
        db.session.commit()
    assert _assure(app, implemented.id, officer.id, verdict=PARTLY, note="One site left") is None
    closes = [u for u in _status_changes(app, implemented.id) if u.to_status == ActionStatus.CLOSED]
    assert [(u.assurance_method, u.assurance_verdict) for u in closes] == [
        (DIP, ASSURED),
        (EVIDENCE, PARTLY),
    ]
    with app.app_context():
        assert closing_updates([implemented.id])[implemented.id].id == closes[-1].id
        updates = db.session.get(Action, implemented.id).updates
        assert current_conclusion(updates).id == closes[-1].id


def test_a_stale_version_refuses_the_conclusion(app, implemented, officer):
    with app.app_context():
        action = db.session.get(Action, implemented.id)
        with pytest.raises(ConflictError):
            services.assure(
                action,
                by=db.session.get(User, officer.id),
                method=EVIDENCE,
                verdict=ASSURED,
                note="",
                today=TODAY,
                expected_version=action.version - 1,
            )
        db.session.rollback()
    assert _status(app, implemented.id) == ActionStatus.IMPLEMENTED
    assert _status_changes(app, implemented.id) == []


def test_the_database_refuses_a_not_assured_close(app, implemented, officer):
    with app.app_context():
        db.session.add(
            ActionUpdate(
                action_id=implemented.id,
                author_id=officer.id,
                from_status=ActionStatus.IMPLEMENTED,
                to_status=ActionStatus.CLOSED,
                assurance_method=EVIDENCE,
                assurance_verdict=NOT_ASSURED,
            )
        )
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()


# Pages ----------------------------------------------------------------------------------


def _close(post_form, action_id: int, **fields):
    page = f"/actions/{action_id}"
    data = {"target": "closed", "version": "1", "note": "", **fields}
    return post_form(f"{page}/status", data, form_page=page)


def test_close_form_offers_method_and_verdict_radios(client, login_as, officer, implemented):
    login_as(officer)
    page = client.get(f"/actions/{implemented.id}").text
    assert 'name="method" type="radio" value="dip_sample"' in page
    assert 'name="verdict" type="radio" value="not_assured"' in page


def test_close_without_method_or_verdict_shows_both_errors_linked(
    app, login_as, officer, implemented, post_form
):
    login_as(officer)
    response = _close(post_form, implemented.id)
    assert response.status_code == 400
    assert 'href="#method"' in response.text
    assert 'href="#verdict"' in response.text
    assert rules.CHOOSE_METHOD in response.text
    assert _status(app, implemented.id) == ActionStatus.IMPLEMENTED


def test_partly_assured_without_a_note_is_an_error_on_the_note(
    app, login_as, officer, implemented, post_form
):
    login_as(officer)
    response = _close(post_form, implemented.id, method="dip_sample", verdict="partly_assured")
    assert response.status_code == 400
    assert 'href="#note"' in response.text
    assert rules.NOTE_NEEDED[PARTLY] in response.text


def test_not_assured_from_the_close_form_sends_it_back(
    app, client, login_as, officer, implemented, post_form
):
    login_as(officer)
    response = _close(
        post_form,
        implemented.id,
        method="evidence_reviewed",
        verdict="not_assured",
        note="Only one district audited",
    )
    assert response.status_code == 302
    assert _status(app, implemented.id) == ActionStatus.IN_PROGRESS
    page = client.get(f"/actions/{implemented.id}").text
    assert "is now in progress" in page
    assert "Sent back to the owner" in page
    assert "Only one district audited" in page


def test_force_user_cannot_post_a_conclusion(app, login_as, liaison, implemented, post_form):
    login_as(liaison)
    response = _close(post_form, implemented.id, method="dip_sample", verdict="assured")
    assert response.status_code == 403
    assert _status(app, implemented.id) == ActionStatus.IMPLEMENTED


@pytest.mark.parametrize("reader", ["officer", "liaison", "clerk"])
def test_action_page_shows_the_conclusion_to_everyone_who_may_see_it(
    app, client, login_as, officer, implemented, post_form, auth, request, reader
):
    login_as(officer)
    response = _close(
        post_form,
        implemented.id,
        method="dip_sample",
        verdict="partly_assured",
        note="Two custody suites still to sample",
    )
    assert response.status_code == 302
    auth.logout()
    login_as(request.getfixturevalue(reader))
    page = client.get(f"/actions/{implemented.id}").text
    panel = page[page.index('id="assurance-conclusion"') :]
    panel = panel[: panel.index("</div>")]
    assert "Partly assured" in panel
    assert "Method: dip sample" in panel
    assert "Two custody suites still to sample" in panel


def test_closed_action_without_a_conclusion_says_none_was_recorded(
    app, client, login_as, clerk, meeting, liaison
):
    action = make_action(app, meeting, liaison, status=ActionStatus.CLOSED)
    login_as(clerk)
    page = client.get(f"/actions/{action.id}").text
    assert NO_CONCLUSION in page


def test_history_says_the_conclusion_in_words(
    app, client, login_as, officer, implemented, post_form
):
    login_as(officer)
    _close(post_form, implemented.id, method="dip_sample", verdict="partly_assured", note="Gap")
    page = client.get(f"/actions/{implemented.id}").text
    history = re.sub(r"\s+", " ", page[page.index(">History<") :])
    assert "Closed: Partly assured (dip sample). Note: Gap" in history
    assert "Assurance verdict: Partly assured" in history
    assert "Assurance method: Dip sample" in history
