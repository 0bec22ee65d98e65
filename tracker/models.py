"""Every model, imported in one place so Alembic and `create_all` see the whole schema."""

from tracker.audit.models import AuditEvent
from tracker.auth.models import LoginAttempt, User

__all__ = ["AuditEvent", "LoginAttempt", "User"]
