"""Who sees which action: the Python rule and the SQL rule agree, case by case."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import select

from tests.factories import make_action, make_finding, make_meeting, make_panel_item, make_report
from tracker import policy
from tracker.actions.models import Action, Marking
from tracker.auth.models import Role, User
from tracker.db import db


@pytest.fixture
def every_kind_of_action(app, officer, liaison):
    """Actions over every source, owning organisation, restriction and publication."""
    report = make_report(app)
    created = []
    for published, opcc_only, owner, marking, to_panel in itertools.product(
        (True, False),
        (True, False),
        (officer, liaison),
        (Marking.OFFICIAL, Marking.OFFICIAL_SENSITIVE),
        (False, True),
    ):
        if opcc_only and owner is liaison:
            continue  # force-owned actions cannot be restricted
        sources = [
            make_meeting(app, published=published),
            make_panel_item(app, published=published),
            make_finding(app, report),
        ]
        created += [
            make_action(
                app,
                source,
                owner,
                opcc_only=opcc_only,
                marking=marking,
                published_to_panel=to_panel,
            )
            for source in sources
        ]
    return created


EXPECTED = {
    # role: what it may see
    Role.ADMIN: lambda a: True,
    Role.OPCC_OFFICER: lambda a: True,
    Role.FORCE_LIAISON: lambda a: a.owning_organisation.value == "force" and not a.opcc_only,
    # The Panel sees what is published to it: OFFICIAL actions from published meetings and
    # Panel items, and whatever the OPCC published to it; never HMICFRS actions otherwise.
    Role.PANEL_CLERK: lambda a: (
        not a.opcc_only
        and (
            a.published_to_panel
            or (
                a.marking.value == "official"
                and (
                    (a.meeting is not None and a.meeting.published)
                    or (a.panel_item is not None and a.panel_item.published)
                )
            )
        )
    ),
}


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_python_and_sql_visibility_agree_with_the_table(app, make_user, every_kind_of_action, role):
    user = make_user(role)
    with app.app_context():
        viewer = db.session.get(User, user.id)
        actions = db.session.scalars(select(Action)).all()
        by_sql = set(db.session.scalars(select(Action.id).where(policy.action_visibility(viewer))))
        for action in actions:
            expected = EXPECTED[role](action)
            assert policy.can_view_action(viewer, action) is expected, action
            assert (action.id in by_sql) is expected, action


def test_deactivated_user_sees_nothing(app, make_user, every_kind_of_action):
    user = make_user(Role.OPCC_OFFICER, active=False)
    with app.app_context():
        viewer = db.session.get(User, user.id)
        assert (
            db.session.scalars(select(Action.id).where(policy.action_visibility(viewer))).all()
            == []
        )
