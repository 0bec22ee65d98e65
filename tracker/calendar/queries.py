"""What goes in a calendar: each visible deadline or meeting as one `Entry`.

Every query filters by the same visibility clauses as the lists (tracker.policy), so a
feed can never show more than its reader may open in the tracker.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from flask import url_for
from sqlalchemy import or_, select

from tracker import policy
from tracker.actions.models import COMPLETE_STATUSES, Action, ActionStatus, Marking
from tracker.db import db
from tracker.mail import absolute_url
from tracker.sources.models import AdhocRequest, HmicfrsReport, Meeting, PanelItem, RequestStatus

if TYPE_CHECKING:
    from tracker.policy import AnyUser

# Meetings further back than this are left out of feeds; deadlines still open are
# always included, however late.
MEETING_HISTORY_DAYS = 365


@dataclass(frozen=True)
class Entry:
    """One calendar event: an all-day deadline, or a meeting (timed when it has a time)."""

    key: str  # unique within the tracker, e.g. "action-12"; the UID adds the domain
    summary: str
    day: date
    description: str = ""
    url: str = ""
    starts_at: time | None = None  # local time (TRACKER_TIMEZONE); None: all day
    sequence: int = 0
    modified: datetime | None = None
    busy: bool = False  # a meeting takes the time; a deadline does not


def _link(endpoint: str, **values: int) -> str:
    return absolute_url(url_for(endpoint, **values))


def action_entries(user: AnyUser) -> Iterator[Entry]:
    """Unfinished actions the user owns and, for OPCC staff, those awaiting assurance."""
    mine = Action.owner_id == user.id
    awaiting_assurance = Action.status == ActionStatus.IMPLEMENTED
    query = (
        select(Action)
        .where(
            policy.action_visibility(user),
            Action.status.not_in(COMPLETE_STATUSES),
            or_(mine, awaiting_assurance) if policy.is_opcc(user) else mine,
        )
        .order_by(Action.due_on, Action.id)
    )
    for action in db.session.scalars(query):
        assuring = action.status == ActionStatus.IMPLEMENTED and policy.is_opcc(user)
        verb = "Assure" if assuring else "Due"
        # An OFFICIAL-SENSITIVE title stays in the tracker: calendars are often hosted
        # by a third party, so the event names the reference only.
        if action.marking == Marking.OFFICIAL_SENSITIVE:
            summary = f"{verb}: {action.reference} (OFFICIAL-SENSITIVE)"
            description = "Open the tracker for the details of this action."
        else:
            summary = f"{verb}: {action.reference} {action.title}"
            description = f"Action {action.reference}, {action.status.in_sentence}."
        yield Entry(
            key=f"action-{action.id}",
            summary=summary,
            day=action.due_on,
            description=description,
            url=_link("actions.show", action_id=action.id),
            sequence=action.version,
            modified=action.updated_at,
        )


def adhoc_request_entries(user: AnyUser) -> Iterator[Entry]:
    """Ad-hoc requests still awaiting the Chief Constable's response."""
    query = (
        select(AdhocRequest)
        .where(
            policy.source_visibility(user, AdhocRequest),
            AdhocRequest.status == RequestStatus.AWAITING,
        )
        .order_by(AdhocRequest.response_due_on, AdhocRequest.id)
    )
    for adhoc_request in db.session.scalars(query):
        yield Entry(
            key=f"adhoc-request-{adhoc_request.id}",
            summary=f"Response due: {adhoc_request.subject}",
            day=adhoc_request.response_due_on,
            description=f"The {adhoc_request.recipient}'s response to an ad-hoc request.",
            url=_link("adhoc_requests.show", request_id=adhoc_request.id),
            sequence=adhoc_request.version,
            modified=adhoc_request.updated_at,
        )


def hmicfrs_entries(user: AnyUser) -> Iterator[Entry]:
    """The s.55 dates of HMICFRS reports whose PCC comments are not yet published: the
    Chief Constable's comments (when a date is set) and the PCC's comments."""
    query = (
        select(HmicfrsReport)
        .where(
            policy.source_visibility(user, HmicfrsReport),
            HmicfrsReport.comments_published_on.is_(None),
        )
        .order_by(HmicfrsReport.pcc_comments_due_on, HmicfrsReport.id)
    )
    for report in db.session.scalars(query):
        url = _link("hmicfrs.show", report_id=report.id)
        if report.cc_comments_due_on is not None:
            yield Entry(
                key=f"hmicfrs-report-{report.id}-cc-comments",
                summary=f"Chief Constable's comments due: {report.title}",
                day=report.cc_comments_due_on,
                description="The Chief Constable's comments on this HMICFRS report, "
                "for the PCC's response under section 55 of the Police Act 1996.",
                url=url,
                sequence=report.version,
                modified=report.updated_at,
            )
        yield Entry(
            key=f"hmicfrs-report-{report.id}-pcc-comments",
            summary=f"s.55 PCC comments due: {report.title}",
            day=report.pcc_comments_due_on,
            description="The PCC's comments on this HMICFRS report must be published "
            "under section 55 of the Police Act 1996.",
            url=url,
            sequence=report.version,
            modified=report.updated_at,
        )


def panel_item_entries(user: AnyUser) -> Iterator[Entry]:
    """Panel items with a response date the PCC has not yet responded by."""
    query = (
        select(PanelItem)
        .where(
            policy.source_visibility(user, PanelItem),
            PanelItem.response_due_on.is_not(None),
            PanelItem.pcc_response_on.is_(None),
        )
        .order_by(PanelItem.response_due_on, PanelItem.id)
    )
    for item in db.session.scalars(query):
        heading = item.agenda_item or item.kind.label
        yield Entry(
            key=f"panel-item-{item.id}",
            summary=f"PCC response due: {heading}",
            day=item.response_due_on,  # type: ignore[arg-type] - filtered above
            description=f"The PCC's response to a Panel {item.kind.in_sentence}.",
            url=_link("panel_items.show", item_id=item.id),
            sequence=item.version,
            modified=item.updated_at,
        )


def meeting_entries(user: AnyUser, *, today: date) -> Iterator[Entry]:
    """A&A meetings the user may see, from a year ago onwards."""
    since = today - timedelta(days=MEETING_HISTORY_DAYS)
    query = (
        select(Meeting)
        .where(policy.source_visibility(user, Meeting), Meeting.held_on >= since)
        .order_by(Meeting.held_on, Meeting.id)
    )
    for meeting in db.session.scalars(query):
        yield _meeting_entry(meeting, url=_link("meetings.show", meeting_id=meeting.id))


def _meeting_entry(meeting: Meeting, *, url: str = "") -> Entry:
    # Timed in the tracker's time zone when the meeting has a start time, else all day.
    return Entry(
        key=f"meeting-{meeting.id}",
        summary=f"A&A meeting: {meeting.title}",
        day=meeting.held_on,
        starts_at=meeting.starts_at,
        description=f"{meeting.kind.label} Assurance and Accountability meeting.",
        url=url,
        sequence=meeting.version,
        modified=meeting.updated_at,
        busy=True,
    )


def deadline_entries(user: AnyUser, *, today: date) -> list[Entry]:
    """Everything in `user`'s private feed: their deadlines and the meetings they see."""
    return [
        *action_entries(user),
        *adhoc_request_entries(user),
        *hmicfrs_entries(user),
        *panel_item_entries(user),
        *meeting_entries(user, today=today),
    ]


def timetable_entries(*, today: date) -> list[Entry]:
    """The public A&A timetable: published meetings only, with nothing internal."""
    since = today - timedelta(days=MEETING_HISTORY_DAYS)
    query = (
        select(Meeting)
        .where(Meeting.published.is_(True), Meeting.held_on >= since)
        .order_by(Meeting.held_on, Meeting.id)
    )
    return [_meeting_entry(meeting) for meeting in db.session.scalars(query)]
