"""Large imports are written by the worker process, not in the web request.

A batch of more rows than IMPORT_BACKGROUND_THRESHOLD is confirmed by queueing a job
of kind IMPORT_COMMIT (`queue_commit`); the worker (`flask worker`) runs it with
`commit_import`, which calls the same `services.commit_batch` as a direct commit, as
the person who confirmed, and commits once: the rows, their audit events, the batch's
new state and the job's own check that it still holds its lease, all in one
transaction. A worker stopped mid-import therefore leaves nothing written, and the
retry (after its lease runs out) writes the import once. A retry that finds the batch
already written by this same job (the worker stopped after the import's commit but
before the job was marked ready) reports it as done; any other commit of the batch
meanwhile makes the job fail, as a second commit from another tab would.
"""

from __future__ import annotations

from flask import current_app, url_for
from sqlalchemy import select

from tracker.auth.models import User
from tracker.db import db
from tracker.errors import RuleError
from tracker.imports import services
from tracker.imports.models import ImportBatch, ImportStatus
from tracker.imports.parsing import FileProblemError
from tracker.imports.plan import Plan
from tracker.imports.services import BatchStateError, ImportRefusedError
from tracker.reports import jobs
from tracker.reports.models import ReportJob

IMPORT_COMMIT = "import_commit"
# The import's own record of the job that wrote it (in `ImportBatch.options`).
COMMITTED_BY_JOB = "committed_by_job"
# Imports write no file: the job's output is empty and this is its content type.
NO_FILE = "text/plain"


def background_threshold() -> int:
    """Imports of more rows than this are written by the worker (IMPORT_BACKGROUND_THRESHOLD)."""
    return int(current_app.config["IMPORT_BACKGROUND_THRESHOLD"])


def row_count(batch: ImportBatch) -> int:
    """How many rows the batch's file holds (0 when it cannot be read: the direct commit
    then says why)."""
    try:
        return len(services.sheet_for(batch.content or b"", batch.options or {}).rows)
    except FileProblemError:
        return 0


def commit_job_for(batch: ImportBatch) -> ReportJob | None:
    """The job waiting to write, or writing, this batch (None when there is none)."""
    active = db.session.scalars(
        select(ReportJob)
        .where(ReportJob.kind == IMPORT_COMMIT, ReportJob.status.in_(jobs.ACTIVE))
        .order_by(ReportJob.id.desc())
    )
    return next((job for job in active if _batch_id_of(job) == batch.id), None)


def queue_commit(batch: ImportBatch, *, rows: int, by: User, expected_version: int) -> ReportJob:
    """Queue the job that writes the `rows` rows of `batch` and commit (the request's
    only write), or return the job already waiting to write it. Raises BatchStateError
    when the batch is no longer waiting or changed meanwhile, jobs.TooManyJobsError when
    `by` has as many jobs on the way as they may."""
    queued = commit_job_for(batch)
    if queued is not None:
        return queued
    services.ensure_pending(batch, expected_version)
    return jobs.create_job(
        user=by,
        kind=IMPORT_COMMIT,
        params={"batch_id": [str(batch.id)], "version": [str(expected_version)]},
        context={"title": f"Import of {batch.filename}", "item_count": rows},
        content_type=NO_FILE,
    )


def _batch_id_of(job: ReportJob) -> int | None:
    value = (job.params or {}).get("batch_id", [""])[0]
    return int(value) if value.isdigit() else None


def commit_import(job: ReportJob, user: User, progress: jobs.Progress) -> jobs.JobOutput:
    """The job's work: write the batch through `services.commit_batch` and commit."""
    batch_id = _batch_id_of(job)
    batch = db.session.get(ImportBatch, batch_id) if batch_id is not None else None
    if batch is None:
        raise jobs.JobFailedError("This import no longer exists")
    if (
        batch.status == ImportStatus.COMMITTED
        and (batch.options or {}).get(COMMITTED_BY_JOB) == job.id
    ):
        return _done(batch)  # written by an earlier attempt of this job
    version = int(job.params["version"][0])
    progress.stage(f"Checking {job.item_count:,} rows", total=job.item_count)

    def checked(plan: Plan) -> None:
        # The last write on the job's own connection before the import's first write
        # (on SQLite a second writer would wait for the import's transaction).
        progress.stage(f"Writing {plan.row_count:,} rows", total=plan.row_count)

    try:
        services.commit_batch(batch, by=user, expected_version=version, on_checked=checked)
    except (BatchStateError, ImportRefusedError, RuleError) as refused:
        db.session.rollback()
        raise jobs.JobFailedError(_message(refused)) from refused
    batch.options = {**batch.options, COMMITTED_BY_JOB: job.id}
    db.session.flush()
    progress.hold_in_session()  # raises LeaseLostError (nothing kept) if another worker has it
    db.session.commit()
    return _done(batch)


def _message(refused: Exception) -> str:
    """What the job page says: the refusal, which states that nothing was written."""
    if isinstance(refused, RuleError):
        return f"Nothing was imported: {refused.message}"
    return str(refused)


def _done(batch: ImportBatch) -> jobs.JobOutput:
    return jobs.JobOutput(b"", "", NO_FILE, batch.row_count)


def import_page(job: ReportJob) -> str | None:
    """The job page links here: the import the job writes."""
    batch_id = _batch_id_of(job)
    return url_for("imports.show", batch_id=batch_id) if batch_id is not None else None


jobs.RUNNERS[IMPORT_COMMIT] = commit_import
jobs.RESULT_PAGES[IMPORT_COMMIT] = import_page
