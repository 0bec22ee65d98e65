"""Open statutory deadlines, for the reminder digest: every step that applies, has a
statutory date and is not yet recorded as done."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from tracker.db import db
from tracker.statutory import rules
from tracker.statutory.models import AnnualReportReview, ChiefConstableAppointment, PreceptYear

# A statutory date is fixed: once it is a month past, chasing it every few days helps
# nobody, so reminders stop four weeks after it.
STATUTORY_OVERDUE_DAYS = 28


@dataclass(frozen=True)
class OpenDeadline:
    """One statutory step still to be done: what, by when, and the page that shows it."""

    item_type: str
    item_id: int
    text: str
    name: str
    due: date
    endpoint: str
    args: dict[str, Any] = field(default_factory=dict)


def _open_steps(record: Any, timeline: list[rules.Step], today: date, oldest: date):
    for number, step in enumerate(timeline, start=1):
        if not step.applies or step.deadline is None or step.done_on is not None:
            continue
        if step.deadline.due < oldest:
            continue
        yield number, step


def open_deadlines(today: date, *, overdue_for: int = STATUTORY_OVERDUE_DAYS) -> list[OpenDeadline]:
    """Every open statutory step due from `overdue_for` days ago onwards."""
    oldest = today - timedelta(days=overdue_for)
    found: list[OpenDeadline] = []
    sources = (
        (
            PreceptYear,
            "precept",
            "statutory.precept",
            "precept_id",
            rules.precept_timeline,
            lambda r: f"Precept {r.label}",
        ),
        (
            ChiefConstableAppointment,
            "appointment",
            "statutory.appointment",
            "appointment_id",
            rules.appointment_timeline,
            lambda r: f"Chief Constable appointment ({r.candidate_name})",
        ),
        (
            AnnualReportReview,
            "annual_report",
            "statutory.annual_report",
            "review_id",
            rules.annual_report_timeline,
            lambda r: f"Annual report {r.label}",
        ),
    )
    for model, kind, endpoint, arg, timeline, name_of in sources:
        for record in db.session.scalars(select(model).order_by(model.id)):
            name = name_of(record)
            for number, step in _open_steps(record, timeline(record), today, oldest):
                found.append(
                    OpenDeadline(
                        item_type=f"{kind}_{number}",
                        item_id=record.id,
                        text=f"{name}: {step.title} ({step.deadline.citation})",
                        name=name,
                        due=step.deadline.due,
                        endpoint=endpoint,
                        args={arg: record.id},
                    )
                )
    return found
