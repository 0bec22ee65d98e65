"""User accounts and login attempts."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from tracker.db import LabelledEnum, TimestampMixin, UTCDateTime, db, enum_column, utcnow


class Organisation(LabelledEnum):
    """The three organisations whose staff use the tracker."""

    OPCC = ("opcc", "OPCC")
    FORCE = ("force", "Force")
    PANEL = ("panel", "Police and Crime Panel")


class Role(LabelledEnum):
    """What a user does in the tracker; each role belongs to one organisation."""

    ADMIN = ("admin", "Administrator")
    OPCC_OFFICER = ("opcc_officer", "OPCC officer")
    FORCE_LIAISON = ("force_liaison", "Force liaison officer")
    PANEL_CLERK = ("panel_clerk", "Panel clerk")

    @property
    def organisation(self) -> Organisation:
        """The organisation whose staff hold this role."""
        return ROLE_ORGANISATION[self]


ROLE_ORGANISATION: dict[Role, Organisation] = {
    Role.ADMIN: Organisation.OPCC,
    Role.OPCC_OFFICER: Organisation.OPCC,
    Role.FORCE_LIAISON: Organisation.FORCE,
    Role.PANEL_CLERK: Organisation.PANEL,
}


def new_session_token() -> str:
    """A random token that, changed, ends every session of the user."""
    return secrets.token_urlsafe(24)


class User(TimestampMixin, db.Model):
    """A person who signs in. Never deleted: history keeps their name."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("email = lower(email)", name="email_lower_case"),
        CheckConstraint(
            "(role IN ('admin', 'opcc_officer') AND organisation = 'opcc')"
            " OR (role = 'force_liaison' AND organisation = 'force')"
            " OR (role = 'panel_clerk' AND organisation = 'panel')",
            name="role_matches_organisation",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    # Stored lower-cased so uniqueness is case-insensitive on every database.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    organisation: Mapped[Organisation] = mapped_column(enum_column(Organisation, "organisation"))
    role: Mapped[Role] = mapped_column(enum_column(Role, "role"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # None until the user accepts their invitation and chooses a password.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Part of the Flask-Login id: rotating it signs the user out everywhere.
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Bumped only by administrative edits (not by sign-in), so an administrator's
    # form goes stale only when another administrator changed the user. The ORM
    # still adds "WHERE version = <loaded>" to every UPDATE.
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}  # noqa: RUF012

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role.value}>"

    # Flask-Login protocol -------------------------------------------------------
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    # Convenience ------------------------------------------------------------------
    @property
    def has_password(self) -> bool:
        return self.password_hash is not None

    @property
    def status_label(self) -> str:
        if not self.active:
            return "Deactivated"
        return "Active" if self.has_password else "Invited"


# What a LoginAttempt row counts against: a password check (sign-in, or the current
# password on "Change password") or a request for a password reset email.
ATTEMPT_SIGN_IN = "sign_in"
ATTEMPT_PASSWORD_RESET = "password_reset"  # noqa: S105 - a label, not a secret


class LoginAttempt(db.Model):
    """One password check or reset request, kept for throttling and the security record."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_email_attempted_at", "email", "attempted_at"),
        Index("ix_login_attempts_ip_address_attempted_at", "ip_address", "attempted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    email: Mapped[str] = mapped_column(String(254))
    ip_address: Mapped[str] = mapped_column(String(45))
    succeeded: Mapped[bool] = mapped_column(Boolean)
    kind: Mapped[str] = mapped_column(
        String(20), default=ATTEMPT_SIGN_IN, server_default=ATTEMPT_SIGN_IN
    )

    def __repr__(self) -> str:
        outcome = "ok" if self.succeeded else "failed"
        return f"<LoginAttempt {self.kind} {self.email} from {self.ip_address} {outcome}>"
