"""Durable jobs: long reports and big exports are produced by the worker process
(`flask worker`) from these rows and downloaded when ready."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from tracker.db import LabelledEnum, UTCDateTime, db, enum_column, utcnow

if TYPE_CHECKING:
    from tracker.auth.models import User


PDF_TYPE = "application/pdf"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ReportJobStatus(LabelledEnum):
    QUEUED = ("queued", "Waiting to start")
    RUNNING = ("running", "Being prepared")
    READY = ("ready", "Ready")
    FAILED = ("failed", "Failed")


class ReportJob(db.Model):
    """One requested file (a report PDF or a spreadsheet export): who asked, for what,
    how far the worker has got, and (when ready) the file itself."""

    __tablename__ = "report_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    # The request's query arguments, so the job renders exactly what was asked for.
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    title: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[ReportJobStatus] = mapped_column(
        enum_column(ReportJobStatus, "report_job_status"),
        default=ReportJobStatus.QUEUED,
        index=True,
    )
    item_count: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # While running: the worker's claim, renewed as it works; past it, the job was lost.
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # 1 for the first run, one more each time a worker stopped mid-job and it was retried.
    attempt: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # The worker holding the claim ("host:pid"); with `attempt`, it fences off a worker
    # that lost its lease so it cannot store a result the next worker also stores.
    claimed_by: Mapped[str] = mapped_column(String(120), default="", server_default="")
    # Progress written by the worker as it goes: a stage, and items done of a total.
    stage: Mapped[str] = mapped_column(String(80), default="", server_default="")
    progress_done: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    progress_total: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    filename: Mapped[str] = mapped_column(String(200), default="")
    content_type: Mapped[str] = mapped_column(
        String(100), default=PDF_TYPE, server_default=PDF_TYPE
    )
    # The finished file (the column is called "pdf" from when jobs only made PDFs).
    output: Mapped[bytes | None] = deferred(mapped_column("pdf", LargeBinary))
    error: Mapped[str] = mapped_column(Text, default="")

    requested_by: Mapped[User] = relationship()

    @property
    def percent_done(self) -> int | None:
        """How far through its items the job is, 0-100 (None before it knows a total)."""
        if not self.progress_total:
            return None
        return min(100, self.progress_done * 100 // self.progress_total)

    def __repr__(self) -> str:
        return f"<ReportJob {self.id} {self.kind} {self.status.value}>"
