"""Administrator-managed data: stored setting values and the reference lists (tags)
actions are tagged from."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tracker.db import LabelledEnum, TimestampMixin, VersionedMixin, db, enum_column


class Setting(VersionedMixin, TimestampMixin, db.Model):
    """One setting's current value; a missing row means the default applies."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    def __repr__(self) -> str:
        return f"<Setting {self.key}={self.value!r}>"


class TagList(LabelledEnum):
    """The admin-managed reference lists an action can be tagged from."""

    PLAN_OBJECTIVE = ("plan_objective", "Police and crime plan objective")
    NATIONAL_PRIORITY = ("national_priority", "National policing priority")
    LOCAL_AREA = ("local_area", "Local policing area")


class Tag(TimestampMixin, db.Model):
    """An entry in one of the reference lists (plan objectives, priorities, areas)."""

    __tablename__ = "tags"
    __table_args__ = (UniqueConstraint("tag_list", "name", name="uq_tags_tag_list_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tag_list: Mapped[TagList] = mapped_column(enum_column(TagList, "tag_list"))
    name: Mapped[str] = mapped_column(String(120))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    def __repr__(self) -> str:
        return f"<Tag {self.tag_list.value}: {self.name}>"
