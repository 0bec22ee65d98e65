"""Reading s.55 responses for other features: the publication register and public pages.

`register_rows(today)` gives, per HMICFRS report addressed to the force, its s.55
deadline with the calculator's explanation, where the response stands and whether the
deadline was met. `published_responses()` gives the published, public versions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import selectinload

from tracker.db import db
from tracker.deadlines import s55_comments_due
from tracker.s55.models import S55Entry, S55Response
from tracker.sources.models import HmicfrsReport, ReportScope

NOT_STARTED = "Not started"


@dataclass(frozen=True)
class S55RegisterRow:
    """One HMICFRS report's s.55 response as the publication register lists it."""

    report_id: int
    title: str
    due_on: date
    explanation: str
    state_label: str
    published_on: date | None
    published_url: str
    # True: published by the deadline. False: published late, or not published and the
    # deadline has passed. None: not published and still in time.
    met: bool | None
    url: str


def met_deadline(published_on: date | None, due_on: date, today: date) -> bool | None:
    """Whether the s.55 deadline was met (None while unpublished and still in time)."""
    if published_on is not None:
        return published_on <= due_on
    return False if today > due_on else None


def response_path(report_id: int) -> str:
    """The path of a report's s.55 response page (without needing a request)."""
    return current_app.url_map.bind("").build("s55.show", {"report_id": report_id})


def _reports_for_force() -> Select:
    return select(HmicfrsReport).where(
        or_(HmicfrsReport.scope == ReportScope.FORCE, HmicfrsReport.applies_to_force.is_(True))
    )


def register_rows(today: date) -> list[S55RegisterRow]:
    """Per HMICFRS report addressed to the force, newest first: its s.55 row."""
    reports = list(
        db.session.scalars(
            _reports_for_force().order_by(HmicfrsReport.published_on.desc(), HmicfrsReport.id)
        )
    )
    versions: dict[int, list[S55Response]] = {r.id: [] for r in reports}
    for response in db.session.scalars(
        select(S55Response)
        .where(S55Response.report_id.in_(list(versions)))
        .order_by(S55Response.number)
    ):
        versions[response.report_id].append(response)
    rows = []
    for report in reports:
        deadline = s55_comments_due(report.published_on)
        every = versions[report.id]
        published = [v for v in every if v.public]
        first_published = min((v.published_on for v in published), default=None)
        current = every[-1] if every else None
        rows.append(
            S55RegisterRow(
                report_id=report.id,
                title=report.title,
                due_on=deadline.due,
                explanation=deadline.explanation,
                state_label=(
                    f"Version {current.number}: {current.state.label}" if current else NOT_STARTED
                ),
                published_on=first_published,
                published_url=published[-1].published_url if published else "",
                met=met_deadline(first_published, deadline.due, today),
                url=response_path(report.id),
            )
        )
    return rows


def published_responses() -> list[S55Response]:
    """The published, public versions (the latest per report), newest publication first,
    with their reports and entries loaded."""
    rows = db.session.scalars(
        select(S55Response)
        .where(S55Response.public.is_(True))
        .options(
            selectinload(S55Response.report),
            selectinload(S55Response.entries).selectinload(S55Entry.finding),
        )
        .order_by(S55Response.number)
    )
    latest: dict[int, S55Response] = {}
    for response in rows:
        latest[response.report_id] = response
    return sorted(latest.values(), key=lambda r: (r.published_on, r.id), reverse=True)
