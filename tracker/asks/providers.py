"""Every open ask addressed to the force, gathered from one provider per kind of ask.

A provider is a function `(user, today) -> AskSource | None`: the query selecting the
records of its kind that `user` may open and still has to answer, and how to list them
as `Ask`s (None when the kind is not for this user). `PROVIDERS` lists them in order; to
add a kind of ask (answers to lines of enquiry, say), write one provider in this
module and add it to `PROVIDERS`: the page, the count in the navigation (one statement
for every kind together) and their tests pick it up.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import url_for
from sqlalchemy import ColumnElement, Select, and_, exists, func, select

from tracker import policy
from tracker.actions.models import Action, ActionStatus
from tracker.actions.queries import visible_actions
from tracker.auth.models import Organisation
from tracker.db import db
from tracker.deadlines import days_late, format_long
from tracker.programme.queries import papers_due, papers_owed, visible_meetings
from tracker.responses.models import ResponseState, WrittenResponse
from tracker.responses.services import latest_by_subject
from tracker.sources.models import (
    AdhocRequest,
    HmicfrsReport,
    Meeting,
    ReportScope,
    RequestStatus,
)


@dataclass(frozen=True)
class Ask:
    """One thing the force has been asked for, as the page lists it."""

    kind: str  # "Ad-hoc request", "Action", ...
    title: str
    link: str
    due_on: date | None
    today: date
    state: str = ""  # where the force's answer stands: "Not started", "Sent back"

    @property
    def days_overdue(self) -> int:
        """Whole days past the due date (0 when not yet due or no date is set)."""
        return days_late(self.due_on, self.today, done=False)

    @property
    def days_left(self) -> int | None:
        """Days until the due date (None when there is none or it has passed)."""
        if self.due_on is None or self.due_on < self.today:
            return None
        return (self.due_on - self.today).days


@dataclass(frozen=True)
class AskSource:
    """One kind of ask for one user: the open records, and how to list them."""

    query: Select
    to_asks: Callable[[Sequence[Any]], list[Ask]]


Provider = Callable[[Any, date], AskSource | None]


def _with_the_opcc(column: Any, subject_id: Any) -> ColumnElement[bool]:
    """A version was submitted and awaits the OPCC, or was accepted: the force has
    nothing to do (a submitted or accepted version is always the latest)."""
    return exists().where(
        column == subject_id,
        WrittenResponse.state.in_([ResponseState.SUBMITTED, ResponseState.ACCEPTED]),
    )


def _response_state(latest: Any) -> str:
    if latest is None:
        return "Not started"
    if latest.state == ResponseState.DRAFT:
        return f"Version {latest.number} drafted, not submitted"
    return f"Version {latest.number} sent back by the OPCC"


def requests_awaiting_response(user: Any, today: date) -> AskSource | None:
    """Ad-hoc requests awaiting the Chief Constable's written response (or sent back)."""
    if not policy.is_force(user):
        return None
    query = (
        select(AdhocRequest)
        .where(
            AdhocRequest.status == RequestStatus.AWAITING,
            policy.source_visibility(user, AdhocRequest),
            ~_with_the_opcc(WrittenResponse.adhoc_request_id, AdhocRequest.id),
        )
        .order_by(AdhocRequest.response_due_on, AdhocRequest.id)
    )

    def to_asks(requests: Sequence[AdhocRequest]) -> list[Ask]:
        latest = latest_by_subject(AdhocRequest, [r.id for r in requests])
        return [
            Ask(
                kind="Ad-hoc request",
                title=adhoc.subject,
                link=url_for("adhoc_requests.show", request_id=adhoc.id),
                due_on=adhoc.response_due_on,
                today=today,
                state=_response_state(latest.get(adhoc.id)),
            )
            for adhoc in requests
        ]

    return AskSource(query, to_asks)


def reports_awaiting_comments(user: Any, today: date) -> AskSource | None:
    """HMICFRS reports addressed to the force whose Chief Constable's comments are due."""
    if not policy.is_force(user):
        return None
    query = (
        select(HmicfrsReport)
        .where(
            HmicfrsReport.cc_comments_due_on.is_not(None),
            HmicfrsReport.cc_comments_received_on.is_(None),
            HmicfrsReport.comments_published_on.is_(None),
            (HmicfrsReport.scope == ReportScope.FORCE) | HmicfrsReport.applies_to_force.is_(True),
            policy.source_visibility(user, HmicfrsReport),
            ~_with_the_opcc(WrittenResponse.hmicfrs_report_id, HmicfrsReport.id),
        )
        .order_by(HmicfrsReport.cc_comments_due_on, HmicfrsReport.id)
    )

    def to_asks(reports: Sequence[HmicfrsReport]) -> list[Ask]:
        latest = latest_by_subject(HmicfrsReport, [r.id for r in reports])
        return [
            Ask(
                kind="HMICFRS report: Chief Constable's comments",
                title=f"{report.code}: {report.title}",
                link=url_for("hmicfrs.show", report_id=report.id),
                due_on=report.cc_comments_due_on,
                today=today,
                state=_response_state(latest.get(report.id)),
            )
            for report in reports
        ]

    return AskSource(query, to_asks)


def force_actions(user: Any, today: date) -> AskSource | None:
    """Open actions owned by the force (those submitted as implemented wait for the OPCC)."""
    if not policy.is_force(user):
        return None
    open_statuses = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS, ActionStatus.REOPENED)
    query = (
        visible_actions(user)
        .where(
            and_(
                Action.owning_organisation == Organisation.FORCE,
                Action.status.in_(open_statuses),
            )
        )
        .order_by(Action.due_on, Action.id)
    )

    def to_asks(actions: Sequence[Action]) -> list[Ask]:
        return [
            Ask(
                kind="Action",
                title=f"{action.reference}: {action.title}",
                link=url_for("actions.show", action_id=action.id),
                due_on=action.due_on,
                today=today,
                state=action.status.label,
            )
            for action in actions
        ]

    return AskSource(query, to_asks)


def meeting_papers_due(user: Any, today: date) -> AskSource | None:
    """The Chief Constable's papers for planned A&A meetings, not yet received by the OPCC."""
    if not policy.is_force(user):
        return None
    query = visible_meetings(user).where(papers_owed(today))

    def to_asks(meetings: Sequence[Meeting]) -> list[Ask]:
        return [
            Ask(
                kind="A&A meeting: Chief Constable's papers",
                title=f"{row.meeting.title} ({format_long(row.meeting.held_on)})",
                link=url_for("meetings.show", meeting_id=row.meeting.id),
                due_on=row.due_on,
                today=today,
                state="Not yet received by the OPCC",
            )
            for row in papers_due(list(meetings), today)
        ]

    return AskSource(query, to_asks)


PROVIDERS: tuple[Provider, ...] = (
    meeting_papers_due,
    requests_awaiting_response,
    reports_awaiting_comments,
    force_actions,
)


def _sources(user: Any, today: date) -> list[AskSource]:
    return [source for provider in PROVIDERS if (source := provider(user, today)) is not None]


def asks_for(user: Any, today: date) -> list[Ask]:
    """Every open ask `user` must answer, most urgent first (no date last)."""
    asks = [
        ask
        for source in _sources(user, today)
        for ask in source.to_asks(db.session.scalars(source.query).all())
    ]
    return sorted(asks, key=lambda ask: (ask.due_on is None, ask.due_on or today))


def count_asks(user: Any, today: date) -> int:
    """How many open asks `user` must answer, in one statement for every kind."""
    sources = _sources(user, today)
    if not sources:
        return 0
    counts = [
        select(func.count()).select_from(source.query.order_by(None).subquery()).scalar_subquery()
        for source in sources
    ]
    return sum(db.session.execute(select(*counts)).one())
