"""Which sources each user may see, as queries built on policy.source_visibility."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select

from tracker.policy import source_visibility
from tracker.sources.models import PanelMeeting, WorkProgrammeItem

__all__ = ["is_source_visible", "source_visibility", "visible_sources", "work_programme"]


def visible_sources(user: Any, model: type) -> Select:
    """Every record of `model` that `user` may see."""
    return select(model).where(source_visibility(user, model))


def is_source_visible(user: Any, source: Any) -> bool:
    """One loaded source, checked with the same SQL as the lists use."""
    from tracker.db import db

    model = type(source)
    return (
        db.session.scalar(
            select(model.id).where(model.id == source.id, source_visibility(user, model))
        )
        is not None
    )


def work_programme() -> Select:
    """The Panel's work programme in the order it is shown and printed: by the Panel
    meeting each topic is planned for (unscheduled topics last), then by topic."""
    return (
        select(WorkProgrammeItem)
        .outerjoin(PanelMeeting, WorkProgrammeItem.panel_meeting_id == PanelMeeting.id)
        .order_by(PanelMeeting.held_on.is_(None), PanelMeeting.held_on, WorkProgrammeItem.topic)
    )
