"""Everything the office must publish, gathered from one provider per kind.

A provider answers two questions about its kind of publication: what is on the register
(every item the office must publish, published or not, for OPCC staff) and what the
public may see (only what has been published and is not restricted). `PROVIDERS` lists
them in order; to add a kind (s.55 responses, say), write its two functions in this
module (reading the feature's models, as the meeting and Panel providers do) and add a
`Provider` to `PROVIDERS`: the register, its reminders, the public index and the Atom
feed pick it up. A kind already chased by another reminder sets `chased_elsewhere`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from flask import url_for
from sqlalchemy import select

from tracker import deadlines
from tracker.clock import today
from tracker.db import LabelledEnum, db
from tracker.publication import queries
from tracker.publication.models import PublicationRecord
from tracker.s55.models import S55Response
from tracker.s55.queries import register_rows
from tracker.settings.definitions import MINUTES_DUE_WORKING_DAYS
from tracker.settings.services import setting
from tracker.sources.models import Meeting, MeetingState, PanelItem, PanelItemKind


class PublicationStatus(LabelledEnum):
    PUBLISHED_ON_TIME = ("published_on_time", "Published on time")
    PUBLISHED_LATE = ("published_late", "Published late")
    DUE = ("due", "Due")
    OVERDUE = ("overdue", "Overdue")

    @property
    def is_published(self) -> bool:
        return self in (PublicationStatus.PUBLISHED_ON_TIME, PublicationStatus.PUBLISHED_LATE)


@dataclass(frozen=True)
class Publication:
    """One thing the office must publish (or has published), as the register and the
    public pages list it."""

    kind: str  # "A&A minutes and outcome summary", "Decision", ...
    record_type: str  # "meeting", "panel_item", "publication": with record_id, unique
    record_id: int
    title: str
    due: deadlines.Deadline | None
    published_on: date | None
    # Where the public reads it: the office's own web page, or this service's public page.
    public_link: str = ""
    # The tracker's page for the record (OPCC staff).
    record_link: str = ""
    summary: str = ""
    # Who is reminded while it is due or late: a user id (None: the OPCC lead setting).
    lead_id: int | None = None
    # True where another reminder already chases the same date (a Panel response is
    # chased as a response), so the register's reminders leave it alone.
    chased_elsewhere: bool = False
    updated_at: datetime | None = None

    @property
    def key(self) -> str:
        """Unique and stable, e.g. "meeting-12": the feed's entry ids come from it."""
        return f"{self.record_type}-{self.record_id}"

    def status(self, today: date) -> PublicationStatus:
        """Published on time or late, or still due, or overdue (no due date: never late)."""
        due_on = self.due.due if self.due is not None else None
        if self.published_on is not None:
            late = due_on is not None and self.published_on > due_on
            return PublicationStatus.PUBLISHED_LATE if late else PublicationStatus.PUBLISHED_ON_TIME
        if due_on is not None and today > due_on:
            return PublicationStatus.OVERDUE
        return PublicationStatus.DUE


@dataclass(frozen=True)
class Provider:
    """One kind of publication: its register rows and its public rows."""

    kind: str
    register: Callable[[], list[Publication]]
    public: Callable[[], list[Publication]]


# A&A meetings -----------------------------------------------------------------------------

MEETING_KIND = "A&A minutes and outcome summary"


def minutes_due(meeting: Meeting, days: int) -> deadlines.Deadline:
    """When a held meeting's minutes and outcome summary are due to be published."""
    return deadlines.add_working_days(meeting.held_on, days)


def _meeting(meeting: Meeting, days: int, *, public: bool) -> Publication:
    return Publication(
        kind=MEETING_KIND,
        record_type="meeting",
        record_id=meeting.id,
        title=meeting.title,
        due=minutes_due(meeting, days),
        published_on=meeting.outcome_published_on if meeting.published else None,
        public_link=url_for("public.meeting", meeting_id=meeting.id),
        record_link="" if public else url_for("meetings.show", meeting_id=meeting.id),
        summary=meeting.outcome_summary if public else "",
        lead_id=meeting.opcc_lead_id,
        updated_at=meeting.updated_at,
    )


def meeting_register() -> list[Publication]:
    """Every held A&A meeting: its minutes and outcome summary must be published."""
    days = setting(MINUTES_DUE_WORKING_DAYS)
    held = db.session.scalars(
        select(Meeting).where(Meeting.state == MeetingState.HELD).order_by(Meeting.held_on)
    )
    return [_meeting(meeting, days, public=False) for meeting in held]


def meeting_public() -> list[Publication]:
    """Held meetings whose minutes and outcome summary are published."""
    days = setting(MINUTES_DUE_WORKING_DAYS)
    meetings = db.session.scalars(queries.public_meetings().where(queries.outcome_is_public()))
    return [_meeting(meeting, days, public=True) for meeting in meetings]


# Responses to Panel recommendations -----------------------------------------------------

PANEL_KIND = "Response to a Panel recommendation"


def _panel_title(item: PanelItem) -> str:
    heading = item.agenda_item.strip() or "Recommendation"
    return f"{heading} (Panel meeting of {deadlines.format_long(item.panel_meeting_on)})"


def _panel(item: PanelItem, *, public: bool) -> Publication:
    due = None
    if item.response_due_on is not None:
        due = deadlines.date_set_by(item.response_due_on, "the Police and Crime Panel")
    given = item.pcc_response_on is not None and bool(item.pcc_response.strip())
    return Publication(
        kind=PANEL_KIND,
        record_type="panel_item",
        record_id=item.id,
        title=_panel_title(item),
        due=due,
        published_on=item.pcc_response_on if given and item.published else None,
        public_link=url_for("public.panel", _anchor=f"recommendation-{item.id}"),
        record_link="" if public else url_for("panel_items.show", item_id=item.id),
        summary=item.pcc_response if public else "",
        # The response's date is chased as a Panel response (reminders planner).
        chased_elsewhere=True,
        updated_at=item.updated_at,
    )


def panel_register() -> list[Publication]:
    """Every Panel recommendation: the PCC's response must be published."""
    items = db.session.scalars(
        select(PanelItem)
        .where(PanelItem.kind == PanelItemKind.RECOMMENDATION)
        .order_by(PanelItem.panel_meeting_on, PanelItem.id)
    )
    return [_panel(item, public=False) for item in items]


def panel_public() -> list[Publication]:
    """Published Panel recommendations with the PCC's response given."""
    return [_panel(item, public=True) for item in db.session.scalars(queries.public_responses())]


# s.55 responses to HMICFRS reports --------------------------------------------------------

S55_KIND = "s.55 response to an HMICFRS report"


def s55_register() -> list[Publication]:
    """Every HMICFRS report addressed to the force: the PCC's s.55 comments must be
    published within 56 days. Its dates are chased as the report's comments
    (reminders planner), so the register's reminders leave it alone."""
    return [
        Publication(
            kind=S55_KIND,
            record_type="s55",
            record_id=row.report_id,
            title=row.title,
            due=deadlines.Deadline(row.due_on, row.explanation),
            published_on=row.published_on,
            public_link=row.published_url,
            record_link=row.url,
            chased_elsewhere=True,
        )
        for row in register_rows(today())
    ]


def _s55_public(response: S55Response) -> Publication:
    return Publication(
        kind=S55_KIND,
        record_type="s55",
        record_id=response.report_id,
        title=f"Response to {response.report.title}",
        due=None,
        published_on=response.published_on,
        public_link=url_for("public.s55", _anchor=f"report-{response.report_id}"),
        summary=response.pcc_comments,
        updated_at=response.updated_at,
    )


def s55_public() -> list[Publication]:
    """The latest published s.55 response per report (OFFICIAL ones only)."""
    return [_s55_public(r) for r in db.session.scalars(queries.public_s55_responses())]


# Publication records (annual statement, decisions, others) -----------------------------


def record_publication(record: PublicationRecord, *, public: bool = False) -> Publication:
    """A publication record as a register row (public: as the public pages show it)."""
    return Publication(
        kind=record.kind.label,
        record_type="publication",
        record_id=record.id,
        title=record.title,
        due=deadlines.date_set_by(record.due_on, "the OPCC"),
        published_on=record.published_on,
        public_link=record.url,
        record_link="" if public else url_for("publication.show", publication_id=record.id),
        summary=record.summary if public else "",
        updated_at=record.updated_at,
    )


def record_register() -> list[Publication]:
    """Every publication record the OPCC has added."""
    records = db.session.scalars(
        select(PublicationRecord).order_by(PublicationRecord.due_on, PublicationRecord.id)
    )
    return [record_publication(record, public=False) for record in records]


def record_public() -> list[Publication]:
    """Publication records that are published and marked public."""
    return [
        record_publication(record, public=True)
        for record in db.session.scalars(queries.public_records())
    ]


PROVIDERS: list[Provider] = [
    Provider(MEETING_KIND, meeting_register, meeting_public),
    Provider(PANEL_KIND, panel_register, panel_public),
    Provider(S55_KIND, s55_register, s55_public),
    Provider("Annual statement, decisions and other publications", record_register, record_public),
]


def register() -> list[Publication]:
    """The whole register: outstanding items first (soonest due first), then what has
    been published (most recent first)."""
    rows = [row for provider in PROVIDERS for row in provider.register()]
    waiting = sorted(
        (r for r in rows if r.published_on is None),
        key=lambda r: (r.due is None, r.due.due if r.due else date.max, r.key),
    )
    published = sorted(
        (r for r in rows if r.published_on is not None),
        key=lambda r: (r.published_on, r.key),
        reverse=True,
    )
    return waiting + published


def published() -> list[Publication]:
    """Everything the public may see, most recently published first."""
    rows = [row for provider in PROVIDERS for row in provider.public()]
    return sorted(rows, key=lambda r: (r.published_on or date.min, r.key), reverse=True)
