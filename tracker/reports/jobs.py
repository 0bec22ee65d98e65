"""Long reports rendered in the background, in a small thread pool inside the web process.

A job stores the report kind and the request's arguments. The worker loads the user
who asked by id and builds the report with that user's permissions (never more), in
its own application context, then stores the PDF (or the failure) in the job row.

Scheduling is fair and durable. The pool never gets a job id: each worker claims the
next job from the table (the oldest queued job of the person with fewest running, and
nobody may fill every worker), so one person's big jobs cannot starve a colleague's
small one, and each person may have only a few jobs waiting or running at once. A
claimed job holds a lease that its worker renews while rendering; a job whose lease
ran out (the process stopped or restarted) is marked failed and tried again once.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor, wait
from datetime import datetime, timedelta
from typing import Any

from flask import Flask, current_app, render_template
from sqlalchemy import delete, func, or_, select, update
from werkzeug.datastructures import MultiDict

from tracker.auth.models import User
from tracker.clock import today
from tracker.db import db, utcnow
from tracker.errors import RuleError
from tracker.reports.kinds import KINDS, ReportNotFoundError, file_name
from tracker.reports.models import ReportJob, ReportJobStatus
from tracker.reports.render import render_pdf

log = logging.getLogger(__name__)

WORKERS = 2
# Seconds per action when no finished job of the kind says otherwise (WeasyPrint, measured).
DEFAULT_SECONDS_PER_ACTION = 0.032
BASE_SECONDS = 2.0
STALE_AFTER_AT_LEAST = timedelta(minutes=10)
RECENT = 20
# A running job's claim lasts this long unless its worker renews it (every HEARTBEAT).
LEASE = timedelta(minutes=2)
HEARTBEAT = timedelta(seconds=30)
# How many times a job is started in all (the first run and one automatic retry).
MAX_ATTEMPTS = 2
DEFAULT_JOBS_PER_USER = 3
ACTIVE = (ReportJobStatus.QUEUED, ReportJobStatus.RUNNING)

_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()
_pending: set[Future] = set()


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


class TooManyJobsError(RuleError):
    """The person already has as many reports waiting or running as they may."""


def jobs_per_user() -> int:
    """How many reports one person may have waiting or running (REPORT_JOBS_PER_USER)."""
    return int(current_app.config.get("REPORT_JOBS_PER_USER", DEFAULT_JOBS_PER_USER))


def active_job_count(user: Any) -> int:
    return db.session.scalar(
        select(func.count(ReportJob.id)).where(
            ReportJob.requested_by_id == user.id, ReportJob.status.in_(ACTIVE)
        )
    )


def create_job(
    app: Flask,
    *,
    user: Any,
    kind: str,
    params: dict[str, list[str]],
    context: dict,
    attempt: int = 1,
) -> ReportJob:
    """Record a job for `user`, commit it and wake the pool; the caller has checked the
    input and built `context` before taking the write lock (this is the only write)."""
    limit = jobs_per_user()
    if active_job_count(user) >= limit:
        raise TooManyJobsError(
            f"You already have {limit} reports being prepared. Wait for one of them to "
            "finish, then ask again"
        )
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
        attempt=attempt,
    )
    db.session.add(job)
    db.session.commit()
    wake(app)
    return job


def wake(app: Flask) -> Future | None:
    """Ask a worker to run queued jobs (it claims them from the table, fairly); nothing
    to do when a request to do so is already waiting for a worker."""
    with _pool_lock:
        if any(not f.running() and not f.done() for f in _pending):
            return None
    future = _executor().submit(run_queued, app)
    _pending.add(future)
    future.add_done_callback(_pending.discard)
    return future


def wait_until_idle(timeout: float = 60) -> None:
    """Wait for the workers asked so far to run out of jobs (tests, shutdown)."""
    wait(list(_pending), timeout=timeout)


class JobFailedError(Exception):
    """A reason a job could not run that the user should read as it is."""


def claim_next(*, now: datetime | None = None) -> int | None:
    """Mark the next job running and return its id (None when nothing may start).

    The next job is the oldest queued job of the person with fewest jobs running; a
    person already running WORKERS - 1 jobs waits, so one worker is always left for
    someone else. The claim is a conditional UPDATE, so two workers (or two processes)
    never claim the same job.
    """
    now = now or utcnow()
    running = dict(
        db.session.execute(
            select(ReportJob.requested_by_id, func.count(ReportJob.id))
            .where(ReportJob.status == ReportJobStatus.RUNNING)
            .group_by(ReportJob.requested_by_id)
        ).all()
    )
    queued = db.session.execute(
        select(ReportJob.id, ReportJob.requested_by_id)
        .where(ReportJob.status == ReportJobStatus.QUEUED)
        .order_by(ReportJob.id)
        .limit(500)
    ).all()
    per_person = max(1, WORKERS - 1)
    candidates = sorted(
        (running.get(user_id, 0), job_id)
        for job_id, user_id in queued
        if running.get(user_id, 0) < per_person
    )
    db.session.rollback()  # end the reads before the short write
    for _running, job_id in candidates:
        claimed = db.session.execute(
            update(ReportJob)
            .where(ReportJob.id == job_id, ReportJob.status == ReportJobStatus.QUEUED)
            .values(status=ReportJobStatus.RUNNING, started_at=now, lease_until=now + LEASE)
        )
        db.session.commit()
        if claimed.rowcount == 1:
            return job_id
    return None


def run_queued(app: Flask) -> None:
    """Claim and render jobs until none may start."""
    while True:
        with app.app_context():
            try:
                job_id = claim_next()
            except Exception:
                db.session.rollback()
                log.exception("could not claim a report job")
                return
            finally:
                db.session.remove()
        if job_id is None:
            return
        run_job(app, job_id)


def run_job(app: Flask, job_id: int) -> None:
    """Render one claimed job; every outcome is written to the job row."""
    with (
        app.test_request_context(base_url=app.config["SERVER_BASE_URL"]),
        _Heartbeat(app, job_id),
    ):
        try:
            job = db.session.get(ReportJob, job_id)
            if job is None or job.status != ReportJobStatus.RUNNING:
                return
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


class _Heartbeat:
    """Renews a running job's lease every HEARTBEAT until the work is over."""

    def __init__(self, app: Flask, job_id: int) -> None:
        self.app, self.job_id = app, job_id
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, daemon=True, name="report-lease")

    def __enter__(self) -> _Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _beat(self) -> None:
        while not self._stop.wait(HEARTBEAT.total_seconds()):
            with self.app.app_context():
                try:
                    renew_lease(self.job_id)
                except Exception:
                    db.session.rollback()
                    log.exception("could not renew the lease of report job %s", self.job_id)
                finally:
                    db.session.remove()


def renew_lease(job_id: int, *, now: datetime | None = None) -> None:
    db.session.execute(
        update(ReportJob)
        .where(ReportJob.id == job_id, ReportJob.status == ReportJobStatus.RUNNING)
        .values(lease_until=(now or utcnow()) + LEASE)
    )
    db.session.commit()


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
    job.lease_until = None
    db.session.commit()


def _fail(job_id: int, message: str) -> None:
    job = db.session.get(ReportJob, job_id)
    if job is None:
        return
    job.status = ReportJobStatus.FAILED
    job.error = message
    job.finished_at = utcnow()
    job.lease_until = None
    db.session.commit()


def recover_interrupted(*, now: datetime | None = None) -> list[int]:
    """Fail the running jobs whose lease ran out (their worker stopped: a restart) and
    queue each once more; returns the ids of the new jobs. Commits."""
    now = now or utcnow()
    lost = db.session.scalars(
        select(ReportJob).where(
            ReportJob.status == ReportJobStatus.RUNNING,
            or_(
                ReportJob.lease_until < now,
                ReportJob.lease_until.is_(None) & (ReportJob.started_at < now - LEASE),
            ),
        )
    ).all()
    retried = []
    for job in lost:
        job.status = ReportJobStatus.FAILED
        job.finished_at = now
        job.lease_until = None
        if job.attempt < MAX_ATTEMPTS:
            again = ReportJob(
                requested_by_id=job.requested_by_id,
                kind=job.kind,
                params=job.params,
                title=job.title,
                item_count=job.item_count,
                status=ReportJobStatus.QUEUED,
                attempt=job.attempt + 1,
            )
            db.session.add(again)
            db.session.flush()
            retried.append(again.id)
            job.error = (
                "The report stopped when the service restarted. It is being prepared "
                f"again as report {again.id}."
            )
        else:
            job.error = (
                "The report stopped before it finished, twice. Try again; if it stops "
                "again, tell the administrator."
            )
    db.session.commit()
    return retried


def seconds_per_action(kind: str | None = None) -> float:
    """Measured seconds per action for a report kind: the rendering time of its recent
    finished jobs (less the fixed start-up time) divided by their actions, so big jobs
    weigh as much as they cost and tiny ones cannot inflate the rate."""
    query = (
        select(ReportJob.started_at, ReportJob.finished_at, ReportJob.item_count)
        .where(ReportJob.status == ReportJobStatus.READY, ReportJob.item_count > 0)
        .order_by(ReportJob.id.desc())
        .limit(RECENT)
    )
    if kind is not None:
        query = query.where(ReportJob.kind == kind)
    seconds = actions = 0.0
    for started, finished, count in db.session.execute(query):
        if started and finished:
            seconds += max(0.0, (finished - started).total_seconds() - BASE_SECONDS)
            actions += count
    return seconds / actions if actions else DEFAULT_SECONDS_PER_ACTION


def estimate(job: ReportJob, per_action: float) -> timedelta:
    return timedelta(seconds=round(BASE_SECONDS + job.item_count * per_action))


def is_stale(job: ReportJob, per_action: float, *, now: datetime | None = None) -> bool:
    """Stopped without finishing: running with its lease run out (or, for a job from
    before leases, running far longer than its size takes). A queued job is never
    stale: it waits its turn, and watching it wakes a worker (see `wake`)."""
    if job.status != ReportJobStatus.RUNNING:
        return False
    now = now or utcnow()
    if job.lease_until is not None:
        return job.lease_until < now
    since = job.started_at or job.created_at
    limit = max(STALE_AFTER_AT_LEAST, estimate(job, per_action) * 5)
    return now - since > limit


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
