"""Durable jobs: long reports and big exports, produced by the worker process.

A job is a row in `report_jobs`: the kind of file, the request's arguments and who
asked. The web process only records it; the worker process (`flask worker`, see
`tracker.worker`) claims it, builds the file with the permissions of the person who
asked (never more), in its own application context, and stores the file (or the
failure) in the row. Nothing runs inside the web workers.

Claiming is fair and safe with several workers. The next job is the oldest queued job
of the person with fewest running (one running job per person, so one person's big
jobs cannot starve a colleague's small one). PostgreSQL picks it with `SELECT ... FOR
UPDATE SKIP LOCKED`, so two workers claiming at once take different jobs; SQLite (one
writer at a time) with a conditional UPDATE. A claim holds a lease that the worker
renews as it works, and a token (`claimed_by`) that every later write of that worker
must match. A job whose lease ran out (its worker died) is queued again with one more
attempt, up to MAX_ATTEMPTS; the old worker, if it was only slow, can no longer store
anything, so each job's file is stored once.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import Flask, current_app, render_template
from sqlalchemy import case, delete, func, or_, select, update
from werkzeug.datastructures import MultiDict

from tracker.auth.models import User
from tracker.clock import today
from tracker.db import db, utcnow
from tracker.errors import RuleError
from tracker.reports.kinds import KINDS, ReportNotFoundError, file_name, refusal
from tracker.reports.models import PDF_TYPE, ReportJob, ReportJobStatus
from tracker.reports.render import render_pdf

log = logging.getLogger(__name__)

# Seconds per action when no finished job of the kind says otherwise (WeasyPrint, measured).
DEFAULT_SECONDS_PER_ACTION = 0.032
BASE_SECONDS = 2.0
STALE_AFTER_AT_LEAST = timedelta(minutes=10)
RECENT = 20
# A running job's claim lasts this long unless its worker renews it (every HEARTBEAT).
LEASE = timedelta(minutes=2)
HEARTBEAT = timedelta(seconds=30)
# How many times a job is started in all: the first run and the retries after a worker
# stopped mid-job (a crash, a kill, a restart that could not wait).
MAX_ATTEMPTS = 3
# How many jobs of one person may run at once, so others' jobs are not starved.
RUNNING_PER_PERSON = 1
# Progress is written at most this often (seconds), however fast items are done.
PROGRESS_EVERY = 1.0
DEFAULT_JOBS_PER_USER = 3
ACTIVE = (ReportJobStatus.QUEUED, ReportJobStatus.RUNNING)


def params_of(args: MultiDict) -> dict[str, list[str]]:
    """Request arguments as JSON: every value of every name, text only, bounded."""
    return {
        str(name)[:40]: [str(v)[:200] for v in args.getlist(name)][:50]
        for name in list(args.keys())[:40]
    }


def args_of(job: ReportJob) -> MultiDict:
    """The request arguments a job was asked with (the inverse of `params_of`)."""
    return MultiDict([(k, v) for k, values in (job.params or {}).items() for v in values])


class TooManyJobsError(RuleError):
    """The person already has as many reports waiting or running as they may."""


def jobs_per_user() -> int:
    """How many reports one person may have waiting or running (REPORT_JOBS_PER_USER)."""
    return int(current_app.config.get("REPORT_JOBS_PER_USER", DEFAULT_JOBS_PER_USER))


def active_job_count(user: Any) -> int:
    """How many of `user`'s jobs are waiting or running."""
    return db.session.scalar(
        select(func.count(ReportJob.id)).where(
            ReportJob.requested_by_id == user.id, ReportJob.status.in_(ACTIVE)
        )
    )


def create_job(
    *,
    user: Any,
    kind: str,
    params: dict[str, list[str]],
    context: dict,
    content_type: str = PDF_TYPE,
) -> ReportJob:
    """Record a job for `user` and commit it (a worker picks it up); the caller has
    checked the input and built `context` before taking the write lock (this is the
    only write)."""
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
        content_type=content_type,
        stage="Waiting for a worker",
    )
    db.session.add(job)
    db.session.commit()
    return job


class JobFailedError(Exception):
    """A reason a job could not run that the user should read as it is."""


class LeaseLostError(Exception):
    """The job's lease ran out and another worker may have it: stop without writing."""


class JobReleasedError(Exception):
    """The worker is stopping: the job goes back to the queue for another worker."""


def _claim_order() -> list[int]:
    """Queued job ids in the order they should start: the oldest job of whoever has
    fewest running first, leaving out people already running RUNNING_PER_PERSON."""
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
    return [
        job_id
        for _running, job_id in sorted(
            (running.get(user_id, 0), job_id)
            for job_id, user_id in queued
            if running.get(user_id, 0) < RUNNING_PER_PERSON
        )
    ]


def claim_next(*, token: str = "", now: datetime | None = None) -> int | None:
    """Mark the next job running under a lease held by `token` and return its id (None
    when nothing may start). Commits.

    On PostgreSQL the chosen row is locked with FOR UPDATE SKIP LOCKED, so a second
    worker claiming at the same moment skips it and takes the next; elsewhere the claim
    is a conditional UPDATE, so two workers never claim the same job.
    """
    now = now or utcnow()
    order = _claim_order()
    db.session.rollback()  # end the reads before the short write
    claimed = {
        "status": ReportJobStatus.RUNNING,
        "started_at": now,
        "lease_until": now + LEASE,
        "claimed_by": token,
        "stage": "Starting",
        "progress_done": 0,
        "progress_total": 0,
    }
    if not order:
        return None
    if db.engine.dialect.name == "postgresql":
        rank = case({job_id: n for n, job_id in enumerate(order)}, value=ReportJob.id)
        job_id = db.session.scalar(
            select(ReportJob.id)
            .where(ReportJob.id.in_(order), ReportJob.status == ReportJobStatus.QUEUED)
            .order_by(rank)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        if job_id is not None:
            db.session.execute(update(ReportJob).where(ReportJob.id == job_id).values(**claimed))
        db.session.commit()
        return job_id
    for job_id in order:
        result = db.session.execute(
            update(ReportJob)
            .where(ReportJob.id == job_id, ReportJob.status == ReportJobStatus.QUEUED)
            .values(**claimed)
        )
        db.session.commit()
        if result.rowcount == 1:
            return job_id
    return None


def _holding(job_id: int, token: str):
    """The rows a worker may still write: this job, running, under its claim."""
    return (
        ReportJob.id == job_id,
        ReportJob.status == ReportJobStatus.RUNNING,
        ReportJob.claimed_by == token,
    )


def _write_if_held(job_id: int, token: str, **values: Any) -> bool:
    """Update the job on a connection of its own (not the session the job reads with),
    only while `token` still holds it; True when it did."""
    if "output" in values:  # the file's column is still called "pdf"
        values["pdf"] = values.pop("output")
    with db.engine.begin() as connection:
        result = connection.execute(
            update(ReportJob.__table__).where(*_holding(job_id, token)).values(**values)
        )
    return result.rowcount == 1


def renew_lease(job_id: int, *, token: str = "", now: datetime | None = None) -> bool:
    """Extend a running job's lease; False when `token` no longer holds it."""
    return _write_if_held(job_id, token, lease_until=(now or utcnow()) + LEASE)


class Progress:
    """What a job's builder tells the worker as it goes: a stage, and items done of a
    total. Each report renews the lease (at most every PROGRESS_EVERY seconds), raises
    LeaseLostError when another worker has the job, and JobReleasedError when this
    worker is stopping (so a long job hands itself back rather than being killed)."""

    def __init__(
        self, job_id: int, token: str, *, should_stop: Callable[[], bool] = lambda: False
    ) -> None:
        self.job_id, self.token, self.should_stop = job_id, token, should_stop
        self._written_at = 0.0

    def stage(self, name: str, *, total: int = 0) -> None:
        """A new step of the work (written at once)."""
        self._write(stage=name[:80], progress_done=0, progress_total=total)

    def advance(self, done: int, total: int | None = None) -> None:
        """`done` items of the stage's total are finished."""
        if time.monotonic() - self._written_at < PROGRESS_EVERY:
            if self.should_stop():
                raise JobReleasedError
            return
        values: dict[str, Any] = {"progress_done": done}
        if total is not None:
            values["progress_total"] = total
        self._write(**values)

    def counted(self, items: Iterable[Any], *, total: int) -> Iterator[Any]:
        """`items` unchanged, reporting how many have been taken so far."""
        for done, item in enumerate(items, start=1):
            yield item
            self.advance(done, total)

    def hold_in_session(self) -> None:
        """Check, inside the session's own transaction, that this worker still holds
        the job, and renew its lease there (on PostgreSQL the job's row stays locked
        until that transaction ends). A job whose work is its own database writes (an
        import) calls this just before committing them, so they are kept only while it
        holds the job; raises LeaseLostError otherwise."""
        result = db.session.execute(
            update(ReportJob)
            .where(*_holding(self.job_id, self.token))
            .values(lease_until=utcnow() + LEASE)
        )
        if result.rowcount != 1:
            raise LeaseLostError

    def _write(self, **values: Any) -> None:
        if self.should_stop():
            raise JobReleasedError
        self._written_at = time.monotonic()
        values["lease_until"] = utcnow() + LEASE
        if not _write_if_held(self.job_id, self.token, **values):
            raise LeaseLostError


@dataclass
class JobOutput:
    """The file a job produced."""

    body: bytes
    filename: str
    content_type: str
    item_count: int


Runner = Callable[[ReportJob, User, Progress], JobOutput]


def render_report(job: ReportJob, user: User, progress: Progress) -> JobOutput:
    """A report PDF: read what the report shows, then lay it out with WeasyPrint."""
    kind = KINDS.get(job.kind)
    if kind is None:
        raise JobFailedError("This kind of report no longer exists")
    progress.stage("Reading the actions", total=job.item_count)
    context = kind.build(user, args_of(job), today())
    if refusal(context):
        raise JobFailedError(refusal(context))
    progress.stage(f"Laying out the PDF of {context['item_count']} actions")
    body = render_pdf(render_template(kind.pdf_template, **context))
    return JobOutput(body, file_name(kind, context), PDF_TYPE, context["item_count"])


# Kinds of job that are not report PDFs (each module adds its own: see `runner_for`;
# `tracker.imports.jobs` adds the import's, and the worker imports it).
RUNNERS: dict[str, Runner] = {}
# The page that shows what a job did, for kinds whose result is not a file to download
# (an import: its own page). Each such module adds its kind's.
RESULT_PAGES: dict[str, Callable[[ReportJob], str | None]] = {}


def result_page(job: ReportJob) -> str | None:
    """The URL of the page showing what `job` did, when its result is not a download."""
    page = RESULT_PAGES.get(job.kind)
    return page(job) if page is not None else None


def runner_for(kind: str) -> Runner | None:
    """The function that builds a job of `kind`: a report PDF unless registered."""
    from tracker.reports import spreadsheets, word  # noqa: F401  (register their runners)

    if kind in RUNNERS:
        return RUNNERS[kind]
    return render_report if kind in KINDS else None


def run_job(
    app: Flask, job_id: int, token: str, *, should_stop: Callable[[], bool] = lambda: False
) -> ReportJobStatus | None:
    """Build one claimed job in an application context of its own; every outcome is
    written to the job row (while `token` still holds it). Returns the job's status
    afterwards from this worker's side (None when the job was lost to another)."""
    with app.app_context(), _LeaseKeeper(app, job_id, token):
        try:
            job = db.session.get(ReportJob, job_id)
            if job is None or job.status != ReportJobStatus.RUNNING or job.claimed_by != token:
                return None
            runner = runner_for(job.kind)
            if runner is None:
                raise JobFailedError("This kind of report no longer exists")
            user = db.session.get(User, job.requested_by_id)
            if user is None or not user.active:
                raise JobFailedError("The account that asked for this report is no longer active")
            output = runner(job, user, Progress(job_id, token, should_stop=should_stop))
            db.session.rollback()  # end the job's reads before storing the file
            stored = _write_if_held(
                job_id,
                token,
                output=output.body,
                filename=output.filename[:200],
                content_type=output.content_type,
                item_count=output.item_count,
                status=ReportJobStatus.READY,
                stage="Ready",
                progress_done=output.item_count,
                progress_total=output.item_count,
                finished_at=utcnow(),
                lease_until=None,
            )
            if not stored:
                log.warning("report job %s was taken over; its file was not stored", job_id)
                return None
            return ReportJobStatus.READY
        except LeaseLostError:
            db.session.rollback()
            log.warning("report job %s lost its lease and was left to another worker", job_id)
            return None
        except JobReleasedError:
            db.session.rollback()
            _write_if_held(
                job_id,
                token,
                status=ReportJobStatus.QUEUED,
                claimed_by="",
                lease_until=None,
                started_at=None,
                stage="Waiting for a worker",
            )
            log.info("report job %s handed back to the queue: the worker is stopping", job_id)
            return ReportJobStatus.QUEUED
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
                _write_if_held(
                    job_id,
                    token,
                    status=ReportJobStatus.FAILED,
                    error=message,
                    stage="Failed",
                    finished_at=utcnow(),
                    lease_until=None,
                )
            except Exception:
                log.exception("could not record the failure of report job %s", job_id)
            return ReportJobStatus.FAILED
        finally:
            db.session.remove()


class _LeaseKeeper:
    """Renews a running job's lease every HEARTBEAT until the work is over, so a step
    that reports no progress for a while (WeasyPrint laying out a PDF) keeps its claim;
    each renewal also tells monitoring the worker is alive."""

    def __init__(self, app: Flask, job_id: int, token: str) -> None:
        self.app, self.job_id, self.token = app, job_id, token
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, daemon=True, name="job-lease")

    def __enter__(self) -> _LeaseKeeper:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _beat(self) -> None:
        from tracker.heartbeats import WORKER, beat

        while not self._stop.wait(HEARTBEAT.total_seconds()):
            with self.app.app_context():
                try:
                    renew_lease(self.job_id, token=self.token)
                    beat(WORKER, job=self.job_id)
                    db.session.commit()
                except Exception:
                    db.session.rollback()
                    log.exception("could not renew the lease of report job %s", self.job_id)
                finally:
                    db.session.remove()


def _lease_ran_out(now: datetime):
    return (ReportJob.status == ReportJobStatus.RUNNING) & or_(
        ReportJob.lease_until < now,
        ReportJob.lease_until.is_(None) & (ReportJob.started_at < now - LEASE),
    )


def recover_interrupted(*, now: datetime | None = None) -> list[int]:
    """Queue again (one attempt more) each running job whose lease ran out, because its
    worker stopped; fail those already tried MAX_ATTEMPTS times. Returns the ids queued
    again. Commits.

    Every worker (and the scheduler) runs this; each change is a conditional UPDATE on
    the lease having run out, so a job another worker has just recovered and claimed
    (with a fresh lease) is left alone.
    """
    now = now or utcnow()
    lost = db.session.execute(
        select(ReportJob.id, ReportJob.attempt).where(_lease_ran_out(now))
    ).all()
    retried = []
    for job_id, attempt in lost:
        still_lost = update(ReportJob).where(ReportJob.id == job_id, _lease_ran_out(now))
        if attempt < MAX_ATTEMPTS:
            changed = db.session.execute(
                still_lost.values(
                    status=ReportJobStatus.QUEUED,
                    attempt=ReportJob.attempt + 1,
                    started_at=None,
                    lease_until=None,
                    claimed_by="",
                    stage="Waiting for a worker (the last one stopped before it finished)",
                    progress_done=0,
                    progress_total=0,
                )
            )
            if changed.rowcount == 1:
                retried.append(job_id)
        else:
            db.session.execute(
                still_lost.values(
                    status=ReportJobStatus.FAILED,
                    finished_at=now,
                    lease_until=None,
                    claimed_by="",
                    stage="Failed",
                    error=(
                        f"The report stopped before it finished, {MAX_ATTEMPTS} times. Try "
                        "again; if it stops again, tell the administrator."
                    ),
                )
            )
    db.session.commit()
    return retried


def waiting_count(*, now: datetime | None = None) -> int:
    """Jobs a worker should be doing: queued, or running with their lease run out."""
    now = now or utcnow()
    return db.session.scalar(
        select(func.count(ReportJob.id)).where(
            (ReportJob.status == ReportJobStatus.QUEUED) | _lease_ran_out(now)
        )
    )


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
    """How long a job of this size is expected to take."""
    return timedelta(seconds=round(BASE_SECONDS + job.item_count * per_action))


def is_stale(job: ReportJob, per_action: float, *, now: datetime | None = None) -> bool:
    """Stopped for good: running with its lease run out and no retry left (or, for a
    job from before leases, running far longer than its size takes). A job whose
    worker stopped but that has attempts left is not stale: a worker retries it."""
    if job.status != ReportJobStatus.RUNNING:
        return False
    now = now or utcnow()
    if job.lease_until is not None:
        return job.lease_until < now and job.attempt >= MAX_ATTEMPTS
    since = job.started_at or job.created_at
    limit = max(STALE_AFTER_AT_LEAST, estimate(job, per_action) * 5)
    return now - since > limit


def recent_jobs(user: Any) -> list[ReportJob]:
    """`user`'s latest jobs, newest first."""
    return list(
        db.session.scalars(
            select(ReportJob)
            .where(ReportJob.requested_by_id == user.id)
            .order_by(ReportJob.id.desc())
            .limit(RECENT)
        )
    )


def prune_jobs(*, older_than: timedelta | None = None, now: datetime | None = None) -> int:
    """Delete jobs (and their files) created more than `older_than` (by default
    REPORT_RETENTION_DAYS) ago; returns how many."""
    if older_than is None:
        older_than = timedelta(days=current_app.config["REPORT_RETENTION_DAYS"])
    cutoff = (now or utcnow()) - older_than
    result = db.session.execute(delete(ReportJob).where(ReportJob.created_at < cutoff))
    db.session.commit()
    return result.rowcount or 0
