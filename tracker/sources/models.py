"""The four sources of actions, and HMICFRS findings inside reports."""

from __future__ import annotations

from datetime import date, time
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.db import LabelledEnum, TimestampMixin, VersionedMixin, db, enum_column
from tracker.deadlines import days_late
from tracker.wording import in_sentence

if TYPE_CHECKING:
    from tracker.actions.models import Action
    from tracker.auth.models import User

TITLE_MAX = 200
TEXT_MAX = 20_000
URL_MAX = 500


# The kinds a meeting could have before kinds became an admin-managed list: the values
# imports and old exports still carry, mapped to the names the migration seeded.
LEGACY_MEETING_KINDS: dict[str, str] = {
    "performance": "Quarterly performance",
    "thematic": "Thematic",
    "public": "Public",
    "other": "Other governance",
}


class MeetingKind(TimestampMixin, db.Model):
    """An entry in the admin-managed list of A&A meeting kinds ("Quarterly performance")."""

    __tablename__ = "meeting_kinds"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    @property
    def label(self) -> str:
        """The kind in words (templates say `meeting.kind.label`)."""
        return self.name

    @property
    def in_sentence(self) -> str:
        """The kind as it reads inside a sentence (as a LabelledEnum's `in_sentence`)."""
        return in_sentence(self.name)

    def __repr__(self) -> str:
        return f"<MeetingKind {self.id} {self.name!r}>"


class MeetingSeries(TimestampMixin, db.Model):
    """A run of related meetings ("Quarterly performance 2026/27"); matters arising for a
    meeting come from earlier meetings of its series."""

    __tablename__ = "meeting_series"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(TITLE_MAX), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    meetings: Mapped[list[Meeting]] = relationship(back_populates="series")

    def __repr__(self) -> str:
        return f"<MeetingSeries {self.id} {self.name!r}>"


class MeetingState(LabelledEnum):
    PLANNED = ("planned", "Planned")
    HELD = ("held", "Held")
    CANCELLED = ("cancelled", "Cancelled")


class Meeting(VersionedMixin, TimestampMixin, db.Model):
    """An Assurance and Accountability (A&A) meeting; actions arise from it."""

    __tablename__ = "meetings"
    __table_args__ = (
        CheckConstraint("state <> 'cancelled' OR cancel_reason <> ''", name="cancel_needs_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind_id: Mapped[int] = mapped_column(ForeignKey("meeting_kinds.id"), index=True)
    series_id: Mapped[int | None] = mapped_column(ForeignKey("meeting_series.id"), index=True)
    # The date of the meeting (planned or held).
    held_on: Mapped[date] = mapped_column(Date, index=True)
    # Local time (TRACKER_TIMEZONE) the meeting starts, when known.
    starts_at: Mapped[time | None] = mapped_column(Time)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    themes: Mapped[str] = mapped_column(Text, default="")
    chair: Mapped[str] = mapped_column(String(120), default="")
    attendees: Mapped[str] = mapped_column(Text, default="")
    minutes_url: Mapped[str] = mapped_column(String(URL_MAX), default="")
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[MeetingState] = mapped_column(
        enum_column(MeetingState, "meeting_state"), default=MeetingState.PLANNED
    )
    cancel_reason: Mapped[str] = mapped_column(String(500), default="")
    # When the Chief Constable's papers for the meeting reached the OPCC.
    papers_received_on: Mapped[date | None] = mapped_column(Date)
    # The OPCC officer leading on the meeting (told when the force's papers are due).
    opcc_lead_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # What the meeting concluded, in words for the public, and when the minutes and this
    # summary were published (the publication register's date for the meeting).
    outcome_summary: Mapped[str] = mapped_column(Text, default="")
    outcome_published_on: Mapped[date | None] = mapped_column(Date)

    kind: Mapped[MeetingKind] = relationship(lazy="joined")
    series: Mapped[MeetingSeries | None] = relationship(back_populates="meetings")
    opcc_lead: Mapped[User | None] = relationship()
    actions: Mapped[list[Action]] = relationship(back_populates="meeting")

    @property
    def is_held(self) -> bool:
        return self.state == MeetingState.HELD

    @property
    def is_cancelled(self) -> bool:
        return self.state == MeetingState.CANCELLED

    def papers_days_overdue(self, papers_due_on: date | None, today: date) -> int:
        """Days the force's papers are late: the due date has passed, the meeting is still
        planned and the OPCC has not recorded the papers as received."""
        done = self.state != MeetingState.PLANNED or self.papers_received_on is not None
        return days_late(papers_due_on, today, done=done)

    def __repr__(self) -> str:
        return f"<Meeting {self.id} {self.held_on} {self.state.value}>"


class RequestStatus(LabelledEnum):
    AWAITING = ("awaiting_response", "Awaiting response")
    RECEIVED = ("response_received", "Response received")
    FOLLOW_UP = ("follow_up_needed", "Follow-up needed")
    CLOSED = ("closed", "Closed")


class AdhocRequest(VersionedMixin, TimestampMixin, db.Model):
    """An ad-hoc A&A request emailed to the Chief Constable and answered in writing."""

    __tablename__ = "adhoc_requests"
    __table_args__ = (
        CheckConstraint("response_due_on >= sent_on", name="due_after_sent"),
        CheckConstraint(
            "response_received_on IS NULL OR response_received_on >= sent_on",
            name="received_after_sent",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(TITLE_MAX))
    detail: Mapped[str] = mapped_column(Text, default="")
    sent_on: Mapped[date] = mapped_column(Date, index=True)
    recipient: Mapped[str] = mapped_column(String(120), default="Chief Constable")
    response_due_on: Mapped[date] = mapped_column(Date)
    # Set when the due date was typed in rather than computed from the response period.
    due_override_reason: Mapped[str] = mapped_column(String(500), default="")
    response_received_on: Mapped[date | None] = mapped_column(Date)
    response: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[RequestStatus] = mapped_column(
        enum_column(RequestStatus, "request_status"), default=RequestStatus.AWAITING
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    actions: Mapped[list[Action]] = relationship(back_populates="adhoc_request")

    def days_overdue(self, today: date) -> int:
        """Days the Chief Constable's response is late (0 unless still awaited)."""
        done = self.status != RequestStatus.AWAITING
        return days_late(self.response_due_on, today, done=done)

    def __repr__(self) -> str:
        return f"<AdhocRequest {self.id} {self.subject[:30]!r}>"


VENUE_MAX = 200
MINUTE_MAX = 40


class PanelMeeting(VersionedMixin, TimestampMixin, db.Model):
    """A meeting of the Police and Crime Panel, recorded by its clerk; the Panel items
    (what it resolved or asked for) belong to it. One meeting a day: items imported or
    recorded with a date are filed under the meeting of that date."""

    __tablename__ = "panel_meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    held_on: Mapped[date] = mapped_column(Date, unique=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    venue: Mapped[str] = mapped_column(String(VENUE_MAX), default="")
    # Published on the Panel's website (its agenda and minutes are public).
    published: Mapped[bool] = mapped_column(Boolean, default=True)

    items: Mapped[list[PanelItem]] = relationship(
        back_populates="panel_meeting",
        foreign_keys="PanelItem.panel_meeting_id",
        order_by="PanelItem.id",
    )

    def __repr__(self) -> str:
        return f"<PanelMeeting {self.id} {self.held_on}>"


class WorkProgrammeItem(VersionedMixin, TimestampMixin, db.Model):
    """A topic (area of scrutiny) on the Panel's work programme, kept by its clerk."""

    __tablename__ = "work_programme_items"
    __table_args__ = (
        CheckConstraint(
            "report_due_on IS NULL OR report_requested", name="report_due_needs_request"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    topic: Mapped[str] = mapped_column(String(TITLE_MAX))
    # The Panel meeting the topic is planned for (none: not yet scheduled).
    panel_meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("panel_meetings.id"), index=True
    )
    last_reported_on: Mapped[date | None] = mapped_column(Date)
    # The Panel has asked the PCC for a report on the topic, due by report_due_on.
    report_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    report_due_on: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")

    panel_meeting: Mapped[PanelMeeting | None] = relationship()

    def __repr__(self) -> str:
        return f"<WorkProgrammeItem {self.id} {self.topic[:30]!r}>"


class PanelItemKind(LabelledEnum):
    RECOMMENDATION = ("recommendation", "Recommendation")
    INFORMATION = ("request_for_information", "Request for information")
    REPORT_REQUESTED = ("report_requested", "Report requested for a later meeting")
    ANNUAL_REPORT = ("annual_report_recommendation", "Annual report recommendation")
    PRECEPT = ("precept", "Precept")

    @property
    def needs_due_date(self) -> bool:
        """The PCC must respond in writing to a recommendation (PRSRA 2011 s.29(3)),
        within the period the Panel sets."""
        return self == PanelItemKind.RECOMMENDATION


class PccResponseOutcome(LabelledEnum):
    ACCEPTED = ("accepted", "Accepted")
    PARTLY_ACCEPTED = ("partly_accepted", "Partly accepted")
    NOT_ACCEPTED = ("not_accepted", "Not accepted")


class PanelMatterState(LabelledEnum):
    OPEN = ("open", "Open")
    CONCLUDED = ("concluded", "Concluded")
    CARRIED_FORWARD = ("carried_forward", "Carried forward")


class PanelItem(VersionedMixin, TimestampMixin, db.Model):
    """A Police and Crime Panel recommendation or request to which the PCC responds."""

    __tablename__ = "panel_items"
    __table_args__ = (
        CheckConstraint(
            "matter_state <> 'carried_forward' OR carried_forward_to_id IS NOT NULL",
            name="carried_forward_needs_meeting",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("panel_meetings.id"), index=True
    )
    # The date of its Panel meeting, kept equal to panel_meeting.held_on by the services
    # (lists, reports, exports and imports read and write the date).
    panel_meeting_on: Mapped[date] = mapped_column(Date, index=True)
    agenda_item: Mapped[str] = mapped_column(String(TITLE_MAX), default="")
    minute_number: Mapped[str] = mapped_column(String(MINUTE_MAX), default="")
    kind: Mapped[PanelItemKind] = mapped_column(enum_column(PanelItemKind, "panel_item_kind"))
    text: Mapped[str] = mapped_column(Text)
    response_due_on: Mapped[date | None] = mapped_column(Date)
    pcc_response: Mapped[str] = mapped_column(Text, default="")
    pcc_response_on: Mapped[date | None] = mapped_column(Date)
    response_outcome: Mapped[PccResponseOutcome | None] = mapped_column(
        enum_column(PccResponseOutcome, "pcc_response_outcome")
    )
    published: Mapped[bool] = mapped_column(Boolean, default=True)
    # What the Panel made of the response: still open, concluded, or carried forward to
    # a later meeting (with the clerk's note).
    matter_state: Mapped[PanelMatterState] = mapped_column(
        enum_column(PanelMatterState, "panel_matter_state"), default=PanelMatterState.OPEN
    )
    carried_forward_to_id: Mapped[int | None] = mapped_column(ForeignKey("panel_meetings.id"))
    matter_note: Mapped[str] = mapped_column(Text, default="")

    panel_meeting: Mapped[PanelMeeting | None] = relationship(
        back_populates="items", foreign_keys=[panel_meeting_id]
    )
    carried_forward_to: Mapped[PanelMeeting | None] = relationship(
        foreign_keys=[carried_forward_to_id]
    )
    actions: Mapped[list[Action]] = relationship(back_populates="panel_item")

    @property
    def has_response(self) -> bool:
        return self.pcc_response_on is not None

    def days_overdue(self, today: date) -> int:
        """Days the PCC's response is late (0 once given or when the Panel set no date)."""
        return days_late(self.response_due_on, today, done=self.pcc_response_on is not None)

    def __repr__(self) -> str:
        return f"<PanelItem {self.id} {self.panel_meeting_on} {self.kind.value}>"


class ReportType(LabelledEnum):
    PEEL = ("peel", "PEEL")
    THEMATIC = ("thematic", "National or thematic")
    JOINT = ("joint", "Joint inspection")
    OTHER = ("other", "Other")


class ReportScope(LabelledEnum):
    FORCE = ("force", "Force-specific")
    NATIONAL = ("national", "National")


class HmicfrsReport(VersionedMixin, TimestampMixin, db.Model):
    """An HMICFRS inspection report; the PCC must publish comments within 56 days (s.55)."""

    __tablename__ = "hmicfrs_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Short code used in action references, e.g. PEEL22 in HM-PEEL22-R3.
    code: Mapped[str] = mapped_column(String(20), unique=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    report_type: Mapped[ReportType] = mapped_column(enum_column(ReportType, "report_type"))
    scope: Mapped[ReportScope] = mapped_column(enum_column(ReportScope, "report_scope"))
    published_on: Mapped[date] = mapped_column(Date, index=True)
    pcc_comments_due_on: Mapped[date] = mapped_column(Date)
    cc_comments_due_on: Mapped[date | None] = mapped_column(Date)
    comments_published_on: Mapped[date | None] = mapped_column(Date)
    comments_url: Mapped[str] = mapped_column(String(URL_MAX), default="")
    sent_to_hmicfrs_on: Mapped[date | None] = mapped_column(Date)
    sent_to_home_secretary_on: Mapped[date | None] = mapped_column(Date)
    # A national report the OPCC has marked as applying to this force: the force sees it
    # and is asked for the Chief Constable's comments, as for a force-specific report.
    applies_to_force: Mapped[bool] = mapped_column(Boolean, default=False)
    # The Chief Constable's comments once the OPCC accepted them (tracker.responses).
    cc_comments: Mapped[str] = mapped_column(Text, default="")
    cc_comments_received_on: Mapped[date | None] = mapped_column(Date)

    findings: Mapped[list[Finding]] = relationship(
        back_populates="report", order_by="Finding.id", cascade="all, delete-orphan"
    )

    @property
    def published(self) -> bool:
        """HMICFRS reports are public documents once published."""
        return True

    @property
    def addressed_to_force(self) -> bool:
        """Force-specific, or national and marked by the OPCC as applying to the force."""
        return self.scope == ReportScope.FORCE or bool(self.applies_to_force)

    def pcc_comments_days_overdue(self, today: date) -> int:
        """Days the PCC's s.55 comments are late (0 once published)."""
        done = self.comments_published_on is not None
        return days_late(self.pcc_comments_due_on, today, done=done)

    def cc_comments_days_overdue(self, today: date) -> int:
        """Days the Chief Constable's comments are late: settled once the OPCC accepts
        them (cc_comments_received_on) or the PCC's comments, which include them, are
        published (the rule the reminders chase by)."""
        done = self.comments_published_on is not None or self.cc_comments_received_on is not None
        return days_late(self.cc_comments_due_on, today, done=done)

    def __repr__(self) -> str:
        return f"<HmicfrsReport {self.id} {self.code}>"


class FindingKind(LabelledEnum):
    CAUSE_OF_CONCERN = ("cause_of_concern", "Cause of concern")
    ACCELERATED_CAUSE_OF_CONCERN = ("accelerated_cause_of_concern", "Accelerated cause of concern")
    RECOMMENDATION = ("recommendation", "Recommendation")
    AREA_FOR_IMPROVEMENT = ("area_for_improvement", "Area for improvement")

    @property
    def is_cause_of_concern(self) -> bool:
        return self in (FindingKind.CAUSE_OF_CONCERN, FindingKind.ACCELERATED_CAUSE_OF_CONCERN)


class InspectorateStatus(LabelledEnum):
    AWAITING_REVIEW = ("awaiting_review", "Awaiting review")
    BEING_PROGRESSED = ("being_progressed", "Being progressed")
    SUBMITTED = ("submitted_for_sign_off", "Submitted for sign-off")
    COMPLETE = ("complete", "Complete")
    SUPERSEDED = ("superseded", "Superseded")


class Finding(VersionedMixin, TimestampMixin, db.Model):
    """A cause of concern, recommendation or area for improvement in an HMICFRS report."""

    __tablename__ = "findings"
    __table_args__ = (
        UniqueConstraint("report_id", "reference", name="uq_findings_report_reference"),
        CheckConstraint("parent_id IS NULL OR parent_id <> id", name="not_own_parent"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("hmicfrs_reports.id"), index=True)
    kind: Mapped[FindingKind] = mapped_column(enum_column(FindingKind, "finding_kind"))
    reference: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    # The cause of concern a recommendation belongs to.
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("findings.id"))
    inspectorate_status: Mapped[InspectorateStatus] = mapped_column(
        enum_column(InspectorateStatus, "inspectorate_status"),
        default=InspectorateStatus.AWAITING_REVIEW,
    )

    report: Mapped[HmicfrsReport] = relationship(back_populates="findings")
    parent: Mapped[Finding | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Finding]] = relationship(back_populates="parent")
    actions: Mapped[list[Action]] = relationship(back_populates="finding")

    def __repr__(self) -> str:
        return f"<Finding {self.id} {self.reference} {self.kind.value}>"
