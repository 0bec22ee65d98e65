"""`flask worker`: the process that produces long reports and big exports.

It claims jobs from the `report_jobs` table one at a time (see `tracker.reports.jobs`
for how claims, leases and retries keep each job done once) and runs each in an
application context of its own. Run one or more per installation, never inside the
web workers. Every POLL seconds it queues again jobs whose worker died, writes its
heartbeat (read by /healthz/detail and `flask doctor`) and looks for work.

SIGTERM (systemctl stop) or Ctrl+C stops it cleanly: a job in progress is handed back
to the queue at its next progress report (or finished, when it is in a step that does
not report), then the process exits. `--once` works through the queue and exits.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time
import uuid
from datetime import timedelta

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from tracker.db import db
from tracker.heartbeats import WORKER, beat

log = logging.getLogger(__name__)

# Seconds between looks at the queue when it is empty.
POLL_SECONDS = 5.0
# The heartbeat is written at most this often while idle.
BEAT_EVERY = timedelta(seconds=30)


class Worker:
    """Claims and runs jobs until stopped (or, with `once`, until none is left)."""

    def __init__(self, app: Flask, *, poll: float = POLL_SECONDS) -> None:
        self.app = app
        self.poll = poll
        self.name = f"{socket.gethostname()}:{os.getpid()}"
        self.done = 0
        self._stopping = threading.Event()
        self._beaten_at: float | None = None

    def stop(self) -> None:
        """Finish or hand back the current job, then return from `run`."""
        self._stopping.set()

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    def run(self, *, once: bool = False) -> int:
        """Work until stopped (or the queue is empty, with `once`); returns how many
        jobs this worker finished, failed or handed back."""
        from tracker.imports import jobs as import_jobs  # noqa: F401  (registers its runner)
        from tracker.reports import jobs

        while not self.stopping:
            with self.app.app_context():
                try:
                    self._beat()
                    jobs.recover_interrupted()
                    token = f"{self.name}:{uuid.uuid4().hex[:12]}"
                    job_id = jobs.claim_next(token=token)
                except Exception:
                    db.session.rollback()
                    log.exception("the worker could not look for jobs")
                    job_id = None
                    if once:
                        raise
                finally:
                    db.session.remove()
            if job_id is None:
                if once:
                    break
                self._stopping.wait(self.poll)
                continue
            log.info("job claimed", extra={"job": job_id, "worker": self.name})
            outcome = jobs.run_job(self.app, job_id, token, should_stop=lambda: self.stopping)
            self.done += 1
            log.info(
                "job over",
                extra={"job": job_id, "outcome": getattr(outcome, "value", "lost")},
            )
        return self.done

    def _beat(self) -> None:
        now = time.monotonic()
        if self._beaten_at is not None and now - self._beaten_at < BEAT_EVERY.total_seconds():
            return
        beat(WORKER, worker=self.name, jobs_done=self.done)
        db.session.commit()
        self._beaten_at = now


@click.command("worker")
@click.option("--once", is_flag=True, help="Work through the queued jobs, then exit.")
@click.option(
    "--poll",
    type=click.FloatRange(min=0.1),
    default=POLL_SECONDS,
    show_default=True,
    help="Seconds between looks at an empty queue.",
)
@with_appcontext
def worker_command(once: bool, poll: float) -> None:
    """Run the job worker in the foreground (long reports, big exports) until SIGTERM."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    worker = Worker(app, poll=poll)

    def stop(signum: int, _frame: object) -> None:
        click.echo(f"Worker {worker.name}: stopping ({signal.Signals(signum).name}).")
        worker.stop()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    click.echo(f"Worker {worker.name} started{' (--once)' if once else ''}.")
    done = worker.run(once=once)
    click.echo(f"Worker {worker.name} stopped after {done} job(s).")
