"""The permission table, role by role."""

from __future__ import annotations

import pytest
from flask_login import AnonymousUserMixin

from tracker import policy
from tracker.auth.models import ROLE_ORGANISATION, Role, User


def user(role: Role, *, active: bool = True, user_id: int = 1) -> User:
    return User(
        id=user_id,
        name="x",
        email="x@example.org",
        role=role,
        organisation=ROLE_ORGANISATION[role],
        active=active,
    )


@pytest.mark.parametrize(
    ("role", "manage", "audit"),
    [
        (Role.ADMIN, True, True),
        (Role.OPCC_OFFICER, False, True),
        (Role.FORCE_LIAISON, False, False),
        (Role.PANEL_CLERK, False, False),
    ],
)
def test_role_permissions(role, manage, audit):
    assert policy.can_manage_users(user(role)) is manage
    assert policy.can_view_audit(user(role)) is audit


def test_deactivated_admin_has_no_permissions():
    assert not policy.can_manage_users(user(Role.ADMIN, active=False))


def test_anonymous_has_no_permissions():
    anonymous = AnonymousUserMixin()
    assert not policy.can_manage_users(anonymous)
    assert not policy.can_view_audit(anonymous)


def test_admin_cannot_change_themselves_but_can_change_others():
    admin = user(Role.ADMIN, user_id=1)
    assert not policy.can_change_user(admin, admin)
    assert policy.can_change_user(admin, user(Role.OPCC_OFFICER, user_id=2))
    assert not policy.can_change_user(
        user(Role.OPCC_OFFICER, user_id=3), user(Role.ADMIN, user_id=2)
    )
