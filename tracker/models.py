"""Every model, imported in one place so Alembic and `create_all` see the whole schema."""

from tracker.actions.models import Action, ActionUpdate, ExtensionRequest, action_tags
from tracker.audit.models import AuditEvent
from tracker.auth.models import LoginAttempt, User
from tracker.heartbeats import Heartbeat
from tracker.imports.models import ImportBatch
from tracker.programme.models import BroughtAction, LineOfEnquiry, PublicQuestion
from tracker.reminders.models import OutboxMessage, ReminderItem, ReminderOptOut
from tracker.reports.models import ReportJob
from tracker.search.models import SearchEntry
from tracker.settings.models import Setting, Tag
from tracker.sources.models import (
    AdhocRequest,
    Finding,
    HmicfrsReport,
    Meeting,
    MeetingKind,
    MeetingSeries,
    PanelItem,
)

__all__ = [
    "Action",
    "ActionUpdate",
    "AdhocRequest",
    "AuditEvent",
    "BroughtAction",
    "ExtensionRequest",
    "Finding",
    "Heartbeat",
    "HmicfrsReport",
    "ImportBatch",
    "LineOfEnquiry",
    "LoginAttempt",
    "Meeting",
    "MeetingKind",
    "MeetingSeries",
    "OutboxMessage",
    "PanelItem",
    "PublicQuestion",
    "ReminderItem",
    "ReminderOptOut",
    "ReportJob",
    "SearchEntry",
    "Setting",
    "Tag",
    "User",
    "action_tags",
]
