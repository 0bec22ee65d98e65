"""Every open ask addressed to the force, gathered from one provider per kind of ask.

A provider is a function `(user, today) -> list[Ask]` returning the asks of one kind
that `user` may open and still has to answer. `PROVIDERS` lists them in the order the
page groups them; to add a kind of ask (papers due for an A&A meeting, say), write one
provider in this module and add it to `PROVIDERS`: the page, its count in the
navigation and their tests pick it up. Each provider runs a fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import url_for
from sqlalchemy import select

from tracker import policy
from tracker.actions.models import Action, ActionStatus
from tracker.actions.queries import visible_actions
from tracker.auth.models import Organisation
from tracker.db import db
from tracker.deadlines import days_late
from tracker.responses.models import ResponseState
from tracker.responses.services import latest_by_subject
from tracker.sources.models import AdhocRequest, HmicfrsReport, ReportScope, RequestStatus

# The force has nothing to do on these until the OPCC acts on them.
_WITH_THE_OPCC = {ResponseState.SUBMITTED, ResponseState.ACCEPTED}


@dataclass(frozen=True)
class Ask:
    """One thing the force has been asked for, as the page lists it."""

    kind: str  # "Ad-hoc request", "HMICFRS report", "Action"
    title: str
    link: str
    due_on: date | None
    today: date
    state: str = ""  # where the force's answer stands: "Draft saved", "Sent back"

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


Provider = Callable[[Any, date], list[Ask]]


def _response_state(latest: Any) -> str:
    if latest is None:
        return "Not started"
    if latest.state == ResponseState.DRAFT:
        return f"Version {latest.number} drafted, not submitted"
    return f"Version {latest.number} sent back by the OPCC"


def requests_awaiting_response(user: Any, today: date) -> list[Ask]:
    """Ad-hoc requests awaiting the Chief Constable's written response (or sent back)."""
    if not policy.is_force(user):
        return []
    requests = db.session.scalars(
        select(AdhocRequest)
        .where(
            AdhocRequest.status == RequestStatus.AWAITING,
            policy.source_visibility(user, AdhocRequest),
        )
        .order_by(AdhocRequest.response_due_on, AdhocRequest.id)
    ).all()
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
        if policy.can_write_response(user, adhoc)
        and getattr(latest.get(adhoc.id), "state", None) not in _WITH_THE_OPCC
    ]


def reports_awaiting_comments(user: Any, today: date) -> list[Ask]:
    """HMICFRS reports addressed to the force whose Chief Constable's comments are due."""
    if not policy.is_force(user):
        return []
    reports = db.session.scalars(
        select(HmicfrsReport)
        .where(
            HmicfrsReport.cc_comments_due_on.is_not(None),
            HmicfrsReport.cc_comments_received_on.is_(None),
            HmicfrsReport.comments_published_on.is_(None),
            (HmicfrsReport.scope == ReportScope.FORCE) | HmicfrsReport.applies_to_force.is_(True),
            policy.source_visibility(user, HmicfrsReport),
        )
        .order_by(HmicfrsReport.cc_comments_due_on, HmicfrsReport.id)
    ).all()
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
        if getattr(latest.get(report.id), "state", None) not in _WITH_THE_OPCC
    ]


def force_actions(user: Any, today: date) -> list[Ask]:
    """Open actions owned by the force (those submitted as implemented wait for the OPCC)."""
    if not policy.is_force(user):
        return []
    open_statuses = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS, ActionStatus.REOPENED)
    actions = db.session.scalars(
        visible_actions(user)
        .where(
            Action.owning_organisation == Organisation.FORCE,
            Action.status.in_(open_statuses),
        )
        .order_by(Action.due_on, Action.id)
    ).all()
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


PROVIDERS: tuple[Provider, ...] = (
    requests_awaiting_response,
    reports_awaiting_comments,
    force_actions,
)


def asks_for(user: Any, today: date) -> list[Ask]:
    """Every open ask `user` must answer, most urgent first (no date last)."""
    asks = [ask for provider in PROVIDERS for ask in provider(user, today)]
    return sorted(asks, key=lambda ask: (ask.due_on is None, ask.due_on or today))
