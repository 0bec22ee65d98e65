"""Long reports rendered in the background, in a small thread pool inside the web process.

A job stores the report kind and the request's arguments. The worker loads the user
who asked by id and builds the report with that user's permissions (never more), in
its own application context, then stores the PDF (or the failure) in the job row.
A job left waiting or running far longer than expected (for example because the
process restarted) is shown as stopped, with a way to try again.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any

from flask import Flask, current_app, render_template
from sqlalchemy import delete, select
from werkzeug.datastructures import MultiDict

from tracker.auth.models import User
from tracker.clock import today
from tracker.db import db, utcnow
from tracker.reports.kinds import KINDS, ReportNotFoundError, file_name
from tracker.reports.models import ReportJob, ReportJobStatus
from tracker.reports.render import render_pdf

log = logging.getLogger(__name__)

WORKERS = 2
# Seconds per action when no finished job says otherwise (WeasyPrint, measured).
DEFAULT_SECONDS_PER_ACTION = 0.032
BASE_SECONDS = 2.0
STALE_AFTER_AT_LEAST = timedelta(minutes=10)
RECENT = 20

_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def _executor() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="report-job")
        return _pool


def params_of(args: MultiDict) -> dict[str, list[str]]:
    """Request arguments as JSON: every value of every name, text only, bounded."""
    return {
        str(name)[:40]: [str(v)[:200] for v in args.getlist(name)][:50]
        for name in list(args.keys())[:40]
    }


def create_job(
    app: Flask, *, user: Any, kind: str, params: dict[str, list[str]], context: dict
) -> ReportJob:
    """Record a job for `user` and hand it to the pool; the caller has checked the input."""
    title = context["title"]
    if context.get("as_at"):
        title += f", as at {context['as_at'].day} {context['as_at']:%B %Y}"
    job = ReportJob(
        requested_by_id=user.id,
        kind=kind,
        params=params,
        title=title[:300],
        item_count=context["item_count"],
        status=ReportJobStatus.QUEUED,
    )
    db.session.add(job)
    db.session.commit()
    submit(app, job.id)
    return job


def submit(app: Flask, job_id: int) -> Future:
    return _executor().submit(run_job, app, job_id)


class JobFailedError(Exception):
    """A reason a job could not run that the user should read as it is."""


def run_job(app: Flask, job_id: int) -> None:
    """Render one queued job; every outcome is written to the job row."""
    with app.test_request_context(base_url=app.config["SERVER_BASE_URL"]):
        try:
            job = db.session.get(ReportJob, job_id)
            if job is None or job.status != ReportJobStatus.QUEUED:
                return
            job.status = ReportJobStatus.RUNNING
            job.started_at = utcnow()
            db.session.commit()
            _render(job)
        except Exception as exc:
            db.session.rollback()
            if isinstance(exc, JobFailedError | ReportNotFoundError):
                message = str(exc)
            else:
                log.exception("report job %s failed", job_id)
                message = (
                    f"The report could not be produced ({type(exc).__name__}). Try again; "
                    "if it fails again, tell the administrator."
                )
            try:
                _fail(job_id, message)
            except Exception:
                db.session.rollback()
                log.exception("could not record the failure of report job %s", job_id)
        finally:
            db.session.remove()


def _render(job: ReportJob) -> None:
    kind = KINDS.get(job.kind)
    if kind is None:
        raise JobFailedError("This kind of report no longer exists")
    user = db.session.get(User, job.requested_by_id)
    if user is None or not user.active:
        raise JobFailedError("The account that asked for this report is no longer active")
    args = MultiDict([(k, v) for k, values in (job.params or {}).items() for v in values])
    context = kind.build(user, args, today())
    if context["as_at_error"]:
        raise JobFailedError(context["as_at_error"])
    pdf = render_pdf(render_template(kind.pdf_template, **context))
    job.pdf = pdf
    job.filename = file_name(kind, context)
    job.item_count = context["item_count"]
    job.status = ReportJobStatus.READY
    job.finished_at = utcnow()
    db.session.commit()


def _fail(job_id: int, message: str) -> None:
    job = db.session.get(ReportJob, job_id)
    if job is None:
        return
    job.status = ReportJobStatus.FAILED
    job.error = message
    job.finished_at = utcnow()
    db.session.commit()


def seconds_per_action() -> float:
    """From the last finished jobs of any size, or the measured default."""
    jobs = db.session.execute(
        select(ReportJob.started_at, ReportJob.finished_at, ReportJob.item_count)
        .where(ReportJob.status == ReportJobStatus.READY, ReportJob.item_count > 0)
        .order_by(ReportJob.id.desc())
        .limit(RECENT)
    ).all()
    samples = [
        (finished - started).total_seconds() / count
        for started, finished, count in jobs
        if started and finished
    ]
    return sum(samples) / len(samples) if samples else DEFAULT_SECONDS_PER_ACTION


def estimate(job: ReportJob, per_action: float) -> timedelta:
    return timedelta(seconds=round(BASE_SECONDS + job.item_count * per_action))


def is_stale(job: ReportJob, per_action: float, *, now: datetime | None = None) -> bool:
    """Waiting or running for far longer than a report of its size takes."""
    if job.status not in (ReportJobStatus.QUEUED, ReportJobStatus.RUNNING):
        return False
    since = job.started_at or job.created_at
    limit = max(STALE_AFTER_AT_LEAST, estimate(job, per_action) * 5)
    return (now or utcnow()) - since > limit


def recent_jobs(user: Any) -> list[ReportJob]:
    return list(
        db.session.scalars(
            select(ReportJob)
            .where(ReportJob.requested_by_id == user.id)
            .order_by(ReportJob.id.desc())
            .limit(RECENT)
        )
    )


def prune_jobs(*, older_than: timedelta | None = None, now: datetime | None = None) -> int:
    """Delete jobs (and their PDFs) created more than `older_than` (by default
    REPORT_RETENTION_DAYS) ago; returns how many."""
    if older_than is None:
        older_than = timedelta(days=current_app.config["REPORT_RETENTION_DAYS"])
    cutoff = (now or utcnow()) - older_than
    result = db.session.execute(delete(ReportJob).where(ReportJob.created_at < cutoff))
    db.session.commit()
    return result.rowcount or 0
