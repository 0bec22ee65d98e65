"""Report jobs: long reports are rendered in the background and downloaded when ready."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from tracker.db import LabelledEnum, UTCDateTime, db, enum_column, utcnow

if TYPE_CHECKING:
    from tracker.auth.models import User


class ReportJobStatus(LabelledEnum):
    QUEUED = ("queued", "Waiting to start")
    RUNNING = ("running", "Being prepared")
    READY = ("ready", "Ready")
    FAILED = ("failed", "Failed")


class ReportJob(db.Model):
    """One requested PDF: who asked, for what, and (when ready) the file itself."""

    __tablename__ = "report_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    # The request's query arguments, so the job renders exactly what was asked for.
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    title: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[ReportJobStatus] = mapped_column(
        enum_column(ReportJobStatus, "report_job_status"), default=ReportJobStatus.QUEUED
    )
    item_count: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # While running: the worker's claim, renewed as it works; past it, the job was lost.
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # 1 for the first run, 2 for the automatic retry after an interrupted run.
    attempt: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    filename: Mapped[str] = mapped_column(String(200), default="")
    pdf: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    error: Mapped[str] = mapped_column(Text, default="")

    requested_by: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<ReportJob {self.id} {self.kind} {self.status.value}>"
