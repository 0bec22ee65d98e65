"""Demo publication register: published meeting outcomes, a published decision, a decision
published late, one overdue and the annual statement still to come.

Recorded through the services by the demo OPCC officer, on dates already past (or, for
what is still due, to come) on the seeding day.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from tracker import deadlines
from tracker.auth.models import User
from tracker.db import db
from tracker.publication import services
from tracker.publication.models import PublicationKind, PublicationRecord
from tracker.sources.models import Meeting, MeetingState
from tracker.sources.services import edit_source

OUTCOMES = (
    "The Commissioner was assured that the force answers 999 calls within the national "
    "standard and asked for a plan to bring 101 waiting times down by the next meeting.",
    "The Commissioner was partly assured on the quality of victim contact and asked the "
    "force to report on compliance with the Victims' Code at the next meeting.",
)


def _publish_outcomes(officer: User, today: date) -> int:
    """Give the two most recent held, published meetings a published outcome summary."""
    meetings = db.session.scalars(
        select(Meeting)
        .where(Meeting.state == MeetingState.HELD, Meeting.published.is_(True))
        .where(Meeting.outcome_published_on.is_(None), Meeting.held_on < today)
        .order_by(Meeting.held_on.desc())
        .limit(len(OUTCOMES))
    ).all()
    for meeting, outcome in zip(meetings, OUTCOMES, strict=False):
        published_on = min(deadlines.add_working_days(meeting.held_on, 10).due, today)
        edit_source(
            meeting,
            {"outcome_summary": outcome, "outcome_published_on": published_on},
            by=officer,
            expected_version=meeting.version,
        )
    return len(meetings)


def seed_publications(officer: User, today: date) -> dict[str, int]:
    """Add the demo publication records and meeting outcomes once; returns what was added."""
    if db.session.scalar(select(func.count(PublicationRecord.id))):
        return {}
    records = [
        {
            "kind": PublicationKind.DECISION,
            "title": "Decision 2026/07: extending the rural crime team",
            "due_on": today - timedelta(days=40),
            "published_on": today - timedelta(days=42),
            "url": "https://www.westmercia-pcc.gov.uk/decisions/2026-07",
            "summary": "The Commissioner approved funding for four more rural crime officers.",
        },
        {
            "kind": PublicationKind.DECISION,
            "title": "Decision 2026/09: custody healthcare contract",
            "due_on": today - timedelta(days=30),
            "published_on": today - timedelta(days=21),
            "url": "https://www.westmercia-pcc.gov.uk/decisions/2026-09",
            "summary": "The Commissioner awarded the custody healthcare contract for three years.",
        },
        {
            "kind": PublicationKind.DECISION,
            "title": "Decision 2026/11: estates strategy",
            "due_on": today - timedelta(days=5),
        },
        {
            "kind": PublicationKind.ANNUAL_STATEMENT,
            "title": "Statement on the national policing priorities",
            "due_on": today + timedelta(days=25),
        },
    ]
    for values in records:
        services.create_publication(by=officer, **values)
    return {
        "publication records": len(records),
        "published meeting outcomes": _publish_outcomes(officer, today),
    }
