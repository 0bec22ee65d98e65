"""Every status pair against the TRANSITIONS table, for each side, with history rows."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.factories import make_action
from tracker.actions import services
from tracker.actions.models import Action, ActionStatus, ActionUpdate
from tracker.actions.status import TRANSITIONS, Side
from tracker.assurance import AssuranceMethod, AssuranceVerdict
from tracker.audit.models import AuditEvent
from tracker.auth.models import User
from tracker.db import db
from tracker.errors import PermissionDeniedError

PAIRS = [(a, b) for a in ActionStatus for b in ActionStatus if a != b]


def _attempt(
    app, action_id: int, user_id: int, target: ActionStatus, note: str = "Evidence attached"
):
    with app.app_context():
        action = db.session.get(Action, action_id)
        user = db.session.get(User, user_id)
        # Closing needs the OPCC's assurance conclusion (tests/actions/test_assurance.py).
        conclusion = (
            {"method": AssuranceMethod.EVIDENCE_REVIEWED, "verdict": AssuranceVerdict.ASSURED}
            if target == ActionStatus.CLOSED
            else {}
        )
        try:
            services.transition(
                action, target, by=user, note=note, today=date(2026, 11, 23), **conclusion
            )
        except (services.ActionRuleError, PermissionDeniedError) as refusal:
            db.session.rollback()
            return refusal
        db.session.commit()
        return None


@pytest.mark.parametrize(("current", "target"), PAIRS, ids=lambda s: s.value)
def test_opcc_officer_may_make_exactly_the_declared_opcc_moves(
    app, meeting, officer, liaison, current, target
):
    action = make_action(app, meeting, liaison, status=current)
    refusal = _attempt(app, action.id, officer.id, target)
    declared = TRANSITIONS.get((current, target))
    allowed = declared is not None and Side.OPCC in declared.sides
    assert (refusal is None) == allowed, refusal
    with app.app_context():
        status = db.session.get(Action, action.id).status
        history = db.session.scalars(
            select(ActionUpdate).where(ActionUpdate.action_id == action.id)
        ).all()
    if allowed:
        assert status == target
        assert [(h.from_status, h.to_status) for h in history] == [(current, target)]
    else:
        assert status == current
        assert history == []


@pytest.mark.parametrize(("current", "target"), PAIRS, ids=lambda s: s.value)
def test_force_liaison_may_make_exactly_the_declared_force_moves(
    app, meeting, liaison, current, target
):
    action = make_action(app, meeting, liaison, status=current)
    refusal = _attempt(app, action.id, liaison.id, target)
    declared = TRANSITIONS.get((current, target))
    allowed = declared is not None and Side.FORCE in declared.sides
    assert (refusal is None) == allowed, refusal


@pytest.mark.parametrize("target", list(ActionStatus), ids=lambda s: s.value)
def test_panel_clerk_can_make_no_move(app, meeting, liaison, clerk, target):
    action = make_action(app, meeting, liaison, status=ActionStatus.IMPLEMENTED)
    assert _attempt(app, action.id, clerk.id, target) is not None


def test_force_user_cannot_close_action(app, force_action, liaison):
    _attempt(app, force_action.id, liaison.id, ActionStatus.IMPLEMENTED)
    refusal = _attempt(app, force_action.id, liaison.id, ActionStatus.CLOSED)
    assert isinstance(refusal, PermissionDeniedError)


def test_force_user_cannot_move_an_opcc_owned_action(app, opcc_action, liaison):
    assert isinstance(
        _attempt(app, opcc_action.id, liaison.id, ActionStatus.IN_PROGRESS), PermissionDeniedError
    )


@pytest.mark.parametrize(
    ("current", "target"),
    [(s, t) for (s, t), rule in TRANSITIONS.items() if rule.reason_required],
    ids=lambda s: s.value,
)
def test_reason_is_required_where_declared(app, meeting, officer, liaison, current, target):
    action = make_action(app, meeting, liaison, status=current)
    refusal = _attempt(app, action.id, officer.id, target, note="   ")
    assert isinstance(refusal, services.ActionRuleError)


def test_closing_sets_closed_on_and_reopening_clears_it(app, force_action, officer, liaison):
    _attempt(app, force_action.id, liaison.id, ActionStatus.IMPLEMENTED)
    _attempt(app, force_action.id, officer.id, ActionStatus.CLOSED, note="")
    with app.app_context():
        assert db.session.get(Action, force_action.id).closed_on == date(2026, 11, 23)
    _attempt(app, force_action.id, officer.id, ActionStatus.REOPENED, note="New evidence of risk")
    with app.app_context():
        action = db.session.get(Action, force_action.id)
        assert action.closed_on is None
        assert action.status == ActionStatus.REOPENED


def test_status_change_is_audited_with_old_and_new_values(app, force_action, liaison):
    _attempt(app, force_action.id, liaison.id, ActionStatus.IN_PROGRESS, note="Started")
    with app.app_context():
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "status_changed")
        ).one()
    assert event.changes == {"status": ["open", "in_progress"]}
    assert event.actor_id == liaison.id
