"""What the public may see: each a filter on published records only.

The public pages, the Atom feed and the register's public side all select through these,
so no page can show a record the others would hide. Nothing here returns a column the
public must not see: the pages choose what to show, the queries choose which rows.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, Select, and_, select

from tracker.programme.models import PublicQuestion
from tracker.publication.models import PublicationRecord
from tracker.sources.models import Meeting, MeetingState, PanelItem, PanelItemKind


def public_meetings() -> Select[tuple[Meeting]]:
    """Held A&A meetings marked as published, most recent first."""
    return (
        select(Meeting)
        .where(Meeting.published.is_(True), Meeting.state == MeetingState.HELD)
        .order_by(Meeting.held_on.desc(), Meeting.id.desc())
    )


def outcome_is_public() -> ColumnElement[bool]:
    """A meeting's outcome summary may be shown: the OPCC recorded it as published."""
    return Meeting.outcome_published_on.is_not(None)


def public_questions(meeting_ids: Sequence[int]) -> Select[tuple[PublicQuestion]]:
    """The published public questions of the given (public) meetings."""
    return (
        select(PublicQuestion)
        .where(PublicQuestion.published.is_(True), PublicQuestion.meeting_id.in_(meeting_ids))
        .order_by(PublicQuestion.meeting_id, PublicQuestion.id)
    )


def public_responses() -> Select[tuple[PanelItem]]:
    """Published Panel recommendations the PCC has responded to, most recent first."""
    return (
        select(PanelItem)
        .where(
            PanelItem.kind == PanelItemKind.RECOMMENDATION,
            PanelItem.published.is_(True),
            PanelItem.pcc_response_on.is_not(None),
            PanelItem.pcc_response != "",
        )
        .order_by(PanelItem.pcc_response_on.desc(), PanelItem.id.desc())
    )


def public_records() -> Select[tuple[PublicationRecord]]:
    """Publication records that are published and marked public, most recent first."""
    return (
        select(PublicationRecord)
        .where(
            and_(PublicationRecord.published_on.is_not(None), PublicationRecord.public.is_(True))
        )
        .order_by(PublicationRecord.published_on.desc(), PublicationRecord.id.desc())
    )
