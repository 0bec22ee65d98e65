"""Import batches: an uploaded file from preview to commit (and, perhaps, undo)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from tracker.db import LabelledEnum, TimestampMixin, UTCDateTime, VersionedMixin, db, enum_column

if TYPE_CHECKING:
    from tracker.auth.models import User


class ImportStatus(LabelledEnum):
    PENDING = ("pending", "Awaiting commit")
    COMMITTED = ("committed", "Imported")
    UNDONE = ("undone", "Undone")
    DISCARDED = ("discarded", "Discarded")


class ImportBatch(TimestampMixin, VersionedMixin, db.Model):
    """One uploaded file. The file is kept in the database while the batch is pending so
    preview and commit work across web workers; every record the commit creates or
    updates has audit events carrying this batch's id."""

    __tablename__ = "import_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # What the rows become, e.g. "actions", "panel_items", "findings".
    target: Mapped[str] = mapped_column(String(40))
    # Target details: source type and id for actions, report id for findings, and so on.
    options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # {field name: column heading in the file}
    mapping: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    filename: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    status: Mapped[ImportStatus] = mapped_column(
        enum_column(ImportStatus, "import_status"), default=ImportStatus.PENDING
    )
    row_count: Mapped[int] = mapped_column(Integer, default=0)
    created_count: Mapped[int] = mapped_column(Integer, default=0)
    updated_count: Mapped[int] = mapped_column(Integer, default=0)
    skipped_count: Mapped[int] = mapped_column(Integer, default=0)
    committed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    undone_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    summary: Mapped[str] = mapped_column(Text, default="")

    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    undone_by: Mapped[User | None] = relationship(foreign_keys=[undone_by_id])

    def __repr__(self) -> str:
        return f"<ImportBatch {self.id} {self.target} {self.status.value}>"
