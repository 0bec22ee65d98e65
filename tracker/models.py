"""Every model, imported in one place so Alembic and `create_all` see the whole schema."""

from tracker.actions.models import Action, ActionUpdate, ExtensionRequest, action_tags
from tracker.attachments.models import Attachment, AttachmentContent
from tracker.audit.models import AuditEvent
from tracker.auth.models import LoginAttempt, User
from tracker.calendar.models import CalendarFeed
from tracker.heartbeats import Heartbeat
from tracker.imports.models import ImportBatch
from tracker.programme.models import BroughtAction, LineOfEnquiry, PublicQuestion
from tracker.publication.models import PublicationRecord
from tracker.reminders.models import OutboxMessage, ReminderItem, ReminderOptOut
from tracker.reports.models import ReportJob
from tracker.responses.models import WrittenResponse
from tracker.s55.models import S55Entry, S55Response
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
    PanelMeeting,
    WorkProgrammeItem,
)
from tracker.statutory.models import AnnualReportReview, ChiefConstableAppointment, PreceptYear

__all__ = [
    "Action",
    "ActionUpdate",
    "AdhocRequest",
    "AnnualReportReview",
    "Attachment",
    "AttachmentContent",
    "AuditEvent",
    "BroughtAction",
    "CalendarFeed",
    "ChiefConstableAppointment",
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
    "PanelMeeting",
    "PreceptYear",
    "PublicQuestion",
    "PublicationRecord",
    "ReminderItem",
    "ReminderOptOut",
    "ReportJob",
    "S55Entry",
    "S55Response",
    "SearchEntry",
    "Setting",
    "Tag",
    "User",
    "WorkProgrammeItem",
    "WrittenResponse",
    "action_tags",
]
