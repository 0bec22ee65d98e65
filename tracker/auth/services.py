"""State changes for accounts: sign-in, throttling, invitations, resets, administration.

Each function changes objects and writes audit events; the caller commits.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app, url_for
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select

from tracker import mail
from tracker.audit.services import diff, record
from tracker.audit.vocabulary import AuditEntity, record_fields
from tracker.auth.models import (
    ATTEMPT_PASSWORD_RESET,
    ATTEMPT_SIGN_IN,
    ROLE_ORGANISATION,
    LoginAttempt,
    Role,
    User,
    new_session_token,
)
from tracker.auth.passwords import hash_password, needs_rehash, verify_password
from tracker.db import db, utcnow
from tracker.errors import ConflictError, PermissionDeniedError
from tracker.policy import can_change_user, can_manage_users
from tracker.reminders import sender as outbox

INVITE_MAX_AGE = timedelta(days=7)


def normalise_email(email: str) -> str:
    """Emails are compared and stored lower-cased and trimmed."""
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    """The user with this email address, whatever its case."""
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


# Sign-in ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SignInResult:
    """The outcome of a sign-in attempt."""

    user: User | None
    throttled: bool = False


def _recent_attempts(kind: str):
    """A count of `kind` attempts inside the throttle window (filter it further)."""
    minutes = current_app.config["LOGIN_THROTTLE_WINDOW_MINUTES"]
    since = utcnow() - timedelta(minutes=minutes)
    return select(func.count(LoginAttempt.id)).where(
        LoginAttempt.kind == kind, LoginAttempt.attempted_at >= since
    )


def is_throttled(email: str, ip_address: str) -> bool:
    """Too many recent failed password checks for this account or from this address."""
    config = current_app.config
    failures = _recent_attempts(ATTEMPT_SIGN_IN).where(LoginAttempt.succeeded.is_(False))
    by_account = db.session.scalar(failures.where(LoginAttempt.email == email)) or 0
    if by_account >= config["LOGIN_THROTTLE_MAX_PER_ACCOUNT"]:
        return True
    by_address = db.session.scalar(failures.where(LoginAttempt.ip_address == ip_address)) or 0
    return by_address >= config["LOGIN_THROTTLE_MAX_PER_ADDRESS"]


def authenticate(email: str, password: str, *, ip_address: str) -> SignInResult:
    """Check credentials, recording the attempt. Unknown email and wrong password look alike."""
    email = normalise_email(email)[:254]
    if is_throttled(email, ip_address):
        return SignInResult(user=None, throttled=True)
    user = find_user_by_email(email)
    ok = verify_password(user.password_hash if user else None, password)
    ok = ok and user is not None and user.active
    db.session.add(LoginAttempt(email=email, ip_address=ip_address, succeeded=ok))
    if not ok or user is None:
        return SignInResult(user=None)
    if needs_rehash(user.password_hash or ""):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    record(actor=user, entity_type=AuditEntity.USER, entity_id=user.id, action="signed_in")
    return SignInResult(user=user)


# Tokens for invitations and password resets -------------------------------------------


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"tracker-{purpose}")


def _fingerprint(user: User) -> str:
    """Changes whenever the password or session token changes, making links single-use."""
    material = f"{user.password_hash or ''}|{user.session_token}"
    return hashlib.sha256(material.encode()).hexdigest()[:20]


def make_password_token(user: User, purpose: str) -> str:
    """A signed token for `purpose` ("reset" or "invite") naming the user."""
    return _serializer(purpose).dumps({"uid": user.id, "fp": _fingerprint(user)})


class PasswordLinkError(Exception):
    """A password link that cannot be used; the message says why."""


def user_for_password_token(token: str, purpose: str) -> User:
    """The user a valid token names, or PasswordLinkError saying why it cannot be used."""
    max_age = (
        int(INVITE_MAX_AGE.total_seconds())
        if purpose == "invite"
        else current_app.config["PASSWORD_RESET_MAX_AGE_SECONDS"]
    )
    try:
        payload = _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise PasswordLinkError(
            "This link has expired. Ask for a new one below."
            if purpose == "reset"
            else "This invitation has expired. Ask an administrator to send a new one."
        ) from exc
    except BadSignature as exc:
        raise PasswordLinkError("This link is not valid. Check you copied the whole link.") from exc
    user = db.session.get(User, payload.get("uid")) if isinstance(payload, dict) else None
    if user is None or not user.active or payload.get("fp") != _fingerprint(user):
        raise PasswordLinkError("This link has already been used or is no longer valid.")
    return user


@dataclass(frozen=True)
class ResetRequest:
    """The outcome of asking for a reset: the queued email to send after the response."""

    outbox_id: int | None
    throttled: bool = False


@dataclass(frozen=True)
class _NoAccount:
    """Stands in for a user when no active account has the address, so the same work runs."""

    email: str
    id: int = 0
    name: str = ""
    password_hash: str = ""
    session_token: str = ""


def is_reset_throttled(email: str, ip_address: str) -> bool:
    """Too many recent reset requests for this address or from this client address."""
    config = current_app.config
    requests = _recent_attempts(ATTEMPT_PASSWORD_RESET)
    by_account = db.session.scalar(requests.where(LoginAttempt.email == email)) or 0
    if by_account >= config["PASSWORD_RESET_MAX_PER_ACCOUNT"]:
        return True
    by_address = db.session.scalar(requests.where(LoginAttempt.ip_address == ip_address)) or 0
    return by_address >= config["PASSWORD_RESET_MAX_PER_ADDRESS"]


def request_password_reset(email: str, *, ip_address: str) -> ResetRequest:
    """Prepare a reset email for an active user; known and unknown addresses do the same work.

    For an unknown (or deactivated) address a token and an email are still made and an
    audit event written, then the email is dropped, so neither the time taken nor the
    calls made tell an outsider whether the address has an account. A real email goes
    into the outbox (retried, and listed for administrators without its link); the
    caller commits and sends it after the response (`sender.send_after_response`).
    """
    email = normalise_email(email)[:254]
    if is_reset_throttled(email, ip_address):
        return ResetRequest(outbox_id=None, throttled=True)
    user = find_user_by_email(email)
    known = user is not None and user.active
    db.session.add(
        LoginAttempt(
            email=email, ip_address=ip_address, succeeded=known, kind=ATTEMPT_PASSWORD_RESET
        )
    )
    recipient = user if known else _NoAccount(email=email, session_token=new_session_token())
    token = make_password_token(recipient, "reset")  # type: ignore[arg-type]
    message = mail.render_message(
        to=recipient.email,
        subject=f"Reset your password for the {current_app.config['SERVICE_NAME']}",
        template="auth/email/reset_password",
        user=recipient,
        link=mail.absolute_url(url_for("auth.reset_password", token=token)),
        minutes=current_app.config["PASSWORD_RESET_MAX_AGE_SECONDS"] // 60,
    )
    record(
        actor=None,
        entity_type=AuditEntity.USER,
        entity_id=user.id if known and user is not None else None,
        action="password_reset_requested",
        summary="" if known else "No active account has the address asked for",
    )
    if not known:
        return ResetRequest(outbox_id=None)
    queued = outbox.queue_email(message, kind="password_reset", recipient_id=user.id)
    return ResetRequest(outbox_id=queued.id)


def set_password(user: User, password: str) -> None:
    """Set a new password and end every other session of the user."""
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    user.session_token = new_session_token()
    record(actor=user, entity_type=AuditEntity.USER, entity_id=user.id, action="password_set")


def change_own_password(user: User, *, current: str, new: str, ip_address: str) -> SignInResult:
    """Change a signed-in user's password after checking the current one.

    The check counts against the sign-in throttle (same counters, same limits), so a
    stolen session cannot be used to guess the password behind it.
    """
    if is_throttled(user.email, ip_address):
        return SignInResult(user=None, throttled=True)
    ok = verify_password(user.password_hash, current)
    db.session.add(LoginAttempt(email=user.email, ip_address=ip_address, succeeded=ok))
    if not ok:
        return SignInResult(user=None)
    set_password(user, new)
    return SignInResult(user=user)


def end_sessions(user: User) -> None:
    """Sign the user out everywhere: every session cookie issued so far stops working."""
    user.session_token = new_session_token()


# Administration -----------------------------------------------------------------------


class DuplicateEmailError(Exception):
    """Another user already has this email address."""


def _snapshot(user: User) -> dict[str, object]:
    """The audited fields of a user (from the audit vocabulary), for `diff`."""
    return {name: getattr(user, name) for name in record_fields(AuditEntity.USER)}


def invite_user(*, by: User, name: str, email: str, role: Role) -> User:
    """Create a user without a password; the caller commits, then `queue_invitation`."""
    if not can_manage_users(by):
        raise PermissionDeniedError("Only administrators can invite users")
    email = normalise_email(email)
    if find_user_by_email(email) is not None:
        raise DuplicateEmailError(email)
    user = User(name=name.strip(), email=email, role=role, organisation=ROLE_ORGANISATION[role])
    db.session.add(user)
    db.session.flush()
    record(
        actor=by,
        entity_type=AuditEntity.USER,
        entity_id=user.id,
        action="created",
        summary=f"Invited {user.name} as {role.label}",
        changes=diff({}, _snapshot(user)),
    )
    return user


def queue_invitation(user: User) -> int:
    """Put an email with a link to choose a password in the outbox; returns its id.

    The caller commits, then sends it (`sender.send_now`); when the mail server cannot
    take it, the outbox retries it like any other email.
    """
    token = make_password_token(user, "invite")
    message = mail.render_message(
        to=user.email,
        subject=f"You have been invited to the {current_app.config['SERVICE_NAME']}",
        template="auth/email/invite",
        user=user,
        link=mail.absolute_url(url_for("auth.accept_invite", token=token)),
        days=INVITE_MAX_AGE.days,
    )
    return outbox.queue_email(message, kind="invitation", recipient_id=user.id).id


def update_user(
    *, by: User, user: User, name: str, email: str, role: Role, expected_version: int
) -> None:
    """Change a user's name, email or role (organisation follows the role).

    Refuses with ConflictError when the user changed since the editor loaded version
    `expected_version`, naming what the other administrator changed.
    """
    if not can_change_user(by, user):
        raise PermissionDeniedError("You cannot change this user")
    if user.version != expected_version:
        raise ConflictError(_changed_since(user, expected_version))
    email = normalise_email(email)
    other = find_user_by_email(email)
    if other is not None and other.id != user.id:
        raise DuplicateEmailError(email)
    before = _snapshot(user)
    user.name = name.strip()
    user.email = email
    user.role = role
    user.organisation = ROLE_ORGANISATION[role]
    changes = diff(before, _snapshot(user))
    if changes.keys() & {"role", "email"}:
        user.session_token = new_session_token()  # new permissions start with a new session
    if changes:
        user.version = expected_version + 1
        record(
            actor=by,
            entity_type=AuditEntity.USER,
            entity_id=user.id,
            action="updated",
            changes=changes,
        )


def _changed_since(user: User, version: int) -> str:
    """A sentence naming the fields other administrators changed after `version`."""
    from tracker.audit.models import AuditEvent

    events = db.session.scalars(
        select(AuditEvent)
        .where(
            AuditEvent.entity_type == AuditEntity.USER.value,
            AuditEvent.entity_id == user.id,
            AuditEvent.action.in_(["updated", "deactivated", "reactivated"]),
        )
        .order_by(AuditEvent.id.desc())
        .limit(max(user.version - version, 1))
    ).all()
    fields = sorted({name.replace("_", " ") for event in events for name in event.changes})
    who = sorted({event.actor.name for event in events if event.actor})
    named = ", ".join(fields) or "details"
    by = f" by {', '.join(who)}" if who else ""
    return (
        f"This user was changed{by} while you were editing ({named}). "
        "Check the details below and make your change again."
    )


def set_active(*, by: User, user: User, active: bool) -> None:
    """Deactivate (signs them out at once) or reactivate a user. Users are never deleted."""
    if not can_change_user(by, user):
        raise PermissionDeniedError("You cannot change this user")
    if user.active == active:
        return
    user.active = active
    user.version += 1
    user.session_token = new_session_token()
    record(
        actor=by,
        entity_type=AuditEntity.USER,
        entity_id=user.id,
        action="reactivated" if active else "deactivated",
        changes={"active": [not active, active]},
    )


def create_user_with_password(
    *, name: str, email: str, role: Role, password: str, summary: str
) -> User:
    """A user who can sign in at once, created from the command line (an administrator)
    or by the demo data; audited with `summary`. The caller checks the password rules."""
    email = normalise_email(email)
    if find_user_by_email(email) is not None:
        raise DuplicateEmailError(email)
    user = User(name=name.strip(), email=email, role=role, organisation=ROLE_ORGANISATION[role])
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    db.session.add(user)
    db.session.flush()
    record(
        actor=None,
        entity_type=AuditEntity.USER,
        entity_id=user.id,
        action="created",
        summary=summary,
        changes=diff({}, _snapshot(user)),
    )
    return user


def create_admin(*, name: str, email: str, password: str) -> User:
    """Create an administrator from the command line."""
    return create_user_with_password(
        name=name,
        email=email,
        role=Role.ADMIN,
        password=password,
        summary="Administrator created from the command line",
    )
