"""Stored values of administrator-editable settings."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from tracker.db import TimestampMixin, VersionedMixin, db


class Setting(VersionedMixin, TimestampMixin, db.Model):
    """One setting's current value; a missing row means the default applies."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    def __repr__(self) -> str:
        return f"<Setting {self.key}={self.value!r}>"
