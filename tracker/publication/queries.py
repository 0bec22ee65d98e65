"""What the public may see: each a filter on published records only.

The public pages, the Atom feed and the register's public side all select through these,
so no page can show a record the others would hide. Nothing here returns a column the
public must not see: the pages choose what to show, the queries choose which rows.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, Select, and_, func, select
from sqlalchemy.orm import selectinload

from tracker.actions.models import Marking
from tracker.programme.models import PublicQuestion
from tracker.publication.models import PublicationRecord
from tracker.s55.models import S55Entry, S55Response
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


def public_s55_responses() -> Select[tuple[S55Response]]:
    """The latest published version of each s.55 response, most recently published first,
    with its report and entries. A response marked above OFFICIAL is never shown here,
    whatever its state: the office publishes it through its own channels."""
    latest = (
        select(S55Response.report_id, func.max(S55Response.number).label("number"))
        .where(S55Response.public.is_(True))
        .group_by(S55Response.report_id)
        .subquery()
    )
    return (
        select(S55Response)
        .join(
            latest,
            and_(
                S55Response.report_id == latest.c.report_id,
                S55Response.number == latest.c.number,
            ),
        )
        .where(S55Response.marking == Marking.OFFICIAL)
        .options(
            selectinload(S55Response.report),
            selectinload(S55Response.entries).selectinload(S55Entry.finding),
        )
        .order_by(S55Response.published_on.desc(), S55Response.id.desc())
    )
