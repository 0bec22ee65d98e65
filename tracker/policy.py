"""Who may do what: the one permission table.

Every rule is a plain function of the user (and, where it matters, the record).
Views check them through `tracker.security.permission_required` or the loaders,
services check them again before changing anything, and templates call the same
functions (registered as template globals) only to hide what the server refuses.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tracker.auth.models import Organisation, Role

if TYPE_CHECKING:
    from flask_login import AnonymousUserMixin

    from tracker.auth.models import User

    AnyUser = User | AnonymousUserMixin


def is_signed_in(user: AnyUser) -> bool:
    """An active user who has signed in."""
    return bool(getattr(user, "is_authenticated", False)) and bool(
        getattr(user, "is_active", False)
    )


def has_role(user: AnyUser, *roles: Role) -> bool:
    """The user is signed in and holds one of `roles`."""
    return is_signed_in(user) and user.role in roles  # type: ignore[union-attr]


def is_opcc(user: AnyUser) -> bool:
    """OPCC staff (officers and administrators)."""
    return is_signed_in(user) and user.organisation == Organisation.OPCC  # type: ignore[union-attr]


def can_manage_users(user: AnyUser) -> bool:
    """Invite users, change roles, deactivate and reactivate accounts."""
    return has_role(user, Role.ADMIN)


def can_view_audit(user: AnyUser) -> bool:
    """Browse the audit trail of every record."""
    return has_role(user, Role.ADMIN, Role.OPCC_OFFICER)


def can_change_user(actor: AnyUser, target: User) -> bool:
    """Edit another user's role or status; nobody may lock themselves out."""
    return can_manage_users(actor) and actor.id != target.id  # type: ignore[union-attr]


TEMPLATE_GLOBALS = {
    "can_manage_users": can_manage_users,
    "can_view_audit": can_view_audit,
    "can_change_user": can_change_user,
    "is_opcc": is_opcc,
}
