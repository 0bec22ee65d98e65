"""Which sources each user may see, as queries built on policy.source_visibility."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select

from tracker.policy import source_visibility

__all__ = ["is_source_visible", "source_visibility", "visible_sources"]


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
